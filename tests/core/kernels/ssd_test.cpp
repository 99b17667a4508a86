// Mamba-2 SSD: chunked algorithm (B.3) = quadratic form (B.2) = recurrence (F8), initial states,
// groups, recorded states, the step form and causality.
#include <cmath>
#include <vector>

#include <gtest/gtest.h>

#include "core/kernels/kernels.h"
#include "core/kernels/kernels_ref.h"
#include "tests/core/kernels/test_arrays.h"

namespace seqlens::kern {
namespace {

using testing::all_close;
using testing::all_equal;
using testing::Floats;
using testing::SsdInputs;
using testing::uniform;

struct Out {
  Floats y, state, states;  // [T,H*P], [H,P,N], [T,H,P,N]
};

// Chunked SSD over rows [t0, t0+T) of `in`, continuing from `state`.
Out chunked(const SsdInputs& in, int64_t Q, Floats state = {}, bool record = false, int64_t t0 = 0,
            int64_t T = -1) {
  if (T < 0) T = in.T - t0;
  const int64_t HP = in.H * in.P, GN = in.G * in.N;
  Out o{Floats(T * HP), state.empty() ? Floats(HP * in.N, 0.0f) : state,
        Floats(record ? T * HP * in.N : 0)};
  ssd_chunked(o.y.data(), o.state.data(), record ? o.states.data() : nullptr, in.x.data() + t0 * HP,
              in.dt.data() + t0 * in.H, in.A.data(), in.B.data() + t0 * GN, in.C.data() + t0 * GN,
              in.D.data(), T, in.H, in.P, in.G, in.N, Q);
  return o;
}

// F8: for T with and without a partial last chunk and Q ∈ {1, 2, 3, 4, 5, T, > T}, the chunked
// kernel equals both double references, and its final state equals the recurrent state.
TEST(SsdChunked, MatchesRecurrentAndQuadraticReferences) {
  for (int64_t G : {1, 2})
    for (int64_t T : {1, 7, 16, 23}) {
      std::mt19937 rng(static_cast<unsigned>(10 * T + G));
      const SsdInputs in(rng, T, 4, 3, G, 5);
      Floats yr(T * in.H * in.P), yq(T * in.H * in.P), sr(in.H * in.P * in.N);
      ref::ssd_recurrent(yr.data(), sr.data(), in.x.data(), in.dt.data(), in.A.data(), in.B.data(),
                         in.C.data(), in.D.data(), T, in.H, in.P, G, in.N);
      ref::ssd_quadratic(yq.data(), in.x.data(), in.dt.data(), in.A.data(), in.B.data(),
                         in.C.data(), in.D.data(), T, in.H, in.P, G, in.N);
      for (int64_t Q : {int64_t{1}, int64_t{2}, int64_t{3}, int64_t{4}, int64_t{5}, T, T + 9}) {
        const Out o = chunked(in, Q);
        EXPECT_TRUE(all_close(o.y, yr, 1e-5)) << "G=" << G << " T=" << T << " Q=" << Q;
        EXPECT_TRUE(all_close(o.y, yq, 1e-5)) << "G=" << G << " T=" << T << " Q=" << Q;
        EXPECT_TRUE(all_close(o.state, sr, 1e-5)) << "G=" << G << " T=" << T << " Q=" << Q;
      }
    }
}

// F8 between the two oracles themselves (both in double).
TEST(SsdReference, QuadraticFormEqualsRecurrence) {
  std::mt19937 rng(1);
  const SsdInputs in(rng, 30, 4, 5, 2, 6);
  Floats yr(in.T * in.H * in.P), yq(in.T * in.H * in.P);
  ref::ssd_recurrent(yr.data(), nullptr, in.x.data(), in.dt.data(), in.A.data(), in.B.data(),
                     in.C.data(), in.D.data(), in.T, in.H, in.P, in.G, in.N);
  ref::ssd_quadratic(yq.data(), in.x.data(), in.dt.data(), in.A.data(), in.B.data(), in.C.data(),
                     in.D.data(), in.T, in.H, in.P, in.G, in.N);
  EXPECT_TRUE(all_close(yq, yr, 1e-6));
}

// B.3: the chunk length changes only the cost; larger sizes, several seeds, 1e-4 for long runs.
TEST(SsdChunked, ChunkLengthChangesOnlyRounding) {
  for (unsigned seed : {2u, 3u}) {
    std::mt19937 rng(seed);
    const SsdInputs in(rng, 150, 3, 8, 1, 16, 0.2f);
    const Out base = chunked(in, in.T);
    for (int64_t Q : {1, 2, 4, 37, 64, 256}) {
      const Out o = chunked(in, Q);
      EXPECT_TRUE(all_close(o.y, base.y, 1e-4)) << "Q=" << Q;
      EXPECT_TRUE(all_close(o.state, base.state, 1e-4)) << "Q=" << Q;
    }
  }
}

// F8: a non-zero initial state propagates: two calls (split mid-chunk) equal one call, and one
// call equals repeated ssd_step from the same state.
TEST(SsdChunked, NonzeroInitialStateSplitCallEqualsOneCall) {
  std::mt19937 rng(4);
  const SsdInputs in(rng, 29, 4, 3, 2, 5);
  const Floats state0 = uniform(rng, in.H * in.P * in.N, -2.0f, 2.0f);
  const Out whole = chunked(in, 4, state0);
  const Out from_zero = chunked(in, 4);
  EXPECT_FALSE(all_close(whole.y, from_zero.y, 1e-3));  // the state really matters
  const int64_t HP = in.H * in.P;
  for (int64_t t1 : {1, 5, 13, 28}) {
    const Out a = chunked(in, 4, state0, false, 0, t1);
    const Out b = chunked(in, 4, a.state, false, t1);
    Floats y = a.y;
    y.insert(y.end(), b.y.begin(), b.y.end());
    EXPECT_TRUE(all_close(y, whole.y, 1e-5)) << "split at " << t1;
    EXPECT_TRUE(all_close(b.state, whole.state, 1e-5)) << "split at " << t1;
  }
  Floats state = state0, y(in.T * HP);
  for (int64_t t = 0; t < in.T; ++t)
    ssd_step(y.data() + t * HP, state.data(), in.x.data() + t * HP, in.dt.data() + t * in.H,
             in.A.data(), in.B.data() + t * in.G * in.N, in.C.data() + t * in.G * in.N, in.D.data(),
             in.H, in.P, in.G, in.N);
  EXPECT_TRUE(all_close(y, whole.y, 1e-5));
  EXPECT_TRUE(all_close(state, whole.state, 1e-5));
}

// G = 2 with H = 4: heads 0,1 read group 0 and heads 2,3 group 1, which equals two G = 1 runs.
TEST(SsdChunked, HeadsReadTheirGroup) {
  std::mt19937 rng(5);
  const SsdInputs in(rng, 19, 4, 3, 2, 5);
  const Out both = chunked(in, 4);
  for (int64_t g = 0; g < 2; ++g) {
    std::mt19937 filler(0);  // every value is overwritten below
    SsdInputs half(filler, in.T, 2, in.P, 1, in.N);
    for (int64_t t = 0; t < in.T; ++t) {
      for (int64_t i = 0; i < 2 * in.P; ++i)
        half.x[t * 2 * in.P + i] = in.x[t * in.H * in.P + g * 2 * in.P + i];
      for (int64_t h = 0; h < 2; ++h) half.dt[t * 2 + h] = in.dt[t * in.H + g * 2 + h];
      for (int64_t n = 0; n < in.N; ++n) {
        half.B[t * in.N + n] = in.B[t * 2 * in.N + g * in.N + n];
        half.C[t * in.N + n] = in.C[t * 2 * in.N + g * in.N + n];
      }
    }
    for (int64_t h = 0; h < 2; ++h) {
      half.A[h] = in.A[g * 2 + h];
      half.D[h] = in.D[g * 2 + h];
    }
    const Out o = chunked(half, 4);
    for (int64_t t = 0; t < in.T; ++t)
      EXPECT_TRUE(all_close(o.y.data() + t * 2 * in.P,
                            both.y.data() + t * in.H * in.P + g * 2 * in.P, 2 * in.P, 1e-6))
          << "group " << g << " t " << t;
  }
}

// The recorded per-step states follow the recurrence from the initial state and end in the final
// state; recording does not change y.
TEST(SsdChunked, RecordedStatesFollowRecurrenceAndDoNotChangeOutput) {
  std::mt19937 rng(6);
  const SsdInputs in(rng, 21, 3, 4, 1, 6);
  const Floats state0 = uniform(rng, in.H * in.P * in.N);
  const Out rec = chunked(in, 8, state0, true);
  const Out plain = chunked(in, 8, state0, false);
  EXPECT_TRUE(all_equal(rec.y, plain.y));
  const int64_t PN = in.P * in.N;
  std::vector<double> S(state0.begin(), state0.end());  // [H,P,N]
  Floats want(in.T * in.H * PN);
  for (int64_t t = 0; t < in.T; ++t)
    for (int64_t h = 0; h < in.H; ++h) {
      const double d = in.dt[t * in.H + h], decay = std::exp(d * in.A[h]);
      for (int64_t p = 0; p < in.P; ++p)
        for (int64_t n = 0; n < in.N; ++n) {
          double& s = S[h * PN + p * in.N + n];
          s = decay * s + d * in.x[t * in.H * in.P + h * in.P + p] * in.B[t * in.N + n];
          want[(t * in.H + h) * PN + p * in.N + n] = static_cast<float>(s);
        }
    }
  EXPECT_TRUE(all_close(rec.states, want, 1e-5));
  EXPECT_TRUE(
      all_close(rec.state.data(), rec.states.data() + (in.T - 1) * in.H * PN, in.H * PN, 1e-5));
}

// Causality: perturbing x, dt, B or C at t' (also mid-chunk) leaves y at t < t' bitwise unchanged.
TEST(SsdChunked, PerturbingStepLeavesEarlierOutputsBitwiseUnchanged) {
  std::mt19937 rng(7);
  const SsdInputs in(rng, 20, 4, 3, 2, 5);
  const Out base = chunked(in, 4);
  const int64_t HP = in.H * in.P, GN = in.G * in.N;
  for (int64_t tp : {0, 5, 6, 19}) {
    SsdInputs p = in;
    for (int64_t i = 0; i < HP; ++i) p.x[tp * HP + i] += 1.0f;
    for (int64_t h = 0; h < in.H; ++h) p.dt[tp * in.H + h] *= 3.0f;
    for (int64_t i = 0; i < GN; ++i) {
      p.B[tp * GN + i] -= 0.5f;
      p.C[tp * GN + i] += 0.5f;
    }
    const Out o = chunked(p, 4);
    EXPECT_TRUE(all_equal(o.y.data(), base.y.data(), tp * HP)) << "t' = " << tp;
    EXPECT_FALSE(all_equal(o.y.data() + tp * HP, base.y.data() + tp * HP, HP));
  }
}

// ssd_step repeated from zero equals the chunked kernel and the recurrence reference.
TEST(SsdStep, RepeatedStepsEqualChunked) {
  std::mt19937 rng(8);
  const SsdInputs in(rng, 17, 6, 4, 3, 8);
  const int64_t HP = in.H * in.P, GN = in.G * in.N;
  Floats state(HP * in.N, 0.0f), y(in.T * HP);
  for (int64_t t = 0; t < in.T; ++t)
    ssd_step(y.data() + t * HP, state.data(), in.x.data() + t * HP, in.dt.data() + t * in.H,
             in.A.data(), in.B.data() + t * GN, in.C.data() + t * GN, in.D.data(), in.H, in.P, in.G,
             in.N);
  const Out o = chunked(in, 5);
  EXPECT_TRUE(all_close(y, o.y, 1e-5));
  EXPECT_TRUE(all_close(state, o.state, 1e-5));
  Floats yr(in.T * HP);
  ref::ssd_recurrent(yr.data(), nullptr, in.x.data(), in.dt.data(), in.A.data(), in.B.data(),
                     in.C.data(), in.D.data(), in.T, in.H, in.P, in.G, in.N);
  EXPECT_TRUE(all_close(y, yr, 1e-5));
}

}  // namespace
}  // namespace seqlens::kern
