// models.md F1, F13, F22: the step (generation) form equals the parallel form for every family,
// from an empty state and after a prefill; and what the caches weigh (F23).
#include <gtest/gtest.h>

#include "core/model/model.h"
#include "tests/core/model/model_test_util.h"
#include "tests/core/model/test_configs.h"

namespace seqlens {
namespace {

struct Case {
  Family family;
  int variant;
};

class StepForm : public ::testing::TestWithParam<Case> {};

TEST_P(StepForm, TokenByTokenEqualsFullForward) {
  const ModelConfig c = test::small(GetParam().family, GetParam().variant);
  const Model m = init_model(c, 11);
  for (int64_t T : {1, 3, 13}) {  // below and above d_conv and the SSD chunk
    const auto tokens = test::random_tokens(T, c.vocab_size, 100 + T);
    const Tensor full = forward(m, tokens);
    InferenceState s = make_state(m);
    for (int64_t t = 0; t < T; ++t) {
      const Tensor step = forward(m, {tokens[static_cast<size_t>(t)]}, s);
      EXPECT_LT(test::row_rel_diff(full, t, step.ptr()), 1e-4) << "T=" << T << " t=" << t;
    }
    EXPECT_EQ(s.pos, T);
  }
}

TEST_P(StepForm, PrefillThenStepsEqualsFullForward) {
  const ModelConfig c = test::small(GetParam().family, GetParam().variant);
  const Model m = init_model(c, 12);
  const int64_t T = 17;
  const auto tokens = test::random_tokens(T, c.vocab_size, 7);
  const Tensor full = forward(m, tokens);
  for (int64_t p : {1, 2, 5, 9}) {
    InferenceState s = make_state(m);
    const Tensor pre = forward(m, std::vector<int32_t>(tokens.begin(), tokens.begin() + p), s);
    for (int64_t t = 0; t < p; ++t)
      EXPECT_LT(test::row_rel_diff(full, t, pre.ptr() + t * c.vocab_size), 1e-4);
    // The rest in uneven chunks (exercises carried conv/SSM state and the KV cache offset).
    for (int64_t t = p; t < T;) {
      const int64_t n = std::min<int64_t>(t % 3 + 1, T - t);
      const Tensor part =
          forward(m, std::vector<int32_t>(tokens.begin() + t, tokens.begin() + t + n), s);
      for (int64_t i = 0; i < n; ++i)
        EXPECT_LT(test::row_rel_diff(full, t + i, part.ptr() + i * c.vocab_size), 1e-4)
            << "prefix " << p << " position " << t + i;
      t += n;
    }
  }
}

TEST_P(StepForm, CacheBytesGrowOnlyForAttention) {
  const ModelConfig c = test::small(GetParam().family, GetParam().variant);
  const Model m = init_model(c, 13);
  InferenceState s = make_state(m);
  const int64_t ssm0 = s.ssm_bytes();
  const int64_t per_token = 2 * c.attention_layers() * c.n_kv_heads * c.head_dim * 4;  // F23
  for (int64_t t = 1; t <= 6; ++t) {
    forward(m, {static_cast<int32_t>(t)}, s);
    EXPECT_EQ(s.kv_bytes(), per_token * t);
    EXPECT_EQ(s.ssm_bytes(), ssm0);  // the Mamba state does not grow with context
  }
  const CostEstimate e = estimate_cost(c, 6);
  EXPECT_EQ(e.kv_bytes_per_token, per_token);
  EXPECT_EQ(e.ssm_state_bytes, ssm0);
}

std::string case_name(const ::testing::TestParamInfo<Case>& info) {
  static const char* const names[] = {"GPT2", "Llama", "Mamba1", "Mamba2", "Jamba"};
  return std::string(names[static_cast<int>(info.param.family)]) + "_v" +
         std::to_string(info.param.variant);
}

INSTANTIATE_TEST_SUITE_P(AllFamilies, StepForm,
                         ::testing::Values(Case{Family::GPT2, 0}, Case{Family::Llama, 0},
                                           Case{Family::Mamba1, 0}, Case{Family::Mamba2, 0},
                                           Case{Family::Mamba2, 1}, Case{Family::Jamba, 0},
                                           Case{Family::Jamba, 1}),
                         case_name);

}  // namespace
}  // namespace seqlens
