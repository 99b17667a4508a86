// linear (nn.Linear layout) and linear_in_out (GPT-2 Conv1D layout) against the double reference.
#include <tuple>
#include <vector>

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
  int64_t T, I, O;
};
// Odd sizes, a single row (decode), and sizes large enough for the parallel column split
// ({3,300,1030}, {70,96,257}), the parallel row split of narrow outputs ({300,100,80}) and the
// row × column tiles of long inputs ({600,70,300}), and short inner dimensions such as Mamba's
// dt_proj (I = dt_rank: {300,16,100}, {17,8,64}, {200,32,1030}, odd O for the column remainder).
const Shape kShapes[] = {{1, 1, 1},      {7, 13, 5},    {1, 64, 300},   {33, 65, 129},
                         {3, 300, 1030}, {70, 96, 257}, {300, 100, 80}, {600, 70, 300},
                         {300, 16, 100}, {17, 8, 64},   {200, 32, 1030}};

TEST(Linear, MatchesReference) {
  for (unsigned seed : {1u, 2u, 3u})
    for (const Shape& s : kShapes)
      for (bool with_bias : {false, true}) {
        std::mt19937 rng(seed);
        const Floats x = uniform(rng, s.T * s.I), W = uniform(rng, s.O * s.I),
                     b = uniform(rng, s.O);
        const float* bias = with_bias ? b.data() : nullptr;
        Floats got(s.T * s.O), want(s.T * s.O);
        linear(got.data(), x.data(), W.data(), bias, s.T, s.I, s.O);
        ref::linear(want.data(), x.data(), W.data(), bias, s.T, s.I, s.O);
        EXPECT_TRUE(all_close(got, want, 1e-5))
            << "T=" << s.T << " I=" << s.I << " O=" << s.O << " bias=" << with_bias;
      }
}

TEST(Linear, RepeatedCallsAreBitwiseIdentical) {
  // The column/row/tile splits are fixed, so thread scheduling cannot change any rounding.
  for (const Shape& s :
       {Shape{64, 200, 700}, Shape{500, 90, 40}, Shape{700, 64, 300}, Shape{600, 16, 330}}) {
    std::mt19937 rng(7);
    const Floats x = uniform(rng, s.T * s.I), W = uniform(rng, s.O * s.I), b = uniform(rng, s.O);
    Floats first(s.T * s.O), again(s.T * s.O);
    linear(first.data(), x.data(), W.data(), b.data(), s.T, s.I, s.O);
    for (int rep = 0; rep < 3; ++rep) {
      linear(again.data(), x.data(), W.data(), b.data(), s.T, s.I, s.O);
      EXPECT_TRUE(all_equal(again, first));
    }
  }
}

TEST(Linear, RowsAreComputedIndependently) {
  // Changing input row 2 leaves every other output row bitwise unchanged.
  std::mt19937 rng(8);
  const int64_t T = 9, I = 40, O = 300;
  Floats x = uniform(rng, T * I);
  const Floats W = uniform(rng, O * I);
  Floats before(T * O), after(T * O);
  linear(before.data(), x.data(), W.data(), nullptr, T, I, O);
  for (int64_t i = 0; i < I; ++i) x[2 * I + i] += 5.0f;
  linear(after.data(), x.data(), W.data(), nullptr, T, I, O);
  EXPECT_TRUE(all_equal(before.data(), after.data(), 2 * O));
  EXPECT_TRUE(all_equal(before.data() + 3 * O, after.data() + 3 * O, (T - 3) * O));
}

TEST(LinearInOut, EqualsLinearReferenceWithTransposedWeight) {
  for (unsigned seed : {4u, 5u})
    for (const Shape& s : kShapes)
      for (bool with_bias : {false, true}) {
        std::mt19937 rng(seed);
        const Floats x = uniform(rng, s.T * s.I), W = uniform(rng, s.O * s.I),
                     b = uniform(rng, s.O);
        Floats Wt(s.I * s.O);  // [I,O] Conv1D layout of the same map
        for (int64_t o = 0; o < s.O; ++o)
          for (int64_t i = 0; i < s.I; ++i) Wt[i * s.O + o] = W[o * s.I + i];
        const float* bias = with_bias ? b.data() : nullptr;
        Floats got(s.T * s.O), want(s.T * s.O);
        linear_in_out(got.data(), x.data(), Wt.data(), bias, s.T, s.I, s.O);
        ref::linear(want.data(), x.data(), W.data(), bias, s.T, s.I, s.O);
        EXPECT_TRUE(all_close(got, want, 1e-5))
            << "T=" << s.T << " I=" << s.I << " O=" << s.O << " bias=" << with_bias;
      }
}

TEST(LinearInOut, UntransposedWeightGivesDifferentResult) {
  // Guards the Conv1D layout trap: reading an [I,O] weight as [O,I] must not pass silently.
  std::mt19937 rng(6);
  const int64_t T = 5, I = 8, O = 8;
  const Floats x = uniform(rng, T * I), W = uniform(rng, I * O);
  Floats a(T * O), b(T * O);
  linear_in_out(a.data(), x.data(), W.data(), nullptr, T, I, O);
  linear(b.data(), x.data(), W.data(), nullptr, T, I, O);
  EXPECT_FALSE(all_close(a, b, 1e-2));
}

}  // namespace
}  // namespace seqlens::kern
