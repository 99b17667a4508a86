// rmsnorm and layernorm against the double reference, plus properties that need no reference.
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

const int64_t kShapes[][2] = {{1, 1}, {3, 7}, {17, 64}, {5, 769}, {200, 512}};  // {T, D}

TEST(RmsNorm, MatchesReference) {
  for (unsigned seed : {1u, 2u, 3u})
    for (const auto& s : kShapes) {
      const int64_t T = s[0], D = s[1];
      std::mt19937 rng(seed);
      const Floats x = uniform(rng, T * D, -3.0f, 3.0f), w = uniform(rng, D);
      Floats got(T * D), want(T * D);
      rmsnorm(got.data(), x.data(), w.data(), T, D, 1e-5f);
      ref::rmsnorm(want.data(), x.data(), w.data(), T, D, 1e-5f);
      EXPECT_TRUE(all_close(got, want, 1e-5)) << "T=" << T << " D=" << D;
    }
}

TEST(RmsNorm, InPlaceEqualsOutOfPlace) {
  std::mt19937 rng(4);
  const int64_t T = 9, D = 33;
  Floats x = uniform(rng, T * D);
  const Floats w = uniform(rng, D);
  Floats out(T * D);
  rmsnorm(out.data(), x.data(), w.data(), T, D, 1e-6f);
  rmsnorm(x.data(), x.data(), w.data(), T, D, 1e-6f);
  EXPECT_TRUE(testing::all_equal(x, out));
}

TEST(RmsNorm, UnitWeightGivesUnitRootMeanSquare) {
  std::mt19937 rng(5);
  const int64_t T = 6, D = 100;
  const Floats x = uniform(rng, T * D, -10.0f, 10.0f), w(D, 1.0f);
  Floats out(T * D);
  rmsnorm(out.data(), x.data(), w.data(), T, D, 0.0f);
  for (int64_t t = 0; t < T; ++t) {
    double ss = 0.0;
    for (int64_t i = 0; i < D; ++i) ss += double(out[t * D + i]) * out[t * D + i];
    EXPECT_NEAR(std::sqrt(ss / D), 1.0, 1e-5);
  }
}

TEST(LayerNorm, MatchesReference) {
  for (unsigned seed : {1u, 2u})
    for (const auto& s : kShapes)
      for (bool with_bias : {false, true}) {
        const int64_t T = s[0], D = s[1];
        std::mt19937 rng(seed);
        const Floats x = uniform(rng, T * D, -2.0f, 4.0f), w = uniform(rng, D), b = uniform(rng, D);
        const float* bias = with_bias ? b.data() : nullptr;
        Floats got(T * D), want(T * D);
        layernorm(got.data(), x.data(), w.data(), bias, T, D, 1e-5f);
        ref::layernorm(want.data(), x.data(), w.data(), bias, T, D, 1e-5f);
        EXPECT_TRUE(all_close(got, want, 1e-5)) << "T=" << T << " D=" << D << " bias=" << with_bias;
      }
}

TEST(LayerNorm, UnitAffineGivesZeroMeanUnitBiasedVariance) {
  std::mt19937 rng(6);
  const int64_t T = 5, D = 77;
  const Floats x = uniform(rng, T * D, 3.0f, 9.0f), w(D, 1.0f), b(D, 0.0f);
  Floats out(T * D);
  layernorm(out.data(), x.data(), w.data(), b.data(), T, D, 0.0f);
  for (int64_t t = 0; t < T; ++t) {
    double mean = 0.0, var = 0.0;
    for (int64_t i = 0; i < D; ++i) mean += out[t * D + i];
    mean /= D;
    for (int64_t i = 0; i < D; ++i) var += (out[t * D + i] - mean) * (out[t * D + i] - mean);
    EXPECT_NEAR(mean, 0.0, 1e-5);
    EXPECT_NEAR(var / D, 1.0, 1e-5);
  }
}

TEST(LayerNorm, InPlaceEqualsOutOfPlace) {
  std::mt19937 rng(7);
  const int64_t T = 4, D = 50;
  Floats x = uniform(rng, T * D);
  const Floats w = uniform(rng, D), b = uniform(rng, D);
  Floats out(T * D);
  layernorm(out.data(), x.data(), w.data(), b.data(), T, D, 1e-5f);
  layernorm(x.data(), x.data(), w.data(), b.data(), T, D, 1e-5f);
  EXPECT_TRUE(testing::all_equal(x, out));
}

}  // namespace
}  // namespace seqlens::kern
