// models.md A.4 / B.1 / F5: deterministic initialisation and the SSM init invariants.
#include <gtest/gtest.h>

#include <cmath>

#include "core/kernels/kernels.h"
#include "core/model/model.h"
#include "tests/core/model/test_configs.h"

namespace seqlens {
namespace {

TEST(Init, Mamba1ALogIsS4DRealAndDtBiasIsLogUniform) {
  const ModelConfig c = preset_config("mamba1-tiny");
  const Model m = make_preset("mamba1-tiny");
  for (int64_t l = 0; l < c.n_layers; ++l) {
    const std::string p = "backbone.layers." + std::to_string(l) + ".mixer.";
    const Tensor& A_log = m.tensor(p + "A_log");
    for (int64_t ch = 0; ch < c.d_inner; ++ch)
      for (int64_t n = 0; n < c.d_state; ++n)
        EXPECT_NEAR(-std::exp(A_log.data[ch * c.d_state + n]), -double(n + 1), 1e-5);
    const Tensor& bias = m.tensor(p + "dt_proj.bias");
    for (float b : bias.data) {
      const double dt = kern::softplus1(b);
      EXPECT_GE(dt, c.time_step_min * (1 - 1e-5));
      EXPECT_LE(dt, c.time_step_max * (1 + 1e-5));
    }
    for (float d : m.tensor(p + "D").data) EXPECT_EQ(d, 1.0f);
  }
}

TEST(Init, Mamba2ALogInRangeAndDtBiasRoundTrips) {
  const ModelConfig c = preset_config("mamba2-tiny");
  const Model m = make_preset("mamba2-tiny");
  const Tensor& A_log = m.tensor("backbone.layers.0.mixer.A_log");
  ASSERT_EQ(A_log.numel(), c.ssm_heads);
  for (float a : A_log.data) {
    EXPECT_GE(std::exp(a), 1.0f - 1e-5f);
    EXPECT_LE(std::exp(a), 16.0f + 1e-4f);
  }
  for (float b : m.tensor("backbone.layers.0.mixer.dt_bias").data) {
    const double dt = kern::softplus1(b);
    EXPECT_GE(dt, 1e-3 * (1 - 1e-5));
    EXPECT_LE(dt, 0.1 * (1 + 1e-5));
  }
}

TEST(Init, InverseSoftplusRoundTripIsTight) {
  for (double dt : {1e-4, 1e-3, 0.0123, 0.1}) {
    const double b = dt + std::log(-std::expm1(-dt));
    EXPECT_LT(std::fabs(std::log1p(std::exp(b)) - dt), 1e-6 * std::max(1.0, dt));
  }
}

TEST(Init, SameSeedSameWeightsOtherSeedOtherWeights) {
  const ModelConfig c = test::small(Family::Jamba);
  const Model a = init_model(c, 5), b = init_model(c, 5), d = init_model(c, 6);
  EXPECT_EQ(a.tensors().at("model.embed_tokens.weight").data,
            b.tensors().at("model.embed_tokens.weight").data);
  EXPECT_NE(a.tensors().at("model.embed_tokens.weight").data,
            d.tensors().at("model.embed_tokens.weight").data);
}

TEST(Init, PresetWeightsAreMachineIndependentGolden) {
  // Sums of a few preset tensors, pinned: the named-stream generator is integer arithmetic plus
  // one float multiply (uniform) or a libm Box-Muller (normal), so a change here means the
  // embedded default models changed.
  const Model m = make_preset("mamba1-tiny");
  double s = 0;
  for (float v : m.tensor("backbone.layers.0.mixer.in_proj.weight").data) s += v;
  EXPECT_NEAR(s, -6.7846881811603907, 1e-9);
}

TEST(Init, NormalStreamHasUnitMoments) {
  const Model m = init_model(test::small(Family::Llama), 3);
  const Tensor& e = m.tensor("model.embed_tokens.weight");
  double s = 0, s2 = 0;
  for (float v : e.data) s += v, s2 += double(v) * v;
  const double n = double(e.numel()), mean = s / n, sd = std::sqrt(s2 / n - mean * mean);
  EXPECT_NEAR(mean, 0.0, 0.02 * 4 / std::sqrt(n));
  EXPECT_NEAR(sd, 0.02, 0.02 * 0.05);
}

}  // namespace
}  // namespace seqlens
