// MoE router (F18) and expert evaluation (F19).
#include <algorithm>
#include <cmath>
#include <vector>

#include <gtest/gtest.h>
#include <Eigen/Core>

#include "core/common/error.h"
#include "core/kernels/kernels.h"
#include "core/kernels/kernels_ref.h"
#include "tests/core/kernels/test_arrays.h"

namespace seqlens::kern {
namespace {

using testing::all_close;
using testing::all_equal;
using testing::Floats;
using testing::uniform;

struct Route {
  Floats probs, weight;      // [T,E], [T,k]
  std::vector<int32_t> idx;  // [T,k]
};

Route route(const Floats& logits, int64_t T, int64_t E, int64_t k, bool renorm) {
  Route r{Floats(T * E), Floats(T * k), std::vector<int32_t>(T * k)};
  moe_route(r.probs.data(), r.idx.data(), r.weight.data(), logits.data(), T, E, k, renorm);
  return r;
}

const int64_t kRouteShapes[][3] = {{1, 1, 1}, {5, 4, 2}, {17, 16, 2}, {9, 7, 3}, {6, 8, 8}};

TEST(MoeRoute, MatchesReference) {
  for (unsigned seed : {1u, 2u, 3u})
    for (const auto& [T, E, k] : kRouteShapes)
      for (bool renorm : {false, true}) {
        std::mt19937 rng(seed);
        const Floats logits = uniform(rng, T * E, -3.0f, 3.0f);
        const Route got = route(logits, T, E, k, renorm);
        Route want{Floats(T * E), Floats(T * k), std::vector<int32_t>(T * k)};
        ref::moe_route(want.probs.data(), want.idx.data(), want.weight.data(), logits.data(), T, E,
                       k, renorm);
        EXPECT_TRUE(all_close(got.probs, want.probs, 1e-5));
        EXPECT_EQ(got.idx, want.idx);
        EXPECT_TRUE(all_close(got.weight, want.weight, 1e-5));
      }
}

// F18: rows of probs sum to 1; the chosen experts are the k largest, in descending order, and the
// weights are the probabilities at those indices.
TEST(MoeRoute, ChoosesTopKOfSoftmaxInDescendingOrder) {
  std::mt19937 rng(4);
  const int64_t T = 50, E = 9, k = 3;
  const Route r = route(uniform(rng, T * E, -4.0f, 4.0f), T, E, k, false);
  for (int64_t t = 0; t < T; ++t) {
    const float* p = &r.probs[t * E];
    double sum = 0.0;
    for (int64_t e = 0; e < E; ++e) sum += p[e];
    EXPECT_NEAR(sum, 1.0, 1e-6);
    for (int64_t j = 0; j < k; ++j) {
      const int32_t e = r.idx[t * k + j];
      EXPECT_EQ(r.weight[t * k + j], p[e]);
      if (j > 0) {
        EXPECT_GE(p[r.idx[t * k + j - 1]], p[e]);
      }
      const int64_t larger = std::count_if(p, p + E, [&](float v) { return v > p[e]; });
      EXPECT_LE(larger, j) << "expert " << e << " is not in the top " << j + 1;
    }
  }
}

// F18: equal probabilities go to the lower expert index first.
TEST(MoeRoute, TiesBreakToLowerIndex) {
  const Floats logits = {1.0f, 3.0f, 3.0f, 2.0f, 3.0f,   // three-way tie at the top
                         0.0f, 0.0f, 0.0f, 0.0f, 0.0f,   // all equal
                         5.0f, 1.0f, 1.0f, 1.0f, 1.0f};  // tie for second place
  const Route r = route(logits, 3, 5, 2, false);
  EXPECT_EQ(r.idx, (std::vector<int32_t>{1, 2, 0, 1, 0, 1}));
  const Route r3 = route(logits, 3, 5, 3, false);
  EXPECT_EQ(r3.idx, (std::vector<int32_t>{1, 2, 4, 0, 1, 2, 0, 1, 2}));
}

// F18: HF Jamba does not renormalise (Σ weights < 1 when k < E); Mixtral does (Σ = 1).
TEST(MoeRoute, WeightsSumBelowOneUnlessRenormalised) {
  std::mt19937 rng(5);
  const int64_t T = 20, E = 8, k = 2;
  const Floats logits = uniform(rng, T * E, -2.0f, 2.0f);
  const Route raw = route(logits, T, E, k, false), norm = route(logits, T, E, k, true);
  for (int64_t t = 0; t < T; ++t) {
    const double s_raw = raw.weight[t * k] + raw.weight[t * k + 1];
    const double s_norm = norm.weight[t * k] + norm.weight[t * k + 1];
    EXPECT_LT(s_raw, 1.0);
    EXPECT_NEAR(s_norm, 1.0, 1e-6);
    EXPECT_NEAR(norm.weight[t * k] / norm.weight[t * k + 1],
                raw.weight[t * k] / raw.weight[t * k + 1], 1e-5);
  }
  const Route all = route(logits, T, E, E, false);  // k = E: the whole softmax
  for (int64_t t = 0; t < T; ++t) {
    double s = 0.0;
    for (int64_t j = 0; j < E; ++j) s += all.weight[t * E + j];
    EXPECT_NEAR(s, 1.0, 1e-6);
  }
}

TEST(MoeRoute, HugeLogitsStayFinite) {
  const Floats logits = {1e4f, -1e4f, 9999.0f, 0.0f, 3e38f, -3e38f, 3e38f, 0.0f};
  const Route r = route(logits, 2, 4, 2, true);
  EXPECT_TRUE(testing::all_finite(r.probs));
  EXPECT_TRUE(testing::all_finite(r.weight));
  EXPECT_EQ(r.idx, (std::vector<int32_t>{0, 2, 0, 2}));
  EXPECT_NEAR(r.probs[0], 1.0 / (1.0 + std::exp(-1.0)), 1e-6);
}

TEST(MoeRoute, RejectsTopKOutsideOneToE) {
  const Floats logits(6, 0.0f);
  EXPECT_THROW(route(logits, 2, 3, 0, false), Error);
  EXPECT_THROW(route(logits, 2, 3, 4, false), Error);
}

// models.md F18 says Σ weights < 1 unless k = E. That holds in exact arithmetic only: with a
// peaked router the top probability rounds to 1.0f and the fp32 sum is exactly 1 with k < E.
TEST(MoeRoute, UnnormalisedSumCanRoundToOneForPeakedLogits) {
  const Floats logits = {0.0f, 100.0f, -100.0f};
  const Route r = route(logits, 1, 3, 2, false);
  EXPECT_EQ(r.idx, (std::vector<int32_t>{1, 0}));
  EXPECT_EQ(r.weight[0] + r.weight[1], 1.0f);
}

// ---- experts ------------------------------------------------------------------------------------

struct Experts {
  int64_t E, d, I;
  std::vector<Floats> Wg, Wu, Wd;  // E × [I,d], [I,d], [d,I]
  std::vector<const float*> pg, pu, pd;

