// Depthwise causal conv1d (models.md A.3 step 2), rows of x are vectorised over channels. The
// weight [C,K] and the carried state [C,K] are transposed once into tap-major buffers so every
// inner loop runs over contiguous channels.
#include <algorithm>
#include <vector>

#include <oneapi/tbb/blocked_range.h>
#include <oneapi/tbb/parallel_for.h>

#include "core/kernels/kernels.h"

namespace seqlens::kern {
namespace {

constexpr int64_t kMaxTaps = 8;

// o[c] = b[c] + Σ_{w<K} Wt[w,c]·xr[w][c], accumulated in registers, K known at compile time.
template <int64_t K>
void taps_row(float* o, const float* const* xr, const float* Wt, const float* b, int64_t C) {
  for (int64_t c = 0; c < C; ++c) {
    float acc = b ? b[c] : 0.0f;
    for (int64_t w = 0; w < K; ++w) acc += Wt[w * C + c] * xr[w][c];
    o[c] = acc;
  }
}

void taps_row_dyn(float* o, const float* const* xr, const float* Wt, const float* b, int64_t C,
                  int64_t K) {
  if (b)
    std::copy(b, b + C, o);
  else
    std::fill(o, o + C, 0.0f);
  for (int64_t w = 0; w < K; ++w)
    for (int64_t c = 0; c < C; ++c) o[c] += Wt[w * C + c] * xr[w][c];
}

}  // namespace

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

  // One pass per output row: the K taps accumulate in registers (b first, then oldest tap first,
  // the same order for every K), vectorised over channels.
  auto rows = [&](int64_t t0, int64_t t1) {
    const float* xr[kMaxTaps];
    for (int64_t t = t0; t < t1; ++t) {
      float* o = out + t * C;
      if (K <= kMaxTaps) {
        for (int64_t w = 0; w < K; ++w) xr[w] = input_row(t - (K - 1) + w);
        if (K == 4)
          taps_row<4>(o, xr, Wt.data(), b, C);
        else
          taps_row_dyn(o, xr, Wt.data(), b, C, K);
        continue;
      }
      if (b)
        std::copy(b, b + C, o);
      else
        std::fill(o, o + C, 0.0f);
      for (int64_t w = 0; w < K; ++w) {  // oldest tap first
        const float* x_w = input_row(t - (K - 1) + w);
        const float* wr = Wt.data() + w * C;
        for (int64_t c = 0; c < C; ++c) o[c] += wr[c] * x_w[c];
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
