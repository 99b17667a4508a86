// Depthwise causal conv1d: the reference formula, tap orientation (F4), the carried state and
// causality.
#include <gtest/gtest.h>

#include "core/kernels/kernels.h"
#include "core/kernels/kernels_ref.h"
#include "tests/core/kernels/test_arrays.h"

namespace seqlens::kern {
namespace {

using testing::all_close;
using testing::all_equal;
using testing::Floats;
using testing::uniform;

struct Shape {
  int64_t T, C, K;
};
// T < K, T == K, odd sizes, K ∈ {1..5}, and a size large enough for the parallel path.
const Shape kShapes[] = {{1, 1, 1}, {3, 5, 4},  {4, 7, 4},  {37, 19, 4},
                         {6, 3, 2}, {10, 9, 5}, {2, 11, 3}, {100, 300, 4}};

TEST(CausalConv1d, MatchesReference) {
  for (unsigned seed : {1u, 2u, 3u})
    for (const Shape& s : kShapes)
      for (bool with_bias : {false, true}) {
        std::mt19937 rng(seed);
        const Floats x = uniform(rng, s.T * s.C), W = uniform(rng, s.C * s.K),
                     b = uniform(rng, s.C);
        const float* bias = with_bias ? b.data() : nullptr;
        Floats got(s.T * s.C), want(s.T * s.C), state(s.C * s.K, 0.0f);
        causal_conv1d(got.data(), state.data(), x.data(), W.data(), bias, s.T, s.C, s.K);
        ref::causal_conv1d(want.data(), x.data(), W.data(), bias, s.T, s.C, s.K);
        EXPECT_TRUE(all_close(got, want, 1e-5)) << "T=" << s.T << " C=" << s.C << " K=" << s.K;
        Floats no_state(s.T * s.C);  // a null state means zeros
        causal_conv1d(no_state.data(), nullptr, x.data(), W.data(), bias, s.T, s.C, s.K);
        EXPECT_TRUE(all_equal(no_state, got));
      }
}

// F4: a one-hot input at t0 gives x'_{t0+j} = W[K-1-j] + b for j < K and b elsewhere, so W[:, K-1]
// multiplies the current token.
TEST(CausalConv1d, OneHotRevealsTapOrientation) {
  std::mt19937 rng(4);
  const int64_t T = 12, C = 5, K = 4;
  const Floats W = uniform(rng, C * K), b = uniform(rng, C);
  for (int64_t t0 : {0, 5, 10}) {
    Floats x(T * C, 0.0f), out(T * C);
    for (int64_t c = 0; c < C; ++c) x[t0 * C + c] = 1.0f;
    causal_conv1d(out.data(), nullptr, x.data(), W.data(), b.data(), T, C, K);
    for (int64_t t = 0; t < T; ++t)
      for (int64_t c = 0; c < C; ++c) {
        const int64_t j = t - t0;
        const float want = (j >= 0 && j < K) ? W[c * K + K - 1 - j] + b[c] : b[c];
        EXPECT_FLOAT_EQ(out[t * C + c], want) << "t0=" << t0 << " t=" << t << " c=" << c;
      }
  }
}

// models.md A.5 prefill: the state is the last K inputs, left-padded with zeros when T < K.
TEST(CausalConv1d, StateHoldsLastKInputsNewestLast) {
  std::mt19937 rng(5);
  const int64_t C = 3, K = 4;
  for (int64_t T : {1, 2, 4, 9}) {
    const Floats x = uniform(rng, T * C), W = uniform(rng, C * K);
    Floats out(T * C), state(C * K, 0.0f);
    causal_conv1d(out.data(), state.data(), x.data(), W.data(), nullptr, T, C, K);
    for (int64_t c = 0; c < C; ++c)
      for (int64_t j = 0; j < K; ++j) {
        const int64_t tau = T - K + j;
        EXPECT_EQ(state[c * K + j], tau >= 0 ? x[tau * C + c] : 0.0f) << "T=" << T << " j=" << j;
      }
  }
}

// With T < K the carried state keeps its newest K-T columns, shifted left, then the new inputs.
TEST(CausalConv1d, ShortCallShiftsOlderStateColumnsLeft) {
  std::mt19937 rng(10);
  const int64_t C = 3, K = 4, T = 2;
  const Floats x = uniform(rng, T * C), W = uniform(rng, C * K), state0 = uniform(rng, C * K);
  Floats out(T * C), state = state0;
  causal_conv1d(out.data(), state.data(), x.data(), W.data(), nullptr, T, C, K);
  for (int64_t c = 0; c < C; ++c) {
    EXPECT_EQ(state[c * K + 0], state0[c * K + 2]);
    EXPECT_EQ(state[c * K + 1], state0[c * K + 3]);
    EXPECT_EQ(state[c * K + 2], x[0 * C + c]);
    EXPECT_EQ(state[c * K + 3], x[1 * C + c]);
  }
}

// Splitting the sequence across calls (pieces shorter and longer than K) equals one call, output
// and final state, bitwise; T = 0 leaves the state alone.
TEST(CausalConv1d, SplitCallsWithStateEqualOneCall) {
  for (unsigned seed : {6u, 7u}) {
    std::mt19937 rng(seed);
    const int64_t T = 23, C = 9, K = 4;
    const Floats x = uniform(rng, T * C), W = uniform(rng, C * K), b = uniform(rng, C);
    const Floats state0 = uniform(rng, C * K);  // a non-fresh sequence
    Floats whole(T * C), whole_state = state0;
    causal_conv1d(whole.data(), whole_state.data(), x.data(), W.data(), b.data(), T, C, K);
    for (const std::vector<int64_t>& pieces :
         {std::vector<int64_t>{1, 2, 5, 15}, {3, 0, 1, 1, 1, 17}, {10, 13}}) {
      Floats out(T * C), state = state0;
      int64_t t0 = 0;
      for (int64_t len : pieces) {
        causal_conv1d(out.data() + t0 * C, state.data(), x.data() + t0 * C, W.data(), b.data(), len,
                      C, K);
        t0 += len;
      }
      ASSERT_EQ(t0, T);
      EXPECT_TRUE(all_equal(out, whole));
      EXPECT_TRUE(all_equal(state, whole_state));
    }
  }
}

// A fresh state of zeros matches the reference's zero padding; a non-zero state feeds the first
// K-1 outputs exactly like prepended tokens would.
TEST(CausalConv1d, StateActsAsPrependedTokens) {
  std::mt19937 rng(8);
  const int64_t T = 6, C = 4, K = 4;
  const Floats prev = uniform(rng, K * C), x = uniform(rng, T * C), W = uniform(rng, C * K);
  Floats joined(prev);
  joined.insert(joined.end(), x.begin(), x.end());
  Floats want((K + T) * C);
  ref::causal_conv1d(want.data(), joined.data(), W.data(), nullptr, K + T, C, K);
  Floats state(C * K), out(T * C);
  for (int64_t c = 0; c < C; ++c)
    for (int64_t j = 0; j < K; ++j) state[c * K + j] = prev[j * C + c];
  causal_conv1d(out.data(), state.data(), x.data(), W.data(), nullptr, T, C, K);
  EXPECT_TRUE(all_close(out, testing::rows_of(want, C, K, K + T), 1e-5));
}

// F3 for the conv: perturbing x at t' leaves outputs before t' bitwise unchanged.
TEST(CausalConv1d, PerturbingInputLeavesEarlierOutputsBitwiseUnchanged) {
  std::mt19937 rng(9);
  const int64_t T = 100, C = 300, K = 4;
  const Floats x = uniform(rng, T * C), W = uniform(rng, C * K), b = uniform(rng, C);
  Floats base(T * C);
  causal_conv1d(base.data(), nullptr, x.data(), W.data(), b.data(), T, C, K);
  for (int64_t tp : {0, 3, 50, 99}) {
    Floats y = x, out(T * C);
    for (int64_t c = 0; c < C; ++c) y[tp * C + c] += 1.5f;
    causal_conv1d(out.data(), nullptr, y.data(), W.data(), b.data(), T, C, K);
    EXPECT_TRUE(all_equal(out.data(), base.data(), tp * C)) << "t' = " << tp;
    EXPECT_FALSE(all_equal(out.data() + tp * C, base.data() + tp * C, C));
  }
}

}  // namespace
}  // namespace seqlens::kern
