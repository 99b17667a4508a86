// config.json <-> ModelConfig (hf_config.h): the defaults of each HF configuration class, type
// checks naming the file and field, range checks through validate(), the RoPE and time-step
// variants real configs use, and a lossless round trip for every family.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include <nlohmann/json.hpp>

#include "core/io/hf_config.h"
#include "core/io/safetensors.h"
#include "tests/core/io/io_test_util.h"

namespace seqlens {
namespace {

using nlohmann::json;
using testing::FailsWith;

ModelConfig parse(const json& j) {
  return config_from_hf_json(j, "some/config.json");
}

// Parses text the way the checkpoint loader does (Python's Infinity literal allowed).
ModelConfig parse_text(const std::string& text) {
  return parse(
      safetensors::parse_json(text, "some/config.json", "config", ErrorKind::Config, true));
}

::testing::AssertionResult Rejects(const json& j, std::vector<std::string> parts) {
  parts.push_back("some/config.json");
  return FailsWith([&] { parse(j); }, ErrorKind::Config, parts);
}

TEST(HfConfigDefaults, Gpt2) {  // GPT2Config.__init__
  const ModelConfig c = parse({{"model_type", "gpt2"}});
  EXPECT_EQ(c.family, Family::GPT2);
  EXPECT_EQ(c.vocab_size, 50257);
  EXPECT_EQ(c.d_model, 768);
  EXPECT_EQ(c.n_layers, 12);
  EXPECT_EQ(c.n_heads, 12);
  EXPECT_EQ(c.n_kv_heads, 12);
  EXPECT_EQ(c.head_dim, 64);
  EXPECT_EQ(c.intermediate_size, 4 * 768);  // n_inner None -> 4 * n_embd
  EXPECT_EQ(c.max_position_embeddings, 1024);
  EXPECT_DOUBLE_EQ(c.norm_eps, 1e-5);
  EXPECT_DOUBLE_EQ(c.initializer_range, 0.02);
  EXPECT_TRUE(c.tie_word_embeddings);
  EXPECT_EQ(c.bos_token_id, 50256);
  EXPECT_EQ(c.eos_token_id, 50256);
  EXPECT_EQ(c.pad_token_id, -1);  // None
  EXPECT_EQ(parse({{"model_type", "gpt2"}, {"n_inner", nullptr}, {"n_embd", 64}, {"n_head", 4}})
                .intermediate_size,
            256);
  EXPECT_EQ(parse({{"model_type", "gpt2"}, {"n_inner", 100}}).intermediate_size, 100);
}

TEST(HfConfigDefaults, Llama) {  // LlamaConfig.__init__
  const ModelConfig c = parse({{"model_type", "llama"}});
  EXPECT_EQ(c.family, Family::Llama);
  EXPECT_EQ(c.vocab_size, 32000);
  EXPECT_EQ(c.d_model, 4096);
  EXPECT_EQ(c.intermediate_size, 11008);
  EXPECT_EQ(c.n_layers, 32);
  EXPECT_EQ(c.n_heads, 32);
  EXPECT_EQ(c.n_kv_heads, 32);  // None -> num_attention_heads
  EXPECT_EQ(c.head_dim, 128);   // None -> hidden / heads
  EXPECT_EQ(c.max_position_embeddings, 2048);
  EXPECT_DOUBLE_EQ(c.norm_eps, 1e-6);
  EXPECT_DOUBLE_EQ(c.rope_theta, 10000.0);
  EXPECT_FALSE(c.attention_bias);
  EXPECT_FALSE(c.mlp_bias);
  EXPECT_FALSE(c.tie_word_embeddings);
  EXPECT_EQ(c.bos_token_id, 1);
  EXPECT_EQ(c.eos_token_id, 2);
  EXPECT_EQ(c.pad_token_id, -1);
  const ModelConfig g = parse({{"model_type", "llama"},
                               {"hidden_size", 64},
                               {"num_attention_heads", 4},
                               {"num_key_value_heads", nullptr},
                               {"head_dim", 32}});
  EXPECT_EQ(g.n_kv_heads, 4);
  EXPECT_EQ(g.head_dim, 32) << "an explicit head_dim need not be hidden / heads";
}

TEST(HfConfigDefaults, Mamba) {  // MambaConfig.__init__
  const ModelConfig c = parse({{"model_type", "mamba"}});
  EXPECT_EQ(c.family, Family::Mamba1);
  EXPECT_EQ(c.vocab_size, 50280);
  EXPECT_EQ(c.d_model, 768);
  EXPECT_EQ(c.d_state, 16);
  EXPECT_EQ(c.n_layers, 32);
  EXPECT_EQ(c.expand, 2);
  EXPECT_EQ(c.d_inner, 1536);
  EXPECT_EQ(c.d_conv, 4);
  EXPECT_EQ(c.dt_rank, 48);  // "auto" = ceil(768 / 16)
  EXPECT_FALSE(c.proj_bias);
  EXPECT_TRUE(c.conv_bias);
  EXPECT_TRUE(c.residual_in_fp32);
  EXPECT_DOUBLE_EQ(c.norm_eps, 1e-5);
  EXPECT_DOUBLE_EQ(c.initializer_range, 0.1);
  EXPECT_DOUBLE_EQ(c.time_step_min, 0.001);
  EXPECT_DOUBLE_EQ(c.time_step_max, 0.1);
  EXPECT_DOUBLE_EQ(c.time_step_floor, 1e-4);
  EXPECT_TRUE(c.tie_word_embeddings);  // PretrainedConfig's default: MambaConfig passes none
  EXPECT_EQ(c.pad_token_id, 0);
  EXPECT_EQ(c.bos_token_id, 0);
  EXPECT_EQ(c.eos_token_id, 0);
  EXPECT_EQ(parse({{"model_type", "mamba"}, {"hidden_size", 100}}).dt_rank, 7);  // ceil
  EXPECT_EQ(parse({{"model_type", "mamba"}, {"time_step_rank", 5}}).dt_rank, 5);
}

TEST(HfConfigDefaults, Mamba2) {  // Mamba2Config.__init__
  const ModelConfig c = parse({{"model_type", "mamba2"}});
  EXPECT_EQ(c.family, Family::Mamba2);
  EXPECT_EQ(c.vocab_size, 32768);
  EXPECT_EQ(c.ssm_heads, 128);
  EXPECT_EQ(c.ssm_head_dim, 64);
  EXPECT_EQ(c.d_model, 4096);
  EXPECT_EQ(c.d_inner, 8192);
  EXPECT_EQ(c.d_state, 128);
  EXPECT_EQ(c.n_layers, 64);
  EXPECT_EQ(c.n_groups, 8);
  EXPECT_EQ(c.d_conv, 4);
  EXPECT_EQ(c.chunk_size, 256);
  EXPECT_FALSE(c.proj_bias);
  EXPECT_TRUE(c.conv_bias);
  EXPECT_FALSE(c.tie_word_embeddings);  // declared False by Mamba2Config, unlike MambaConfig
  EXPECT_DOUBLE_EQ(c.time_step_limit_min, 0.0);
  EXPECT_EQ(c.time_step_limit_max, std::numeric_limits<double>::infinity());
  EXPECT_EQ(c.pad_token_id, 1);
  EXPECT_EQ(c.bos_token_id, 0);
  EXPECT_EQ(c.eos_token_id, 2);
}

TEST(HfConfigDefaults, Jamba) {  // JambaConfig.__init__ (= Jamba-v0.1)
  const ModelConfig c = parse({{"model_type", "jamba"}});
  EXPECT_EQ(c.family, Family::Jamba);
  EXPECT_EQ(c.vocab_size, 65536);
  EXPECT_EQ(c.d_model, 4096);
  EXPECT_EQ(c.intermediate_size, 14336);
  EXPECT_EQ(c.n_layers, 32);
  EXPECT_EQ(c.n_heads, 32);
  EXPECT_EQ(c.n_kv_heads, 8);
  EXPECT_EQ(c.head_dim, 128);
  EXPECT_EQ(c.attn_layer_period, 8);
  EXPECT_EQ(c.attn_layer_offset, 4);
  EXPECT_EQ(c.expert_layer_period, 2);
  EXPECT_EQ(c.expert_layer_offset, 1);
  EXPECT_EQ(c.num_experts, 16);
  EXPECT_EQ(c.top_k, 2);
  EXPECT_EQ(c.d_state, 16);
  EXPECT_EQ(c.d_conv, 4);
  EXPECT_EQ(c.expand, 2);
  EXPECT_EQ(c.dt_rank, 256);
  EXPECT_TRUE(c.conv_bias);
  EXPECT_FALSE(c.proj_bias);
  EXPECT_DOUBLE_EQ(c.norm_eps, 1e-6);
  EXPECT_DOUBLE_EQ(c.router_aux_loss_coef, 0.001);
  EXPECT_EQ(c.max_position_embeddings, 262144);
  EXPECT_FALSE(c.tie_word_embeddings);
  EXPECT_FALSE(c.router_renormalize);
  EXPECT_EQ(c.pad_token_id, 0);
  EXPECT_EQ(c.bos_token_id, 1);
  EXPECT_EQ(c.eos_token_id, 2);
  // null means "same as heads" (backward compatibility in JambaConfig); absent means 8.
  EXPECT_EQ(parse({{"model_type", "jamba"}, {"num_key_value_heads", nullptr}}).n_kv_heads, 32);
  EXPECT_TRUE(parse({{"model_type", "jamba"}, {"router_renormalize", true}}).router_renormalize);
}

TEST(HfConfigDefaults, TieWordEmbeddingsDiffersPerClass) {
  EXPECT_TRUE(parse({{"model_type", "gpt2"}}).tie_word_embeddings);
  EXPECT_TRUE(parse({{"model_type", "mamba"}}).tie_word_embeddings);
  EXPECT_FALSE(parse({{"model_type", "mamba2"}}).tie_word_embeddings);
  EXPECT_FALSE(parse({{"model_type", "llama"}}).tie_word_embeddings);
  EXPECT_FALSE(parse({{"model_type", "jamba"}}).tie_word_embeddings);
}

TEST(HfConfigRope, ThetaAtTopLevelOrInsideRopeParameters) {
  EXPECT_DOUBLE_EQ(parse({{"model_type", "llama"}, {"rope_theta", 500000}}).rope_theta, 500000.0);
  const json v5 = {{"model_type", "llama"},
                   {"rope_parameters", {{"rope_type", "default"}, {"rope_theta", 1000000.0}}}};
  EXPECT_DOUBLE_EQ(parse(v5).rope_theta, 1e6);
  EXPECT_DOUBLE_EQ(parse({{"model_type", "llama"}, {"rope_scaling", nullptr}}).rope_theta, 1e4);
  EXPECT_DOUBLE_EQ(
      parse({{"model_type", "llama"}, {"rope_scaling", {{"rope_type", "default"}}}}).rope_theta,
      1e4);
  json conflict = v5;
  conflict["rope_theta"] = 10000.0;
  EXPECT_TRUE(Rejects(conflict, {"rope_parameters.rope_theta", "disagrees"}));
}

TEST(HfConfigRope, UnimplementedScalingIsRejectedByName) {
  EXPECT_TRUE(Rejects(
      {{"model_type", "llama"}, {"rope_scaling", {{"rope_type", "llama3"}, {"factor", 8.0}}}},
      {"'rope_scaling'", "\"llama3\"", "not implemented"}));
  EXPECT_TRUE(
      Rejects({{"model_type", "llama"}, {"rope_scaling", {{"type", "linear"}, {"factor", 2.0}}}},
              {"'rope_scaling'", "\"linear\""}));
  EXPECT_TRUE(Rejects(
      {{"model_type", "llama"}, {"rope_parameters", {{"rope_type", "yarn"}, {"rope_theta", 1e4}}}},
      {"'rope_parameters'", "\"yarn\""}));
  EXPECT_TRUE(Rejects({{"model_type", "llama"}, {"rope_scaling", "linear"}},
                      {"'rope_scaling'", "must be an object or null"}));
}

TEST(HfConfigTimeStepLimit, AbsentMeansZeroToInfinity) {
  const ModelConfig c = parse({{"model_type", "mamba2"}});
  EXPECT_EQ(c.time_step_limit_min, 0.0);
  EXPECT_TRUE(std::isinf(c.time_step_limit_max));
}

TEST(HfConfigTimeStepLimit, PythonInfinityLiteralAndNullBounds) {
  // What transformers writes for the default: json.dumps((0.0, inf)) -> [0.0, Infinity].
  const ModelConfig c =
      parse_text(R"({"model_type": "mamba2", "time_step_limit": [0.0, Infinity]})");
  EXPECT_TRUE(std::isinf(c.time_step_limit_max));
  EXPECT_GT(c.time_step_limit_max, 0);
  EXPECT_TRUE(std::isinf(
      parse({{"model_type", "mamba2"}, {"time_step_limit", {0.0, nullptr}}}).time_step_limit_max));
  const ModelConfig d = parse({{"model_type", "mamba2"}, {"time_step_limit", {0.001, 0.1}}});
  EXPECT_DOUBLE_EQ(d.time_step_limit_min, 0.001);
  EXPECT_DOUBLE_EQ(d.time_step_limit_max, 0.1);
  // The literal is only special outside strings.
  EXPECT_TRUE(FailsWith([&] { parse_text(R"({"model_type": "Infinity"})"); }, ErrorKind::Config,
                        {"model_type", "not supported"}));
  EXPECT_TRUE(Rejects({{"model_type", "mamba2"}, {"time_step_limit", {0.0}}},
                      {"'time_step_limit'", "must be a pair"}));
  EXPECT_TRUE(
      Rejects({{"model_type", "mamba2"}, {"time_step_limit", {0.5, 0.1}}}, {"time_step_limit"}));
}

TEST(HfConfigTypes, EveryFieldIsTypeChecked) {
  EXPECT_TRUE(Rejects({{"model_type", "gpt2"}, {"n_embd", "768"}},
                      {"field 'n_embd' must be an integer, got \"768\""}));
  EXPECT_TRUE(Rejects({{"model_type", "gpt2"}, {"n_layer", 12.0}},
                      {"field 'n_layer' must be an integer, got 12.0"}));
  EXPECT_TRUE(Rejects({{"model_type", "gpt2"}, {"n_layer", nullptr}},
                      {"field 'n_layer' must be an integer, got null"}));
  EXPECT_TRUE(Rejects({{"model_type", "llama"}, {"tie_word_embeddings", 1}},
                      {"field 'tie_word_embeddings' must be true or false, got 1"}));
  EXPECT_TRUE(Rejects({{"model_type", "llama"}, {"rms_norm_eps", "1e-6"}},
                      {"field 'rms_norm_eps' must be a number"}));
  EXPECT_TRUE(Rejects({{"model_type", "mamba"}, {"time_step_rank", "big"}},
                      {"field 'time_step_rank' must be \"auto\" or an integer"}));
  EXPECT_TRUE(Rejects({{"model_type", "jamba"}, {"mamba_conv_bias", "yes"}},
                      {"field 'mamba_conv_bias' must be true or false"}));
  EXPECT_TRUE(Rejects({{"model_type", "mamba2"}, {"num_heads", 1.5}},
                      {"field 'num_heads' must be an integer"}));
  EXPECT_TRUE(
      Rejects({{"model_type", "llama"}, {"eos_token_id", "</s>"}}, {"field 'eos_token_id'"}));
  EXPECT_TRUE(Rejects({{"model_type", 7}}, {"field 'model_type' must be a string"}));
}

TEST(HfConfigTypes, TokenIdsMayBeNullOrLists) {
  const ModelConfig c = parse(
      {{"model_type", "llama"}, {"pad_token_id", nullptr}, {"eos_token_id", {128001, 128009}}});
  EXPECT_EQ(c.pad_token_id, -1);
  EXPECT_EQ(c.eos_token_id, 128001);
  EXPECT_TRUE(config_to_hf_json(c)["pad_token_id"].is_null());
}

TEST(HfConfigRanges, ValueOutOfRangeNamesFileAndField) {
  EXPECT_TRUE(Rejects({{"model_type", "jamba"}, {"attn_layer_period", 4}, {"attn_layer_offset", 4}},
                      {"'attn_layer_offset'", "must be in [0, attn_layer_period = 4), got 4"}));
  EXPECT_TRUE(
      Rejects({{"model_type", "jamba"}, {"expert_layer_period", 2}, {"expert_layer_offset", 5}},
              {"'expert_layer_offset'"}));
  EXPECT_TRUE(Rejects({{"model_type", "gpt2"}, {"n_embd", 100}, {"n_head", 3}},
                      {"'num_attention_heads'", "3 does not divide hidden_size = 100"}));
  EXPECT_TRUE(
      Rejects({{"model_type", "llama"}, {"num_attention_heads", 32}, {"num_key_value_heads", 5}},
              {"'num_key_value_heads'"}));
  EXPECT_TRUE(
      Rejects({{"model_type", "mamba2"}, {"hidden_size", 64}, {"num_heads", 3}, {"head_dim", 32}},
              {"'num_heads'", "must equal expand * hidden_size = 128"}));
  EXPECT_TRUE(
      Rejects({{"model_type", "gpt2"}, {"n_layer", 0}}, {"'n_layers'", "must be positive"}));
  EXPECT_TRUE(Rejects({{"model_type", "llama"}, {"rms_norm_eps", -1.0}}, {"'norm_eps'"}));
  EXPECT_TRUE(Rejects({{"model_type", "jamba"}, {"num_experts", 2}, {"num_experts_per_tok", 3}},
                      {"'num_experts_per_tok'"}));
  EXPECT_TRUE(Rejects({{"model_type", "mamba"}, {"intermediate_size", 1000}},
                      {"'intermediate_size'", "expand * hidden_size = 1536"}));
  EXPECT_TRUE(Rejects({{"model_type", "gpt2"}, {"n_embd", 4611686018427387904}},
                      {"'n_embd'", "overflows"}));
}

TEST(HfConfigUnsupported, FeaturesWeDoNotImplementAreRejectedClearly) {
  EXPECT_TRUE(Rejects({{"model_type", "gpt2"}, {"activation_function", "relu"}},
                      {"'activation_function'", "\"relu\"", "only \"gelu_new\" is supported"}));
  EXPECT_TRUE(
      Rejects({{"model_type", "llama"}, {"hidden_act", "gelu"}}, {"'hidden_act'", "\"gelu\""}));
  EXPECT_TRUE(Rejects({{"model_type", "gpt2"}, {"scale_attn_by_inverse_layer_idx", true}},
                      {"'scale_attn_by_inverse_layer_idx'"}));
  EXPECT_TRUE(Rejects({{"model_type", "jamba"}, {"sliding_window", 4096}},
                      {"'sliding_window'", "not implemented"}));
}

TEST(HfConfigModelType, UnknownMissingOrNotAnObject) {
  EXPECT_TRUE(Rejects({{"model_type", "bert"}}, {"'model_type'", "\"bert\"", "not supported"}));
  EXPECT_TRUE(Rejects({{"hidden_size", 8}}, {"'model_type' is missing"}));
  EXPECT_TRUE(FailsWith([] { config_from_hf_json(json::array({1}), "c.json"); }, ErrorKind::Config,
                        {"c.json", "not a JSON object"}));
}

TEST(HfConfigWrite, EveryFieldExplicitWithHfNames) {
  const std::map<Family, std::vector<std::string>> keys = {
      {Family::GPT2,
       {"n_embd", "n_layer", "n_head", "n_inner", "n_positions", "layer_norm_epsilon",
        "activation_function"}},
      {Family::Llama,
       {"hidden_size", "intermediate_size", "num_hidden_layers", "num_attention_heads",
        "num_key_value_heads", "head_dim", "rms_norm_eps", "rope_theta", "attention_bias",
        "mlp_bias", "max_position_embeddings"}},
      {Family::Mamba1,
       {"hidden_size", "state_size", "num_hidden_layers", "expand", "conv_kernel", "use_bias",
        "use_conv_bias", "time_step_rank", "layer_norm_epsilon", "intermediate_size",
        "residual_in_fp32"}},
      {Family::Mamba2,
       {"num_heads", "head_dim", "state_size", "n_groups", "expand", "conv_kernel", "use_bias",
        "use_conv_bias", "chunk_size", "time_step_limit", "rms_norm", "layer_norm_epsilon"}},
      {Family::Jamba,
       {"hidden_size", "intermediate_size", "num_hidden_layers", "num_attention_heads",
        "num_key_value_heads", "attn_layer_period", "attn_layer_offset", "expert_layer_period",
        "expert_layer_offset", "num_experts", "num_experts_per_tok", "mamba_d_state",
        "mamba_d_conv", "mamba_expand", "mamba_dt_rank", "mamba_conv_bias", "mamba_proj_bias",
        "rms_norm_eps", "router_renormalize"}},
  };
  for (Family f : testing::kAllFamilies) {
    const json j = config_to_hf_json(testing::tiny_config(f));
    EXPECT_EQ(j["model_type"], family_name(f));
    EXPECT_TRUE(j["architectures"].is_array());
    for (const char* common : {"vocab_size", "tie_word_embeddings", "bos_token_id", "eos_token_id",
                               "pad_token_id", "initializer_range"})
      EXPECT_TRUE(j.contains(common)) << family_name(f) << " " << common;
    for (const auto& k : keys.at(f)) EXPECT_TRUE(j.contains(k)) << family_name(f) << " " << k;
  }
}

TEST(HfConfigWrite, RoundTripIsLosslessForEveryFamily) {
  for (Family f : testing::kAllFamilies) {
    const ModelConfig c = testing::tiny_config(f);
    const json j = config_to_hf_json(c);
    const ModelConfig back = parse(j);
    EXPECT_EQ(config_to_hf_json(back), j) << family_name(f);
    EXPECT_EQ(back.family, f);
    EXPECT_EQ(back.tie_word_embeddings, c.tie_word_embeddings);
    EXPECT_EQ(back.layer_map(), c.layer_map());
    // And the HF defaults survive a write and read too.
    const ModelConfig d = parse({{"model_type", family_name(f)}});
    EXPECT_EQ(config_to_hf_json(parse(config_to_hf_json(d))), config_to_hf_json(d))
        << family_name(f);
  }
}

}  // namespace
}  // namespace seqlens
