// Mamba-2 SSD (models.md B.2, B.3): the chunked algorithm, parallel over fixed groups of heads,
// with Eigen products for the intra-chunk C·Bᵀ (once per group and chunk), the chunk states and
// the state→output term, and the narrow kernel (small_gemm) for the causal diagonal block, in
// per-task scratch buffers; the one-token step; and the materialised M = L ∘ (C Bᵀ) of one head.
#include <algorithm>
#include <cmath>
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
using MapRM = Eigen::Map<MatRM>;

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

constexpr int64_t kHeadsPerTask = 4;  // fixed, so the products' shapes never depend on threads

// Per-task buffers for chunks of up to Q rows, allocated once per task (not per chunk).
struct ChunkScratch {
  std::vector<float> CB, M, Xs, Yc, CH, Xw, S;  // [Q,Q] [Q,Q] [Q,P] [Q,P] [Q,hP] [Q,hP] [P,N]
  std::vector<float> decay_in, decay_out;       // [Q] exp(Λ_i), exp(Λ_{q-1} − Λ_i)
  std::vector<double> lam;                      // [Q] Λ_i
  ChunkScratch(int64_t Q, int64_t P, int64_t N)
      : CB(Q * Q),
        M(Q * Q),
        Xs(Q * P),
        Yc(Q * P),
        CH(Q * kHeadsPerTask * P),
        Xw(Q * kHeadsPerTask * P),
        S(P * N),
        decay_in(Q),
        decay_out(Q),
        lam(Q) {}
};

// One chunk [t0, t0+q) of heads [ha, hb) (≤ kHeadsPerTask heads of one group g): writes y rows,
// advances the heads' states H_c → H_{c+1} and records per-step states if asked. The heads of a
// group share B and C, so C·Bᵀ, the state→output product C·[H_ha … H_hb-1]ᵀ and the state update
// [X̃_ha … X̃_hb-1]ᵀ·B are one product each for the whole run of heads.
void ssd_chunk_heads(ChunkScratch& sc, float* y, float* state, float* states, const float* x,
                     const float* dt, const float* A, const float* B, const float* C,
                     const float* D, int64_t t0, int64_t q, int64_t ha, int64_t hb, int64_t H,
                     int64_t P, int64_t G, int64_t N) {
  const int64_t g = ha * G / H, nh = hb - ha, W = nh * P;
  const CStridedMap Bc(B + t0 * G * N + g * N, q, N, Strided(G * N));  // [q,N]
  const CStridedMap Cc(C + t0 * G * N + g * N, q, N, Strided(G * N));  // [q,N]
  MapRM Hrun(state + ha * P * N, W, N);  // the run's states entering the chunk, [nh·P, N]
  MapRM CB(sc.CB.data(), q, q);
  CB.noalias() = Cc * Bc.transpose();
  MapRM CH(sc.CH.data(), q, W);  // H_c C_i for every i and head
  CH.noalias() = Cc * Hrun.transpose();
  MapRM Xw(sc.Xw.data(), q, W);  // exp(Λ_{q-1} − Λ_j) X_j per head

  for (int64_t h = ha; h < hb; ++h) {
    const int64_t col = (h - ha) * P;
    MapRM Hs(state + h * P * N, P, N);
    const float dh = D ? D[h] : 0.0f;
    // Λ_i = Σ_{k=t0..t0+i} a_k (inclusive, in double; chunks are short so no cancellation).
    double acc = 0.0;
    for (int64_t i = 0; i < q; ++i) sc.lam[i] = acc += dt[(t0 + i) * H + h] * A[h];
    for (int64_t i = 0; i < q; ++i) {
      sc.decay_in[i] = static_cast<float>(sc.lam[i]);
      sc.decay_out[i] = static_cast<float>(sc.lam[q - 1] - sc.lam[i]);
    }
    vexp(sc.decay_in.data(), sc.decay_in.data(), q);
    vexp(sc.decay_out.data(), sc.decay_out.data(), q);

    // M = L ∘ (C Bᵀ), lower triangle, zeros stored above the diagonal (small_gemm's lower_a
    // skips most of them but reads those inside each row tile).
    for (int64_t i = 0; i < q; ++i) {
      float* row = sc.M.data() + i * q;
      for (int64_t j = 0; j <= i; ++j) row[j] = static_cast<float>(sc.lam[i] - sc.lam[j]);
      vexp(row, row, i + 1);
      const float* cb = sc.CB.data() + i * q;
      for (int64_t j = 0; j <= i; ++j) row[j] *= cb[j];
      std::fill(row + i + 1, row + q, 0.0f);
    }
    MapRM Xs(sc.Xs.data(), q, P);  // X_j = Δ_j x_j
    for (int64_t i = 0; i < q; ++i) {
      const float d = dt[(t0 + i) * H + h];
      const float* xr = x + (t0 + i) * H * P + h * P;
      float* xs = sc.Xs.data() + i * P;
      for (int64_t p = 0; p < P; ++p) xs[p] = d * xr[p];
    }

    if (states) {
      // Recording path: per-step states by the recurrence, from the entering state.
      MapRM S(sc.S.data(), P, N);
      S = Hs;
      for (int64_t i = 0; i < q; ++i) {
        S *= std::exp(dt[(t0 + i) * H + h] * A[h]);
        S.noalias() += Xs.row(i).transpose() * Bc.row(i);
        std::copy(S.data(), S.data() + P * N, states + ((t0 + i) * H + h) * P * N);
      }
    }

    // Diagonal block Yc[q,P] = M · Xs: a q × q × P product (32 × 32 × 64) is too small for
    // Eigen's packing (its triangular product was ~10 % of the SSD); the register-tiled narrow
    // kernel runs it in place and skips the zero upper triangle tile by tile.
    small_gemm(sc.Yc.data(), P, sc.M.data(), q, sc.Xs.data(), P, q, q, P, true);
    for (int64_t i = 0; i < q; ++i) {  // + off-diagonal + D·x, into the strided output
      float* yr = y + (t0 + i) * H * P + h * P;
      const float* xr = x + (t0 + i) * H * P + h * P;
      const float* yc = sc.Yc.data() + i * P;
      const float* ch = sc.CH.data() + i * W + col;
      const float din = sc.decay_in[i];
      for (int64_t p = 0; p < P; ++p) yr[p] = (yc[p] + din * ch[p]) + dh * xr[p];
    }
    for (int64_t i = 0; i < q; ++i) {
      const float w = sc.decay_out[i];
      const float* xs = sc.Xs.data() + i * P;
      float* xw = sc.Xw.data() + i * W + col;
      for (int64_t p = 0; p < P; ++p) xw[p] = w * xs[p];
    }
    Hs *= sc.decay_in[q - 1];  // exp(Λ_{q-1}) H_c
  }
  // H_{c+1} = exp(Λ_{q-1}) H_c + Σ_j exp(Λ_{q-1} − Λ_j) X_j ⊗ B_j, for every head of the run
  Hrun.noalias() += Xw.transpose() * Bc;
}

}  // namespace

