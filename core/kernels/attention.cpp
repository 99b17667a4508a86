// Causal GQA softmax attention, streaming (flash-style): one task per (head, block of queries);
// each task walks the key blocks left of (and on) the diagonal, so blocks entirely above it are
// never computed, and keeps per query row a running max m, a running sum l and an accumulator
// acc[bq,hd] that is rescaled by e^(m_old - m_new) whenever the max grows. Memory per task is
// O(block × hd) plus one score block; the [T,S] scores are never materialised unless the caller
// asks for the pattern.
//
// With a pattern, the same streaming pass also parks each key block's e^(logit - m_block) in the
// pattern rows, with the running max m_block it used, and a last pass scales each block's part by
// e^(m_block - m)/l: no second exponential per entry (for most rows m_block already is the final
// m and the factor is 1/l). The output is therefore bitwise the same with or without a pattern
// (the pattern is a side output of the same computation, not a second kernel).
//
// Determinism: the blocks are fixed by (T, S) alone, and each output row only ever sees scores of
// its own visible keys (masked probabilities are exactly 0 and add nothing), so a row's bits do
// not depend on later tokens, on thread scheduling, or on buffer addresses (Eigen packs its GEMM
// operands; exponentials and sums go through vexp/sum).
#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

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

constexpr int64_t kQueryBlock = 64;  // query rows per task
constexpr int64_t kKeyBlock = 256;   // keys per streaming step

// max of x[0..n), n ≥ 1. Eight independent lanes so the compiler vectorises it (max is exact, so
// the order never matters).
float row_max(const float* x, int64_t n) {
  constexpr int64_t kLanes = 8;
  float acc[kLanes];
  std::fill(acc, acc + kLanes, -std::numeric_limits<float>::infinity());
  int64_t i = 0;
  for (; i + kLanes <= n; i += kLanes)
    for (int64_t j = 0; j < kLanes; ++j) acc[j] = std::max(acc[j], x[i + j]);
  for (int64_t j = 0; i < n; ++i, ++j) acc[j] = std::max(acc[j], x[i]);
  return *std::max_element(acc, acc + kLanes);
}

}  // namespace

