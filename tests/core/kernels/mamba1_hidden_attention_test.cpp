// Mamba-1 hidden attention α of one channel (models.md A.6).
#include <cmath>
#include <tuple>

#include <gtest/gtest.h>

#include "core/kernels/kernels.h"
#include "core/kernels/kernels_ref.h"
#include "tests/core/kernels/test_arrays.h"

namespace seqlens::kern {
namespace {

using testing::all_close;
using testing::Floats;
using testing::ScanInputs;

Floats alpha_of(const ScanInputs& in, int64_t c) {
  Floats a(in.T * in.T);
  mamba1_hidden_attention(a.data(), in.delta.data(), in.A.data(), in.B.data(), in.C.data(), c, in.T,
                          in.E, in.N);
  return a;
}

// α[t,t] = Δ_t Σ_n C_t B_t (no decay on the diagonal) and α[t,s>t] is exactly 0.
TEST(Mamba1HiddenAttention, DiagonalIsDeltaTimesCBAndUpperTriangleIsZero) {
  std::mt19937 rng(1);
  const ScanInputs in(rng, 19, 5, 7);
  for (int64_t c = 0; c < in.E; ++c) {
    const Floats a = alpha_of(in, c);
    for (int64_t t = 0; t < in.T; ++t) {
      double cb = 0.0;
      for (int64_t n = 0; n < in.N; ++n) cb += double(in.C[t * in.N + n]) * in.B[t * in.N + n];
      EXPECT_NEAR(a[t * in.T + t], in.delta[t * in.E + c] * cb, 1e-6);
      for (int64_t s = t + 1; s < in.T; ++s) EXPECT_EQ(a[t * in.T + s], 0.0f);
    }
  }
}

// Matches α written straight from its definition, with a double product of Ā factors.
// T = 23 fits one row block (its triangle, summed directly); T = 100 with N = 16 spans several
// blocks (left of each block, one product through the block's reference point) in parallel.
TEST(Mamba1HiddenAttention, MatchesDefinition) {
  for (const auto& [T, E, N] : {std::tuple{23, 4, 6}, std::tuple{100, 2, 16}}) {
    std::mt19937 rng(2);
    const ScanInputs in(rng, T, E, N);
    for (int64_t c = 0; c < in.E; ++c) {
      const Floats a = alpha_of(in, c);
      Floats want(in.T * in.T, 0.0f);
      for (int64_t t = 0; t < in.T; ++t)
        for (int64_t s = 0; s <= t; ++s) {
          double acc = 0.0;
          for (int64_t n = 0; n < in.N; ++n) {
            double decay = 1.0;
            for (int64_t k = s + 1; k <= t; ++k)
              decay *= std::exp(double(in.A[c * in.N + n]) * in.delta[k * in.E + c]);
            acc += double(in.C[t * in.N + n]) * decay * in.delta[s * in.E + c] * in.B[s * in.N + n];
          }
          want[t * in.T + s] = static_cast<float>(acc);
        }
      EXPECT_TRUE(all_close(a, want, 1e-5)) << "T " << T << " channel " << c;
    }
  }
}

// On a long sequence with large Δ, exp(AΓ_t)·exp(−AΓ_s) overflows (inf·0 = NaN), but the stable
// form stays finite and still reproduces the scan.
TEST(Mamba1HiddenAttention, LongSequenceIsStableAndReproducesScan) {
  std::mt19937 rng(3);
  const ScanInputs in(rng, 400, 3, 16, 0.5f, 1.5f);
  Floats y(in.T * in.E);
  ref::selective_scan(y.data(), nullptr, in.u.data(), in.delta.data(), in.A.data(), in.B.data(),
                      in.C.data(), nullptr, in.T, in.E, in.N);
  for (int64_t c = 0; c < in.E; ++c) {
    const Floats a = alpha_of(in, c);
    EXPECT_TRUE(testing::all_finite(a));
    Floats ya(in.T), yc(in.T);
    for (int64_t t = 0; t < in.T; ++t) {
      double acc = 0.0;
      for (int64_t s = 0; s <= t; ++s) acc += double(a[t * in.T + s]) * in.u[s * in.E + c];
      ya[t] = static_cast<float>(acc);
      yc[t] = y[t * in.E + c];
    }
    EXPECT_TRUE(all_close(ya, yc, 1e-4)) << "channel " << c;
  }
  // The unstable factorisation really does fail here (documents why the kernel uses Γ_t − Γ_s).
  float gamma = 0.0f;
  for (int64_t t = 0; t < in.T; ++t) gamma += in.delta[t * in.E];
  const float A = in.A[in.N - 1];  // most negative decay of channel 0
  EXPECT_FALSE(std::isfinite(std::exp(A * gamma) * std::exp(-A * gamma)));
}

}  // namespace
}  // namespace seqlens::kern
