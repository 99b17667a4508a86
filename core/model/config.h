// One configuration struct for every family. Field names follow the Hugging Face config classes
// (GPT2Config, LlamaConfig, MambaConfig, Mamba2Config, JambaConfig); core/io/hf_config maps the
// JSON field names of each class onto these members and back.
//
// Glossary (code -> paper): d_model = d, d_inner = E_in = expand*d, d_state = N, d_conv = K,
// dt_rank = R, ssm_head_dim = P (Mamba-2 headdim), ssm_heads = H (Mamba-2), n_groups = G,
// num_experts = E (MoE), top_k = k.
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

namespace seqlens {

enum class Family { GPT2, Llama, Mamba1, Mamba2, Jamba };

const char* family_name(Family f);  // "gpt2", "llama", "mamba", "mamba2", "jamba" (HF model_type)

enum class MixerKind { Attention, Mamba1, Mamba2 };
enum class FfnKind { None, Dense, MoE };
// "attention", "mamba1", "mamba2" / "none", "dense", "moe" (names in exports, not prose).
const char* mixer_name(MixerKind k);
const char* ffn_name(FfnKind k);

struct LayerKind {
  MixerKind mixer;
  FfnKind ffn;
  bool operator==(const LayerKind&) const = default;
};

struct ModelConfig {
  Family family = Family::Llama;

  // Shared
  int64_t vocab_size = 260;
  int64_t d_model = 128;
  int64_t n_layers = 4;
  double norm_eps = 1e-5;  // LayerNorm eps (GPT-2), RMSNorm eps (others)
  bool tie_word_embeddings = true;
  double initializer_range = 0.02;
  int64_t pad_token_id = 0, bos_token_id = 1, eos_token_id = 2;

  // Attention (GPT-2, Llama, Jamba attention layers)
  int64_t n_heads = 4;
  int64_t n_kv_heads = 4;
  int64_t head_dim = 32;  // Llama may set it explicitly; otherwise d_model / n_heads
  int64_t max_position_embeddings = 2048;  // GPT-2: learned positions (n_positions)
  double rope_theta = 10000.0;             // Llama only (GPT-2: learned positions; Jamba: none)
  bool attention_bias = false;             // Llama attention_bias (GPT-2 always has biases)

  // MLP (GPT-2: 4*d gelu_new with biases; Llama/Jamba: SwiGLU, no biases)
  int64_t intermediate_size = 512;
  bool mlp_bias = false;

  // Mamba-1 / Mamba-2 / Jamba's Mamba layers
  int64_t d_state = 16;
  int64_t d_conv = 4;
  int64_t expand = 2;
  int64_t d_inner = 256;  // expand * d_model (HF intermediate_size for Mamba)
  int64_t dt_rank = 8;    // Mamba-1 / Jamba; "auto" = ceil(d_model / 16)
  bool conv_bias = true;
  bool proj_bias = false;  // in_proj / out_proj bias (HF use_bias, Jamba mamba_proj_bias)
  double time_step_min = 1e-3, time_step_max = 0.1, time_step_floor = 1e-4;
  double time_step_limit_min = 0.0;  // Mamba-2 dt clamp; (0, inf) = none
  double time_step_limit_max = std::numeric_limits<double>::infinity();
  bool residual_in_fp32 = true;
  bool rescale_prenorm_residual = false;

  // Mamba-2 only
  int64_t ssm_heads = 8;      // H (HF num_heads)
  int64_t ssm_head_dim = 32;  // P (HF head_dim)
  int64_t n_groups = 1;       // G
  int64_t chunk_size = 64;

  // Jamba only: layer map and MoE
  int64_t attn_layer_period = 8, attn_layer_offset = 4;
  int64_t expert_layer_period = 2, expert_layer_offset = 1;
  int64_t num_experts = 16;
  int64_t top_k = 2;                // HF num_experts_per_tok
  bool router_renormalize = false;  // not an HF Jamba field: Jamba never renormalises, Mixtral does
  double router_aux_loss_coef = 0.001;

  // Per-layer kinds derived from the family and (for Jamba) the periods and offsets.
  std::vector<LayerKind> layer_map() const;
  int64_t attention_layers() const;
  int64_t mamba_layers() const;
};

// Throws Error(Config) naming the first offending field: sizes positive, divisibility
// (heads | d_model, kv | heads, heads*P == d_inner, groups | heads), offsets below periods,
// top_k <= num_experts, eps > 0, and products that must fit in memory-sized integers.
void validate(const ModelConfig& c);

}  // namespace seqlens
