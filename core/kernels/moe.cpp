// Mixture of experts: softmax router with deterministic top-k, and expert evaluation grouped by
// expert (gathered SwiGLU products per expert, (expert, row block) tasks in parallel) followed by
// a scatter-add in a fixed (token, j) order, so the result never depends on thread scheduling.
// The products use a cache blocking fixed by (d, I), so a token's output is also bitwise
// independent of the rest of the batch (how many tokens share its experts).
#include <algorithm>
#include <numeric>
#include <string>
#include <vector>

#include <oneapi/tbb/blocked_range.h>
#include <oneapi/tbb/parallel_for.h>
#include <oneapi/tbb/partitioner.h>
#include <Eigen/Core>

#include "core/common/error.h"
#include "core/kernels/kernels.h"

namespace seqlens::kern {
namespace {

using MatRM = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

// Gathered rows per expert task (large groups are split; every block is its own product).
constexpr int64_t kRowBlock = 256;
// Row counts are padded with zero rows to a multiple of this, so every real row sits in a full
// register panel of Eigen's kernel (the rows are the kernel's nr columns) and takes the same path.
constexpr int64_t kRowPad = Eigen::internal::gebp_traits<float, float>::nr;

// out[n,O] = in[n,K] · W[O,K]ᵀ (row-major, n a multiple of kRowPad), with Eigen's cache blocking
// fixed for kRowBlock rows instead of derived from n. Eigen's public product chooses its blocking
// (and so the split of the depth sum and the kernel path of each output) from all three sizes,
// which would make a token's bits depend on how many tokens its expert received. Here they depend
// on (K, O) only, and every row is computed by the same instructions wherever it sits.
void fixed_block_product(float* out, const float* in, const float* W, int64_t n, int64_t K,
                         int64_t O) {
#if EIGEN_VERSION_AT_LEAST(3, 4, 0)
  namespace ei = Eigen::internal;
  // Column-major view: outᵀ[O,n] = W[O,K] (row-major storage) · inᵀ[K,n] (column-major storage).
  using Blocking = ei::gemm_blocking_space<Eigen::ColMajor, float, float, Eigen::Dynamic,
                                           Eigen::Dynamic, Eigen::Dynamic, 1, false>;
  using Gemm = ei::general_matrix_matrix_product<Eigen::Index, float, Eigen::RowMajor, false, float,
                                                 Eigen::ColMajor, false, Eigen::ColMajor, 1>;
  Blocking blocking(O, kRowBlock, K, 1, true);
  std::fill(out, out + n * O, 0.0f);
  Gemm::run(O, n, K, W, K, in, K, out, 1, O, 1.0f, blocking, nullptr);
#else
  // Eigen 3.3 has another internal signature: the public product (correct, but a token's last
  // bits may then depend on its expert's group size).
  using CMap = Eigen::Map<const MatRM>;
  Eigen::Map<MatRM>(out, n, O).noalias() = CMap(in, n, K) * CMap(W, O, K).transpose();
#endif
}

}  // namespace

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

  // One task per (expert, block of up to kRowBlock gathered rows). The products use a blocking
  // fixed by (d, I) and rows padded to full register panels, so a token's output does not depend
  // on how many tokens its expert received, on its row within the block, or on the schedule.
  std::vector<int64_t> job_start(static_cast<size_t>(E + 1), 0);  // [E+1] first job per expert
  for (int64_t e = 0; e < E; ++e)
    job_start[e + 1] = job_start[e] + (start[e + 1] - start[e] + kRowBlock - 1) / kRowBlock;
  std::vector<float> ybuf(static_cast<size_t>(n * d));  // [T*k,d] expert outputs, grouped
  auto job = [&](int64_t j) {
    const int64_t e =
        std::upper_bound(job_start.begin(), job_start.end(), j) - job_start.begin() - 1;
    const int64_t r0 = start[e] + (j - job_start[e]) * kRowBlock;
    const int64_t rows = std::min(kRowBlock, start[e + 1] - r0);
    const int64_t padded = (rows + kRowPad - 1) / kRowPad * kRowPad;
    MatRM xe(padded, d);  // [padded,d] gathered tokens, zero rows as padding
    for (int64_t i = 0; i < rows; ++i)
      std::copy(x + token_of[r0 + i] * d, x + (token_of[r0 + i] + 1) * d, xe.row(i).data());
    xe.bottomRows(padded - rows).setZero();
    MatRM gate(padded, I), up(padded, I);  // [padded,I]
    fixed_block_product(gate.data(), xe.data(), Wg[e], padded, d, I);
    fixed_block_product(up.data(), xe.data(), Wu[e], padded, d, I);
    silu(gate.data(), gate.data(), rows * I);
    gate.topRows(rows).array() *= up.topRows(rows).array();
    MatRM ye(padded, d);  // [padded,d]
    fixed_block_product(ye.data(), gate.data(), Wd[e], padded, I, d);
    std::copy(ye.data(), ye.data() + rows * d, ybuf.data() + r0 * d);
  };
  oneapi::tbb::parallel_for(
      oneapi::tbb::blocked_range<int64_t>(0, job_start[E], 1),
      [&](const oneapi::tbb::blocked_range<int64_t>& r) {
        for (int64_t j = r.begin(); j < r.end(); ++j) job(j);
      },
      oneapi::tbb::simple_partitioner());

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