void ssd_chunked(float* y, float* state, float* states, const float* x, const float* dt,
                 const float* A, const float* B, const float* C, const float* D, int64_t T,
                 int64_t H, int64_t P, int64_t G, int64_t N, int64_t Q) {
  Q = std::max<int64_t>(1, std::min(Q, T));
  // Tasks own fixed ranges of kHeadsPerTask heads and walk the chunks in order, handling all their
  // heads of a group per chunk with shared products. The ranges never depend on the thread count,
  // so neither do the products' shapes nor any bit of the result.
  const int64_t ntasks = (H + kHeadsPerTask - 1) / kHeadsPerTask;
  auto run = [&](int64_t task) {
    const int64_t h0 = task * kHeadsPerTask, h1 = std::min(H, h0 + kHeadsPerTask);
    ChunkScratch sc(Q, P, N);
    for (int64_t t0 = 0; t0 < T; t0 += Q) {
      const int64_t q = std::min(Q, T - t0);
      for (int64_t ha = h0; ha < h1;) {  // runs of heads reading the same group
        int64_t hb = ha + 1;
        while (hb < h1 && hb * G / H == ha * G / H) ++hb;
        ssd_chunk_heads(sc, y, state, states, x, dt, A, B, C, D, t0, q, ha, hb, H, P, G, N);
        ha = hb;
      }
    }
  };
  if (ntasks == 1 || T * H * P * N < (int64_t{1} << 14)) {
    for (int64_t i = 0; i < ntasks; ++i) run(i);
    return;
  }
  oneapi::tbb::parallel_for(
      oneapi::tbb::blocked_range<int64_t>(0, ntasks, 1),
      [&](const oneapi::tbb::blocked_range<int64_t>& r) {
        for (int64_t i = r.begin(); i < r.end(); ++i) run(i);
      },
      oneapi::tbb::simple_partitioner());
}

