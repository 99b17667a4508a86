// Row-wise norms. Statistics in float32 (as HF computes them) with the fixed-order sum/dot
// building blocks; rows are independent, so rows are split across tasks without changing a bit.
#include <algorithm>
#include <cmath>
#include <vector>

#include <oneapi/tbb/blocked_range.h>
#include <oneapi/tbb/parallel_for.h>

#include "core/kernels/kernels.h"

namespace seqlens::kern {
namespace {

constexpr int64_t kParallelElems = int64_t{1} << 16;

// Calls f(t0, t1) on blocks of rows; in parallel when the array is large.
template <typename F>
void for_rows(int64_t T, int64_t D, F&& f) {
  if (T * D < kParallelElems || T < 2) {
    f(int64_t{0}, T);
    return;
  }
  const int64_t grain = std::max<int64_t>(1, kParallelElems / 4 / std::max<int64_t>(D, 1));
  oneapi::tbb::parallel_for(
      oneapi::tbb::blocked_range<int64_t>(0, T, grain),
      [&](const oneapi::tbb::blocked_range<int64_t>& r) { f(r.begin(), r.end()); });
}

// out[n] = w ⊙ x / sqrt(mean(x²) + eps); out may alias x (element-wise after the reduction).
void rms_row(float* out, const float* x, const float* w, int64_t n, float eps) {
  const float inv = 1.0f / std::sqrt(dot(x, x, n) / static_cast<float>(n) + eps);
  for (int64_t i = 0; i < n; ++i) out[i] = w[i] * (x[i] * inv);
}

}  // namespace

void rmsnorm(float* out, const float* x, const float* w, int64_t T, int64_t D, float eps) {
  for_rows(T, D, [&](int64_t t0, int64_t t1) {
    for (int64_t t = t0; t < t1; ++t) rms_row(out + t * D, x + t * D, w, D, eps);
  });
}

void layernorm(float* out, const float* x, const float* w, const float* b, int64_t T, int64_t D,
               float eps) {
  for_rows(T, D, [&](int64_t t0, int64_t t1) {
    std::vector<float> c(static_cast<size_t>(D));  // [D] centred row
    for (int64_t t = t0; t < t1; ++t) {
      const float* xr = x + t * D;
      const float mean = sum(xr, D) / static_cast<float>(D);
      for (int64_t i = 0; i < D; ++i) c[i] = xr[i] - mean;
      const float var = dot(c.data(), c.data(), D) / static_cast<float>(D);  // biased, two-pass
      const float inv = 1.0f / std::sqrt(var + eps);
      float* o = out + t * D;
      if (b)
        for (int64_t i = 0; i < D; ++i) o[i] = c[i] * inv * w[i] + b[i];
      else
        for (int64_t i = 0; i < D; ++i) o[i] = c[i] * inv * w[i];
    }
  });
}

void gated_rmsnorm(float* out, const float* y, const float* z, const float* w, int64_t T, int64_t D,
                   int64_t G, float eps) {
  const int64_t gs = D / G;  // group size
  for_rows(T, D, [&](int64_t t0, int64_t t1) {
    std::vector<float> g(static_cast<size_t>(D));  // [D] y ⊙ silu(z)
    for (int64_t t = t0; t < t1; ++t) {
      // The gate goes in before the statistics (norm_before_gate = False).
      silu(g.data(), z + t * D, D);
      for (int64_t i = 0; i < D; ++i) g[i] *= y[t * D + i];
      for (int64_t grp = 0; grp < G; ++grp)
        rms_row(out + t * D + grp * gs, g.data() + grp * gs, w + grp * gs, gs, eps);
    }
  });
}

}  // namespace seqlens::kern
