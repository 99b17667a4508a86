// Small configurations of every family for model-level tests, plus the published configurations
// whose analytic properties (layer maps, parameter counts) models.md states.
#pragma once

#include <stdexcept>

#include "core/analysis/projection.h"
#include "core/model/config.h"
#include "core/model/presets.h"

namespace seqlens::test {

// ai21labs/Jamba-v0.1 (models.md C.7), as the core ships it for the projection view.
inline ModelConfig jamba_v01() {
  for (const PublishedModel& m : published_models())
    if (m.name == "Jamba-v0.1") return m.config;
  throw std::logic_error("Jamba-v0.1 is missing from published_models()");
}

inline ModelConfig jamba_tiny_random() {
  ModelConfig c = jamba_v01();
  c.d_model = 128;
  c.n_layers = 8;
  c.n_heads = 2;
  c.n_kv_heads = 1;
  c.head_dim = 64;
  c.attn_layer_period = 4;
  c.attn_layer_offset = 2;
  c.num_experts = 4;
  c.d_inner = 256;
  c.dt_rank = 8;
  return c;
}

inline ModelConfig mamba_130m() {
  ModelConfig c;
  c.family = Family::Mamba1;
  c.vocab_size = 50280;
  c.d_model = 768;
  c.n_layers = 24;
  c.d_state = 16;
  c.d_conv = 4;
  c.expand = 2;
  c.d_inner = 1536;
  c.dt_rank = 48;
  c.tie_word_embeddings = true;
  return c;
}

inline ModelConfig gpt2_small() {
  ModelConfig c;
  c.family = Family::GPT2;
  c.vocab_size = 50257;
  c.d_model = 768;
  c.n_layers = 12;
  c.n_heads = c.n_kv_heads = 12;
  c.head_dim = 64;
  c.intermediate_size = 3072;
  c.max_position_embeddings = 1024;
  c.tie_word_embeddings = true;
  return c;
}

// A small random config of every family, varied by `variant`.
inline ModelConfig small(Family f, int variant = 0) {
  ModelConfig c;
  switch (f) {
    case Family::GPT2:
      c = preset_config("gpt2-tiny");
      break;
    case Family::Llama:
      c = preset_config("llama-tiny");
      break;
    case Family::Mamba1:
      c = preset_config("mamba1-tiny");
      break;
    case Family::Mamba2:
      c = preset_config("mamba2-tiny");
      break;
    case Family::Jamba:
      c = preset_config("jamba-tiny");
      break;
  }
  c.d_model = 32;
  c.n_layers = f == Family::Jamba ? 4 : 2;
  c.head_dim = 8;
  c.intermediate_size = f == Family::GPT2 ? 128 : 48;
  c.d_inner = c.expand * c.d_model;
  c.dt_rank = 4;
  c.d_state = 8;
  c.ssm_head_dim = 16;
  c.ssm_heads = c.d_inner / c.ssm_head_dim;
  c.chunk_size = 4;
  if (f == Family::Jamba) {
    c.attn_layer_period = 2;
    c.attn_layer_offset = 1;
    c.expert_layer_period = 2;
    c.expert_layer_offset = 0;
  }
  if (variant == 1 && f == Family::Mamba2) c.n_groups = 2;
  if (variant == 1 && f == Family::Jamba) c.router_renormalize = true;
  return c;
}

}  // namespace seqlens::test
