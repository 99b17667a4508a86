// gated_rmsnorm: Mamba-2's norm with the gate applied before the statistics (models.md B.1 step 7,
// invariant F10).
#include <cmath>

#include <gtest/gtest.h>

#include "core/kernels/kernels.h"
#include "core/kernels/kernels_ref.h"
#include "tests/core/kernels/test_arrays.h"

namespace seqlens::kern {
namespace {

using testing::all_close;
using testing::Floats;
using testing::uniform;

TEST(GatedRmsNorm, MatchesReference) {
  const int64_t kShapes[][3] = {{1, 1, 1}, {3, 15, 1}, {3, 15, 3}, {7, 64, 4}, {40, 96, 2}};
  for (unsigned seed : {1u, 2u, 3u})
    for (const auto& s : kShapes) {
      const int64_t T = s[0], D = s[1], G = s[2];
      std::mt19937 rng(seed);
      const Floats y = uniform(rng, T * D, -2.0f, 2.0f), z = uniform(rng, T * D, -4.0f, 4.0f),
                   w = uniform(rng, D);
      Floats got(T * D), want(T * D);
      gated_rmsnorm(got.data(), y.data(), z.data(), w.data(), T, D, G, 1e-5f);
      ref::gated_rmsnorm(want.data(), y.data(), z.data(), w.data(), T, D, G, 1e-5f);
      EXPECT_TRUE(all_close(got, want, 1e-5)) << "T=" << T << " D=" << D << " G=" << G;
    }
}

// F10: out = RMSNorm(y ⊙ silu(z)) · w, group by group.
TEST(GatedRmsNorm, EqualsRmsNormOfGatedInputPerGroup) {
  std::mt19937 rng(4);
  const int64_t T = 6, D = 24;
  const Floats y = uniform(rng, T * D), z = uniform(rng, T * D, -3.0f, 3.0f), w = uniform(rng, D);
  Floats gated(T * D);
  silu(gated.data(), z.data(), T * D);
  for (int64_t i = 0; i < T * D; ++i) gated[i] *= y[i];
  for (int64_t G : {1, 2, 3, 4}) {
    const int64_t gs = D / G;
    Floats want(T * D), got(T * D), row(gs);
    for (int64_t t = 0; t < T; ++t)
      for (int64_t g = 0; g < G; ++g)
        rmsnorm(want.data() + t * D + g * gs, gated.data() + t * D + g * gs, w.data() + g * gs, 1,
                gs, 1e-5f);
    gated_rmsnorm(got.data(), y.data(), z.data(), w.data(), T, D, G, 1e-5f);
    EXPECT_TRUE(all_close(got, want, 1e-5)) << "G=" << G;
  }
}

// F10: the norm_before_gate = True order, RMSNorm(y)·w ⊙ silu(z), is a different function.
TEST(GatedRmsNorm, DiffersFromNormThenGate) {
  std::mt19937 rng(5);
  const int64_t T = 4, D = 32;
  const Floats y = uniform(rng, T * D), z = uniform(rng, T * D, -3.0f, 3.0f), w = uniform(rng, D);
  Floats got(T * D), wrong(T * D), gate(T * D);
  gated_rmsnorm(got.data(), y.data(), z.data(), w.data(), T, D, 1, 1e-5f);
  rmsnorm(wrong.data(), y.data(), w.data(), T, D, 1e-5f);
  silu(gate.data(), z.data(), T * D);
  double max_diff = 0.0;
  for (int64_t i = 0; i < T * D; ++i)
    max_diff = std::max(max_diff, std::abs(double(got[i]) - wrong[i] * gate[i]));
  EXPECT_GT(max_diff, 1e-2);
}

TEST(GatedRmsNorm, GroupsAreNormalisedSeparately) {
  // Scaling y in group 1 only leaves group 0's output unchanged and group 1's output too (scale
  // invariance), but G = 1 mixes the groups and changes everything.
  std::mt19937 rng(6);
  const int64_t T = 3, D = 16, G = 2, gs = D / G;
  Floats y = uniform(rng, T * D);
  const Floats z = uniform(rng, T * D), w = uniform(rng, D);
  Floats a(T * D), b(T * D), a1(T * D), b1(T * D);
  gated_rmsnorm(a.data(), y.data(), z.data(), w.data(), T, D, G, 0.0f);
  gated_rmsnorm(a1.data(), y.data(), z.data(), w.data(), T, D, 1, 0.0f);
  for (int64_t t = 0; t < T; ++t)
    for (int64_t i = gs; i < D; ++i) y[t * D + i] *= 8.0f;
  gated_rmsnorm(b.data(), y.data(), z.data(), w.data(), T, D, G, 0.0f);
  gated_rmsnorm(b1.data(), y.data(), z.data(), w.data(), T, D, 1, 0.0f);
  EXPECT_TRUE(all_close(b, a, 1e-6));
  EXPECT_FALSE(all_close(b1, a1, 1e-2));
}

TEST(GatedRmsNorm, InPlaceEqualsOutOfPlace) {
  std::mt19937 rng(7);
  const int64_t T = 5, D = 12;
  Floats y = uniform(rng, T * D);
  const Floats z = uniform(rng, T * D), w = uniform(rng, D);
  Floats out(T * D);
  gated_rmsnorm(out.data(), y.data(), z.data(), w.data(), T, D, 3, 1e-5f);
  gated_rmsnorm(y.data(), y.data(), z.data(), w.data(), T, D, 3, 1e-5f);
  EXPECT_TRUE(testing::all_equal(y, out));
}

}  // namespace
}  // namespace seqlens::kern
