// Mamba-2 SSD (models.md B.2, B.3): the chunked algorithm, parallel over heads, with Eigen products
// for the intra-chunk C·Bᵀ, the chunk states and the state→output term; the one-token step; and
// the materialised M = L ∘ (C Bᵀ) of one head.
#include <algorithm>
#include <cmath>
#include <vector>

#include <oneapi/tbb/blocked_range.h>
#include <oneapi/tbb/parallel_for.h>
#include <Eigen/Core>

#include "core/kernels/kernels.h"

namespace seqlens::kern {
namespace {

using MatRM = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using Strided = Eigen::OuterStride<>;
using CStridedMap = Eigen::Map<const MatRM, 0, Strided>;

// Runs f(h) for every head; heads are independent, so the split never changes a result.
template <typename F>
void over_heads(int64_t H, int64_t work, F&& f) {
  if (work < (int64_t{1} << 14) || H < 2) {
    for (int64_t h = 0; h < H; ++h) f(h);
    return;
  }
  oneapi::tbb::parallel_for(oneapi::tbb::blocked_range<int64_t>(0, H, 1),
                            [&](const oneapi::tbb::blocked_range<int64_t>& r) {
                              for (int64_t h = r.begin(); h < r.end(); ++h) f(h);
                            });
}

}  // namespace

void ssd_chunked(float* y, float* state, float* states, const float* x, const float* dt,
                 const float* A, const float* B, const float* C, const float* D, int64_t T,
                 int64_t H, int64_t P, int64_t G, int64_t N, int64_t Q) {
  Q = std::max<int64_t>(Q, 1);
  over_heads(H, T * P * N * std::min(Q, T), [&](int64_t h) {
    const int64_t g = h * G / H;
    const CStridedMap Xh(x + h * P, T, P, Strided(H * P));  // [T,P]
    const CStridedMap Bg(B + g * N, T, N, Strided(G * N));  // [T,N]
    const CStridedMap Cg(C + g * N, T, N, Strided(G * N));  // [T,N]
    Eigen::Map<MatRM> Hs(state + h * P * N, P, N);          // state entering the current chunk
    const float dh = D ? D[h] : 0.0f;

    for (int64_t t0 = 0; t0 < T; t0 += Q) {
      const int64_t q = std::min(Q, T - t0);
      // Λ_i = Σ_{k=t0..t0+i} a_k (inclusive, in double; chunks are short so no cancellation).
      std::vector<double> lam(static_cast<size_t>(q));  // [q]
      double acc = 0.0;
      for (int64_t i = 0; i < q; ++i) lam[i] = acc += dt[(t0 + i) * H + h] * A[h];

      MatRM Lc = MatRM::Zero(q, q);  // exp(Λ_i − Λ_j) for j ≤ i only (never the upper part)
      for (int64_t i = 0; i < q; ++i) {
        float* row = Lc.row(i).data();
        for (int64_t j = 0; j <= i; ++j) row[j] = static_cast<float>(lam[i] - lam[j]);
        vexp(row, row, i + 1);
      }
      Eigen::VectorXf decay_in(q), decay_out(q);  // exp(Λ_i), exp(Λ_{q-1} − Λ_j)
      for (int64_t i = 0; i < q; ++i) {
        decay_in(i) = static_cast<float>(lam[i]);
        decay_out(i) = static_cast<float>(lam[q - 1] - lam[i]);
      }
      vexp(decay_in.data(), decay_in.data(), q);
      vexp(decay_out.data(), decay_out.data(), q);

      const auto Bc = Bg.middleRows(t0, q);  // [q,N]
      const auto Cc = Cg.middleRows(t0, q);  // [q,N]
      MatRM Xs(q, P);                        // X_j = Δ_j x_j, [q,P]
      for (int64_t i = 0; i < q; ++i) Xs.row(i) = dt[(t0 + i) * H + h] * Xh.row(t0 + i);

      if (states) {
        // Recording path: per-step states by the recurrence, from the entering state.
        MatRM S = Hs;  // [P,N]
        for (int64_t i = 0; i < q; ++i) {
          S = std::exp(dt[(t0 + i) * H + h] * A[h]) * S;
          S.noalias() += Xs.row(i).transpose() * Bc.row(i);
          std::copy(S.data(), S.data() + P * N, states + ((t0 + i) * H + h) * P * N);
        }
      }

      MatRM M(q, q);  // L ∘ (C Bᵀ)
      M.noalias() = Cc * Bc.transpose();
      M = M.cwiseProduct(Lc);
      MatRM Yc(q, P);
      Yc.noalias() = M * Xs;  // diagonal block
      MatRM CH(q, P);
      CH.noalias() = Cc * Hs.transpose();          // H_c C_i for every i
      Yc.noalias() += decay_in.asDiagonal() * CH;  // off-diagonal: entering state
      for (int64_t i = 0; i < q; ++i) {            // + D·x, written into the strided output
        float* yr = y + (t0 + i) * H * P + h * P;
        const float* xr = x + (t0 + i) * H * P + h * P;
        for (int64_t p = 0; p < P; ++p) yr[p] = Yc(i, p) + dh * xr[p];
      }

      // H_{c+1} = exp(Λ_{q-1}) H_c + Σ_j exp(Λ_{q-1} − Λ_j) X_j ⊗ B_j
      MatRM Xw = decay_out.asDiagonal() * Xs;  // [q,P]
      Hs *= decay_in(q - 1);                   // exp(Λ_{q-1})
      Hs.noalias() += Xw.transpose() * Bc;
    }
  });
}

void ssd_step(float* y, float* state, const float* x, const float* dt, const float* A,
              const float* B, const float* C, const float* D, int64_t H, int64_t P, int64_t G,
              int64_t N) {
  over_heads(H, H * P * N, [&](int64_t h) {
    const float* Bv = B + (h * G / H) * N;  // [N] of the head's group
    const float* Cv = C + (h * G / H) * N;
    const float d = dt[h];
    const float decay = std::exp(d * A[h]);
    for (int64_t p = 0; p < P; ++p) {
      float* S = state + (h * P + p) * N;  // row p of the head's [P,N] state
      const float xp = x[h * P + p];
      const float dx = d * xp;
      for (int64_t n = 0; n < N; ++n) S[n] = decay * S[n] + dx * Bv[n];
      y[h * P + p] = dot(S, Cv, N) + (D ? D[h] * xp : 0.0f);
    }
  });
}

void ssd_hidden_attention(float* M, const float* dt, const float* A, const float* B, const float* C,
                          int64_t h, int64_t T, int64_t H, int64_t G, int64_t N) {
  const int64_t g = h * G / H;
  const CStridedMap Bg(B + g * N, T, N, Strided(G * N));
  const CStridedMap Cg(C + g * N, T, N, Strided(G * N));
  Eigen::Map<MatRM> Mm(M, T, T);
  Mm.noalias() = Cg * Bg.transpose();

  auto rows = [&](int64_t t0, int64_t t1) {
    std::vector<float> L(static_cast<size_t>(T));  // [T] one row of L
    for (int64_t t = t0; t < t1; ++t) {
      // Stable segsum: walk s from t down, summing a_{s+1..t} directly (no cumsum difference).
      double seg = 0.0;
      for (int64_t s = t; s >= 0; --s) {
        L[s] = static_cast<float>(seg);
        seg += dt[s * H + h] * A[h];
      }
      vexp(L.data(), L.data(), t + 1);
      float* row = M + t * T;
      for (int64_t s = 0; s <= t; ++s) row[s] *= L[s];
      std::fill(row + t + 1, row + T, 0.0f);
    }
  };
  if (T * T < (int64_t{1} << 14)) {
    rows(0, T);
    return;
  }
  oneapi::tbb::parallel_for(
      oneapi::tbb::blocked_range<int64_t>(0, T, 32),
      [&](const oneapi::tbb::blocked_range<int64_t>& r) { rows(r.begin(), r.end()); });
}

}  // namespace seqlens::kern
