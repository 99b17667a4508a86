// Dense projections and the SwiGLU MLP: Eigen products on row-major maps, split over output
// columns (or rows) with TBB when the product is large enough to pay for a task.
#include <algorithm>
#include <cmath>
#include <vector>

#include <oneapi/tbb/blocked_range.h>
#include <oneapi/tbb/parallel_for.h>
#include <oneapi/tbb/partitioner.h>
#include <Eigen/Core>
#if defined(__AVX2__) && defined(__FMA__)
#include <immintrin.h>
#endif

#include "core/kernels/kernels.h"

namespace seqlens::kern {
namespace {

using MatRM = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using CMap = Eigen::Map<const MatRM>;
using Strided = Eigen::OuterStride<>;
using OutBlock = Eigen::Map<MatRM, 0, Strided>;

// Below this many multiply-adds a single Eigen call beats spawning tasks.
constexpr int64_t kParallelFlops = int64_t{1} << 18;
// Output columns (or rows) per task. simple_partitioner splits at fixed points, so each block (and
// hence the rounding of every output) is the same on every run, whatever the thread schedule.
constexpr int64_t kColumnGrain = 64;
constexpr int64_t kRowGrain = 64;
// Long inputs are cut into row tiles too, so each task's slice of `in` stays in cache instead of
// every column task streaming (and repacking) all T rows.
constexpr int64_t kRowTile = 256;
constexpr int64_t kColumnTile = 128;

// Column blocks of a split: block c of n_c starts at c·width, and the last one takes the remainder
// (O = 1160 → 17 blocks of 64 and one of 72), so no block is a narrow sliver that runs the GEMM
// at a fraction of its speed (a plain grain-64 split of 1160 made blocks of 36 columns). The
// boundaries depend only on O, never on the thread count.
inline int64_t column_start(int64_t c, int64_t n_c, int64_t O, int64_t width) {
  return c >= n_c ? O : c * width;
}

// out[T,O] = in[T,I] · Wᵀ, where wblock(o0, o1) gives the [I, o1-o0] block of Wᵀ. Long inputs are
// tiled over rows and columns, wide outputs split over columns, narrow ones (e.g. Mamba's x_proj,
// O = R+2N) over rows.
template <typename WBlock>
void product(float* out, const float* in, const float* bias, int64_t T, int64_t I, int64_t O,
             const WBlock& wblock) {
  auto run = [&](int64_t t0, int64_t t1, int64_t o0, int64_t o1) {
    const Eigen::Map<const MatRM, 0, Strided> X(in + t0 * I, t1 - t0, I, Strided(I));
    OutBlock Y(out + t0 * O + o0, t1 - t0, o1 - o0, Strided(O));
    Y.noalias() = X * wblock(o0, o1);
    if (bias) Y.rowwise() += Eigen::Map<const Eigen::RowVectorXf>(bias + o0, o1 - o0);
  };
  namespace tbb = oneapi::tbb;
  if (T * I * O < kParallelFlops) {
    run(0, T, 0, O);
  } else if (T > kRowTile && O >= kColumnTile) {
    const int64_t n_r = (T + kRowTile - 1) / kRowTile, n_c = O / kColumnTile;
    tbb::parallel_for(
        tbb::blocked_range<int64_t>(0, n_r * n_c, 1),
        [&](const tbb::blocked_range<int64_t>& r) {
          for (int64_t j = r.begin(); j < r.end(); ++j) {
            const int64_t t0 = j / n_c * kRowTile, c = j % n_c;
            run(t0, std::min(T, t0 + kRowTile), column_start(c, n_c, O, kColumnTile),
                column_start(c + 1, n_c, O, kColumnTile));
          }
        },
        tbb::simple_partitioner());
  } else if (O >= 2 * kColumnGrain) {
    const int64_t n_c = O / kColumnGrain;
    tbb::parallel_for(
        tbb::blocked_range<int64_t>(0, n_c, 1),
        [&](const tbb::blocked_range<int64_t>& r) {
          for (int64_t c = r.begin(); c < r.end(); ++c)
            run(0, T, column_start(c, n_c, O, kColumnGrain),
                column_start(c + 1, n_c, O, kColumnGrain));
        },
        tbb::simple_partitioner());
  } else if (T >= 2 * kRowGrain) {
    tbb::parallel_for(
        tbb::blocked_range<int64_t>(0, T, kRowGrain),
        [&](const tbb::blocked_range<int64_t>& r) { run(r.begin(), r.end(), 0, O); },
        tbb::simple_partitioner());
  } else {
    run(0, T, 0, O);
  }
}

// Narrow products (a short inner dimension such as Mamba-1's dt_proj, I = dt_rank = 16, or few
// outputs such as the MoE router, O = 16): a GEMM library spends more time packing and
// dispatching such a product than computing it. Here W is packed once per call into panels of
// kPanel output columns, Wp[O/kPanel][I][kPanel] (the last one zero-padded), and a micro-kernel
// keeps a kMr × kPanel tile of outputs in registers (12 AVX2 accumulators) while it walks the whole
// inner dimension: per step it loads one panel row and broadcasts kMr inputs. The bias is added
// as the tile is stored, so the output is written once.
//
// Every output element is the same chain fma(x[t,0], w[0,o], 0), fma(x[t,1], w[1,o], ·), …, then
// + bias[o], whatever tile, task or thread computes it, so results never depend on the schedule.
constexpr int64_t kSmallInner = 32;    // I up to this → narrow kernel (when O is not tiny either)
constexpr int64_t kNarrowOutput = 32;  // O up to this → narrow kernel
constexpr int64_t kPanel = 16;         // output columns per packed panel (two AVX2 registers)
constexpr int64_t kMr = 6;             // rows per register tile: 6 × 2 accumulators + 2 panel rows
constexpr int64_t kNarrowRows = 48;    // rows per task (a multiple of kMr)
constexpr int64_t kNarrowRowsShortInner = 132;  // rows per task when I ≤ kSmallInner
constexpr int64_t kNarrowPanels = 8;            // panels per task (128 columns)

// Panels [p0, p1) of Wᵀ: Wp[p1-p0][I][kPanel] = W[o,i] for o = p·kPanel + j < O, else 0;
// bp[(p1-p0)·kPanel] = bias or 0.
void pack_narrow(float* Wp, float* bp, const float* W, const float* bias, int64_t I, int64_t O,
                 int64_t p0, int64_t p1) {
  for (int64_t p = p0; p < p1; ++p)
    for (int64_t j = 0; j < kPanel; ++j) {
      const int64_t o = p * kPanel + j;
      float* dst = Wp + (p - p0) * I * kPanel + j;
      if (o < O)
        for (int64_t i = 0; i < I; ++i) dst[i * kPanel] = W[o * I + i];
      else
        for (int64_t i = 0; i < I; ++i) dst[i * kPanel] = 0.0f;
      bp[(p - p0) * kPanel + j] = (o < O && bias) ? bias[o] : 0.0f;
    }
}

// Cache lines of the next rows that narrow_tile asks for per 8 steps of its inner loop. A full
// tile of kMr rows covers kMr·I floats = 3·I/8 lines, exactly what I/8 such requests fetch.
constexpr int64_t kPrefetchPer8 = 3;

// out rows [0, M) × columns [0, n) (n ≤ kPanel) = a[M,I] · panel[I,kPanel] + b[kPanel]; row
// strides: out ldo, a lda, panel ldp (all kPanel columns of every panel row are read). b may be
// null (no bias). `next` (may be null) is a contiguous range of `next_lines` cache lines, the rows
// of the following tile: their prefetches into L1 are spread evenly over the inner loop.
template <int M>
void narrow_tile(float* out, int64_t ldo, const float* a, int64_t lda, const float* panel,
                 int64_t ldp, const float* b, int64_t I, int64_t n, const float* next = nullptr,
                 int64_t next_lines = 0) {
#if defined(__AVX2__) && defined(__FMA__)
  __m256 acc0[M], acc1[M];
#pragma GCC unroll 8
  for (int r = 0; r < M; ++r) acc0[r] = acc1[r] = _mm256_setzero_ps();
  auto step = [&](int64_t i) {
    const __m256 w0 = _mm256_loadu_ps(panel + i * ldp);
    const __m256 w1 = _mm256_loadu_ps(panel + i * ldp + 8);
#pragma GCC unroll 8
    for (int r = 0; r < M; ++r) {
      const __m256 ar = _mm256_broadcast_ss(a + r * lda + i);
      acc0[r] = _mm256_fmadd_ps(ar, w0, acc0[r]);
      acc1[r] = _mm256_fmadd_ps(ar, w1, acc1[r]);
    }
  };
  int64_t i = 0;
  if (next_lines > 0) {
    // Long rows (the router's I = 256) come cold from memory, kMr rows interleaved, which the
    // hardware prefetchers follow poorly. A burst of requests for the whole next tile at its
    // start stalled on the miss buffers; spread like this they overlap with the multiply-adds.
    for (int64_t line = 0; i + 8 <= I; i += 8) {
      for (int64_t q = 0; q < kPrefetchPer8 && line < next_lines; ++q, ++line)
        __builtin_prefetch(next + line * 16, 0, 3);
#pragma GCC unroll 8
      for (int64_t k = 0; k < 8; ++k) step(i + k);
    }
  }
  for (; i < I; ++i) step(i);  // all of it without prefetching (short rows, strided operands)
  const __m256 b0 = b ? _mm256_loadu_ps(b) : _mm256_setzero_ps();
  const __m256 b1 = b ? _mm256_loadu_ps(b + 8) : _mm256_setzero_ps();
#pragma GCC unroll 8
  for (int r = 0; r < M; ++r) {
    const __m256 y0 = _mm256_add_ps(acc0[r], b0), y1 = _mm256_add_ps(acc1[r], b1);
    float* y = out + r * ldo;
    if (n == kPanel) {
      _mm256_storeu_ps(y, y0);
      _mm256_storeu_ps(y + 8, y1);
    } else {
      alignas(32) float tmp[kPanel];
      _mm256_store_ps(tmp, y0);
      _mm256_store_ps(tmp + 8, y1);
      std::copy(tmp, tmp + n, y);
    }
  }
#else
  for (int r = 0; r < M; ++r) {
    float acc[kPanel] = {};
    for (int64_t i = 0; i < I; ++i) {
      const float ar = a[r * lda + i];
      for (int64_t j = 0; j < kPanel; ++j) acc[j] = std::fma(ar, panel[i * ldp + j], acc[j]);
    }
    for (int64_t j = 0; j < n; ++j) out[r * ldo + j] = acc[j] + (b ? b[j] : 0.0f);
  }
#endif
}

// Prefetch hint for [begin, end), one per cache line; locality 3 → L1, 1 → L2.
template <int Locality>
void prefetch_span(const float* begin, const float* end) {
  for (const float* p = begin; p < end; p += 16) __builtin_prefetch(p, 0, Locality);
}

// narrow_tile for m = 1..kMr rows (the remainder of a row range).
void narrow_tile_rows(int64_t m, float* out, int64_t ldo, const float* a, int64_t lda,
                      const float* panel, int64_t ldp, const float* b, int64_t I, int64_t n,
                      const float* next = nullptr, int64_t next_lines = 0) {
  switch (m) {
    case 6:
      return narrow_tile<6>(out, ldo, a, lda, panel, ldp, b, I, n, next, next_lines);
    case 5:
      return narrow_tile<5>(out, ldo, a, lda, panel, ldp, b, I, n, next, next_lines);
    case 4:
      return narrow_tile<4>(out, ldo, a, lda, panel, ldp, b, I, n, next, next_lines);
    case 3:
      return narrow_tile<3>(out, ldo, a, lda, panel, ldp, b, I, n, next, next_lines);
    case 2:
      return narrow_tile<2>(out, ldo, a, lda, panel, ldp, b, I, n, next, next_lines);
    default:
      return narrow_tile<1>(out, ldo, a, lda, panel, ldp, b, I, n, next, next_lines);
  }
}

// Rows [t0, t1) × panels [p0, p1) of out[T,O] from Wp, bp packed from panel p0 on.
void narrow_block(float* out, const float* in, const float* Wp, const float* bp, int64_t T,
                  int64_t I, int64_t O, int64_t t0, int64_t t1, int64_t p0, int64_t p1) {
  constexpr int64_t kAhead = 16;
  const bool long_rows = I > kSmallInner;
  for (int64_t t = t0; t < t1; t += kMr) {
    const int64_t m = std::min(kMr, t1 - t);
    const float* a = in + t * I;
    // The next tile's rows (contiguous: the row stride is I; none past T). Long rows (the
    // router's I = 256) come cold from memory: narrow_tile fetches them during this tile's first
    // panel. Short rows (dt_proj's I = 16: six lines per tile) are asked for at once, into L1, and
    // kAhead tiles ahead into L2; fetching them the long rows' way made dt_proj ~20 % slower.
    const int64_t next_end = std::min(t + 2 * kMr, T);
    const int64_t next_rows = std::max<int64_t>(0, next_end - t - kMr);
    const int64_t next_lines = long_rows ? (next_rows * I + 15) / 16 : 0;
    if (!long_rows) {
      prefetch_span<1>(in + std::min(t + kAhead * kMr, T) * I,
                       in + std::min(t + (kAhead + 1) * kMr, T) * I);
      prefetch_span<3>(in + std::min(t + kMr, T) * I, in + next_end * I);
    }
    for (int64_t p = p0; p < p1; ++p) {
      float* y = out + t * O + p * kPanel;
      const float* panel = Wp + (p - p0) * I * kPanel;
      const float* b = bp + (p - p0) * kPanel;
      const int64_t n = std::min(kPanel, O - p * kPanel);
      narrow_tile_rows(m, y, O, a, I, panel, kPanel, b, I, n, a + kMr * I,
                       p == p0 ? next_lines : 0);
    }
  }
}

bool is_narrow(int64_t I, int64_t O) {
  return (I <= kSmallInner && O >= 2 * kPanel) || O <= kNarrowOutput;
}

}  // namespace

void linear_narrow(float* out, const float* in, const float* W, const float* bias, int64_t T,
                   int64_t I, int64_t O) {
  if (T <= 0 || O <= 0) return;
  const int64_t np = (O + kPanel - 1) / kPanel;
  // Short inner dimension (dt_proj): each task packs its own panels (I·kPanel floats each, cheap
  // next to its rows) and takes long row blocks, so a call on a 256-token chunk has no serial
  // packing pass and few tasks. Long inner dimension (the router): W is packed once, up front.
  const bool task_pack = I <= kSmallInner;
  const int64_t rows = task_pack ? kNarrowRowsShortInner : kNarrowRows;
  std::vector<float> Wp, bp;
  if (!task_pack) {
    Wp.resize(static_cast<size_t>(np * I * kPanel));
    bp.resize(static_cast<size_t>(np * kPanel));
    pack_narrow(Wp.data(), bp.data(), W, bias, I, O, 0, np);
  }
  auto block = [&](int64_t t0, int64_t t1, int64_t p0, int64_t p1) {
    if (task_pack) {
      // kNarrowPanels panels of I ≤ kSmallInner rows at a time: 16 KiB on the task's stack, no
      // allocation per task (a 256-token chunk's dt_proj is only tens of microseconds).
      alignas(32) float wp[kNarrowPanels * kSmallInner * kPanel];
      alignas(32) float b[kNarrowPanels * kPanel];
      for (int64_t q0 = p0; q0 < p1; q0 += kNarrowPanels) {
        const int64_t q1 = std::min(p1, q0 + kNarrowPanels);
        pack_narrow(wp, b, W, bias, I, O, q0, q1);
        narrow_block(out, in, wp, b, T, I, O, t0, t1, q0, q1);
      }
    } else {
      narrow_block(out, in, Wp.data() + p0 * I * kPanel, bp.data() + p0 * kPanel, T, I, O, t0, t1,
                   p0, p1);
    }
  };
  const int64_t n_r = (T + rows - 1) / rows, n_c = (np + kNarrowPanels - 1) / kNarrowPanels;
  if (T * I * O < kParallelFlops || n_r * n_c < 2) {
    block(0, T, 0, np);
    return;
  }
  oneapi::tbb::parallel_for(
      oneapi::tbb::blocked_range<int64_t>(0, n_r * n_c, 1),
      [&](const oneapi::tbb::blocked_range<int64_t>& r) {
        for (int64_t j = r.begin(); j < r.end(); ++j) {
          const int64_t rb = j / n_c, c = j % n_c;
          block(rb * rows, std::min(T, (rb + 1) * rows), c * kNarrowPanels,
                std::min(np, (c + 1) * kNarrowPanels));
        }
      },
      oneapi::tbb::simple_partitioner());
}

void small_gemm(float* out, int64_t ldo, const float* a, int64_t lda, const float* b, int64_t ldb,
                int64_t M, int64_t K, int64_t O, bool lower_a) {
  // Full 16-column panels are read in place; a partial last panel is copied into a zero-padded
  // [K,kPanel] buffer so no row of b is read past column O.
  std::vector<float> tail;
  for (int64_t o = 0; o < O; o += kPanel) {
    const int64_t n = std::min(kPanel, O - o);
    const float* panel = b + o;
    int64_t ldp = ldb;
    if (n < kPanel) {
      tail.assign(static_cast<size_t>(K * kPanel), 0.0f);
      for (int64_t k = 0; k < K; ++k)
        std::copy(b + k * ldb + o, b + k * ldb + o + n, tail.data() + k * kPanel);
      panel = tail.data();
      ldp = kPanel;
    }
    for (int64_t i = 0; i < M; i += kMr) {
      const int64_t m = std::min(kMr, M - i);
      const int64_t k_end = lower_a ? std::min(K, i + m) : K;
      narrow_tile_rows(m, out + i * ldo + o, ldo, a + i * lda, lda, panel, ldp, nullptr, k_end, n);
    }
  }
}

void linear(float* out, const float* in, const float* W, const float* bias, int64_t T, int64_t I,
            int64_t O) {
  if (is_narrow(I, O) && T >= kMr) {
    linear_narrow(out, in, W, bias, T, I, O);
    return;
  }
  const CMap Wm(W, O, I);  // [O,I] nn.Linear layout
  product(out, in, bias, T, I, O,
          [&](int64_t o0, int64_t o1) { return Wm.middleRows(o0, o1 - o0).transpose(); });
}

void linear_in_out(float* out, const float* in, const float* W, const float* bias, int64_t T,
                   int64_t I, int64_t O) {
  const CMap Wm(W, I, O);  // [I,O] GPT-2 Conv1D layout
  product(out, in, bias, T, I, O,
          [&](int64_t o0, int64_t o1) { return Wm.middleCols(o0, o1 - o0); });
}

void swiglu_mlp(float* out, const float* x, const float* Wg, const float* Wu, const float* Wd,
                int64_t T, int64_t d, int64_t I) {
  // h[rows,I] = silu(x·Wgᵀ) ⊙ (x·Wuᵀ); out[rows,d] = h·Wdᵀ.
  auto mlp = [&](float* o, const float* xr, int64_t rows, float* gate, float* up) {
    linear(gate, xr, Wg, nullptr, rows, d, I);
    linear(up, xr, Wu, nullptr, rows, d, I);
    silu(gate, gate, rows * I);
    Eigen::Map<Eigen::ArrayXf>(gate, rows * I) *= Eigen::Map<const Eigen::ArrayXf>(up, rows * I);
    linear(o, gate, Wd, nullptr, rows, I, d);
  };
  if (T <= kRowTile) {
    std::vector<float> h(static_cast<size_t>(2 * T * I));  // [2,T,I] gate, up
    mlp(out, x, T, h.data(), h.data() + T * I);
    return;
  }
  // Long inputs: one task per tile of kRowTile rows runs the whole MLP on it, so the [rows,I]
  // intermediates stay in cache and no [T,I] temporaries are allocated and zeroed. (Inside a task
  // the products split at fixed points too, so results never depend on the schedule.)
  const int64_t n_tiles = (T + kRowTile - 1) / kRowTile;
  oneapi::tbb::parallel_for(
      oneapi::tbb::blocked_range<int64_t>(0, n_tiles, 1),
      [&](const oneapi::tbb::blocked_range<int64_t>& r) {
        std::vector<float> h(static_cast<size_t>(2 * kRowTile * I));  // [2,kRowTile,I]
        for (int64_t j = r.begin(); j < r.end(); ++j) {
          const int64_t t0 = j * kRowTile, rows = std::min(kRowTile, T - t0);
          mlp(out + t0 * d, x + t0 * d, rows, h.data(), h.data() + rows * I);
        }
      },
      oneapi::tbb::simple_partitioner());
}

}  // namespace seqlens::kern
