// linear_narrow (the register-blocked kernel for products with a short side: Mamba-1's dt_proj,
// I = 16; the MoE router, O = 16) against the double reference, and its determinism; small_gemm
// (the same kernel on strided operands) against a naive product.
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
using testing::uniform;

struct Shape {
  int64_t T, I, O;
};
// T covers a single row, every remainder of the 6-row tile (1, 7, 33, 257 ...) and enough rows for
// the parallel split (48-row tasks); O covers partial 16-column panels (1, 5, 17, 31, 33, 100, 515)
// and more than one 8-panel task (515); I covers the short inner dimensions (1, 7, 13, 16, 31) and
// the router's long one (256, and 259 not a multiple of 8).
const Shape kShapes[] = {{1, 1, 1},      {1, 16, 512},    {7, 13, 5},     {7, 16, 16},
                         {33, 7, 33},    {33, 256, 16},   {257, 16, 512}, {257, 259, 17},
                         {300, 31, 100}, {1000, 256, 16}, {130, 16, 515}, {64, 1, 31}};

TEST(LinearNarrow, MatchesReference) {
  for (unsigned seed : {1u, 2u})
    for (const Shape& s : kShapes)
      for (bool with_bias : {false, true}) {
        std::mt19937 rng(seed);
        const Floats x = uniform(rng, s.T * s.I), W = uniform(rng, s.O * s.I),
                     b = uniform(rng, s.O);
        const float* bias = with_bias ? b.data() : nullptr;
        Floats got(s.T * s.O, 7.0f), via_linear(s.T * s.O, 7.0f), want(s.T * s.O);
        linear_narrow(got.data(), x.data(), W.data(), bias, s.T, s.I, s.O);
        linear(via_linear.data(), x.data(), W.data(), bias, s.T, s.I, s.O);
        ref::linear(want.data(), x.data(), W.data(), bias, s.T, s.I, s.O);
        // Float accumulation of I ≤ 259 products of magnitude ≤ 1: the rounding error is a few
        // ulps of the partial sums, far below 1e-5 of the output's scale (the floor in all_close).
        EXPECT_TRUE(all_close(got, want, 1e-5))
            << "T=" << s.T << " I=" << s.I << " O=" << s.O << " bias=" << with_bias;
        EXPECT_TRUE(all_close(via_linear, want, 1e-5))
            << "linear, T=" << s.T << " I=" << s.I << " O=" << s.O << " bias=" << with_bias;
      }
}

TEST(LinearNarrow, EachRowIsComputedTheSameWayWhateverTheTiling) {
  // Row t of a long (parallel, tiled) product has the same bits as the product of that row alone
  // (T = 1: one partial tile, no tasks), so neither the tile nor the thread that computes a row
  // changes its rounding.
  for (const Shape& s : {Shape{257, 16, 512}, Shape{1000, 256, 16}, Shape{131, 13, 37}}) {
    std::mt19937 rng(11);
    const Floats x = uniform(rng, s.T * s.I), W = uniform(rng, s.O * s.I), b = uniform(rng, s.O);
    Floats all(s.T * s.O), row(s.O);
    linear_narrow(all.data(), x.data(), W.data(), b.data(), s.T, s.I, s.O);
    for (int64_t t = 0; t < s.T; ++t) {
      linear_narrow(row.data(), x.data() + t * s.I, W.data(), b.data(), 1, s.I, s.O);
      ASSERT_TRUE(all_equal(row, Floats(all.begin() + t * s.O, all.begin() + (t + 1) * s.O)))
          << "row " << t << " of T=" << s.T << " I=" << s.I << " O=" << s.O;
    }
  }
}

TEST(LinearNarrow, WritesOnlyItsOutput) {
  // Partial panels are stored through a temporary: nothing past out[T·O) is touched.
  const int64_t T = 9, I = 5, O = 19;
  std::mt19937 rng(3);
  const Floats x = uniform(rng, T * I), W = uniform(rng, O * I);
  Floats out(T * O + 16, -3.0f);
  linear_narrow(out.data(), x.data(), W.data(), nullptr, T, I, O);
  for (int64_t i = T * O; i < T * O + 16; ++i) EXPECT_EQ(out[i], -3.0f) << i;
}

TEST(LinearNarrow, EmptyShapesAreNoOps) {
  Floats out(4, 1.0f);
  const Floats x(4, 1.0f), W(4, 1.0f);
  linear_narrow(out.data(), x.data(), W.data(), nullptr, 0, 2, 2);
  linear_narrow(out.data(), x.data(), W.data(), nullptr, 2, 2, 0);
  EXPECT_TRUE(all_equal(out, Floats(4, 1.0f)));
  // I = 0: every output is the bias.
  const Floats b = {0.5f, -2.0f};
  linear_narrow(out.data(), x.data(), W.data(), b.data(), 2, 0, 2);
  EXPECT_TRUE(all_equal(out, Floats{0.5f, -2.0f, 0.5f, -2.0f}));
}

// small_gemm: out[M,O] = a[M,K] · b[K,O] on strided operands, against a double loop; lower_a
// (the SSD's causal diagonal block) with a stored zero upper triangle must give the same result
// as the full product.
TEST(SmallGemm, MatchesNaiveProductOnStridedOperands) {
  struct G {
    int64_t M, K, O;
  };
  for (const G& g : {G{1, 1, 1}, G{7, 7, 5}, G{32, 32, 64}, G{33, 33, 17}, G{13, 13, 100},
                     G{6, 40, 16}, G{257, 9, 31}}) {
    std::mt19937 rng(static_cast<unsigned>(g.M * 131 + g.K * 7 + g.O));
    const int64_t lda = g.K + 3, ldb = g.O + 5, ldo = g.O + 2;
    Floats a = uniform(rng, g.M * lda), b = uniform(rng, g.K * ldb);
    for (bool lower : {false, true}) {
      if (lower && g.M != g.K) continue;
      if (lower)
        for (int64_t i = 0; i < g.M; ++i)
          for (int64_t k = i + 1; k < g.K; ++k) a[i * lda + k] = 0.0f;
      Floats got(g.M * ldo, 9.0f), want(g.M * g.O);
      small_gemm(got.data(), ldo, a.data(), lda, b.data(), ldb, g.M, g.K, g.O, lower);
      for (int64_t i = 0; i < g.M; ++i)
        for (int64_t o = 0; o < g.O; ++o) {
          double acc = 0.0;
          for (int64_t k = 0; k < g.K; ++k) acc += double(a[i * lda + k]) * b[k * ldb + o];
          want[i * g.O + o] = static_cast<float>(acc);
        }
      Floats packed(g.M * g.O);
      for (int64_t i = 0; i < g.M; ++i) {
        for (int64_t o = 0; o < g.O; ++o) packed[i * g.O + o] = got[i * ldo + o];
        for (int64_t o = g.O; o < ldo; ++o)  // the row padding is never written
          EXPECT_EQ(got[i * ldo + o], 9.0f) << "row " << i;
      }
      // K ≤ 40 products of magnitude ≤ 1 summed in float: well inside 1e-5 of the output scale.
      EXPECT_TRUE(all_close(packed, want, 1e-5))
          << "M=" << g.M << " K=" << g.K << " O=" << g.O << " lower=" << lower;
    }
  }
}

}  // namespace
}  // namespace seqlens::kern
