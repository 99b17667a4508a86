// Depthwise causal conv1d (models.md A.3 step 2), rows of x are vectorised over channels. The
// weight [C,K] and the carried state [C,K] are transposed once into tap-major buffers so every
// inner loop runs over contiguous channels.
#include <algorithm>
#include <vector>

#include <oneapi/tbb/blocked_range.h>
#include <oneapi/tbb/parallel_for.h>

#include "core/kernels/kernels.h"

namespace seqlens::kern {

void causal_conv1d(float* out, float* conv_state, const float* x, const float* W, const float* b,
                   int64_t T, int64_t C, int64_t K) {
  std::vector<float> Wt(static_cast<size_t>(K * C));  // [K,C] = Wᵀ
  for (int64_t c = 0; c < C; ++c)
    for (int64_t w = 0; w < K; ++w) Wt[w * C + c] = W[c * K + w];
  // hist[K,C]: row j = input at relative time j-K (row K-1 is the token just before this call).
  std::vector<float> hist(static_cast<size_t>(K * C), 0.0f);
  if (conv_state)
    for (int64_t c = 0; c < C; ++c)
      for (int64_t j = 0; j < K; ++j) hist[j * C + c] = conv_state[c * K + j];

  // Input row at relative time tau (may be negative, down to -K).
  auto input_row = [&](int64_t tau) {
    return tau >= 0 ? x + tau * C : hist.data() + (K + tau) * C;
  };

  auto rows = [&](int64_t t0, int64_t t1) {
    for (int64_t t = t0; t < t1; ++t) {
      float* o = out + t * C;
      if (b)
        std::copy(b, b + C, o);
      else
        std::fill(o, o + C, 0.0f);
      for (int64_t w = 0; w < K; ++w) {  // oldest tap first
        const float* xr = input_row(t - (K - 1) + w);
        const float* wr = Wt.data() + w * C;
        for (int64_t c = 0; c < C; ++c) o[c] += wr[c] * xr[c];
      }
    }
  };
  if (T * C * K < (int64_t{1} << 16)) {
    rows(0, T);
  } else {
    const int64_t grain = std::max<int64_t>(1, (int64_t{1} << 14) / (C * K));
    oneapi::tbb::parallel_for(
        oneapi::tbb::blocked_range<int64_t>(0, T, grain),
        [&](const oneapi::tbb::blocked_range<int64_t>& r) { rows(r.begin(), r.end()); });
  }

  if (conv_state) {
    // New column j holds relative time T-K+j: from x when that is >= 0, else from the old state
    // (so with T < K the older columns shift left by T).
    for (int64_t j = 0; j < K; ++j) {
      const float* src = input_row(T - K + j);
      for (int64_t c = 0; c < C; ++c) conv_state[c * K + j] = src[c];
    }
  }
}

}  // namespace seqlens::kern
