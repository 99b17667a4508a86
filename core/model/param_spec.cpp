#include "core/model/param_spec.h"

#include <cmath>

#include "core/common/tensor.h"

namespace seqlens {

namespace {

using Shape = std::vector<int64_t>;

struct SpecList {
  std::vector<ParamSpec>& out;
  int64_t layer = -1;
  void add(std::string name, Shape shape, InitRule init, double scale = 0.0) {
    out.push_back({std::move(name), std::move(shape), init, scale, layer});
  }
  void normal(std::string name, Shape shape, double std) {
    add(std::move(name), std::move(shape), InitRule::Normal, std);
  }
  // PyTorch's default Linear/Conv init: kaiming-uniform(a=√5) = U(±1/√fan_in).
  void torch_default(std::string name, Shape shape, int64_t fan_in, double extra = 1.0) {
    add(std::move(name), std::move(shape), InitRule::Uniform,
        extra / std::sqrt(static_cast<double>(fan_in)));
  }
  void ones(std::string name, Shape shape) {
    add(std::move(name), std::move(shape), InitRule::Ones);
  }
  void zeros(std::string name, Shape shape) {
    add(std::move(name), std::move(shape), InitRule::Zeros);
  }
};

// Mamba-1 mixer (models.md A.2), with Jamba's three inner norms when `jamba_norms`.
void mamba1_mixer(SpecList& s, const ModelConfig& c, const std::string& p, bool jamba_norms) {
  const int64_t d = c.d_model, E = c.d_inner, N = c.d_state, K = c.d_conv, R = c.dt_rank;
  // GPT-2-style rescale of the output projection by 1/sqrt(n_residuals * n_layer) (A.4).
  const double residuals = c.family == Family::Jamba ? 2.0 : 1.0;
  s.torch_default(p + "in_proj.weight", {2 * E, d}, d);
  if (c.proj_bias) s.zeros(p + "in_proj.bias", {2 * E});
  s.torch_default(p + "conv1d.weight", {E, 1, K}, K);
  if (c.conv_bias) s.torch_default(p + "conv1d.bias", {E}, K);
  s.torch_default(p + "x_proj.weight", {R + 2 * N, E}, E);
  s.add(p + "dt_proj.weight", {E, R}, InitRule::Uniform, 1.0 / std::sqrt(static_cast<double>(R)));
  s.add(p + "dt_proj.bias", {E}, InitRule::DtBias);
  s.add(p + "A_log", {E, N}, InitRule::ALogMamba1);
  s.ones(p + "D", {E});
  s.torch_default(p + "out_proj.weight", {d, E}, E,
                  1.0 / std::sqrt(residuals * static_cast<double>(c.n_layers)));
  if (c.proj_bias) s.zeros(p + "out_proj.bias", {d});
  if (jamba_norms) {
    s.ones(p + "dt_layernorm.weight", {R});
    s.ones(p + "b_layernorm.weight", {N});
    s.ones(p + "c_layernorm.weight", {N});
  }
}

void mamba2_mixer(SpecList& s, const ModelConfig& c, const std::string& p) {
  const int64_t d = c.d_model, E = c.d_inner, N = c.d_state, K = c.d_conv, H = c.ssm_heads;
  const int64_t GN = c.n_groups * N;
  s.torch_default(p + "in_proj.weight", {2 * E + 2 * GN + H, d}, d);
  if (c.proj_bias) s.zeros(p + "in_proj.bias", {2 * E + 2 * GN + H});
  s.torch_default(p + "conv1d.weight", {E + 2 * GN, 1, K}, K);
  if (c.conv_bias) s.torch_default(p + "conv1d.bias", {E + 2 * GN}, K);
  s.add(p + "dt_bias", {H}, InitRule::DtBias);
  s.add(p + "A_log", {H}, InitRule::ALogMamba2);
  s.ones(p + "D", {H});
  s.ones(p + "norm.weight", {E});
  s.torch_default(p + "out_proj.weight", {d, E}, E,
                  1.0 / std::sqrt(static_cast<double>(c.n_layers)));
  if (c.proj_bias) s.zeros(p + "out_proj.bias", {d});
}

// Llama / Jamba attention projections (no positional parameters).
void llama_attention(SpecList& s, const ModelConfig& c, const std::string& p) {
  const int64_t d = c.d_model, q = c.n_heads * c.head_dim, kv = c.n_kv_heads * c.head_dim;
  const double std = c.initializer_range;
  s.normal(p + "q_proj.weight", {q, d}, std);
  if (c.attention_bias) s.zeros(p + "q_proj.bias", {q});
  s.normal(p + "k_proj.weight", {kv, d}, std);
  if (c.attention_bias) s.zeros(p + "k_proj.bias", {kv});
  s.normal(p + "v_proj.weight", {kv, d}, std);
  if (c.attention_bias) s.zeros(p + "v_proj.bias", {kv});
  s.normal(p + "o_proj.weight", {d, q}, std);
  if (c.attention_bias) s.zeros(p + "o_proj.bias", {d});
}

void swiglu(SpecList& s, const ModelConfig& c, const std::string& p, bool bias) {
  const int64_t d = c.d_model, I = c.intermediate_size;
  const double std = c.initializer_range;
  s.normal(p + "gate_proj.weight", {I, d}, std);
  if (bias) s.zeros(p + "gate_proj.bias", {I});
  s.normal(p + "up_proj.weight", {I, d}, std);
  if (bias) s.zeros(p + "up_proj.bias", {I});
  s.normal(p + "down_proj.weight", {d, I}, std);
  if (bias) s.zeros(p + "down_proj.bias", {d});
}

void gpt2(SpecList& s, const ModelConfig& c) {
  const int64_t d = c.d_model, I = c.intermediate_size;
  const double std = c.initializer_range;
  const double proj_std = std / std::sqrt(2.0 * static_cast<double>(c.n_layers));
  s.normal("transformer.wte.weight", {c.vocab_size, d}, std);
  s.normal("transformer.wpe.weight", {c.max_position_embeddings, d}, std);
  for (int64_t i = 0; i < c.n_layers; ++i) {
    s.layer = i;
    const std::string p = "transformer.h." + std::to_string(i) + ".";
    s.ones(p + "ln_1.weight", {d});
    s.zeros(p + "ln_1.bias", {d});
    // Conv1D layout: (in, out).
    s.normal(p + "attn.c_attn.weight", {d, 3 * d}, std);
    s.zeros(p + "attn.c_attn.bias", {3 * d});
    s.normal(p + "attn.c_proj.weight", {d, d}, proj_std);
    s.zeros(p + "attn.c_proj.bias", {d});
    s.ones(p + "ln_2.weight", {d});
    s.zeros(p + "ln_2.bias", {d});
    s.normal(p + "mlp.c_fc.weight", {d, I}, std);
    s.zeros(p + "mlp.c_fc.bias", {I});
    s.normal(p + "mlp.c_proj.weight", {I, d}, proj_std);
    s.zeros(p + "mlp.c_proj.bias", {d});
  }
  s.layer = -1;
  s.ones("transformer.ln_f.weight", {d});
  s.zeros("transformer.ln_f.bias", {d});
}

void llama(SpecList& s, const ModelConfig& c) {
  const int64_t d = c.d_model;
  s.normal("model.embed_tokens.weight", {c.vocab_size, d}, c.initializer_range);
  for (int64_t i = 0; i < c.n_layers; ++i) {
    s.layer = i;
    const std::string p = "model.layers." + std::to_string(i) + ".";
    s.ones(p + "input_layernorm.weight", {d});
    llama_attention(s, c, p + "self_attn.");
    s.ones(p + "post_attention_layernorm.weight", {d});
    swiglu(s, c, p + "mlp.", c.mlp_bias);
  }
  s.layer = -1;
  s.ones("model.norm.weight", {d});
}

void mamba(SpecList& s, const ModelConfig& c) {
  const int64_t d = c.d_model;
  s.normal("backbone.embeddings.weight", {c.vocab_size, d}, c.initializer_range);
  for (int64_t i = 0; i < c.n_layers; ++i) {
    s.layer = i;
    const std::string p = "backbone.layers." + std::to_string(i) + ".";
    s.ones(p + "norm.weight", {d});
    if (c.family == Family::Mamba1)
      mamba1_mixer(s, c, p + "mixer.", false);
    else
      mamba2_mixer(s, c, p + "mixer.");
  }
  s.layer = -1;
  s.ones("backbone.norm_f.weight", {d});
}

void jamba(SpecList& s, const ModelConfig& c) {
  const int64_t d = c.d_model;
  s.normal("model.embed_tokens.weight", {c.vocab_size, d}, c.initializer_range);
  const std::vector<LayerKind> map = c.layer_map();
  for (int64_t i = 0; i < c.n_layers; ++i) {
    s.layer = i;
    const std::string p = "model.layers." + std::to_string(i) + ".";
    s.ones(p + "input_layernorm.weight", {d});
    if (map[static_cast<size_t>(i)].mixer == MixerKind::Attention)
      llama_attention(s, c, p + "self_attn.");
    else
      mamba1_mixer(s, c, p + "mamba.", true);
    s.ones(p + "pre_ff_layernorm.weight", {d});
    if (map[static_cast<size_t>(i)].ffn == FfnKind::MoE) {
      s.normal(p + "feed_forward.router.weight", {c.num_experts, d}, c.initializer_range);
      for (int64_t e = 0; e < c.num_experts; ++e)
        swiglu(s, c, p + "feed_forward.experts." + std::to_string(e) + ".", false);
    } else {
      swiglu(s, c, p + "feed_forward.", false);
    }
  }
  s.layer = -1;
  s.ones("model.final_layernorm.weight", {d});
}

}  // namespace

std::vector<ParamSpec> param_specs(const ModelConfig& c) {
  std::vector<ParamSpec> out;
  SpecList s{out};
  switch (c.family) {
    case Family::GPT2:
      gpt2(s, c);
      break;
    case Family::Llama:
      llama(s, c);
      break;
    case Family::Mamba1:
    case Family::Mamba2:
      mamba(s, c);
      break;
    case Family::Jamba:
      jamba(s, c);
      break;
  }
  if (!c.tie_word_embeddings)
    s.normal("lm_head.weight", {c.vocab_size, c.d_model}, c.initializer_range);
  return out;
}

static bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

bool is_ignorable_buffer(const ModelConfig& c, const std::string& name) {
  return c.family == Family::GPT2 &&
         (ends_with(name, ".attn.bias") || ends_with(name, ".attn.masked_bias"));
}

std::string canonical_param_name(const ModelConfig& c, const std::string& name) {
  if (c.family == Family::GPT2 && name.rfind("transformer.", 0) != 0 && name != "lm_head.weight")
    return "transformer." + name;
  if ((c.family == Family::Mamba1 || c.family == Family::Mamba2) &&
      name == "backbone.embedding.weight")
    return "backbone.embeddings.weight";
  return "";
}

ParamCount count_params(const ModelConfig& c) {
  ParamCount n;
  for (const ParamSpec& p : param_specs(c)) n.total += Tensor::numel_of(p.shape);
  n.active = n.total;
  const int64_t expert = 3 * c.intermediate_size * c.d_model;
  for (const LayerKind& k : c.layer_map())
    if (k.ffn == FfnKind::MoE) n.active -= (c.num_experts - c.top_k) * expert;
  return n;
}

}  // namespace seqlens
