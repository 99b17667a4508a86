// vexp, sum and dot: the address-independent building blocks the other kernels use.
#include <cmath>
#include <limits>

#include <gtest/gtest.h>

#include "core/kernels/kernels.h"
#include "tests/core/kernels/test_arrays.h"

namespace seqlens::kern {
namespace {

using testing::Floats;
using testing::uniform;

TEST(Vexp, MatchesStdExpWithinTwoUlp) {
  Floats x(20001), y(x.size());
  for (size_t i = 0; i < x.size(); ++i) x[i] = -87.0f + 175.0f * i / (x.size() - 1);
  vexp(y.data(), x.data(), x.size());
  for (size_t i = 0; i < x.size(); ++i) {
    const double want = std::exp(double(x[i]));
    EXPECT_NEAR(y[i], want, 2.4e-7 * want) << "x = " << x[i];
  }
}

TEST(Vexp, ExactAtZeroAndZeroForMinusInfinity) {
  const float inf = std::numeric_limits<float>::infinity();
  const Floats x = {0.0f, -0.0f, -inf, -1e30f, -200.0f, -89.0f, -88.0f};
  Floats y(x.size());
  vexp(y.data(), x.data(), x.size());
  EXPECT_EQ(y[0], 1.0f);
  EXPECT_EQ(y[1], 1.0f);
  for (int i = 2; i < 6; ++i) EXPECT_EQ(y[i], 0.0f) << "x = " << x[i];
  EXPECT_GT(y[6], 0.0f);  // e^-88 ≈ 6e-39 is still representable
}

TEST(Vexp, ResultDoesNotDependOnLengthOrPosition) {
  // The same value gives the same bits as element 0 of 1, element 5 of 13, or in a long array.
  std::mt19937 rng(1);
  const Floats x = uniform(rng, 100, -10.0f, 10.0f);
  Floats all(x.size());
  vexp(all.data(), x.data(), x.size());
  for (size_t i = 0; i < x.size(); ++i) {
    float one;
    vexp(&one, &x[i], 1);
    EXPECT_EQ(one, all[i]);
  }
  Floats part(13);
  vexp(part.data(), x.data() + 37, 13);
  EXPECT_TRUE(testing::all_equal(part.data(), all.data() + 37, 13));
}

TEST(SumAndDot, MatchDoubleAccumulation) {
  for (int64_t n : {0, 1, 7, 8, 9, 100, 1001}) {
    std::mt19937 rng(static_cast<unsigned>(n));
    const Floats a = uniform(rng, n), b = uniform(rng, n);
    double s = 0.0, d = 0.0, scale = 0.0;
    for (int64_t i = 0; i < n; ++i) {
      s += a[i];
      d += double(a[i]) * b[i];
      scale += std::abs(a[i]);
    }
    EXPECT_NEAR(sum(a.data(), n), s, 1e-6 * (scale + 1)) << "n = " << n;
    EXPECT_NEAR(dot(a.data(), b.data(), n), d, 1e-6 * (scale + 1)) << "n = " << n;
  }
}

}  // namespace
}  // namespace seqlens::kern
