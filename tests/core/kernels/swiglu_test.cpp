// SwiGLU MLP (models.md C.5, D.3) against the double reference.
#include <gtest/gtest.h>

#include "core/kernels/kernels.h"
#include "core/kernels/kernels_ref.h"
#include "tests/core/kernels/test_arrays.h"

namespace seqlens::kern {
namespace {

using testing::all_close;
using testing::Floats;
using testing::uniform;

TEST(SwigluMlp, MatchesReference) {
  // {600, 24, 40}: long inputs run the MLP in row tiles (256 + 256 + 88 rows).
  const int64_t shapes[][3] = {{1, 1, 1},    {3, 5, 7},     {17, 32, 88},
                               {1, 64, 300}, {40, 96, 257}, {600, 24, 40}};
  for (unsigned seed : {1u, 2u, 3u})
    for (const auto& s : shapes) {
      const int64_t T = s[0], d = s[1], I = s[2];
      std::mt19937 rng(seed);
      const Floats x = uniform(rng, T * d, -2.0f, 2.0f), Wg = uniform(rng, I * d),
                   Wu = uniform(rng, I * d), Wd = uniform(rng, d * I);
      Floats got(T * d), want(T * d);
      swiglu_mlp(got.data(), x.data(), Wg.data(), Wu.data(), Wd.data(), T, d, I);
      ref::swiglu_mlp(want.data(), x.data(), Wg.data(), Wu.data(), Wd.data(), T, d, I);
      EXPECT_TRUE(all_close(got, want, 1e-5)) << "T=" << T << " d=" << d << " I=" << I;
    }
}

// Row tiles are independent: a row's output does not depend on the rows around it, and repeated
// calls are bitwise equal (fixed tiles, whatever the schedule).
TEST(SwigluMlp, LongInputsAreRowwiseAndReproducible) {
  std::mt19937 rng(5);
  const int64_t T = 700, d = 32, I = 48;
  Floats x = uniform(rng, T * d);
  const Floats Wg = uniform(rng, I * d), Wu = uniform(rng, I * d), Wd = uniform(rng, d * I);
  Floats a(T * d), b(T * d);
  swiglu_mlp(a.data(), x.data(), Wg.data(), Wu.data(), Wd.data(), T, d, I);
  swiglu_mlp(b.data(), x.data(), Wg.data(), Wu.data(), Wd.data(), T, d, I);
  EXPECT_TRUE(testing::all_equal(a, b));
  for (int64_t i = 0; i < d; ++i) x[300 * d + i] += 1.0f;  // a row of the second tile
  swiglu_mlp(b.data(), x.data(), Wg.data(), Wu.data(), Wd.data(), T, d, I);
  EXPECT_TRUE(testing::all_equal(a.data(), b.data(), 300 * d));
  EXPECT_TRUE(testing::all_equal(a.data() + 301 * d, b.data() + 301 * d, (T - 301) * d));
}

// silu(gate) multiplies up, not the other way round: swapping Wg and Wu changes the output.
TEST(SwigluMlp, GateAndUpAreNotInterchangeable) {
  std::mt19937 rng(4);
  const int64_t T = 4, d = 8, I = 16;
  const Floats x = uniform(rng, T * d), Wg = uniform(rng, I * d), Wu = uniform(rng, I * d),
               Wd = uniform(rng, d * I);
  Floats a(T * d), b(T * d);
  swiglu_mlp(a.data(), x.data(), Wg.data(), Wu.data(), Wd.data(), T, d, I);
  swiglu_mlp(b.data(), x.data(), Wu.data(), Wg.data(), Wd.data(), T, d, I);
  EXPECT_FALSE(all_close(a, b, 1e-2));
}

}  // namespace
}  // namespace seqlens::kern
