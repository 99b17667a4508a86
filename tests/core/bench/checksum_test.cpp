// Checksum columns exactly as torch_baseline.py defines them: sum and mean_abs accumulated in
// float64 over the float32 output, max_abs, out_first = out[0, 0], out_last = out[n-1, 255].
#include <gtest/gtest.h>

#include <vector>

#include "core/bench/workloads.h"

namespace seqlens::bench {
namespace {

TEST(Checksum, ColumnsOfAHandMadeOutput) {
  std::vector<float> out(2 * kDModel, 1.0f);
  out[0] = 16777216.0f;  // 2^24: a float accumulator would drop the +1s after it
  out[7] = -3.5f;
  out[2 * kDModel - 1] = 0.25f;
  const Checksum c = checksum(out.data(), 2);
  const double ones = 2 * kDModel - 3;
  EXPECT_EQ(c.sum, 16777216.0 - 3.5 + 0.25 + ones);
  EXPECT_EQ(c.max_abs, 16777216.0);
  EXPECT_EQ(c.mean_abs, (16777216.0 + 3.5 + 0.25 + ones) / (2 * kDModel));
  EXPECT_EQ(c.out_first, 16777216.0);
  EXPECT_EQ(c.out_last, 0.25);
}

TEST(Checksum, MaxAbsTakesTheMagnitudeOfNegativeValues) {
  std::vector<float> out(kDModel, 0.0f);
  out[3] = -2.0f;
  out[4] = 1.5f;
  const Checksum c = checksum(out.data(), 1);
  EXPECT_EQ(c.max_abs, 2.0);
  EXPECT_EQ(c.sum, -0.5);
  EXPECT_EQ(c.out_first, 0.0);
  EXPECT_EQ(c.out_last, 0.0);
}

}  // namespace
}  // namespace seqlens::bench
