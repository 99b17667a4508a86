#include "core/analysis/projection.h"

#include <algorithm>
#include <string>

#include "core/analysis/scaling.h"
#include "core/common/error.h"
#include "core/model/param_spec.h"

namespace seqlens {

namespace {

// Values from each repository's config.json (hub ids in published_models()).
ModelConfig llama2_7b() {  // meta-llama/Llama-2-7b-hf
  ModelConfig c;
  c.family = Family::Llama;
  c.vocab_size = 32000;
  c.d_model = 4096;
  c.n_layers = 32;
  c.n_heads = 32;
  c.n_kv_heads = 32;  // full multi-head attention (no GQA at 7B)
  c.head_dim = 128;
  c.intermediate_size = 11008;
  c.max_position_embeddings = 4096;
  c.rope_theta = 10000.0;
  c.norm_eps = 1e-5;
  c.tie_word_embeddings = false;
  return c;
}

ModelConfig mistral_7b() {  // mistralai/Mistral-7B-v0.1: Llama with GQA (8 KV heads) and a
                            // 4096-token sliding window (kept outside the config: see below)
  ModelConfig c = llama2_7b();
  c.n_kv_heads = 8;
  c.intermediate_size = 14336;
  c.max_position_embeddings = 32768;
  return c;
}

// mistralai/Mixtral-8x7B-v0.1: Mistral's attention (GQA 8) with a sparse MoE FFN in every layer,
// 8 experts, top-2, renormalised weights, rope_theta 1e6, 32768 positions. Its first config.json
// (transformers 4.36.0) said sliding_window 4096; Mistral later set it to null, and the model uses
// full attention: we use null (no window). The core has no Mixtral family, so it is written as a
// Jamba whose every layer is attention (period 1, offset 0) with MoE every layer (period 1,
// offset 0): the tensors (and hence the counts) are the same; only RoPE differs, which has no
// parameters.
ModelConfig mixtral_8x7b() {
  ModelConfig c = mistral_7b();
  c.family = Family::Jamba;
  c.rope_theta = 1e6;
  c.attn_layer_period = 1;
  c.attn_layer_offset = 0;
  c.expert_layer_period = 1;
  c.expert_layer_offset = 0;
  c.num_experts = 8;
  c.top_k = 2;
  c.router_renormalize = true;
  c.router_aux_loss_coef = 0.02;
  return c;
}

ModelConfig mamba_2_8b() {  // state-spaces/mamba-2.8b-hf
  ModelConfig c;
  c.family = Family::Mamba1;
  c.vocab_size = 50280;
  c.d_model = 2560;
  c.n_layers = 64;
  c.d_state = 16;
  c.d_conv = 4;
  c.expand = 2;
  c.d_inner = 5120;
  c.dt_rank = 160;  // "auto" = ceil(2560 / 16)
  c.conv_bias = true;
  c.proj_bias = false;
  c.norm_eps = 1e-5;
  c.tie_word_embeddings = true;
  return c;
}

ModelConfig jamba_v01() {  // ai21labs/Jamba-v0.1 (models.md C.7)
  ModelConfig c;
  c.family = Family::Jamba;
  c.vocab_size = 65536;
  c.d_model = 4096;
  c.intermediate_size = 14336;
  c.n_layers = 32;
  c.n_heads = 32;
  c.n_kv_heads = 8;
  c.head_dim = 128;
  c.attn_layer_period = 8;
  c.attn_layer_offset = 4;
  c.expert_layer_period = 2;
  c.expert_layer_offset = 1;
  c.num_experts = 16;
  c.top_k = 2;
  c.d_state = 16;
  c.d_conv = 4;
  c.expand = 2;
  c.d_inner = 8192;
  c.dt_rank = 256;
  c.conv_bias = true;
  c.proj_bias = false;
  c.norm_eps = 1e-6;
  c.tie_word_embeddings = false;
  c.max_position_embeddings = 262144;
  return c;
}

}  // namespace

std::vector<PublishedModel> published_models() {
  return {
      {"Llama-2-7B", "meta-llama/Llama-2-7b-hf", llama2_7b(), 0, 4096},
      {"Mistral-7B", "mistralai/Mistral-7B-v0.1", mistral_7b(), 4096, 32768},
      {"Mixtral-8x7B", "mistralai/Mixtral-8x7B-v0.1", mixtral_8x7b(), 0, 32768},
      {"Mamba-2.8B", "state-spaces/mamba-2.8b-hf", mamba_2_8b(), 0, 0},
      {"Jamba-v0.1", "ai21labs/Jamba-v0.1", jamba_v01(), 0, 262144},
  };
}

int64_t kv_cache_bytes(const ModelConfig& c, int64_t n, int64_t window, int bytes_per_elem) {
  if (n < 0 || window < 0 || bytes_per_elem < 1)
    throw Error(ErrorKind::InvalidArgument,
                "kv_cache_bytes: negative length or window, or element size below 1 byte");
  const int64_t kept = window > 0 ? std::min(n, window) : n;
  return 2 * c.attention_layers() * c.n_kv_heads * c.head_dim * kept * bytes_per_elem;
}

int64_t ssm_state_bytes(const ModelConfig& c, int bytes_per_elem) {
  int64_t elems = 0;
  for (const LayerKind& k : c.layer_map()) {
    if (k.mixer == MixerKind::Attention) continue;
    const int64_t conv_ch =
        k.mixer == MixerKind::Mamba2 ? c.d_inner + 2 * c.n_groups * c.d_state : c.d_inner;
    elems += conv_ch * c.d_conv + c.d_inner * c.d_state;  // E_in·N = H·P·N for Mamba-2
  }
  return elems * bytes_per_elem;
}

std::vector<ModelProjection> project_published(const ProjectionOptions& o) {
  const std::vector<int64_t> ns = scaling_lengths(o.min_n, o.max_n);
  std::vector<ModelProjection> out;
  for (const PublishedModel& m : published_models()) {
    ModelProjection p;
    p.model = m;
    const ParamCount pc = count_params(m.config);
    p.params_total = pc.total;
    p.params_active = pc.active;
    p.kv_bytes_per_token = kv_cache_bytes(m.config, 1, 0, o.bytes_per_elem);
    p.ssm_bytes = ssm_state_bytes(m.config, o.bytes_per_elem);
    for (int64_t n : ns) {
      ProjectionPoint q{n, kv_cache_bytes(m.config, n, m.sliding_window, o.bytes_per_elem),
                        p.ssm_bytes};
      if (p.crossing_n == 0 && q.total() >= o.threshold_bytes) p.crossing_n = n;
      p.points.push_back(q);
    }
    out.push_back(std::move(p));
  }
  return out;
}

}  // namespace seqlens
