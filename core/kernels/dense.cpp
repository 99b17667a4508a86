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

// out[T,O] = in[T,I] · Wᵀ, where wblock(o0, o1) gives the [I, o1-o0] block of Wᵀ. Wide outputs are
// split over columns; narrow ones (e.g. Mamba's x_proj, O = R+2N) over rows.
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
  } else if (O >= 2 * kColumnGrain) {
    tbb::parallel_for(
        tbb::blocked_range<int64_t>(0, O, kColumnGrain),
        [&](const tbb::blocked_range<int64_t>& r) { run(0, T, r.begin(), r.end()); },
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

}  // namespace

void linear(float* out, const float* in, const float* W, const float* bias, int64_t T, int64_t I,
            int64_t O) {
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
  std::vector<float> gate(static_cast<size_t>(T * I));  // [T,I]
  std::vector<float> up(static_cast<size_t>(T * I));    // [T,I]
  linear(gate.data(), x, Wg, nullptr, T, d, I);
  linear(up.data(), x, Wu, nullptr, T, d, I);
  silu(gate.data(), gate.data(), T * I);
  Eigen::Map<Eigen::ArrayXf>(gate.data(), T * I) *=
      Eigen::Map<const Eigen::ArrayXf>(up.data(), T * I);
  linear(out, gate.data(), Wd, nullptr, T, I, d);
}

}  // namespace seqlens::kern
