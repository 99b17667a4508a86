// models.md F3 / F17: perturbing the token at t' leaves every output at t < t' bitwise unchanged.
#include <gtest/gtest.h>

#include <cmath>

#include "core/model/model.h"
#include "tests/core/model/model_test_util.h"
#include "tests/core/model/test_configs.h"

namespace seqlens {
namespace {

// Tokens are grouped by expert in the MoE, and Eigen's GEMM blocking depends on a group's size,
// so with MoE on, a perturbation that re-routes token t' may move earlier rows by rounding (not
// by value): those are compared to 1e-6. Every mixer, and Jamba with MoE off, is bitwise causal.
void check_causal(const ModelConfig& c, bool bitwise) {
  const Model m = init_model(c, 21);
  const int64_t T = 11, tp = 6;
  auto tokens = test::random_tokens(T, c.vocab_size, 5);
  const Tensor a = forward(m, tokens);
  tokens[tp] = (tokens[tp] + 1) % static_cast<int32_t>(c.vocab_size);
  const Tensor b = forward(m, tokens);
  const int64_t V = c.vocab_size;
  for (int64_t i = 0; i < tp * V; ++i) {
    if (bitwise)
      ASSERT_EQ(a.data[i], b.data[i]) << family_name(c.family) << " position " << i / V;
    else
      ASSERT_NEAR(a.data[i], b.data[i], 1e-6f * (1.0f + std::fabs(a.data[i])))
          << family_name(c.family) << " position " << i / V;
  }
  bool changed = false;
  for (int64_t i = tp * V; i < (tp + 1) * V; ++i) changed |= a.data[i] != b.data[i];
  EXPECT_TRUE(changed) << family_name(c.family) << ": the perturbed position did not change";
}

TEST(Causality, EveryMixerIsBitwiseCausal) {
  for (Family f : {Family::GPT2, Family::Llama, Family::Mamba1, Family::Mamba2})
    check_causal(test::small(f), true);
  ModelConfig dense_jamba = test::small(Family::Jamba);
  dense_jamba.num_experts = 1;
  dense_jamba.top_k = 1;
  check_causal(dense_jamba, true);
}

TEST(Causality, JambaWithMoEIsCausalToRounding) {
  check_causal(test::small(Family::Jamba), false);
}

}  // namespace
}  // namespace seqlens