void attention(float* out, float* pattern, const float* q, const float* k, const float* v,
               int64_t T, int64_t S, int64_t H, int64_t KV, int64_t hd) {
  const int64_t n_rep = H / KV;
  const int64_t n_qb = (T + kQueryBlock - 1) / kQueryBlock;
  const int64_t offset = S - T;  // absolute position of query 0
  const float scale = 1.0f / std::sqrt(static_cast<float>(hd));

  auto task = [&](int64_t h, int64_t qb) {
    const int64_t t0 = qb * kQueryBlock;
    const int64_t bq = std::min(kQueryBlock, T - t0);
    const int64_t kvh = h / n_rep;
    const int64_t sk = offset + t0 + bq;  // keys visible to the block's last query
    const CStridedMap Qb(q + t0 * H * hd + h * hd, bq, hd, Strided(H * hd));  // [bq,hd]

    MatRM Sb(bq, std::min(kKeyBlock, sk));  // [bq,bk] scores, then unnormalised probabilities
    MatRM acc = MatRM::Zero(bq, hd);        // [bq,hd] Σ e^(logit - m) · v
    Eigen::VectorXf m = Eigen::VectorXf::Constant(bq, -std::numeric_limits<float>::infinity());
    Eigen::VectorXf l = Eigen::VectorXf::Zero(bq);  // [bq] Σ e^(logit - m)
    Eigen::VectorXf alpha(bq);                      // [bq] m_old - m_new, then e^that
    Eigen::VectorXf part(bq);                       // [bq] this block's Σ e^(logit - m_new)
    const int64_t n_kb = (sk + kKeyBlock - 1) / kKeyBlock;
    std::vector<float> m_block(pattern ? static_cast<size_t>(bq * n_kb) : 0);  // [bq, n_kb]

    for (int64_t j0 = 0; j0 < sk; j0 += kKeyBlock) {
      const int64_t bk = std::min(kKeyBlock, sk - j0);
      const CStridedMap Kb(k + j0 * KV * hd + kvh * hd, bk, hd, Strided(KV * hd));  // [bk,hd]
      const CStridedMap Vb(v + j0 * KV * hd + kvh * hd, bk, hd, Strided(KV * hd));  // [bk,hd]
      auto Sblk = Sb.leftCols(bk);
      Sblk.noalias() = Qb * Kb.transpose();
      for (int64_t i = 0; i < bq; ++i) {
        const int64_t valid = std::min(bk, offset + t0 + i + 1 - j0);  // keys j0..pos here
        float* row = Sb.row(i).data();
        if (valid <= 0) {  // the whole block lies right of this row's diagonal
          std::fill(row, row + bk, 0.0f);
          alpha[i] = 0.0f;
          part[i] = 0.0f;
          continue;
        }
        for (int64_t j = 0; j < valid; ++j) row[j] *= scale;
        const float m_new = std::max(m[i], row_max(row, valid));
        alpha[i] = m[i] - m_new;  // ≤ 0; -inf on the first block (factor 0, acc and l are 0)
        m[i] = m_new;
        for (int64_t j = 0; j < valid; ++j) row[j] -= m_new;  // ≤ 0: no overflow
        vexp(row, row, valid);
        if (pattern) {  // park e^(logit - m_new); the last pass rescales and normalises them
          std::copy(row, row + valid, pattern + (h * T + t0 + i) * S + j0);
          m_block[i * n_kb + j0 / kKeyBlock] = m_new;
        }
        std::fill(row + valid, row + bk, 0.0f);  // masked: exactly 0, adds nothing below
        part[i] = sum(row, valid);
      }
      vexp(alpha.data(), alpha.data(), bq);
      for (int64_t i = 0; i < bq; ++i) {
        if (offset + t0 + i < j0) continue;  // row skipped this block
        if (alpha[i] == 1.0f) {              // max unchanged: nothing to rescale
          l[i] += part[i];
          continue;
        }
        l[i] = l[i] * alpha[i] + part[i];
        acc.row(i) *= alpha[i];
      }
      acc.noalias() += Sblk * Vb;
    }

    StridedMap Ob(out + t0 * H * hd + h * hd, bq, hd, Strided(H * hd));  // [bq,hd]
    for (int64_t i = 0; i < bq; ++i) Ob.row(i) = acc.row(i) / l[i];

    if (pattern) {
      for (int64_t i = 0; i < bq; ++i) {
        const int64_t valid = offset + t0 + i + 1;     // keys 0..pos
        float* prow = pattern + (h * T + t0 + i) * S;  // [S] parked e^(logit - m_block)
        for (int64_t j0 = 0; j0 < valid; j0 += kKeyBlock) {
          const float mb = m_block[i * n_kb + j0 / kKeyBlock];
          const float f = (mb == m[i] ? 1.0f : std::exp(mb - m[i])) / l[i];  // ≤ 1/l
          const int64_t end = std::min(valid, j0 + kKeyBlock);
          for (int64_t j = j0; j < end; ++j) prow[j] *= f;
        }
        std::fill(prow + valid, prow + S, 0.0f);  // masked entries are exactly 0
      }
    }
  };

  // One job per (head, query block), latest (most expensive) query blocks first so the tail of
  // the schedule is short. The blocks are fixed, so results do not depend on scheduling.
  oneapi::tbb::parallel_for(
      oneapi::tbb::blocked_range<int64_t>(0, H * n_qb, 1),
      [&](const oneapi::tbb::blocked_range<int64_t>& r) {
        for (int64_t j = r.begin(); j < r.end(); ++j) task(j % H, n_qb - 1 - j / H);
      },
      oneapi::tbb::simple_partitioner());
}

}  // namespace seqlens::kern
