// Dense projections and the SwiGLU MLP: Eigen products on row-major maps, split over output
// columns (or rows) with TBB when the product is large enough to pay for a task.
#include <algorithm>
#include <vector>

#include <oneapi/tbb/blocked_range.h>
#include <oneapi/tbb/parallel_for.h>
#include <oneapi/tbb/partitioner.h>
#include <Eigen/Core>

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

// out[T,O] = in[T,I] · Wt[I,O] (+ bias) for a short inner dimension (Mamba-1's dt_proj has
// I = dt_rank, e.g. 16): a GEMM library spends more time packing such a product than computing it,
// so each output row is built from I scaled rows of Wt, 16 columns at a time in registers. Every
// element is the same sequence of multiply-adds whatever the tiling, so results do not depend on
// the schedule.
constexpr int64_t kSmallInner = 32;

void small_inner_product(float* out, const float* in, const float* Wt, const float* bias, int64_t T,
                         int64_t I, int64_t O) {
  constexpr int64_t kLanes = 16;
  auto rows = [&](int64_t t0, int64_t t1) {
    for (int64_t t = t0; t < t1; ++t) {
      const float* x = in + t * I;
      float* y = out + t * O;
      int64_t o = 0;
      for (; o + kLanes <= O; o += kLanes) {
        float acc[kLanes];
        for (int64_t j = 0; j < kLanes; ++j) acc[j] = bias ? bias[o + j] : 0.0f;
        for (int64_t i = 0; i < I; ++i) {
          const float xi = x[i];
          const float* w = Wt + i * O + o;
          for (int64_t j = 0; j < kLanes; ++j) acc[j] += xi * w[j];
        }
        for (int64_t j = 0; j < kLanes; ++j) y[o + j] = acc[j];
      }
      for (; o < O; ++o) {
        float acc = bias ? bias[o] : 0.0f;
        for (int64_t i = 0; i < I; ++i) acc += x[i] * Wt[i * O + o];
        y[o] = acc;
      }
    }
  };
  if (T * I * O < kParallelFlops || T < 2 * kRowGrain) {
    rows(0, T);
    return;
  }
  oneapi::tbb::parallel_for(
      oneapi::tbb::blocked_range<int64_t>(0, T, kRowGrain),
      [&](const oneapi::tbb::blocked_range<int64_t>& r) { rows(r.begin(), r.end()); },
      oneapi::tbb::simple_partitioner());
}

}  // namespace

void linear(float* out, const float* in, const float* W, const float* bias, int64_t T, int64_t I,
            int64_t O) {
  if (I <= kSmallInner && O >= 64 && T >= 16) {
    // Wᵀ once per call ([I,O], I·O floats: small next to the T·O output).
    std::vector<float> Wt(static_cast<size_t>(I * O));
    for (int64_t o = 0; o < O; ++o)
      for (int64_t i = 0; i < I; ++i) Wt[i * O + o] = W[o * I + i];
    small_inner_product(out, in, Wt.data(), bias, T, I, O);
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
