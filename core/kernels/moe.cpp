// Mixture of experts: softmax router with deterministic top-k, and expert evaluation grouped by
// expert (one gathered SwiGLU product per expert, experts in parallel) followed by a scatter-add
// in a fixed (token, j) order, so the result never depends on thread scheduling.
#include <algorithm>
#include <numeric>
#include <string>
#include <vector>

#include <oneapi/tbb/blocked_range.h>
#include <oneapi/tbb/parallel_for.h>

#include "core/common/error.h"
#include "core/kernels/kernels.h"

namespace seqlens::kern {

void moe_route(float* probs, int32_t* idx, float* weight, const float* logits, int64_t T, int64_t E,
               int64_t k, bool renormalize) {
  if (k < 1 || k > E)
    throw Error(ErrorKind::InvalidArgument, "moe_route: top-k " + std::to_string(k) +
                                                " must lie in [1, " + std::to_string(E) + "].");
  std::vector<int32_t> order(static_cast<size_t>(E));  // [E] expert ids, sorted per token
  for (int64_t t = 0; t < T; ++t) {
    const float* l = logits + t * E;
    float* p = probs + t * E;
    const float m = *std::max_element(l, l + E);
    for (int64_t e = 0; e < E; ++e) p[e] = l[e] - m;
    vexp(p, p, E);
    const float total = sum(p, E);
    for (int64_t e = 0; e < E; ++e) p[e] /= total;

    // Descending probability; equal probabilities keep the lower expert index first.
    std::iota(order.begin(), order.end(), 0);
    std::partial_sort(order.begin(), order.begin() + k, order.end(),
                      [&](int32_t a, int32_t b) { return p[a] > p[b] || (p[a] == p[b] && a < b); });
    float picked = 0.0f;  // Σ of the chosen probabilities
    for (int64_t j = 0; j < k; ++j) {
      idx[t * k + j] = order[j];
      weight[t * k + j] = p[order[j]];
      picked += p[order[j]];
    }
    if (renormalize)
      for (int64_t j = 0; j < k; ++j) weight[t * k + j] /= picked;
  }
}

void moe_experts(float* out, const float* x, const int32_t* idx, const float* weight,
                 const float* const* Wg, const float* const* Wu, const float* const* Wd, int64_t T,
                 int64_t d, int64_t I, int64_t E, int64_t k) {
  const int64_t n = T * k;  // (token, slot) assignments
  for (int64_t a = 0; a < n; ++a)
    if (idx[a] < 0 || idx[a] >= E)
      throw Error(ErrorKind::InvalidArgument, "moe_experts: expert index " +
                                                  std::to_string(idx[a]) + " is outside [0, " +
                                                  std::to_string(E) + ").");

  // Counting sort of assignments by expert (stable, so rows stay in token order).
  std::vector<int64_t> start(static_cast<size_t>(E + 1), 0);  // [E+1] row offsets per expert
  for (int64_t a = 0; a < n; ++a) ++start[idx[a] + 1];
  std::partial_sum(start.begin(), start.end(), start.begin());
  std::vector<int64_t> row_of(static_cast<size_t>(n));    // [T*k] assignment → row in ybuf
  std::vector<int64_t> token_of(static_cast<size_t>(n));  // [T*k] row → token
  {
    std::vector<int64_t> fill(start.begin(), start.end() - 1);
    for (int64_t a = 0; a < n; ++a) {
      const int64_t r = fill[idx[a]]++;
      row_of[a] = r;
      token_of[r] = a / k;
    }
  }

  std::vector<float> ybuf(static_cast<size_t>(n * d));  // [T*k,d] expert outputs, grouped
  oneapi::tbb::parallel_for(
      oneapi::tbb::blocked_range<int64_t>(0, E, 1),
      [&](const oneapi::tbb::blocked_range<int64_t>& r) {
        for (int64_t e = r.begin(); e < r.end(); ++e) {
          const int64_t r0 = start[e], ne = start[e + 1] - start[e];
          if (ne == 0) continue;
          std::vector<float> xe(static_cast<size_t>(ne * d));  // [ne,d] gathered tokens
          for (int64_t i = 0; i < ne; ++i)
            std::copy(x + token_of[r0 + i] * d, x + (token_of[r0 + i] + 1) * d, xe.begin() + i * d);
          swiglu_mlp(ybuf.data() + r0 * d, xe.data(), Wg[e], Wu[e], Wd[e], ne, d, I);
        }
      });

  // Weighted scatter-add, slots in j order for every token (tokens are independent).
  auto scatter = [&](int64_t t0, int64_t t1) {
    for (int64_t t = t0; t < t1; ++t) {
      float* o = out + t * d;
      std::fill(o, o + d, 0.0f);
      for (int64_t j = 0; j < k; ++j) {
        const float w = weight[t * k + j];
        const float* ye = ybuf.data() + row_of[t * k + j] * d;
        for (int64_t i = 0; i < d; ++i) o[i] += w * ye[i];
      }
    }
  };
  if (n * d < (int64_t{1} << 16)) {
    scatter(0, T);
    return;
  }
  oneapi::tbb::parallel_for(
      oneapi::tbb::blocked_range<int64_t>(0, T, 64),
      [&](const oneapi::tbb::blocked_range<int64_t>& r) { scatter(r.begin(), r.end()); });
}

}  // namespace seqlens::kern
