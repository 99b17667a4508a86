// Element-wise activations against their double-precision formulas.
#include <cmath>
#include <limits>

#include <gtest/gtest.h>

#include "core/kernels/kernels.h"
#include "tests/core/kernels/test_arrays.h"

namespace seqlens::kern {
namespace {

using testing::all_close;
using testing::Floats;

// A grid over [-30, 30] plus extremes; n large enough for the parallel path.
Floats grid(int64_t n = 300001) {
  Floats x(n);
  for (int64_t i = 0; i < n; ++i) x[i] = -30.0f + 60.0f * static_cast<float>(i) / (n - 1);
  return x;
}

template <typename F>
Floats apply_double(const Floats& x, F f) {
  Floats y(x.size());
  for (size_t i = 0; i < x.size(); ++i) y[i] = static_cast<float>(f(double(x[i])));
  return y;
}

double silu_d(double v) {
  return v / (1.0 + std::exp(-v));
}
double gelu_d(double v) {
  return 0.5 * v * (1.0 + std::tanh(std::sqrt(2.0 / M_PI) * (v + 0.044715 * v * v * v)));
}
double softplus_d(double v) {
  return v > 20.0 ? v : std::log1p(std::exp(v));
}

TEST(Silu, MatchesDoubleFormula) {
  const Floats x = grid();
  Floats y(x.size());
  silu(y.data(), x.data(), x.size());
  EXPECT_TRUE(all_close(y, apply_double(x, silu_d), 1e-5));
}

TEST(Silu, ExtremeInputsStayFinite) {
  const Floats x = {-1e30f, -1000.0f, -88.0f, 0.0f, 88.0f, 1000.0f, 1e30f};
  Floats y(x.size());
  silu(y.data(), x.data(), x.size());
  EXPECT_TRUE(testing::all_finite(y));
  // silu(-∞) → -0; a vectorised exp may clamp e^{1e30} to FLT_MAX, leaving a tiny negative value.
  EXPECT_LT(std::abs(y[0]), 1e-6f);
  EXPECT_LT(std::abs(y[1]), 1e-6f);
  EXPECT_EQ(y[3], 0.0f);
  EXPECT_EQ(y[6], 1e30f);
}

TEST(GeluTanh, MatchesDoubleFormula) {
  const Floats x = grid();
  Floats y(x.size());
  gelu_tanh(y.data(), x.data(), x.size());
  EXPECT_TRUE(all_close(y, apply_double(x, gelu_d), 1e-5));
}

TEST(Softplus, MatchesLog1pExpBelowThreshold) {
  const Floats x = grid();
  Floats y(x.size());
  softplus(y.data(), x.data(), x.size());
  EXPECT_TRUE(all_close(y, apply_double(x, softplus_d), 1e-5));
}

TEST(Softplus, ReturnsInputAboveThresholdAndNeverOverflows) {
  const Floats x = {20.0001f, 25.0f, 100.0f, 1e4f, 1e30f, -100.0f, -1e4f};
  Floats y(x.size());
  softplus(y.data(), x.data(), x.size());
  for (int i = 0; i < 5; ++i) EXPECT_EQ(y[i], x[i]) << "x = " << x[i];
  // log1p(e^-100) ≈ 3.7e-44; any value in [0, 1e-30) is an acceptable fp32 answer.
  EXPECT_GE(y[5], 0.0f);
  EXPECT_LT(y[5], 1e-30f);
  EXPECT_GE(y[6], 0.0f);
  EXPECT_LT(y[6], 1e-30f);
  EXPECT_TRUE(testing::all_finite(y));
}

// Where softplus is tiny (x ≪ 0, softplus ≈ eˣ) the grid test's RMS floor would hide a wrong
// value, so check each element's relative error, every element on its own.
TEST(Softplus, RelativeErrorIsSmallEverywhere) {
  Floats x;
  for (float v = -87.0f; v <= 20.0f; v += 0.01171875f) x.push_back(v);  // step 3/256: exact
  for (float v : {-1e-6f, -1e-30f, 0.0f, 1e-30f, 1e-6f, 19.999f, 20.0f}) x.push_back(v);
  Floats y(x.size());
  softplus(y.data(), x.data(), static_cast<int64_t>(x.size()));
  double worst = 0.0;
  size_t at = 0;
  for (size_t i = 0; i < x.size(); ++i) {
    const double want = softplus_d(double(x[i]));
    const double rel = std::abs(double(y[i]) - want) / want;
    if (rel > worst) worst = rel, at = i;
  }
  EXPECT_LT(worst, 4e-7) << "at x = " << x[at] << ": " << y[at];
}

TEST(Softplus, NanStaysNan) {
  const float nan = std::numeric_limits<float>::quiet_NaN();
  const Floats x = {1.0f, nan, -1.0f, nan, 30.0f, -nan, 0.0f, 2.0f, nan};
  Floats y(x.size());
  softplus(y.data(), x.data(), static_cast<int64_t>(x.size()));
  for (size_t i = 0; i < x.size(); ++i)
    EXPECT_EQ(std::isnan(y[i]), std::isnan(x[i])) << "element " << i;
}

TEST(Softplus, ScalarEqualsArrayVersion) {
  const Floats x = {-30.0f, -5.0f, -1e-3f, 0.0f, 0.5f, 3.0f, 19.99f, 20.0f, 21.0f};
  Floats y(x.size());
  softplus(y.data(), x.data(), x.size());
  for (size_t i = 0; i < x.size(); ++i) EXPECT_NEAR(softplus1(x[i]), y[i], 1e-6f * (1 + y[i]));
  EXPECT_EQ(softplus1(30.0f), 30.0f);
}

TEST(Activations, InPlaceEqualsOutOfPlace) {
  const Floats x = grid(1001);
  for (auto fn : {&silu, &gelu_tanh, &softplus}) {
    Floats out(x.size()), inplace = x;
    fn(out.data(), x.data(), x.size());
    fn(inplace.data(), inplace.data(), inplace.size());
    EXPECT_TRUE(testing::all_equal(inplace, out));
  }
}

}  // namespace
}  // namespace seqlens::kern
