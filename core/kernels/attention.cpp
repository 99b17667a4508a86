// Causal GQA softmax attention, one task per (head, block of queries). Each task computes its
// score block with one Eigen product, a max-subtracted softmax per row, and one product with V.
// (Not a streaming/flash kernel: the block's scores are materialised, which is also what the
// recorded pattern needs.)
#include <algorithm>
#include <cmath>

#include <oneapi/tbb/blocked_range.h>
#include <oneapi/tbb/parallel_for.h>
#include <oneapi/tbb/partitioner.h>
#include <Eigen/Core>

#include "core/kernels/kernels.h"

namespace seqlens::kern {
namespace {

using MatRM = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using Strided = Eigen::OuterStride<>;
using CStridedMap = Eigen::Map<const MatRM, 0, Strided>;
using StridedMap = Eigen::Map<MatRM, 0, Strided>;

constexpr int64_t kQueryBlock = 32;

}  // namespace

void attention(float* out, float* pattern, const float* q, const float* k, const float* v,
               int64_t T, int64_t S, int64_t H, int64_t KV, int64_t hd) {
  const int64_t n_rep = H / KV;
  const int64_t n_qb = (T + kQueryBlock - 1) / kQueryBlock;
  const int64_t offset = S - T;  // absolute position of query 0
  const float scale = 1.0f / std::sqrt(static_cast<float>(hd));

  auto task = [&](int64_t job) {
    const int64_t h = job / n_qb;
    const int64_t t0 = (job % n_qb) * kQueryBlock;
    const int64_t bq = std::min(kQueryBlock, T - t0);
    const int64_t kvh = h / n_rep;
    const int64_t sk = offset + t0 + bq;  // keys visible to the block's last query
    const CStridedMap Qb(q + t0 * H * hd + h * hd, bq, hd, Strided(H * hd));  // [bq,hd]
    const CStridedMap Kb(k + kvh * hd, sk, hd, Strided(KV * hd));             // [sk,hd]
    const CStridedMap Vb(v + kvh * hd, sk, hd, Strided(KV * hd));             // [sk,hd]

    MatRM P(bq, sk);  // scores, then probabilities
    P.noalias() = Qb * Kb.transpose();
    P *= scale;
    for (int64_t i = 0; i < bq; ++i) {
      const int64_t valid = offset + t0 + i + 1;  // keys 0..pos
      float* row = P.row(i).data();
      const float m = *std::max_element(row, row + valid);
      for (int64_t j = 0; j < valid; ++j) row[j] -= m;  // ≤ 0: no overflow whatever the logits
      vexp(row, row, valid);
      const float total = sum(row, valid);
      for (int64_t j = 0; j < valid; ++j) row[j] /= total;
      std::fill(row + valid, row + sk, 0.0f);  // masked entries are exactly 0
    }
    StridedMap Ob(out + t0 * H * hd + h * hd, bq, hd, Strided(H * hd));
    Ob.noalias() = P * Vb;

    if (pattern) {
      for (int64_t i = 0; i < bq; ++i) {
        float* prow = pattern + (h * T + t0 + i) * S;  // [S]
        std::copy(P.row(i).data(), P.row(i).data() + sk, prow);
        std::fill(prow + sk, prow + S, 0.0f);
      }
    }
  };

  // One job per (head, query block); the blocks are fixed, so results do not depend on scheduling.
  oneapi::tbb::parallel_for(
      oneapi::tbb::blocked_range<int64_t>(0, H * n_qb, 1),
      [&](const oneapi::tbb::blocked_range<int64_t>& r) {
        for (int64_t j = r.begin(); j < r.end(); ++j) task(j);
      },
      oneapi::tbb::simple_partitioner());
}

}  // namespace seqlens::kern
