// RoPE in the HF rotate_half layout (models.md D.3) against the double reference, and the
// invariants of F15.
#include <cmath>

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

double dot(const float* a, const float* b, int64_t n) {
  double s = 0.0;
  for (int64_t i = 0; i < n; ++i) s += double(a[i]) * b[i];
  return s;
}

// One vector x[hd] placed at position pos (rotate_half layout).
Floats rotated(const Floats& x, int64_t pos, double theta = 10000.0) {
  Floats y = x;
  rope(y.data(), pos, 1, 1, static_cast<int64_t>(x.size()), theta);
  return y;
}

TEST(Rope, MatchesReference) {
  struct Case {
    int64_t T, nh, hd, pos0;
    double theta;
  };
  const Case cases[] = {{1, 1, 2, 0, 1e4},
                        {5, 3, 6, 7, 1e4},
                        {17, 4, 64, 1000, 1e4},
                        {300, 8, 64, 0, 1e6},
                        {9, 2, 128, 100000, 5e5}};
  for (unsigned seed : {1u, 2u})
    for (const Case& c : cases) {
      std::mt19937 rng(seed);
      Floats got = uniform(rng, c.T * c.nh * c.hd, -2.0f, 2.0f), want = got;
      rope(got.data(), c.pos0, c.T, c.nh, c.hd, c.theta);
      ref::rope(want.data(), c.pos0, c.T, c.nh, c.hd, c.theta);
      EXPECT_TRUE(all_close(got, want, 1e-5)) << "T=" << c.T << " hd=" << c.hd;
    }
}

// F15: R_0 is the identity (bitwise: cos 0 = 1, sin 0 = 0).
TEST(Rope, PositionZeroIsIdentity) {
  std::mt19937 rng(3);
  const Floats x = uniform(rng, 4 * 32);
  Floats y = x;
  rope(y.data(), 0, 1, 4, 32, 10000.0);
  EXPECT_TRUE(all_equal(y, x));
}

// F15: rotations preserve the norm of every head.
TEST(Rope, PreservesNormOfEveryHead) {
  std::mt19937 rng(4);
  const int64_t T = 50, nh = 3, hd = 16;
  const Floats x = uniform(rng, T * nh * hd);
  Floats y = x;
  rope(y.data(), 13, T, nh, hd, 10000.0);
  for (int64_t r = 0; r < T * nh; ++r) {
    const double a = dot(&x[r * hd], &x[r * hd], hd), b = dot(&y[r * hd], &y[r * hd], hd);
    EXPECT_NEAR(std::sqrt(b), std::sqrt(a), 1e-6 * std::sqrt(a));
  }
}

// F15: ⟨R_m q, R_n k⟩ = ⟨R_{m+c} q, R_{n+c} k⟩, the score depends on m − n only.
TEST(Rope, ScoreDependsOnlyOnRelativePosition) {
  std::mt19937 rng(5);
  const int64_t hd = 64;
  const Floats q = uniform(rng, hd), k = uniform(rng, hd);
  const double scale = std::sqrt(dot(q.data(), q.data(), hd) * dot(k.data(), k.data(), hd));
  const int64_t cases[][3] = {{0, 0, 5}, {3, 10, 1}, {100, 7, 1000}, {12345, 12000, 77}};
  for (const auto& c : cases) {
    const int64_t m = c[0], n = c[1], sh = c[2];
    const double a = dot(rotated(q, m).data(), rotated(k, n).data(), hd);
    const double b = dot(rotated(q, m + sh).data(), rotated(k, n + sh).data(), hd);
    EXPECT_NEAR(a, b, 1e-5 * scale) << "m=" << m << " n=" << n << " c=" << sh;
  }
  // ... and it does depend on m − n.
  EXPECT_GT(std::abs(dot(rotated(q, 0).data(), rotated(k, 0).data(), hd) -
                     dot(rotated(q, 5).data(), rotated(k, 0).data(), hd)),
            1e-3 * scale);
}

// F15: Meta's interleaved layout rotates pairs (2i, 2i+1); HF permutes q/k rows so that
// rotate_half reproduces it: new index half·hd/2 + i takes old index 2i + half.
TEST(Rope, RotateHalfEqualsInterleavedAfterHfPermutation) {
  std::mt19937 rng(6);
  const int64_t hd = 32, half = hd / 2, T = 7, pos0 = 40;
  const double theta = 10000.0;
  const Floats x = uniform(rng, T * hd);
  auto permute = [&](const float* v, float* out) {
    for (int64_t i = 0; i < half; ++i) {
      out[i] = v[2 * i];
      out[half + i] = v[2 * i + 1];
    }
  };
  Floats interleaved = x;  // Meta layout, rotated in double
  for (int64_t t = 0; t < T; ++t)
    for (int64_t i = 0; i < half; ++i) {
      const double ang = double(pos0 + t) * std::pow(theta, -2.0 * i / hd);
      const double a = x[t * hd + 2 * i], b = x[t * hd + 2 * i + 1];
      interleaved[t * hd + 2 * i] = static_cast<float>(a * std::cos(ang) - b * std::sin(ang));
      interleaved[t * hd + 2 * i + 1] = static_cast<float>(b * std::cos(ang) + a * std::sin(ang));
    }
  Floats permuted(T * hd), want(T * hd);
  for (int64_t t = 0; t < T; ++t) {
    permute(&x[t * hd], &permuted[t * hd]);
    permute(&interleaved[t * hd], &want[t * hd]);
  }
  rope(permuted.data(), pos0, T, 1, hd, theta);
  EXPECT_TRUE(all_close(permuted, want, 1e-5));
}

// Rotating a slice with pos0 = its first position equals the same rows of a full rotation (what a
// KV cache relies on).
TEST(Rope, OffsetSliceEqualsRowsOfFullSequence) {
  std::mt19937 rng(7);
  const int64_t T = 20, nh = 2, hd = 8, w = nh * hd;
  const Floats x = uniform(rng, T * w);
  Floats full = x;
  rope(full.data(), 0, T, nh, hd, 10000.0);
  Floats part = testing::rows_of(x, w, 12, T);
  rope(part.data(), 12, T - 12, nh, hd, 10000.0);
  EXPECT_TRUE(all_equal(part, testing::rows_of(full, w, 12, T)));
}

}  // namespace
}  // namespace seqlens::kern