int64_t ssd_best_chunk(int64_t T, int64_t H, int64_t P, int64_t N) {
  (void)H;
  (void)P;
  (void)N;
  return std::max<int64_t>(1, std::min<int64_t>(T, 32));
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

void ssd_hidden_attention(float* M, const int64_t* heads, int64_t nh, const float* dt,
                          const float* A, const float* B, const float* C, int64_t T, int64_t H,
                          int64_t G, int64_t N) {
  // Stable segsum: Σ_{k=s+1..t} a_k = A·(Γ_t − Γ_s) with the running sum Γ of Δ in double, so
  // the difference never cancels two large float sums.
  //
  // Rows in fixed blocks of kRows. For a key s left of a row block that starts at t0 (reference
  // point r = t0 − 1), in an earlier block β that ends at e_β, the decay factors into three
  // parts, each ≤ 1 (as in the Mamba-1 kernel):
  //   exp(a(Γ_t − Γ_s)) = exp(a(Γ_t − Γ_r)) · exp(a(Γ_r − Γ_{e_β})) · exp(a(Γ_{e_β} − Γ_s)),
  // one exponential per row, per (row block, β) and per key instead of one per entry. Keys in
  // the row's own block take exp(a(Γ_t − Γ_s)) directly.
  constexpr int64_t kRows = 32;
  const int64_t blocks = (T + kRows - 1) / kRows;
  auto block_end = [&](int64_t beta) { return std::min(T, (beta + 1) * kRows) - 1; };
  struct Head {
    int64_t group = 0;
    double a = 0.0;
    std::vector<double> gamma;  // [T] Γ_t = Σ_{k≤t} Δ_k
    std::vector<float> to_end;  // [T] exp(a(Γ_{e_β} − Γ_s)) for key s in block β
    float decay(double later, double earlier) const {
      return static_cast<float>(a * (later - earlier));  // ≤ 0
    }
  };
  std::vector<Head> hs(static_cast<size_t>(nh));
  for (int64_t i = 0; i < nh; ++i) {
    Head& e = hs[static_cast<size_t>(i)];
    const int64_t h = heads[i];
    e.group = h * G / H;
    e.a = A[h];
    e.gamma.resize(static_cast<size_t>(T));
    double acc = 0.0;
    for (int64_t t = 0; t < T; ++t) e.gamma[t] = acc += dt[t * H + h];
    e.to_end.resize(static_cast<size_t>(T));
    for (int64_t s = 0; s < T; ++s)
      e.to_end[s] = e.decay(e.gamma[block_end(s / kRows)], e.gamma[s]);
    vexp(e.to_end.data(), e.to_end.data(), T);
  }

  auto rows = [&](int64_t t0, int64_t t1) {
    const int64_t b = t1 - t0;
    const int64_t blk = t0 / kRows;  // whole blocks left of these rows (t0 is a block start)
    // C·Bᵀ for these rows and the keys they see (0..t1−1), once per group: every head of a group
    // shares it (Mamba-2's heads share B and C), only the decays differ.
    MatRM cb(b, t1);
    int64_t cb_group = -1;
    std::vector<float> from_ref(static_cast<size_t>(b)), across(static_cast<size_t>(blk));
    std::vector<float> L(static_cast<size_t>(b));  // a row's own-block decays
    for (int64_t i = 0; i < nh; ++i) {
      const Head& e = hs[static_cast<size_t>(i)];
      if (e.group != cb_group) {
        const CStridedMap Bg(B + e.group * N, T, N, Strided(G * N));
        const CStridedMap Cg(C + e.group * N, T, N, Strided(G * N));
        cb.noalias() = Cg.middleRows(t0, b) * Bg.topRows(t1).transpose();
        cb_group = e.group;
      }
      if (t0 > 0) {
        const double ref = e.gamma[t0 - 1];
        for (int64_t t = t0; t < t1; ++t) from_ref[t - t0] = e.decay(e.gamma[t], ref);
        for (int64_t beta = 0; beta < blk; ++beta)
          across[beta] = e.decay(ref, e.gamma[block_end(beta)]);
        vexp(from_ref.data(), from_ref.data(), b);
        vexp(across.data(), across.data(), blk);
      }
      float* out = M + i * T * T;
      for (int64_t t = t0; t < t1; ++t) {
        const float* cbr = cb.row(t - t0).data();
        float* row = out + t * T;
        for (int64_t beta = 0; beta < blk; ++beta) {
          const float f = from_ref[t - t0] * across[beta];
          const float* w = e.to_end.data() + beta * kRows;
          const int64_t s0 = beta * kRows;
          for (int64_t j = 0; j < kRows; ++j) row[s0 + j] = cbr[s0 + j] * (f * w[j]);
        }
        const double gt = e.gamma[t];
        for (int64_t s = t0; s <= t; ++s) L[s - t0] = e.decay(gt, e.gamma[s]);
        vexp(L.data(), L.data(), t - t0 + 1);
        for (int64_t s = t0; s <= t; ++s) row[s] = cbr[s] * L[s - t0];
        std::fill(row + t + 1, row + T, 0.0f);
      }
    }
  };
  // Fixed 32-row blocks, widest first: a block's product shape (and so its rounding) must not
  // depend on how TBB splits the rows.
  if (T <= kRows) {
    rows(0, T);
    return;
  }
  oneapi::tbb::parallel_for(
      oneapi::tbb::blocked_range<int64_t>(0, blocks, 1),
      [&](const oneapi::tbb::blocked_range<int64_t>& r) {
        for (int64_t i = r.begin(); i < r.end(); ++i) {
          const int64_t b = blocks - 1 - i;
          rows(b * kRows, std::min(T, (b + 1) * kRows));
        }
      },
      oneapi::tbb::simple_partitioner());
}

void ssd_hidden_attention(float* M, const float* dt, const float* A, const float* B, const float* C,
                          int64_t h, int64_t T, int64_t H, int64_t G, int64_t N) {
  ssd_hidden_attention(M, &h, 1, dt, A, B, C, T, H, G, N);
}

}  // namespace seqlens::kern
