// config.json files of published checkpoints (as their hub repositories hold them, inline) parse
// into the models they describe: parameter counts (models.md A.1, B.1, C.7, D.2), layer maps and
// the fields each class derives.
#include <gtest/gtest.h>

#include <cmath>

#include "core/io/hf_config.h"
#include "core/io/safetensors.h"
#include "core/model/param_spec.h"
#include "tests/core/io/io_test_util.h"

namespace seqlens {
namespace {

ModelConfig parse(const std::string& text) {
  return config_from_hf_json(
      safetensors::parse_json(text, "config.json", "config", ErrorKind::Config, true),
      "config.json");
}

// openai-community/gpt2
constexpr const char* kGpt2 = R"({
  "activation_function": "gelu_new", "architectures": ["GPT2LMHeadModel"], "attn_pdrop": 0.1,
  "bos_token_id": 50256, "embd_pdrop": 0.1, "eos_token_id": 50256, "initializer_range": 0.02,
  "layer_norm_epsilon": 1e-05, "model_type": "gpt2", "n_ctx": 1024, "n_embd": 768, "n_head": 12,
  "n_layer": 12, "n_positions": 1024, "resid_pdrop": 0.1, "summary_activation": null,
  "summary_first_dropout": 0.1, "summary_proj_to_labels": true, "summary_type": "cls_index",
  "summary_use_proj": true, "task_specific_params": {"text-generation": {"do_sample": true,
  "max_length": 50}}, "vocab_size": 50257})";

// state-spaces/mamba-130m-hf
constexpr const char* kMamba130m = R"({
  "architectures": ["MambaForCausalLM"], "bos_token_id": 0, "conv_kernel": 4, "eos_token_id": 0,
  "expand": 2, "fused_add_norm": true, "hidden_act": "silu", "hidden_size": 768,
  "initializer_range": 0.1, "intermediate_size": 1536, "layer_norm_epsilon": 1e-05,
  "model_type": "mamba", "n_layer": 24, "num_hidden_layers": 24, "pad_token_id": 0,
  "pad_vocab_size_multiple": 8, "rescale_prenorm_residual": false, "residual_in_fp32": true,
  "rms_norm": true, "state_size": 16, "time_step_floor": 0.0001, "time_step_init_scheme": "random",
  "time_step_max": 0.1, "time_step_min": 0.001, "time_step_rank": 48, "time_step_scale": 1.0,
  "torch_dtype": "float32", "use_bias": false, "use_cache": true, "use_conv_bias": true,
  "vocab_size": 50280})";

// mamba2-130m in the transformers layout, as its converter writes it (Python's Infinity).
constexpr const char* kMamba2_130m = R"({
  "architectures": ["Mamba2ForCausalLM"], "model_type": "mamba2", "hidden_size": 768,
  "num_hidden_layers": 24, "vocab_size": 50288, "state_size": 128, "head_dim": 64,
  "num_heads": 24, "n_groups": 1, "expand": 2, "conv_kernel": 4, "chunk_size": 256,
  "use_bias": false, "use_conv_bias": true, "tie_word_embeddings": true, "rms_norm": true,
  "layer_norm_epsilon": 1e-05, "time_step_limit": [0.0, Infinity], "pad_token_id": 0,
  "bos_token_id": 0, "eos_token_id": 0})";

// ai21labs/Jamba-tiny-random (models.md C.7)
constexpr const char* kJambaTinyRandom = R"({
  "architectures": ["JambaForCausalLM"], "attention_dropout": 0.0, "attn_layer_offset": 2,
  "attn_layer_period": 4, "bos_token_id": 1, "eos_token_id": 2, "expert_layer_offset": 1,
  "expert_layer_period": 2, "hidden_act": "silu", "hidden_size": 128, "initializer_range": 0.02,
  "intermediate_size": 14336, "mamba_conv_bias": true, "mamba_d_conv": 4, "mamba_d_state": 16,
  "mamba_dt_rank": 8, "mamba_expand": 2, "mamba_proj_bias": false, "max_position_embeddings": 262144,
  "model_type": "jamba", "num_attention_heads": 2, "num_experts": 4, "num_experts_per_tok": 2,
  "num_hidden_layers": 8, "num_key_value_heads": 1, "num_logits_to_keep": 1,
  "output_router_logits": false, "pad_token_id": 0, "rms_norm_eps": 1e-06,
  "router_aux_loss_coef": 0.001, "sliding_window": null, "tie_word_embeddings": false,
  "torch_dtype": "bfloat16", "use_cache": true, "use_mamba_kernels": false, "vocab_size": 65536})";

// TinyLlama/TinyLlama-1.1B-intermediate-step-1431k-3T
constexpr const char* kTinyLlama = R"({
  "architectures": ["LlamaForCausalLM"], "attention_bias": false, "bos_token_id": 1,
  "eos_token_id": 2, "hidden_act": "silu", "hidden_size": 2048, "initializer_range": 0.02,
  "intermediate_size": 5632, "max_position_embeddings": 2048, "model_type": "llama",
  "num_attention_heads": 32, "num_hidden_layers": 22, "num_key_value_heads": 4,
  "pretraining_tp": 1, "rms_norm_eps": 1e-05, "rope_scaling": null, "rope_theta": 10000.0,
  "tie_word_embeddings": false, "torch_dtype": "float32", "use_cache": true, "vocab_size": 32000})";

TEST(PublishedConfigs, Gpt2SmallHas124_44MParameters) {
  const ModelConfig c = parse(kGpt2);
  EXPECT_EQ(c.intermediate_size, 3072);
  EXPECT_TRUE(c.tie_word_embeddings);
  EXPECT_EQ(count_params(c).total, 124'439'808);
}

TEST(PublishedConfigs, Mamba130mParameterCount) {
  const ModelConfig c = parse(kMamba130m);
  EXPECT_EQ(c.d_inner, 1536);
  EXPECT_EQ(c.dt_rank, 48);
  EXPECT_TRUE(c.tie_word_embeddings);
  // 24 x 3,771,648 per layer + 50280 x 768 embedding (tied head counted once) + 768 norm_f.
  EXPECT_EQ(count_params(c).total, 129'135'360);
}

TEST(PublishedConfigs, Mamba2_130mParameterCount) {
  const ModelConfig c = parse(kMamba2_130m);
  EXPECT_TRUE(std::isinf(c.time_step_limit_max));
  // Per layer: in_proj 3352x768, conv (1792,1,4)+1792, dt_bias/A_log/D 3x24, norm 1536,
  // out_proj 768x1536, block norm 768 = 3,765,320.
  EXPECT_EQ(count_params(c).total, 24 * 3'765'320 + 50288 * 768 + 768);
}

TEST(PublishedConfigs, JambaTinyRandomIs128M) {
  const ModelConfig c = parse(kJambaTinyRandom);
  const auto map = c.layer_map();
  for (int i = 0; i < 8; ++i) {
    EXPECT_EQ(map[i].mixer == MixerKind::Attention, i == 2 || i == 6) << i;
    EXPECT_EQ(map[i].ffn == FfnKind::MoE, i % 2 == 1) << i;
  }
  EXPECT_EQ(c.head_dim, 64);
  EXPECT_EQ(count_params(c).total, 127'679'344);  // the README's "128M"
}

TEST(PublishedConfigs, TinyLlamaIs1_1B) {
  const ModelConfig c = parse(kTinyLlama);
  EXPECT_EQ(c.head_dim, 64);
  EXPECT_EQ(c.n_kv_heads, 4);
  EXPECT_EQ(count_params(c).total, 1'100'048'384);
}

}  // namespace
}  // namespace seqlens
