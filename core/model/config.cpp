#include "core/model/config.h"

#include <string>

#include "core/common/error.h"

namespace seqlens {

const char* family_name(Family f) {
  switch (f) {
    case Family::GPT2:
      return "gpt2";
    case Family::Llama:
      return "llama";
    case Family::Mamba1:
      return "mamba";
    case Family::Mamba2:
      return "mamba2";
    case Family::Jamba:
      return "jamba";
  }
  return "?";
}

std::vector<LayerKind> ModelConfig::layer_map() const {
  std::vector<LayerKind> map;
  map.reserve(static_cast<size_t>(n_layers > 0 ? n_layers : 0));
  for (int64_t i = 0; i < n_layers; ++i) {
    switch (family) {
      case Family::GPT2:
      case Family::Llama:
        map.push_back({MixerKind::Attention, FfnKind::Dense});
        break;
      case Family::Mamba1:
        map.push_back({MixerKind::Mamba1, FfnKind::None});
        break;
      case Family::Mamba2:
        map.push_back({MixerKind::Mamba2, FfnKind::None});
        break;
      case Family::Jamba: {
        // models.md C.1: attention iff i mod period == offset; MoE iff i mod e_period == e_offset
        // and there is more than one expert (HF uses a dense MLP when num_experts == 1).
        const bool attn = i % attn_layer_period == attn_layer_offset;
        const bool moe = num_experts > 1 && i % expert_layer_period == expert_layer_offset;
        map.push_back(
            {attn ? MixerKind::Attention : MixerKind::Mamba1, moe ? FfnKind::MoE : FfnKind::Dense});
        break;
      }
    }
  }
  return map;
}

int64_t ModelConfig::attention_layers() const {
  int64_t n = 0;
  for (const LayerKind& k : layer_map()) n += k.mixer == MixerKind::Attention;
  return n;
}

int64_t ModelConfig::mamba_layers() const {
  return n_layers - attention_layers();
}

namespace {

[[noreturn]] void bad(const std::string& field, const std::string& problem) {
  throw Error(ErrorKind::Config, "config field '" + field + "': " + problem);
}

// Sizes above this are refused outright: no real model comes close, and it keeps every product
// of two sizes far below int64 overflow.
constexpr int64_t kMaxDim = int64_t{1} << 24;

void positive(const std::string& field, int64_t v, int64_t max = kMaxDim) {
  if (v <= 0) bad(field, "must be positive, got " + std::to_string(v));
  if (v > max) bad(field, "is " + std::to_string(v) + ", above the limit " + std::to_string(max));
}

void divides(const std::string& field, int64_t a, const std::string& of, int64_t b) {
  if (b % a != 0)
    bad(field, std::to_string(a) + " does not divide " + of + " = " + std::to_string(b));
}

}  // namespace

void validate(const ModelConfig& c) {
  positive("vocab_size", c.vocab_size);
  positive("d_model", c.d_model, 1 << 17);
  positive("n_layers", c.n_layers, 4096);
  if (!(c.norm_eps > 0.0 && c.norm_eps < 1.0)) bad("norm_eps", "must be in (0, 1)");

  bool has_attention = false, has_mamba = false, has_ffn = false;
  switch (c.family) {
    case Family::GPT2:
    case Family::Llama:
      has_attention = true;
      has_ffn = true;
      break;
    case Family::Mamba1:
    case Family::Mamba2:
      has_mamba = true;
      break;
    case Family::Jamba: {
      positive("attn_layer_period", c.attn_layer_period, 1 << 20);
      positive("expert_layer_period", c.expert_layer_period, 1 << 20);
      if (c.attn_layer_offset < 0 || c.attn_layer_offset >= c.attn_layer_period)
        bad("attn_layer_offset",
            "must be in [0, attn_layer_period = " + std::to_string(c.attn_layer_period) +
                "), got " + std::to_string(c.attn_layer_offset));
      if (c.expert_layer_offset < 0 || c.expert_layer_offset >= c.expert_layer_period)
        bad("expert_layer_offset",
            "must be in [0, expert_layer_period = " + std::to_string(c.expert_layer_period) +
                "), got " + std::to_string(c.expert_layer_offset));
      positive("num_experts", c.num_experts, 1024);
      positive("num_experts_per_tok", c.top_k, c.num_experts);
      has_attention = c.attention_layers() > 0;
      has_mamba = c.mamba_layers() > 0;
      has_ffn = true;
      break;
    }
  }
  if (has_attention) {
    positive("num_attention_heads", c.n_heads, 4096);
    positive("num_key_value_heads", c.n_kv_heads, c.n_heads);
    divides("num_key_value_heads", c.n_kv_heads, "num_attention_heads", c.n_heads);
    positive("head_dim", c.head_dim, 1 << 14);
    if (c.family == Family::GPT2 || c.family == Family::Jamba) {
      divides("num_attention_heads", c.n_heads, "hidden_size", c.d_model);
      if (c.head_dim != c.d_model / c.n_heads) bad("head_dim", "must equal hidden_size / heads");
    }
    if (c.family == Family::Llama) {
      if (c.head_dim % 2 != 0) bad("head_dim", "must be even for rotary embeddings");
      if (!(c.rope_theta > 1.0)) bad("rope_theta", "must be greater than 1");
    }
    if (c.family == Family::GPT2) positive("n_positions", c.max_position_embeddings);
  }
  if (has_ffn) positive("intermediate_size", c.intermediate_size, 1 << 20);
  if (has_mamba) {
    positive("state_size", c.d_state, 4096);
    positive("conv_kernel", c.d_conv, 64);
    positive("expand", c.expand, 64);
    positive("d_inner", c.d_inner, 1 << 20);
    if (c.d_inner != c.expand * c.d_model)
      bad("intermediate_size", "the Mamba inner width must equal expand * hidden_size = " +
                                   std::to_string(c.expand * c.d_model));
    if (c.family == Family::Mamba2) {
      positive("num_heads", c.ssm_heads, 1 << 16);
      positive("head_dim", c.ssm_head_dim, 1 << 16);
      if (c.ssm_heads * c.ssm_head_dim != c.d_inner)
        bad("num_heads", "num_heads * head_dim = " + std::to_string(c.ssm_heads * c.ssm_head_dim) +
                             " must equal expand * hidden_size = " + std::to_string(c.d_inner));
      positive("n_groups", c.n_groups, c.ssm_heads);
      divides("n_groups", c.n_groups, "num_heads", c.ssm_heads);
      positive("chunk_size", c.chunk_size, 1 << 16);
      if (!(c.time_step_limit_min >= 0.0 && c.time_step_limit_max > c.time_step_limit_min))
        bad("time_step_limit", "must be (min, max) with 0 <= min < max");
    } else {
      positive("time_step_rank", c.dt_rank, 1 << 16);
    }
    if (!(c.time_step_min > 0.0 && c.time_step_max >= c.time_step_min))
      bad("time_step_min", "must satisfy 0 < time_step_min <= time_step_max");
  }
}

const char* mixer_name(MixerKind k) {
  switch (k) {
    case MixerKind::Attention:
      return "attention";
    case MixerKind::Mamba1:
      return "mamba1";
    case MixerKind::Mamba2:
      return "mamba2";
  }
  return "?";
}

const char* ffn_name(FfnKind k) {
  switch (k) {
    case FfnKind::None:
      return "none";
    case FfnKind::Dense:
      return "dense";
    case FfnKind::MoE:
      return "moe";
  }
  return "?";
}

}  // namespace seqlens
