// The latency benchmark's statistics: nearest-rank percentiles of one field of the samples.
#include <gtest/gtest.h>

#include "app/gui/latency.h"

namespace seqlens::app {
namespace {

std::vector<LatencySample> totals(std::initializer_list<double> ms) {
  std::vector<LatencySample> out;
  for (double v : ms) {
    LatencySample s;
    s.total_ms = v;
    s.draw_ms = 2 * v;
    out.push_back(s);
  }
  return out;
}

TEST(LatencyPercentile, NearestRankOfTheChosenField) {
  // Twenty samples 1..20 in shuffled order: p50 is the 10th, p95 the 19th, max the 20th.
  const auto s = totals({7, 3, 20, 1, 14, 9, 12, 5, 18, 2, 16, 11, 4, 19, 6, 13, 8, 17, 10, 15});
  EXPECT_EQ(latency_percentile(s, &LatencySample::total_ms, 0.5), 10);
  EXPECT_EQ(latency_percentile(s, &LatencySample::total_ms, 0.95), 19);
  EXPECT_EQ(latency_percentile(s, &LatencySample::total_ms, 1.0), 20);
  EXPECT_EQ(latency_percentile(s, &LatencySample::draw_ms, 0.5), 20);
  EXPECT_EQ(latency_percentile(s, &LatencySample::total_ms, 0.0), 1);  // the smallest
  EXPECT_EQ(latency_percentile({}, &LatencySample::total_ms, 0.5), 0);
}

TEST(LatencySummary, ReportsP50P95MaxAndCount) {
  const auto s = totals({30, 10, 20});
  EXPECT_EQ(latency_summary(s, &LatencySample::total_ms),
            QStringLiteral("p50 20.0 ms, p95 30.0 ms, max 30.0 ms (3 edits)"));
  EXPECT_EQ(latency_summary({}, &LatencySample::total_ms), QStringLiteral("no samples"));
}

}  // namespace
}  // namespace seqlens::app
