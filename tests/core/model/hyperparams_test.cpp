// The model panel's numbers: every preset round-trips, derived fields follow the conventions,
// impossible combinations are refused with the field named.
#include <gtest/gtest.h>

#include "core/common/error.h"
#include "core/model/hyperparams.h"
#include "core/model/presets.h"

namespace seqlens {
namespace {

void expect_same(const ModelConfig& a, const ModelConfig& b) {
  EXPECT_EQ(a.family, b.family);
  EXPECT_EQ(a.n_layers, b.n_layers);
  EXPECT_EQ(a.d_model, b.d_model);
  EXPECT_EQ(a.n_heads, b.n_heads);
  EXPECT_EQ(a.n_kv_heads, b.n_kv_heads);
  EXPECT_EQ(a.head_dim, b.head_dim);
  EXPECT_EQ(a.intermediate_size, b.intermediate_size);
  EXPECT_EQ(a.d_state, b.d_state);
  EXPECT_EQ(a.d_inner, b.d_inner);
  EXPECT_EQ(a.dt_rank, b.dt_rank);
  EXPECT_EQ(a.ssm_heads, b.ssm_heads);
  EXPECT_EQ(a.ssm_head_dim, b.ssm_head_dim);
  EXPECT_EQ(a.num_experts, b.num_experts);
  EXPECT_EQ(a.top_k, b.top_k);
  EXPECT_EQ(a.layer_map(), b.layer_map());
}

TEST(HyperParams, EveryPresetRoundTrips) {
  for (const PresetInfo& p : preset_list()) {
    SCOPED_TRACE(p.name);
    const ModelConfig c = preset_config(p.name);
    expect_same(make_config(c, hyperparams_of(c)), c);
  }
}

TEST(HyperParams, DerivedFieldsFollowTheWidth) {
  const ModelConfig base = preset_config("mamba2-tiny");
  HyperParams h = hyperparams_of(base);
  h.d_model = 256;
  h.expand = 2;
  const ModelConfig c = make_config(base, h);
  EXPECT_EQ(c.d_inner, 512);
  EXPECT_EQ(c.ssm_heads, 16);  // 512 / 32
  EXPECT_EQ(c.dt_rank, 16);    // ceil(256 / 16)
  EXPECT_EQ(c.head_dim, 64);   // 256 / 4 heads
}

TEST(HyperParams, JambaRatiosPlaceAttentionAndExperts) {
  const ModelConfig base = preset_config("jamba-tiny");
  HyperParams h = hyperparams_of(base);
  h.n_layers = 16;
  h.attn_every = 8;  // 1:7, attention in the middle of each period (layers 4 and 12)
  h.moe_every = 1;   // MoE everywhere
  const ModelConfig c = make_config(base, h);
  const auto map = c.layer_map();
  for (int64_t l = 0; l < 16; ++l) {
    EXPECT_EQ(map[l].mixer == MixerKind::Attention, l == 4 || l == 12) << l;
    EXPECT_EQ(map[l].ffn, FfnKind::MoE) << l;
  }
}

TEST(HyperParams, ImpossibleCombinationsNameTheField) {
  const ModelConfig base = preset_config("llama-tiny");
  HyperParams h = hyperparams_of(base);
  h.n_heads = 3;  // 128 is not divisible by 3
  try {
    make_config(base, h);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::Config);
    EXPECT_NE(std::string(e.what()).find("heads"), std::string::npos) << e.what();
  }
  h = hyperparams_of(base);
  h.family = Family::Jamba;
  h.num_experts = 4;
  h.top_k = 9;  // more experts per token than there are
  EXPECT_THROW(make_config(base, h), Error);
}

}  // namespace
}  // namespace seqlens
