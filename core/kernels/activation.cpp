// Element-wise activations and the address-independent building blocks (vexp, sum, dot).
//
// Every transcendental goes through 8-wide fixed-size Eigen arrays (the tail is zero-padded), so
// each element takes the same SIMD code whatever its address or position. Eigen's dynamic-size
// loops would peel an unaligned head to scalar libm calls, whose last bit differs from the SIMD
// version in about a quarter of inputs — making results depend on where a buffer was allocated.
#include <cmath>
#include <cstring>

#include <oneapi/tbb/blocked_range.h>
#include <oneapi/tbb/parallel_for.h>
#include <Eigen/Core>

#include "core/kernels/kernels.h"
#include "core/kernels/simd_math.h"

namespace seqlens::kern {
namespace {

using Pack = simd::Pack8;
constexpr int64_t kLanes = 8;

// out[i] = f(x[i]) through Packs (f: Pack → Pack); out may equal x.
template <typename F>
void packed_serial(float* out, const float* x, int64_t n, const F& f) {
  int64_t i = 0;
  for (; i + kLanes <= n; i += kLanes) {
    const Pack in = Eigen::Map<const Pack>(x + i);  // fixed size: unaligned SIMD load, no peeling
    Eigen::Map<Pack>(out + i) = f(in);
  }
  if (i < n) {
    Pack in = Pack::Zero();
    std::memcpy(in.data(), x + i, sizeof(float) * (n - i));
    const Pack r = f(in);
    std::memcpy(out + i, r.data(), sizeof(float) * (n - i));
  }
}

// Same, split into blocks for large arrays (memory bound; elements are independent, so the split
// never changes a result).
template <typename F>
void packed(float* out, const float* x, int64_t n, const F& f) {
  constexpr int64_t kParallelElems = int64_t{1} << 15, kGrain = int64_t{1} << 14;
  if (n < kParallelElems) {
    packed_serial(out, x, n, f);
    return;
  }
  oneapi::tbb::parallel_for(oneapi::tbb::blocked_range<int64_t>(0, n, kGrain),
                            [&](const oneapi::tbb::blocked_range<int64_t>& r) {
                              packed_serial(out + r.begin(), x + r.begin(), r.size(), f);
                            });
}

}  // namespace

void vexp(float* out, const float* x, int64_t n) {
  // e^-inf must be exactly 0 (masks, -inf logits): exp8_full flushes below ln(2^-128) to 0, where
  // the true values are fp32 denormals below 3e-39 anyway.
  packed(out, x, n, [](const Pack& v) { return simd::exp8_full(v); });
}

float sum(const float* x, int64_t n) {
  float acc[kLanes] = {};
  int64_t i = 0;
  for (; i + kLanes <= n; i += kLanes)
    for (int64_t j = 0; j < kLanes; ++j) acc[j] += x[i + j];
  for (int64_t j = 0; i < n; ++i, ++j) acc[j] += x[i];
  return ((acc[0] + acc[4]) + (acc[1] + acc[5])) + ((acc[2] + acc[6]) + (acc[3] + acc[7]));
}

float dot(const float* a, const float* b, int64_t n) {
  float acc[kLanes] = {};
  int64_t i = 0;
  for (; i + kLanes <= n; i += kLanes)
    for (int64_t j = 0; j < kLanes; ++j) acc[j] += a[i + j] * b[i + j];
  for (int64_t j = 0; i < n; ++i, ++j) acc[j] += a[i] * b[i];
  return ((acc[0] + acc[4]) + (acc[1] + acc[5])) + ((acc[2] + acc[6]) + (acc[3] + acc[7]));
}

void gelu_tanh(float* out, const float* x, int64_t n) {
  packed(out, x, n, [](const Pack& v) -> Pack {
    const float k = 0.7978845608028654f;  // √(2/π)
    return 0.5f * v * (1.0f + (k * (v + 0.044715f * v.cube())).tanh());
  });
}

void silu(float* out, const float* x, int64_t n) {
  // x / (1 + e^{-x}): for x → -∞ the denominator is huge and the result tends to -0, no NaN.
  packed(out, x, n, [](const Pack& v) -> Pack { return v / (1.0f + simd::exp8_full(-v)); });
}

void softplus(float* out, const float* x, int64_t n) {
  // PyTorch (beta 1, threshold 20): x itself above 20, where log1p(e^x) == x in float anyway.
  // 2·atanh form of log1p(e^−|x|) (simd_math.h): one exp, one division, no log.
  packed(out, x, n, [](const Pack& v) { return simd::softplus8(v); });
}

float softplus1(float x) {
  float y;
  softplus(&y, &x, 1);  // same SIMD path as the array version
  return y;
}

}  // namespace seqlens::kern
