// models.md A.1, D.2, C.7 and F7: parameter counts from a config, and that they equal the sum of
// the tensors an initialised model holds.
#include <gtest/gtest.h>

#include "core/model/model.h"
#include "core/model/param_spec.h"
#include "tests/core/model/test_configs.h"

namespace seqlens {
namespace {

int64_t numel(const ModelConfig& c) {
  int64_t n = 0;
  for (const ParamSpec& p : param_specs(c)) n += Tensor::numel_of(p.shape);
  return n;
}

TEST(ParamCount, Mamba130m) {
  // 24 layers × 3,771,648 + embedding 50280×768 (tied head counted once) + norm_f 768.
  EXPECT_EQ(count_params(test::mamba_130m()).total, 129'135'360);
}

TEST(ParamCount, Gpt2SmallIs124_44M) {
  EXPECT_EQ(count_params(test::gpt2_small()).total, 124'439'808);
}

TEST(ParamCount, JambaV01PerLayerAndTotals) {
  const ModelConfig c = test::jamba_v01();
  auto layer_sum = [&](int64_t layer, const std::string& part) {
    int64_t n = 0;
    for (const ParamSpec& p : param_specs(c))
      if (p.layer == layer && p.name.find(part) != std::string::npos)
        n += Tensor::numel_of(p.shape);
    return n;
  };
  EXPECT_EQ(layer_sum(4, ".self_attn."), 41'943'040);
  EXPECT_EQ(layer_sum(0, ".mamba."), 105'308'448);
  EXPECT_EQ(layer_sum(1, ".experts.3."), 176'160'768);
  const ParamCount n = count_params(c);
  // The paper's "52B total / 12B active".
  EXPECT_EQ(n.total, 51'570'323'328);
  EXPECT_EQ(n.active, 12'110'311'296);
}

TEST(ParamCount, EqualsTheSumOfInitialisedTensorsForEveryPreset) {
  for (const PresetInfo& p : preset_list()) {
    const Model m = make_preset(p.name);
    int64_t held = 0;
    for (const auto& [name, t] : m.tensors()) held += t.numel();
    EXPECT_EQ(held, count_params(m.config()).total) << p.name;
    EXPECT_EQ(held, numel(m.config())) << p.name;
  }
}

TEST(ParamSpec, TiedModelsStoreNoHead) {
  for (Family f : {Family::GPT2, Family::Mamba1}) {
    for (const ParamSpec& p : param_specs(test::small(f))) EXPECT_NE(p.name, "lm_head.weight");
  }
  bool found = false;
  for (const ParamSpec& p : param_specs(test::small(Family::Jamba)))
    found |= p.name == "lm_head.weight";
  EXPECT_TRUE(found);
}

TEST(ParamSpec, Mamba130mShapesMatchTheCheckpoint) {
  std::map<std::string, std::vector<int64_t>> want = {
      {"backbone.embeddings.weight", {50280, 768}},
      {"backbone.layers.0.mixer.in_proj.weight", {3072, 768}},
      {"backbone.layers.0.mixer.conv1d.weight", {1536, 1, 4}},
      {"backbone.layers.0.mixer.x_proj.weight", {80, 1536}},
      {"backbone.layers.0.mixer.dt_proj.weight", {1536, 48}},
      {"backbone.layers.0.mixer.A_log", {1536, 16}},
      {"backbone.layers.0.mixer.out_proj.weight", {768, 1536}},
  };
  for (const ParamSpec& p : param_specs(test::mamba_130m())) {
    auto it = want.find(p.name);
    if (it == want.end()) continue;
    EXPECT_EQ(p.shape, it->second) << p.name;
    want.erase(it);
  }
  EXPECT_TRUE(want.empty());
}

TEST(ParamSpec, Mamba2InProjWidthIsZxBCdt) {
  ModelConfig c = preset_config("mamba2-tiny");
  c.d_model = 768;
  c.d_inner = 1536;
  c.ssm_heads = 24;
  c.ssm_head_dim = 64;
  c.d_state = 128;
  c.n_layers = 1;
  for (const ParamSpec& p : param_specs(c)) {
    if (p.name == "backbone.layers.0.mixer.in_proj.weight") {
      EXPECT_EQ(p.shape, (std::vector<int64_t>{3352, 768}));
    }
    if (p.name == "backbone.layers.0.mixer.conv1d.weight") {
      EXPECT_EQ(p.shape, (std::vector<int64_t>{1792, 1, 4}));
    }
  }
}

}  // namespace
}  // namespace seqlens
