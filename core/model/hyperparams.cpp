#include "core/model/hyperparams.h"

#include <algorithm>
#include <string>

#include "core/common/error.h"

namespace seqlens {

namespace {

int64_t ceil_div(int64_t a, int64_t b) {
  return b > 0 ? (a + b - 1) / b : 0;
}

}  // namespace

HyperParams hyperparams_of(const ModelConfig& c) {
  HyperParams h;
  h.family = c.family;
  h.n_layers = c.n_layers;
  h.d_model = c.d_model;
  h.n_heads = c.n_heads;
  h.n_kv_heads = c.n_kv_heads;
  h.d_state = c.d_state;
  h.expand = c.expand;
  h.num_experts = c.num_experts;
  h.top_k = c.top_k;
  h.attn_every = c.attn_layer_period;
  h.moe_every = c.expert_layer_period;
  return h;
}

ModelConfig make_config(const ModelConfig& base, const HyperParams& h) {
  ModelConfig c = base;
  c.family = h.family;
  c.n_layers = h.n_layers;
  c.d_model = h.d_model;
  c.n_heads = h.n_heads;
  c.n_kv_heads = h.family == Family::GPT2 ? h.n_heads : h.n_kv_heads;
  c.head_dim = h.n_heads > 0 ? h.d_model / h.n_heads : 0;
  if (base.family == h.family && base.d_model > 0 && base.intermediate_size > 0) {
    // Same family: keep the base's MLP width ratio (a preset stays exactly itself).
    c.intermediate_size = ceil_div(base.intermediate_size * h.d_model, base.d_model * 8) * 8;
  } else {
    c.intermediate_size =
        h.family == Family::GPT2 ? 4 * h.d_model : ceil_div(8 * h.d_model, 3 * 8) * 8;
  }
  c.d_state = h.d_state;
  c.expand = h.expand;
  c.d_inner = h.expand * h.d_model;
  c.dt_rank = ceil_div(h.d_model, 16);
  c.ssm_head_dim = std::min<int64_t>(32, c.d_inner);
  c.ssm_heads = c.ssm_head_dim > 0 ? c.d_inner / c.ssm_head_dim : 0;
  c.num_experts = h.num_experts;
  c.top_k = h.top_k;
  c.attn_layer_period = h.attn_every;
  c.attn_layer_offset = h.attn_every / 2;
  c.expert_layer_period = h.moe_every;
  c.expert_layer_offset = h.moe_every > 1 ? 1 : 0;
  if (h.n_heads > 0 && h.d_model % h.n_heads != 0)
    throw Error(ErrorKind::Config, "d_model (" + std::to_string(h.d_model) +
                                       ") must be divisible by the number of heads (" +
                                       std::to_string(h.n_heads) + ")");
  if (c.ssm_head_dim > 0 && c.d_inner % c.ssm_head_dim != 0)
    throw Error(ErrorKind::Config, "d_inner = expand · d_model (" + std::to_string(c.d_inner) +
                                       ") must be a multiple of the Mamba-2 head size 32");
  validate(c);
  return c;
}

}  // namespace seqlens
