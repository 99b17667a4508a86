// models.md F3 / F17: perturbing the token at t' leaves every output at t < t' bitwise unchanged.
#include <gtest/gtest.h>

#include <cmath>

#include "core/model/model.h"
#include "tests/core/model/model_test_util.h"
#include "tests/core/model/test_configs.h"

namespace seqlens {
namespace {

// Every family is bitwise causal, Jamba with MoE included: the MoE kernel fixes its GEMM blocking,
// so a token's result does not depend on how many tokens its expert received.
void check_causal(const ModelConfig& c) {
  const Model m = init_model(c, 21);
  const int64_t T = 11, tp = 6;
  auto tokens = test::random_tokens(T, c.vocab_size, 5);
  const Tensor a = forward(m, tokens);
  tokens[tp] = (tokens[tp] + 1) % static_cast<int32_t>(c.vocab_size);
  const Tensor b = forward(m, tokens);
  const int64_t V = c.vocab_size;
  for (int64_t i = 0; i < tp * V; ++i) {
    ASSERT_EQ(a.data[i], b.data[i]) << family_name(c.family) << " position " << i / V;
  }
  bool changed = false;
  for (int64_t i = tp * V; i < (tp + 1) * V; ++i) changed |= a.data[i] != b.data[i];
  EXPECT_TRUE(changed) << family_name(c.family) << ": the perturbed position did not change";
}

TEST(Causality, EveryMixerIsBitwiseCausal) {
  for (Family f : {Family::GPT2, Family::Llama, Family::Mamba1, Family::Mamba2})
    check_causal(test::small(f));
  ModelConfig dense_jamba = test::small(Family::Jamba);
  dense_jamba.num_experts = 1;
  dense_jamba.top_k = 1;
  check_causal(dense_jamba);
}

TEST(Causality, JambaWithMoEIsBitwiseCausal) {
  check_causal(test::small(Family::Jamba));
}

}  // namespace
}  // namespace seqlens
