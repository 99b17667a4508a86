// Mamba-1 selective scan: reference, the three scan forms of F2, step/split forms, the decay
// bounds of F6 and causality (F3).
#include <cmath>

#include <gtest/gtest.h>

#include "core/kernels/kernels.h"
#include "core/kernels/kernels_ref.h"
#include "tests/core/kernels/test_arrays.h"

namespace seqlens::kern {
namespace {

using testing::all_close;
using testing::all_equal;
using testing::Floats;
using testing::ScanInputs;
using testing::uniform;

struct Out {
  Floats y, state, states;  // [T,E], [E,N], [T,E,N]
};

Out scan(const ScanInputs& in, Floats state0 = {}, bool record = true, const float* D = nullptr) {
  Out o{Floats(in.T * in.E), state0.empty() ? Floats(in.E * in.N, 0.0f) : state0,
        Floats(record ? in.T * in.E * in.N : 0)};
  selective_scan(o.y.data(), o.state.data(), record ? o.states.data() : nullptr, in.u.data(),
                 in.delta.data(), in.A.data(), in.B.data(), in.C.data(), D ? D : in.D.data(), in.T,
                 in.E, in.N);
  return o;
}

TEST(SelectiveScan, MatchesReference) {
  struct Shape {
    int64_t T, E, N;
  };
  // The last two are long enough (and wide enough for the parallel channel split) to use 1e-4.
  const Shape shapes[] = {{1, 1, 1},  {5, 3, 4},     {33, 17, 16},
                          {7, 70, 5}, {200, 40, 16}, {500, 33, 16}};
  for (unsigned seed : {1u, 2u, 3u})
    for (const Shape& s : shapes) {
      std::mt19937 rng(seed);
      const ScanInputs in(rng, s.T, s.E, s.N);
      const Out got = scan(in);
      Floats y(s.T * s.E), states(s.T * s.E * s.N);
      ref::selective_scan(y.data(), states.data(), in.u.data(), in.delta.data(), in.A.data(),
                          in.B.data(), in.C.data(), in.D.data(), s.T, s.E, s.N);
      const double tol = s.T > 100 ? 1e-4 : 1e-5;
      EXPECT_TRUE(all_close(got.y, y, tol)) << "T=" << s.T << " E=" << s.E << " N=" << s.N;
      EXPECT_TRUE(all_close(got.states, states, tol));
      // The final state is the last recorded state.
      EXPECT_TRUE(
          all_equal(got.state.data(), got.states.data() + (s.T - 1) * s.E * s.N, s.E * s.N));
    }
}

// F2: sequential reference, channel-parallel fast scan and the materialised α form
// (Σ_s α[t,s]·u[s,c] + D·u) give the same y.
TEST(SelectiveScan, SequentialParallelAndHiddenAttentionFormsAgree) {
  for (unsigned seed : {4u, 5u}) {
    std::mt19937 rng(seed);
    const ScanInputs in(rng, 40, 6, 8);
    const Out fast = scan(in);
    Floats seq(in.T * in.E), alpha(in.T * in.T), via_alpha(in.T * in.E);
    ref::selective_scan(seq.data(), nullptr, in.u.data(), in.delta.data(), in.A.data(), in.B.data(),
                        in.C.data(), in.D.data(), in.T, in.E, in.N);
    for (int64_t c = 0; c < in.E; ++c) {
      mamba1_hidden_attention(alpha.data(), in.delta.data(), in.A.data(), in.B.data(), in.C.data(),
                              c, in.T, in.E, in.N);
      for (int64_t t = 0; t < in.T; ++t) {
        double acc = double(in.D[c]) * in.u[t * in.E + c];
        for (int64_t s = 0; s < in.T; ++s) acc += double(alpha[t * in.T + s]) * in.u[s * in.E + c];
        via_alpha[t * in.E + c] = static_cast<float>(acc);
      }
    }
    EXPECT_TRUE(all_close(fast.y, seq, 1e-5));
    EXPECT_TRUE(all_close(via_alpha, seq, 1e-5));
  }
}

// F1 at kernel level: selective_step repeated T times equals one scan, from a non-zero state.
TEST(SelectiveScan, StepFormEqualsScan) {
  std::mt19937 rng(6);
  const ScanInputs in(rng, 25, 37, 16);
  const Floats state0 = uniform(rng, in.E * in.N);
  const Out whole = scan(in, state0);
  Floats state = state0, y(in.T * in.E);
  for (int64_t t = 0; t < in.T; ++t)
    selective_step(y.data() + t * in.E, state.data(), in.u.data() + t * in.E,
                   in.delta.data() + t * in.E, in.A.data(), in.B.data() + t * in.N,
                   in.C.data() + t * in.N, in.D.data(), in.E, in.N);
  EXPECT_TRUE(all_close(y, whole.y, 1e-6));
  EXPECT_TRUE(all_close(state, whole.state, 1e-6));
}

// A scan from a non-zero initial state split in two calls equals one call.
TEST(SelectiveScan, SplitFromNonzeroStateEqualsOneCall) {
  std::mt19937 rng(7);
  const ScanInputs in(rng, 31, 50, 16);
  const Floats state0 = uniform(rng, in.E * in.N, -2.0f, 2.0f);
  const Out whole = scan(in, state0);
  for (int64_t t1 : {1, 15, 30}) {
    Floats state = state0, y(in.T * in.E);
    const int64_t E = in.E, N = in.N;
    selective_scan(y.data(), state.data(), nullptr, in.u.data(), in.delta.data(), in.A.data(),
                   in.B.data(), in.C.data(), in.D.data(), t1, E, N);
    selective_scan(y.data() + t1 * E, state.data(), nullptr, in.u.data() + t1 * E,
                   in.delta.data() + t1 * E, in.A.data(), in.B.data() + t1 * N,
                   in.C.data() + t1 * N, in.D.data(), in.T - t1, E, N);
    EXPECT_TRUE(all_close(y, whole.y, 1e-6)) << "split at " << t1;
    EXPECT_TRUE(all_close(state, whole.state, 1e-6));
  }
}

// F6: with a state of ones and u = 0, one step leaves exactly Ā = exp(ΔA), which lies in (0, 1].
TEST(SelectiveScan, DecayFactorLiesInUnitInterval) {
  std::mt19937 rng(8);
  const int64_t E = 64, N = 16;
  const Floats A = testing::decay_matrix(rng, E, N);  // down to about -24
  for (float dmax : {1e-3f, 0.1f, 3.0f}) {
    ScanInputs in(rng, 1, E, N, 1e-6f, dmax);
    in.A = A;
    std::fill(in.u.begin(), in.u.end(), 0.0f);
    const Out o = scan(in, Floats(E * N, 1.0f));
    for (int64_t c = 0; c < E; ++c)
      for (int64_t n = 0; n < N; ++n) {
        const float abar = o.state[c * N + n];
        EXPECT_GT(abar, 0.0f);
        EXPECT_LE(abar, 1.0f);
        EXPECT_NEAR(abar, std::exp(double(in.delta[c]) * A[c * N + n]), 1e-6);
      }
  }
}

// F6: with u = 0 no channel's state norm ever increases.
TEST(SelectiveScan, StateNormNeverIncreasesWithZeroInput) {
  std::mt19937 rng(9);
  ScanInputs in(rng, 60, 12, 16, 1e-4f, 2.0f);
  std::fill(in.u.begin(), in.u.end(), 0.0f);
  const Out o = scan(in, uniform(rng, in.E * in.N, -3.0f, 3.0f));
  for (int64_t c = 0; c < in.E; ++c) {
    double prev = INFINITY;
    for (int64_t t = 0; t < in.T; ++t) {
      double ss = 0.0;
      for (int64_t n = 0; n < in.N; ++n) {
        const double s = o.states[(t * in.E + c) * in.N + n];
        ss += s * s;
      }
      EXPECT_LE(ss, prev) << "c=" << c << " t=" << t;
      prev = ss;
    }
  }
}

// F3: perturbing u, Δ, B or C at t' leaves y at t < t' bitwise unchanged.
TEST(SelectiveScan, PerturbingStepLeavesEarlierOutputsBitwiseUnchanged) {
  std::mt19937 rng(10);
  const ScanInputs in(rng, 40, 48, 16);
  const Out base = scan(in, {}, false);
  for (int64_t tp : {0, 17, 39}) {
    ScanInputs p = in;
    for (int64_t c = 0; c < in.E; ++c) {
      p.u[tp * in.E + c] += 1.0f;
      p.delta[tp * in.E + c] *= 2.0f;
    }
    for (int64_t n = 0; n < in.N; ++n) {
      p.B[tp * in.N + n] -= 0.5f;
      p.C[tp * in.N + n] += 0.5f;
    }
    const Out o = scan(p, {}, false);
    EXPECT_TRUE(all_equal(o.y.data(), base.y.data(), tp * in.E)) << "t' = " << tp;
    EXPECT_FALSE(all_equal(o.y.data() + tp * in.E, base.y.data() + tp * in.E, in.E));
  }
}

}  // namespace
}  // namespace seqlens::kern
