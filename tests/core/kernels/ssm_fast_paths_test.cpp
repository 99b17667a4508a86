// The fast SSM kernels (selective scan, chunked SSD, causal conv1d) on odd shapes: against the
// naive references, recording vs non-recording, and independence from the thread count and from
// how channels or heads are split into tasks (every result bitwise equal).
#include <algorithm>
#include <functional>

#include <gtest/gtest.h>
#include <oneapi/tbb/task_arena.h>

#include "core/kernels/kernels.h"
#include "core/kernels/kernels_ref.h"
#include "tests/core/kernels/test_arrays.h"

namespace seqlens::kern {
namespace {

using testing::all_close;
using testing::all_equal;
using testing::Floats;
using testing::ScanInputs;
using testing::SsdInputs;
using testing::uniform;

// f() run inside an arena of `threads` threads.
Floats in_arena(int threads, const std::function<Floats()>& f) {
  oneapi::tbb::task_arena arena(threads);
  return arena.execute(f);
}

Floats cat(std::initializer_list<Floats> parts) {
  Floats all;
  for (const Floats& p : parts) all.insert(all.end(), p.begin(), p.end());
  return all;
}

// ---- selective scan ---------------------------------------------------------------------------

struct ScanOut {
  Floats y, state, states;  // [T,E], [E,N], [T,E,N] (empty when not recording)
};

ScanOut run_scan(const ScanInputs& in, const Floats& state0, bool record) {
  ScanOut o{Floats(in.T * in.E), state0, Floats(record ? in.T * in.E * in.N : 0)};
  selective_scan(o.y.data(), o.state.data(), record ? o.states.data() : nullptr, in.u.data(),
                 in.delta.data(), in.A.data(), in.B.data(), in.C.data(), in.D.data(), in.T, in.E,
                 in.N);
  return o;
}

struct ScanShape {
  int64_t T, E, N;
};
// E not a multiple of 8 or of any channel block (and > 256, so several blocks even on one
// thread), odd N (1, 3, 17), T = 1 and a long T.
const ScanShape kScanShapes[] = {{1, 1, 1},     {1, 9, 3},    {2, 33, 17},  {17, 7, 16},
                                 {64, 257, 16}, {9, 300, 5},  {1, 513, 16}, {1500, 20, 16},
                                 {700, 45, 17}, {40, 600, 3}, {300, 130, 1}};

TEST(SelectiveScanFast, MatchesReferenceOnOddShapes) {
  for (unsigned seed : {11u, 12u})
    for (const ScanShape& s : kScanShapes) {
      std::mt19937 rng(seed);
      const ScanInputs in(rng, s.T, s.E, s.N);
      const ScanOut got = run_scan(in, Floats(s.E * s.N, 0.0f), true);
      Floats y(s.T * s.E), states(s.T * s.E * s.N);
      ref::selective_scan(y.data(), states.data(), in.u.data(), in.delta.data(), in.A.data(),
                          in.B.data(), in.C.data(), in.D.data(), s.T, s.E, s.N);
      const double tol = s.T > 100 ? 1e-4 : 1e-5;
      EXPECT_TRUE(all_close(got.y, y, tol)) << "T=" << s.T << " E=" << s.E << " N=" << s.N;
      EXPECT_TRUE(all_close(got.states, states, tol)) << "T=" << s.T << " E=" << s.E;
      EXPECT_TRUE(
          all_equal(got.state.data(), got.states.data() + (s.T - 1) * s.E * s.N, s.E * s.N));
    }
}

TEST(SelectiveScanFast, RecordingDoesNotChangeOutputOrState) {
  for (const ScanShape& s : kScanShapes) {
    std::mt19937 rng(13);
    const ScanInputs in(rng, s.T, s.E, s.N);
    const Floats state0 = uniform(rng, s.E * s.N);
    const ScanOut rec = run_scan(in, state0, true), plain = run_scan(in, state0, false);
    EXPECT_TRUE(all_equal(rec.y, plain.y)) << "T=" << s.T << " E=" << s.E << " N=" << s.N;
    EXPECT_TRUE(all_equal(rec.state, plain.state));
  }
}

// A channel's bits depend neither on the thread count nor on its neighbours: one thread, two
// threads, and scanning a slice of channels on its own all agree bitwise.
TEST(SelectiveScanFast, ChannelResultsIndependentOfSplitAndThreads) {
  std::mt19937 rng(14);
  const ScanInputs in(rng, 200, 301, 16);
  const Floats state0 = uniform(rng, in.E * in.N);
  auto whole = [&] {
    const ScanOut o = run_scan(in, state0, true);
    return cat({o.y, o.state, o.states});
  };
  const Floats one = in_arena(1, whole), two = in_arena(2, whole), four = in_arena(4, whole);
  EXPECT_TRUE(all_equal(one, two));
  EXPECT_TRUE(all_equal(one, four));

  const ScanOut full = run_scan(in, state0, false);
  for (auto [c0, k] : {std::pair<int64_t, int64_t>{0, 1}, {5, 11}, {37, 40}, {290, 11}}) {
    ScanInputs sl = in;  // channels [c0, c0+k) as an E = k problem
    sl.E = k;
    sl.u.assign(in.T * k, 0.0f);
    sl.delta.assign(in.T * k, 0.0f);
    for (int64_t t = 0; t < in.T; ++t)
      for (int64_t c = 0; c < k; ++c) {
        sl.u[t * k + c] = in.u[t * in.E + c0 + c];
        sl.delta[t * k + c] = in.delta[t * in.E + c0 + c];
      }
    sl.A.assign(in.A.begin() + c0 * in.N, in.A.begin() + (c0 + k) * in.N);
    sl.D.assign(in.D.begin() + c0, in.D.begin() + c0 + k);
    const Floats s0(state0.begin() + c0 * in.N, state0.begin() + (c0 + k) * in.N);
    const ScanOut part = run_scan(sl, s0, false);
    for (int64_t t = 0; t < in.T; ++t)
      ASSERT_TRUE(all_equal(part.y.data() + t * k, full.y.data() + t * in.E + c0, k))
          << "c0=" << c0 << " t=" << t;
    EXPECT_TRUE(all_equal(part.state.data(), full.state.data() + c0 * in.N, k * in.N));
  }
}

// selective_step runs the scan's code with T = 1: bitwise equal, step after step.
TEST(SelectiveScanFast, StepIsBitwiseTheOneStepScan) {
  std::mt19937 rng(15);
  const ScanInputs in(rng, 6, 300, 17);
  Floats s_step = uniform(rng, in.E * in.N), s_scan = s_step;
  for (int64_t t = 0; t < in.T; ++t) {
    Floats y_step(in.E), y_scan(in.E);
    const float *u = in.u.data() + t * in.E, *dl = in.delta.data() + t * in.E,
                *B = in.B.data() + t * in.N, *C = in.C.data() + t * in.N;
    selective_step(y_step.data(), s_step.data(), u, dl, in.A.data(), B, C, in.D.data(), in.E, in.N);
    selective_scan(y_scan.data(), s_scan.data(), nullptr, u, dl, in.A.data(), B, C, in.D.data(), 1,
                   in.E, in.N);
    EXPECT_TRUE(all_equal(y_step, y_scan)) << "t=" << t;
    EXPECT_TRUE(all_equal(s_step, s_scan)) << "t=" << t;
  }
}

// ---- chunked SSD --------------------------------------------------------------------------------

struct SsdOut {
  Floats y, state, states;
};

SsdOut run_ssd(const SsdInputs& in, const Floats& state0, bool record, int64_t Q) {
  const int64_t HP = in.H * in.P;
  SsdOut o{Floats(in.T * HP), state0, Floats(record ? in.T * HP * in.N : 0)};
  ssd_chunked(o.y.data(), o.state.data(), record ? o.states.data() : nullptr, in.x.data(),
              in.dt.data(), in.A.data(), in.B.data(), in.C.data(), in.D.data(), in.T, in.H, in.P,
              in.G, in.N, Q);
  return o;
}

struct SsdShape {
  int64_t T, H, P, G, N, Q;
};
// Odd sizes, T = 1, partial last chunks, groups, and shapes big enough for the parallel path.
const SsdShape kSsdShapes[] = {
    {1, 3, 5, 1, 7, 32},    {1, 8, 16, 2, 9, 64}, {97, 3, 5, 3, 7, 32},   {257, 8, 16, 1, 16, 64},
    {300, 5, 7, 1, 11, 37}, {130, 6, 8, 2, 5, 1}, {200, 4, 9, 4, 13, 256}};

TEST(SsdChunkedFast, MatchesReferencesOnOddShapes) {
  for (const SsdShape& s : kSsdShapes) {
    std::mt19937 rng(static_cast<unsigned>(s.T + s.H));
    const SsdInputs in(rng, s.T, s.H, s.P, s.G, s.N, 0.2f);
    const int64_t HP = s.H * s.P;
    const Floats state0 = uniform(rng, HP * s.N);
    const SsdOut got = run_ssd(in, Floats(HP * s.N, 0.0f), false, s.Q);
    Floats yr(s.T * HP), sr(HP * s.N);
    ref::ssd_recurrent(yr.data(), sr.data(), in.x.data(), in.dt.data(), in.A.data(), in.B.data(),
                       in.C.data(), in.D.data(), s.T, s.H, s.P, s.G, s.N);
    const double tol = s.T > 100 ? 1e-4 : 1e-5;
    EXPECT_TRUE(all_close(got.y, yr, tol)) << "T=" << s.T << " H=" << s.H << " Q=" << s.Q;
    EXPECT_TRUE(all_close(got.state, sr, tol)) << "T=" << s.T << " H=" << s.H << " Q=" << s.Q;
    // From a non-zero state: equals the step form.
    const SsdOut from = run_ssd(in, state0, false, s.Q);
    Floats st = state0, ys(s.T * HP);
    for (int64_t t = 0; t < s.T; ++t)
      ssd_step(ys.data() + t * HP, st.data(), in.x.data() + t * HP, in.dt.data() + t * s.H,
               in.A.data(), in.B.data() + t * s.G * s.N, in.C.data() + t * s.G * s.N, in.D.data(),
               s.H, s.P, s.G, s.N);
    EXPECT_TRUE(all_close(from.y, ys, tol)) << "T=" << s.T << " H=" << s.H << " Q=" << s.Q;
    EXPECT_TRUE(all_close(from.state, st, tol));
  }
}

TEST(SsdChunkedFast, RecordingDoesNotChangeOutputOrState) {
  for (const SsdShape& s : kSsdShapes) {
    std::mt19937 rng(21);
    const SsdInputs in(rng, s.T, s.H, s.P, s.G, s.N, 0.2f);
    const Floats state0 = uniform(rng, s.H * s.P * s.N);
    const SsdOut rec = run_ssd(in, state0, true, s.Q), plain = run_ssd(in, state0, false, s.Q);
    EXPECT_TRUE(all_equal(rec.y, plain.y)) << "T=" << s.T << " H=" << s.H;
    EXPECT_TRUE(all_equal(rec.state, plain.state));
    EXPECT_TRUE(all_close(rec.state.data(), rec.states.data() + (s.T - 1) * s.H * s.P * s.N,
                          s.H * s.P * s.N, 1e-5));
  }
}

// Heads are split into tasks by the thread count; no head's bits may change with it.
TEST(SsdChunkedFast, ResultsIndependentOfThreadCount) {
  std::mt19937 rng(22);
  const SsdInputs in(rng, 150, 8, 16, 2, 16, 0.2f);
  const Floats state0 = uniform(rng, in.H * in.P * in.N);
  auto run = [&] {
    const SsdOut o = run_ssd(in, state0, true, 32);
    return cat({o.y, o.state, o.states});
  };
  const Floats one = in_arena(1, run);
  for (int threads : {2, 3, 8}) EXPECT_TRUE(all_equal(one, in_arena(threads, run))) << threads;
}

// The suggested chunk length is a valid Q and changes only rounding against another Q.
TEST(SsdChunkedFast, BestChunkIsValidAndChangesOnlyRounding) {
  for (int64_t T : {1, 5, 100, 2048, 100000}) {
    const int64_t q = ssd_best_chunk(T, 8, 64, 64);
    EXPECT_GE(q, 1);
    EXPECT_LE(q, std::max<int64_t>(T, 1));
  }
  std::mt19937 rng(23);
  const SsdInputs in(rng, 300, 4, 8, 1, 16, 0.2f);
  const Floats zero(in.H * in.P * in.N, 0.0f);
  const SsdOut a = run_ssd(in, zero, false, 256),
               b = run_ssd(in, zero, false, ssd_best_chunk(in.T, in.H, in.P, in.N));
  EXPECT_TRUE(all_close(a.y, b.y, 1e-4));
  EXPECT_TRUE(all_close(a.state, b.state, 1e-4));
}

// ---- causal conv1d ------------------------------------------------------------------------------

// The parallel path (large T·C) and every tap-count path (K = 4 specialised, other K ≤ 8, K > 8)
// against the reference, and bitwise independent of the thread count.
TEST(CausalConv1dFast, ParallelPathsMatchReferenceAndThreadCount) {
  struct Shape {
    int64_t T, C, K;
  };
  for (const Shape& s : {Shape{400, 301, 4}, Shape{257, 129, 3}, Shape{90, 1000, 9},
                         Shape{1, 700, 4}, Shape{300, 17, 8}}) {
    std::mt19937 rng(static_cast<unsigned>(s.T * s.K));
    const Floats x = uniform(rng, s.T * s.C), W = uniform(rng, s.C * s.K), b = uniform(rng, s.C);
    Floats want(s.T * s.C);
    ref::causal_conv1d(want.data(), x.data(), W.data(), b.data(), s.T, s.C, s.K);
    auto run = [&] {
      Floats out(s.T * s.C), state(s.C * s.K, 0.0f);
      causal_conv1d(out.data(), state.data(), x.data(), W.data(), b.data(), s.T, s.C, s.K);
      return cat({out, state});
    };
    const Floats one = in_arena(1, run), two = in_arena(2, run);
    EXPECT_TRUE(all_equal(one, two)) << "T=" << s.T << " C=" << s.C << " K=" << s.K;
    EXPECT_TRUE(all_close(Floats(one.begin(), one.begin() + s.T * s.C), want, 1e-5))
        << "T=" << s.T << " C=" << s.C << " K=" << s.K;
  }
}

}  // namespace
}  // namespace seqlens::kern
