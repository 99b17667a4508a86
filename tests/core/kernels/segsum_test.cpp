// ref::segsum (models.md B.2, invariant F9).
#include <cmath>
#include <limits>
#include <random>
#include <vector>

#include <gtest/gtest.h>

#include "core/kernels/kernels_ref.h"

namespace seqlens::kern {
namespace {

std::vector<double> random_decays(unsigned seed, int64_t T) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> dist(-2.0, 0.0);
  std::vector<double> a(T);
  for (double& v : a) v = dist(rng);
  return a;
}

TEST(Segsum, DiagonalIsZeroAndUpperTriangleIsMinusInfinity) {
  const int64_t T = 12;
  const std::vector<double> a = random_decays(1, T);
  std::vector<double> out(T * T);
  ref::segsum(out.data(), a.data(), T);
  for (int64_t t = 0; t < T; ++t) {
    EXPECT_EQ(out[t * T + t], 0.0);
    for (int64_t s = t + 1; s < T; ++s)
      EXPECT_EQ(out[t * T + s], -std::numeric_limits<double>::infinity());
  }
}

TEST(Segsum, EqualsDirectSumOverSegment) {
  const int64_t T = 20;
  const std::vector<double> a = random_decays(2, T);
  std::vector<double> out(T * T);
  ref::segsum(out.data(), a.data(), T);
  for (int64_t t = 0; t < T; ++t)
    for (int64_t s = 0; s <= t; ++s) {
      double sum = 0.0;
      for (int64_t k = s + 1; k <= t; ++k) sum += a[k];
      EXPECT_NEAR(out[t * T + s], sum, 1e-12);
    }
}

// exp(segsum) is lower triangular with entries in (0, 1] for non-positive a.
TEST(Segsum, ExpIsLowerTriangularInUnitInterval) {
  const int64_t T = 30;
  const std::vector<double> a = random_decays(3, T);
  std::vector<double> out(T * T);
  ref::segsum(out.data(), a.data(), T);
  for (int64_t t = 0; t < T; ++t)
    for (int64_t s = 0; s < T; ++s) {
      const double L = std::exp(out[t * T + s]);
      if (s <= t) {
        EXPECT_GT(L, 0.0);
        EXPECT_LE(L, 1.0);
      } else {
        EXPECT_EQ(L, 0.0);
      }
    }
}

// models.md F9 states entries in (0, 1]; numerically the lower bound is 0: a long enough decay
// (here Σ a = -799) underflows exp to exactly 0 even in double.
TEST(Segsum, ExpUnderflowsToZeroForLongStrongDecay) {
  const int64_t T = 800;
  const std::vector<double> a(T, -1.0);
  std::vector<double> out(T * T);
  ref::segsum(out.data(), a.data(), T);
  EXPECT_EQ(out[(T - 1) * T + 0], -799.0);
  EXPECT_EQ(std::exp(out[(T - 1) * T + 0]), 0.0);
}

// For short sequences the stable form and the naive cumsum difference cs[t] − cs[s] agree.
TEST(Segsum, StableAndNaiveCumsumDifferenceAgreeForShortT) {
  const int64_t T = 16;
  const std::vector<double> a = random_decays(4, T);
  std::vector<double> out(T * T), cs(T);
  double acc = 0.0;
  for (int64_t t = 0; t < T; ++t) cs[t] = acc += a[t];
  ref::segsum(out.data(), a.data(), T);
  for (int64_t t = 0; t < T; ++t)
    for (int64_t s = 0; s <= t; ++s) EXPECT_NEAR(out[t * T + s], cs[t] - cs[s], 1e-12);
}

}  // namespace
}  // namespace seqlens::kern
