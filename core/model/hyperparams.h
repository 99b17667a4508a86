// The few numbers a person edits in the model panel, and the full ModelConfig they imply.
// Derived fields follow the families' conventions: head_dim = d_model / n_heads, d_inner =
// expand · d_model, dt_rank = ceil(d_model / 16), Mamba-2 heads = d_inner / 32 (head dim P = 32,
// or d_inner when smaller), MLP width scaled with d_model from the base config of the same family
// (from another family: SwiGLU 8/3 · d_model rounded up to a multiple of 8, GPT-2 4 · d_model).
// Jamba places one attention layer in every `attn_every` layers (at the middle of each period, as
// Jamba-v0.1 does) and an MoE MLP in every `moe_every` layers (at odd offsets).
#pragma once

#include <cstdint>

#include "core/model/config.h"

namespace seqlens {

struct HyperParams {
  Family family = Family::Llama;
  int64_t n_layers = 4;
  int64_t d_model = 128;
  int64_t n_heads = 4;     // attention query heads
  int64_t n_kv_heads = 2;  // attention KV heads (GQA); GPT-2 uses n_heads
  int64_t d_state = 16;    // N
  int64_t expand = 2;      // E = d_inner / d_model
  int64_t num_experts = 4;
  int64_t top_k = 2;
  int64_t attn_every = 4;  // Jamba: 1 attention layer per this many layers
  int64_t moe_every = 2;   // Jamba: 1 MoE MLP per this many layers (1: every layer)

  bool operator==(const HyperParams&) const = default;
};

// The editable numbers of a config (the inverse of make_config for configs it produced).
HyperParams hyperparams_of(const ModelConfig& c);

// A complete config from `base` (vocabulary, eps, token ids, init ranges kept) with `h` applied
// and every derived field recomputed. Throws Error(Config) naming the offending value (via
// validate) when the combination is impossible, e.g. heads not dividing d_model.
ModelConfig make_config(const ModelConfig& base, const HyperParams& h);

}  // namespace seqlens
