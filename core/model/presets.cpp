#include "core/model/presets.h"

#include "core/common/error.h"
#include "core/model/tokenizer.h"

namespace seqlens {

namespace {

// Small enough to run a forward pass over a paragraph in milliseconds, large enough to show
// structure: every preset has the byte-level vocabulary, and all but jamba-tiny have 4 layers of
// d_model 128.
ModelConfig base(Family f) {
  ModelConfig c;
  c.family = f;
  c.vocab_size = ByteTokenizer::kVocabSize;
  c.d_model = 128;
  c.n_layers = 4;
  c.pad_token_id = ByteTokenizer::kPad;
  c.bos_token_id = ByteTokenizer::kBos;
  c.eos_token_id = ByteTokenizer::kEos;
  c.initializer_range = 0.02;
  return c;
}

ModelConfig gpt2_tiny() {
  ModelConfig c = base(Family::GPT2);
  c.n_heads = c.n_kv_heads = 4;
  c.head_dim = 32;
  c.intermediate_size = 4 * c.d_model;
  c.max_position_embeddings = 4096;
  c.norm_eps = 1e-5;
  c.tie_word_embeddings = true;
  return c;
}

ModelConfig llama_tiny() {
  ModelConfig c = base(Family::Llama);
  c.n_heads = 4;
  c.n_kv_heads = 2;
  c.head_dim = 32;
  c.intermediate_size = 344;
  c.max_position_embeddings = 1 << 20;
  c.rope_theta = 10000.0;
  c.norm_eps = 1e-5;
  c.tie_word_embeddings = false;
  return c;
}

ModelConfig mamba1_tiny() {
  ModelConfig c = base(Family::Mamba1);
  c.d_state = 16;
  c.d_conv = 4;
  c.expand = 2;
  c.d_inner = 256;
  c.dt_rank = 8;  // ceil(128 / 16)
  c.norm_eps = 1e-5;
  c.tie_word_embeddings = true;
  return c;
}

ModelConfig mamba2_tiny() {
  ModelConfig c = base(Family::Mamba2);
  c.d_state = 32;
  c.d_conv = 4;
  c.expand = 2;
  c.d_inner = 256;
  c.ssm_heads = 8;
  c.ssm_head_dim = 32;
  c.n_groups = 1;
  c.chunk_size = 64;
  c.norm_eps = 1e-5;
  c.tie_word_embeddings = true;
  return c;
}

// One Jamba block of eight layers, so that the interleaving shows (M M A M | M M A M), at half the
// width of the other presets: eight layers of d_model 128 cost twice what four do, and the app
// redraws every view within 30 ms of an edit at 512 tokens only at this width.
ModelConfig jamba_tiny() {
  ModelConfig c = base(Family::Jamba);
  c.d_model = 64;
  c.n_layers = 8;
  c.n_heads = 4;
  c.n_kv_heads = 2;
  c.head_dim = 16;  // d_model / n_heads, as Jamba requires
  c.intermediate_size = 128;
  c.d_state = 16;
  c.d_conv = 4;
  c.expand = 2;
  c.d_inner = 128;
  c.dt_rank = 4;  // ceil(64 / 16)
  // Unused by Mamba-1 mixers; kept consistent with d_inner.
  c.ssm_heads = c.d_inner / c.ssm_head_dim;
  c.attn_layer_period = 4;  // attention at layers 2 and 6: 1:3 attention:Mamba
  c.attn_layer_offset = 2;
  c.expert_layer_period = 2;  // MoE at every odd layer
  c.expert_layer_offset = 1;
  c.num_experts = 4;
  c.top_k = 2;
  c.norm_eps = 1e-6;
  c.tie_word_embeddings = false;
  return c;
}

struct Entry {
  const char* name;
  const char* description;
  ModelConfig (*make)();
  uint64_t seed;
};

const Entry kPresets[] = {
    {"gpt2-tiny", "GPT-2 style Transformer: 4 layers, d 128, 4 heads, learned positions", gpt2_tiny,
     1},
    {"llama-tiny", "Llama style Transformer: 4 layers, d 128, 4 heads / 2 KV heads, RoPE",
     llama_tiny, 2},
    {"mamba1-tiny", "Mamba-1: 4 layers, d 128, d_inner 256, d_state 16", mamba1_tiny, 3},
    {"mamba2-tiny", "Mamba-2 (SSD): 4 layers, d 128, 8 heads x 32, d_state 32", mamba2_tiny, 4},
    {"jamba-tiny",
     "Jamba hybrid: 8 layers, d 64, attention at 2 and 6, MoE (4 experts, top-2) at odd layers",
     jamba_tiny, 5},
};

const Entry* find(const std::string& name) {
  for (const Entry& e : kPresets)
    if (name == e.name) return &e;
  return nullptr;
}

}  // namespace

std::vector<PresetInfo> preset_list() {
  std::vector<PresetInfo> out;
  for (const Entry& e : kPresets) out.push_back({e.name, e.description});
  return out;
}

bool is_preset(const std::string& name) {
  return find(name) != nullptr;
}

static const Entry& get(const std::string& name) {
  if (const Entry* e = find(name)) return *e;
  std::string known;
  for (const Entry& e : kPresets) known += std::string(known.empty() ? "" : ", ") + e.name;
  throw Error(ErrorKind::InvalidArgument, "unknown preset '" + name + "' (known: " + known + ")");
}

ModelConfig preset_config(const std::string& name) {
  return get(name).make();
}
uint64_t preset_seed(const std::string& name) {
  return get(name).seed;
}
Model make_preset(const std::string& name) {
  const Entry& e = get(name);
  return init_model(e.make(), e.seed);
}

}  // namespace seqlens
