// The checkpoint layout of every family: tensor names and shapes exactly as Hugging Face stores
// them (models.md A.2, B.1, C.6, D.2, D.3), and how each tensor is initialised. One list serves
// initialisation, loading (missing / unexpected / wrong-shape checks), saving and parameter counts.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/model/config.h"

namespace seqlens {

enum class InitRule {
  Normal,   // N(0, std)
  Uniform,  // U(-bound, bound)
  Ones,
  Zeros,
  ALogMamba1,  // A_log[c, n] = ln(n + 1)
  ALogMamba2,  // A_log[h] = ln(U(1, 16))
  DtBias,      // softplus^-1 of log-uniform dt in [time_step_min, time_step_max], floored
};

struct ParamSpec {
  std::string name;            // HF name, e.g. "model.layers.3.self_attn.q_proj.weight"
  std::vector<int64_t> shape;  // HF shape (GPT-2 Conv1D weights are (in, out))
  InitRule init = InitRule::Normal;
  double scale = 0.0;  // std for Normal, bound for Uniform
  int64_t layer = -1;  // -1 for embeddings / final norm / head
};

// Every tensor a checkpoint of `c` must hold, in a stable order. Tied models list no lm_head.
std::vector<ParamSpec> param_specs(const ModelConfig& c);

// Names a loader may meet and ignore (GPT-2's attn.bias / attn.masked_bias buffers).
bool is_ignorable_buffer(const ModelConfig& c, const std::string& name);

// Accepted alternative spellings of a canonical name ("h.0.attn..." for "transformer.h.0.attn...",
// "backbone.embedding.weight" for "backbone.embeddings.weight"). Returns the canonical name or "".
std::string canonical_param_name(const ModelConfig& c, const std::string& name);

struct ParamCount {
  int64_t total = 0;   // every stored parameter (tied head counted once)
  int64_t active = 0;  // used per token: non-selected experts excluded
};
ParamCount count_params(const ModelConfig& c);

}  // namespace seqlens
