// Mamba-2 hidden attention M = L ∘ (C Bᵀ) of one head (models.md B.2).
#include <cmath>
#include <vector>

#include <gtest/gtest.h>

#include "core/kernels/kernels.h"
#include "core/kernels/kernels_ref.h"
#include "tests/core/kernels/test_arrays.h"

namespace seqlens::kern {
namespace {

using testing::all_close;
using testing::Floats;
using testing::SsdInputs;

Floats hidden(const SsdInputs& in, int64_t h) {
  Floats M(in.T * in.T);
  ssd_hidden_attention(M.data(), in.dt.data(), in.A.data(), in.B.data(), in.C.data(), h, in.T, in.H,
                       in.G, in.N);
  return M;
}

// y_h = M (Δ ⊙ x_h) + D_h x_h reproduces the quadratic reference for every head (G = 2), within
// one 32-row block (T = 26) and across several (T = 100: keys left of a row's block take the
// factored decay).
TEST(SsdHiddenAttention, ReproducesQuadraticForm) {
  for (const int64_t T : {26, 100}) {
    std::mt19937 rng(1);
    const SsdInputs in(rng, T, 4, 3, 2, 5);
    const int64_t HP = in.H * in.P;
    Floats y(in.T * HP), via_m(in.T * HP);
    ref::ssd_quadratic(y.data(), in.x.data(), in.dt.data(), in.A.data(), in.B.data(), in.C.data(),
                       in.D.data(), in.T, in.H, in.P, in.G, in.N);
    for (int64_t h = 0; h < in.H; ++h) {
      const Floats M = hidden(in, h);
      for (int64_t t = 0; t < in.T; ++t)
        for (int64_t p = 0; p < in.P; ++p) {
          double acc = double(in.D[h]) * in.x[t * HP + h * in.P + p];
          for (int64_t s = 0; s < in.T; ++s)
            acc += double(M[t * in.T + s]) * in.dt[s * in.H + h] * in.x[s * HP + h * in.P + p];
          via_m[t * HP + h * in.P + p] = static_cast<float>(acc);
        }
    }
    EXPECT_TRUE(all_close(via_m, y, 1e-5)) << "T " << T;
  }
}

// Several heads in one call (out of order, across both groups) give each head's map bitwise as
// the one-head call does.
TEST(SsdHiddenAttention, ManyHeadsMatchOneHeadEach) {
  std::mt19937 rng(4);
  const SsdInputs in(rng, 100, 4, 3, 2, 5);
  const std::vector<int64_t> heads = {3, 0, 2};
  Floats all(int64_t(heads.size()) * in.T * in.T);
  ssd_hidden_attention(all.data(), heads.data(), int64_t(heads.size()), in.dt.data(), in.A.data(),
                       in.B.data(), in.C.data(), in.T, in.H, in.G, in.N);
  for (size_t i = 0; i < heads.size(); ++i) {
    const Floats one = hidden(in, heads[i]);
    const Floats got(all.begin() + int64_t(i) * in.T * in.T,
                     all.begin() + int64_t(i + 1) * in.T * in.T);
    EXPECT_EQ(got, one) << "head " << heads[i];
  }
}

// L has a unit diagonal, so M[t,t] = C_t·B_t; above the diagonal M is exactly 0.
TEST(SsdHiddenAttention, DiagonalIsCDotBAndUpperTriangleIsZero) {
  std::mt19937 rng(2);
  const SsdInputs in(rng, 15, 2, 2, 1, 7);
  for (int64_t h = 0; h < in.H; ++h) {
    const Floats M = hidden(in, h);
    for (int64_t t = 0; t < in.T; ++t) {
      double cb = 0.0;
      for (int64_t n = 0; n < in.N; ++n) cb += double(in.C[t * in.N + n]) * in.B[t * in.N + n];
      EXPECT_NEAR(M[t * in.T + t], cb, 1e-6);
      for (int64_t s = t + 1; s < in.T; ++s) EXPECT_EQ(M[t * in.T + s], 0.0f);
    }
  }
}

// On a long sequence the kernel's segment sums match the double oracle closely, whereas fp32
// cumsum differences (the naive segsum B.2 warns about) lose digits.
TEST(SsdHiddenAttention, LongSequenceUsesStableSegsum) {
  std::mt19937 rng(3);
  const int64_t T = 1500;
  SsdInputs in(rng, T, 1, 1, 1, 4, 0.1f);
  in.A[0] = -1.0f;
  const Floats M = hidden(in, 0);
  std::vector<double> a(T), seg(T * T);
  for (int64_t t = 0; t < T; ++t) a[t] = double(in.dt[t]) * in.A[0];
  ref::segsum(seg.data(), a.data(), T);
  std::vector<float> cs(T);  // fp32 inclusive cumsum
  float acc = 0.0f;
  for (int64_t t = 0; t < T; ++t) cs[t] = acc += in.dt[t] * in.A[0];
  double err_kernel = 0.0, err_naive = 0.0;
  for (int64_t t = 0; t < T; ++t)
    for (int64_t s = 0; s <= t; ++s) {
      double cb = 0.0;
      for (int64_t n = 0; n < in.N; ++n) cb += double(in.C[t * in.N + n]) * in.B[s * in.N + n];
      const double L = std::exp(seg[t * T + s]);
      err_kernel = std::max(err_kernel, std::abs(M[t * T + s] - L * cb));
      err_naive = std::max(err_naive, std::abs(std::exp(cs[t] - cs[s]) * cb - L * cb));
    }
  EXPECT_LT(err_kernel, 2e-6);
  EXPECT_GT(err_naive, err_kernel);
}

}  // namespace
}  // namespace seqlens::kern