  Experts(std::mt19937& rng, int64_t E_, int64_t d_, int64_t I_) : E(E_), d(d_), I(I_) {
    for (int64_t e = 0; e < E; ++e) {
      Wg.push_back(uniform(rng, I * d));
      Wu.push_back(uniform(rng, I * d));
      Wd.push_back(uniform(rng, d * I));
    }
    for (int64_t e = 0; e < E; ++e) {
      pg.push_back(Wg[e].data());
      pu.push_back(Wu[e].data());
      pd.push_back(Wd[e].data());
    }
  }

  Floats run(const Floats& x, const Route& r, int64_t T, int64_t k) const {
    Floats out(T * d);
    moe_experts(out.data(), x.data(), r.idx.data(), r.weight.data(), pg.data(), pu.data(),
                pd.data(), T, d, I, E, k);
    return out;
  }
};

// Σ_j w_j · SwiGLU_{e_j}(x_t), one token and one expert at a time, in double.
Floats naive_moe(const Experts& ex, const Floats& x, const Route& r, int64_t T, int64_t k) {
  Floats out(T * ex.d), y(ex.d);
  for (int64_t t = 0; t < T; ++t) {
    std::vector<double> acc(ex.d, 0.0);
    for (int64_t j = 0; j < k; ++j) {
      const int32_t e = r.idx[t * k + j];
      ref::swiglu_mlp(y.data(), &x[t * ex.d], ex.pg[e], ex.pu[e], ex.pd[e], 1, ex.d, ex.I);
      for (int64_t i = 0; i < ex.d; ++i) acc[i] += double(r.weight[t * k + j]) * y[i];
    }
    for (int64_t i = 0; i < ex.d; ++i) out[t * ex.d + i] = static_cast<float>(acc[i]);
  }
  return out;
}

// {T, E, k, d, I}; the 300-token case is large enough for the parallel scatter.
const int64_t kExpertShapes[][5] = {
    {1, 1, 1, 3, 5}, {7, 4, 2, 8, 12}, {33, 8, 2, 16, 40}, {300, 4, 2, 64, 96}, {10, 5, 5, 6, 7}};

TEST(MoeExperts, MatchesNaivePerTokenLoop) {
  for (unsigned seed : {1u, 2u})
    for (const auto& [T, E, k, d, I] : kExpertShapes) {
      std::mt19937 rng(seed);
      const Experts ex(rng, E, d, I);
      const Floats x = uniform(rng, T * d);
      const Route r = route(uniform(rng, T * E, -2.0f, 2.0f), T, E, k, false);
      EXPECT_TRUE(all_close(ex.run(x, r, T, k), naive_moe(ex, x, r, T, k), 1e-5))
          << "T=" << T << " E=" << E << " k=" << k;
    }
}

// F19: E = 1, k = 1 gives weight exactly 1 and the dense SwiGLU output.
TEST(MoeExperts, SingleExpertEqualsDenseMlp) {
  std::mt19937 rng(3);
  const int64_t T = 11, d = 12, I = 20;
  const Experts ex(rng, 1, d, I);
  const Floats x = uniform(rng, T * d);
  const Route r = route(uniform(rng, T, -5.0f, 5.0f), T, 1, 1, false);
  for (float w : r.weight) EXPECT_EQ(w, 1.0f);
  Floats dense(T * d);
  swiglu_mlp(dense.data(), x.data(), ex.pg[0], ex.pu[0], ex.pd[0], T, d, I);
  EXPECT_TRUE(all_close(ex.run(x, r, T, 1), dense, 1e-6));
}

// F19: with all experts identical the output is (Σ_j w_j) × MLP(x).
TEST(MoeExperts, IdenticalExpertsGiveWeightSumTimesMlp) {
  std::mt19937 rng(4);
  const int64_t T = 13, E = 6, k = 2, d = 10, I = 14;
  Experts ex(rng, E, d, I);
  for (int64_t e = 1; e < E; ++e) {
    ex.pg[e] = ex.pg[0];
    ex.pu[e] = ex.pu[0];
    ex.pd[e] = ex.pd[0];
  }
  const Floats x = uniform(rng, T * d);
  const Route r = route(uniform(rng, T * E), T, E, k, false);
  Floats dense(T * d), want(T * d);
  swiglu_mlp(dense.data(), x.data(), ex.pg[0], ex.pu[0], ex.pd[0], T, d, I);
  for (int64_t t = 0; t < T; ++t)
    for (int64_t i = 0; i < d; ++i)
      want[t * d + i] = (r.weight[t * k] + r.weight[t * k + 1]) * dense[t * d + i];
  EXPECT_TRUE(all_close(ex.run(x, r, T, k), want, 1e-5));
}

// F19: no capacity limit, so a token's output does not depend on the rest of the batch. Only the
// Eigen product shape changes (a single row takes a matrix-vector path), so compare at 1e-6.
TEST(MoeExperts, OutputIndependentOfBatchComposition) {
  std::mt19937 rng(5);
  const int64_t T = 40, E = 4, k = 2, d = 16, I = 24;
  const Experts ex(rng, E, d, I);
  const Floats x = uniform(rng, T * d);
  const Route r = route(uniform(rng, T * E), T, E, k, false);
  const Floats batch = ex.run(x, r, T, k);
  for (int64_t t : {0, 17, 39}) {
    Route one{testing::rows_of(r.probs, E, t, t + 1), testing::rows_of(r.weight, k, t, t + 1),
              std::vector<int32_t>(r.idx.begin() + t * k, r.idx.begin() + (t + 1) * k)};
    const Floats alone = ex.run(testing::rows_of(x, d, t, t + 1), one, 1, k);
    EXPECT_TRUE(all_close(alone, testing::rows_of(batch, d, t, t + 1), 1e-6)) << "token " << t;
    // A batch of a different size/composition: this token plus a few others.
    const std::vector<int64_t> picks = {t, (t + 5) % T, (t + 11) % T};
    Floats xs;
    Route rs;
    for (int64_t p : picks) {
      xs.insert(xs.end(), x.begin() + p * d, x.begin() + (p + 1) * d);
      rs.weight.insert(rs.weight.end(), r.weight.begin() + p * k, r.weight.begin() + (p + 1) * k);
      rs.idx.insert(rs.idx.end(), r.idx.begin() + p * k, r.idx.begin() + (p + 1) * k);
    }
    const Floats small = ex.run(xs, rs, 3, k);
    EXPECT_TRUE(
        all_close(testing::rows_of(small, d, 0, 1), testing::rows_of(batch, d, t, t + 1), 1e-6));
  }
}

// F19, bitwise: the expert products use a blocking fixed by (d, I) and rows padded to full
// register panels, so a token's output is the same bits alone, in a small batch, or among
// hundreds of tokens (groups larger than one row block), whichever row of its expert it lands in.
TEST(MoeExperts, OutputBitwiseIndependentOfBatchComposition) {
#if !EIGEN_VERSION_AT_LEAST(3, 4, 0)
  GTEST_SKIP() << "the fixed-blocking product needs Eigen 3.4";
#endif
  // {T, E, k, d, I}: tiny, odd, and model-like sizes; T = 700 splits groups into several blocks.
  const int64_t shapes[][5] = {{9, 3, 2, 3, 5},
                               {40, 4, 2, 16, 24},
                               {61, 5, 2, 37, 53},
                               {700, 2, 2, 64, 96},
                               {300, 8, 2, 128, 320}};
  for (const auto& [T, E, k, d, I] : shapes) {
    std::mt19937 rng(static_cast<unsigned>(T));
    const Experts ex(rng, E, d, I);
    const Floats x = uniform(rng, T * d);
    const Route r = route(uniform(rng, T * E, -2.0f, 2.0f), T, E, k, false);
    const Floats batch = ex.run(x, r, T, k);
    for (int64_t t : {int64_t{0}, T / 3, T - 1}) {
      Route one{Floats(), testing::rows_of(r.weight, k, t, t + 1),
                std::vector<int32_t>(r.idx.begin() + t * k, r.idx.begin() + (t + 1) * k)};
      const Floats alone = ex.run(testing::rows_of(x, d, t, t + 1), one, 1, k);
      EXPECT_TRUE(testing::all_equal(alone, testing::rows_of(batch, d, t, t + 1)))
          << "T=" << T << " d=" << d << " I=" << I << " token " << t;
      // The token last among a few others (another row of its experts' groups).
      const std::vector<int64_t> picks = {(t + 5) % T, (t + 11) % T, (t + 2) % T, t};
      Floats xs;
      Route rs;
      for (int64_t p : picks) {
        xs.insert(xs.end(), x.begin() + p * d, x.begin() + (p + 1) * d);
        rs.weight.insert(rs.weight.end(), r.weight.begin() + p * k, r.weight.begin() + (p + 1) * k);
        rs.idx.insert(rs.idx.end(), r.idx.begin() + p * k, r.idx.begin() + (p + 1) * k);
      }
      const Floats small = ex.run(xs, rs, 4, k);
      EXPECT_TRUE(testing::all_equal(testing::rows_of(small, d, 3, 4),
                                     testing::rows_of(batch, d, t, t + 1)))
          << "T=" << T << " d=" << d << " I=" << I << " token " << t << " in a batch of 4";
    }
  }
}

// Experts run in parallel, but the scatter-add order is fixed: repeated runs are bitwise equal.
TEST(MoeExperts, RepeatedRunsAreBitwiseIdentical) {
  std::mt19937 rng(6);
  const int64_t T = 500, E = 8, k = 2, d = 32, I = 48;
  const Experts ex(rng, E, d, I);
  const Floats x = uniform(rng, T * d);
  const Route r = route(uniform(rng, T * E), T, E, k, true);
  const Floats first = ex.run(x, r, T, k);
  for (int rep = 0; rep < 3; ++rep) EXPECT_TRUE(all_equal(ex.run(x, r, T, k), first));
}

TEST(MoeExperts, RejectsOutOfRangeExpertIndex) {
  std::mt19937 rng(7);
  const Experts ex(rng, 2, 4, 4);
  const Floats x = uniform(rng, 4);
  Route r{Floats(2), Floats{1.0f}, std::vector<int32_t>{2}};
  EXPECT_THROW(ex.run(x, r, 1, 1), Error);
}

}  // namespace
}  // namespace seqlens::kern
