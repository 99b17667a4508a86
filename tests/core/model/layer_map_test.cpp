// models.md C.1 and F20: which layers are attention and which carry MoE.
#include <gtest/gtest.h>

#include <set>

#include "core/common/error.h"
#include "tests/core/model/test_configs.h"

namespace seqlens {
namespace {

std::set<int64_t> layers_where(const ModelConfig& c, bool attention) {
  std::set<int64_t> out;
  const auto map = c.layer_map();
  for (size_t i = 0; i < map.size(); ++i)
    if (attention ? map[i].mixer == MixerKind::Attention : map[i].ffn == FfnKind::MoE)
      out.insert(static_cast<int64_t>(i));
  return out;
}

TEST(LayerMap, JambaV01AttentionAt4_12_20_28AndMoEAtOddLayers) {
  const ModelConfig c = test::jamba_v01();
  EXPECT_EQ(layers_where(c, true), (std::set<int64_t>{4, 12, 20, 28}));
  std::set<int64_t> odd;
  for (int64_t i = 1; i < 32; i += 2) odd.insert(i);
  EXPECT_EQ(layers_where(c, false), odd);
  // The attention layers never carry MoE with the default offsets.
  for (int64_t a : layers_where(c, true)) EXPECT_FALSE(odd.count(a));
}

TEST(LayerMap, JambaTinyRandomAttentionAt2_6AndMoEAt1_3_5_7) {
  const ModelConfig c = test::jamba_tiny_random();
  EXPECT_EQ(layers_where(c, true), (std::set<int64_t>{2, 6}));
  EXPECT_EQ(layers_where(c, false), (std::set<int64_t>{1, 3, 5, 7}));
}

TEST(LayerMap, HybridExpressesEveryTeachingMix) {
  ModelConfig c = test::small(Family::Jamba);
  c.n_layers = 8;
  c.attn_layer_period = 1;  // all attention
  c.attn_layer_offset = 0;
  EXPECT_EQ(c.attention_layers(), 8);
  c.attn_layer_period = 9;  // all Mamba: offset 8 is never reached by layers 0..7
  c.attn_layer_offset = 8;
  EXPECT_EQ(c.attention_layers(), 0);
  c.attn_layer_period = 8;  // 1:7
  c.attn_layer_offset = 4;
  EXPECT_EQ(layers_where(c, true), (std::set<int64_t>{4}));
  c.attn_layer_period = 4;  // 1:3
  c.attn_layer_offset = 3;
  EXPECT_EQ(layers_where(c, true), (std::set<int64_t>{3, 7}));
  c.num_experts = 1;  // MoE off: a dense MLP everywhere, as HF does for one expert
  c.top_k = 1;
  EXPECT_TRUE(layers_where(c, false).empty());
  for (const LayerKind& k : c.layer_map()) EXPECT_EQ(k.ffn, FfnKind::Dense);
}

TEST(LayerMap, OtherFamiliesAreUniform) {
  for (Family f : {Family::GPT2, Family::Llama}) {
    for (const LayerKind& k : test::small(f).layer_map())
      EXPECT_EQ(k, (LayerKind{MixerKind::Attention, FfnKind::Dense}));
  }
  for (const LayerKind& k : test::small(Family::Mamba1).layer_map())
    EXPECT_EQ(k, (LayerKind{MixerKind::Mamba1, FfnKind::None}));
  for (const LayerKind& k : test::small(Family::Mamba2).layer_map())
    EXPECT_EQ(k, (LayerKind{MixerKind::Mamba2, FfnKind::None}));
}

TEST(ConfigValidation, RejectsOffsetAtOrAbovePeriod) {
  ModelConfig c = test::jamba_tiny_random();
  c.attn_layer_offset = 4;
  try {
    validate(c);
    FAIL() << "offset == period accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::Config);
    EXPECT_NE(std::string(e.what()).find("attn_layer_offset"), std::string::npos) << e.what();
  }
}

TEST(ConfigValidation, RejectsTopKAboveExpertsAndKvNotDividingHeads) {
  ModelConfig c = test::jamba_tiny_random();
  c.top_k = 5;
  EXPECT_THROW(validate(c), Error);
  c = preset_config("llama-tiny");
  c.n_kv_heads = 3;
  try {
    validate(c);
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("num_key_value_heads"), std::string::npos) << e.what();
  }
}

TEST(ConfigValidation, RejectsMamba2HeadsNotCoveringInnerWidth) {
  ModelConfig c = preset_config("mamba2-tiny");
  c.ssm_heads = 7;
  EXPECT_THROW(validate(c), Error);
}

}  // namespace
}  // namespace seqlens
