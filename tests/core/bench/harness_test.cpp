// The harness times the same computation the tests check: its checksum is that of a direct run,
// its statistics are consistent, and its printers write the documented formats. No timing is
// asserted.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <sstream>

#include <nlohmann/json.hpp>

#include "core/bench/harness.h"
#include "core/common/error.h"
#include "core/common/runtime.h"

namespace seqlens::bench {
namespace {

Measurement sample() {
  Measurement m;
  m.workload = "mamba2";
  m.n = 512;
  m.threads = 2;
  m.runs = 5;
  m.median_ms = 12.34567;
  m.mean_ms = 12.5;
  m.stddev_ms = 0.25;
  m.min_ms = 12.0;
  m.max_ms = 13.0;
  m.peak_mb = 8.75;
  m.checksum = {927.750244, 2.62096024, 0.459081144, 0.911962032, -0.445075125};
  m.cost = {2.0e9, 1.0e8};
  return m;
}

TEST(Harness, MeasureReportsTheChecksumOfADirectRun) {
  const Workload w = make_workload("mamba1");
  const Measurement m = measure(w, 24, RunOptions{.warmup = 1, .runs = 3, .threads = 1});
  EXPECT_EQ(m.workload, "mamba1");
  EXPECT_EQ(m.n, 24);
  EXPECT_EQ(m.runs, 3);
  EXPECT_EQ(m.threads, 1);
  EXPECT_LE(m.min_ms, m.median_ms);
  EXPECT_LE(m.median_ms, m.max_ms);
  EXPECT_GE(m.stddev_ms, 0.0);

  Runtime runtime(1);
  const Tensor x = make_input(w, 24);
  std::vector<float> out(24 * kDModel);
  runtime.execute([&] { run_workload(out.data(), w, x.ptr(), 24); });
  const Checksum c = checksum(out.data(), 24);
  EXPECT_EQ(m.checksum.sum, c.sum);
  EXPECT_EQ(m.checksum.max_abs, c.max_abs);
  EXPECT_EQ(m.checksum.out_last, c.out_last);
}

TEST(Harness, CostsGrowWithLength) {
  for (const std::string& name : workload_names()) {
    const Workload w = make_workload(name);
    const WorkCost a = workload_cost(w, 512), b = workload_cost(w, 1024);
    EXPECT_GT(a.flops, 0.0) << name;
    EXPECT_GT(b.flops, a.flops) << name;
    EXPECT_GT(b.bytes, a.bytes) << name;
  }
  // Attention is quadratic in n, the others linear (beyond their weights).
  const Workload attn = make_workload("attn");
  EXPECT_GT(workload_cost(attn, 8192).flops, 3.0 * workload_cost(attn, 4096).flops);
}

TEST(Printers, CsvHasTorchBaselinesColumns) {
  std::ostringstream s;
  auto p = make_printer(Format::Csv, s);
  p->begin();
  p->row(sample());
  p->end();
  EXPECT_EQ(s.str(),
            "workload,n,median_ms,peak_mb,sum,max_abs,mean_abs,out_first,out_last\n"
            "mamba2,512,12.346,8.8,927.750244,2.62096024,0.459081144,0.911962032,-0.445075125\n");
}

TEST(Printers, JsonIsAnArrayOfObjects) {
  std::ostringstream s;
  auto p = make_printer(Format::Json, s);
  p->begin();
  p->row(sample());
  p->end();
  const nlohmann::json j = nlohmann::json::parse(s.str());
  ASSERT_TRUE(j.is_array());
  ASSERT_EQ(j.size(), 1u);
  EXPECT_EQ(j[0]["workload"], "mamba2");
  EXPECT_EQ(j[0]["n"], 512);
  EXPECT_DOUBLE_EQ(j[0]["median_ms"].get<double>(), 12.34567);
  EXPECT_DOUBLE_EQ(j[0]["out_last"].get<double>(), -0.445075125);
}

TEST(Printers, RooflineRowsRelateToThePeaks) {
  MachinePeaks peaks;
  peaks.threads = 2;
  peaks.gemm_gflops = 100.0;
  peaks.triad_gbps = 10.0;
  std::ostringstream s;
  auto p = make_printer(Format::Json, s);
  p->peaks(peaks);
  p->roofline_row(sample(), peaks);
  p->end();
  const nlohmann::json j = nlohmann::json::parse(s.str());
  const nlohmann::json& r = j["results"][0];
  // 2e9 flop in 12.34567 ms; 1e8 bytes; intensity 20 flop/byte > ridge 10: compute bound.
  EXPECT_NEAR(r["gflops"].get<double>(), 2.0 / 12.34567e-3, 1e-9);
  EXPECT_NEAR(r["gbps"].get<double>(), 0.1 / 12.34567e-3, 1e-9);
  EXPECT_DOUBLE_EQ(r["intensity"].get<double>(), 20.0);
  EXPECT_EQ(r["limit"], "compute");
  EXPECT_DOUBLE_EQ(r["roofline_ms"].get<double>(), 20.0);
}

// A round whose runs took exactly `times` (its statistics as `measure` computes them).
Measurement round_of(std::vector<double> times, double peak_mb, double cpu_ms) {
  Measurement m = sample();
  m.runs = static_cast<int>(times.size());
  std::sort(times.begin(), times.end());
  const size_t k = times.size();
  m.median_ms = k % 2 ? times[k / 2] : (times[k / 2 - 1] + times[k / 2]) / 2;
  double sum = 0, sq = 0;
  for (double t : times) sum += t;
  m.mean_ms = sum / double(k);
  for (double t : times) sq += (t - m.mean_ms) * (t - m.mean_ms);
  m.stddev_ms = std::sqrt(sq / double(k - 1));
  m.min_ms = times.front();
  m.max_ms = times.back();
  m.peak_mb = peak_mb;
  m.cpu_ms = cpu_ms;
  return m;
}

TEST(CombineRounds, MedianOfMediansAndStatisticsOfEveryRun) {
  // Three rounds, the middle one on a slow machine: the median round's median wins, while the
  // mean and deviation are those of all nine runs.
  const Measurement m =
      combine_rounds({round_of({10, 11, 12}, 4.0, 20), round_of({30, 31, 35}, 6.5, 60),
                      round_of({12, 13, 14}, 5.0, 25)});
  EXPECT_DOUBLE_EQ(m.median_ms, 13);
  EXPECT_DOUBLE_EQ(m.cpu_ms, 25);
  EXPECT_EQ(m.runs, 9);
  EXPECT_DOUBLE_EQ(m.min_ms, 10);
  EXPECT_DOUBLE_EQ(m.max_ms, 35);
  EXPECT_DOUBLE_EQ(m.peak_mb, 6.5);
  const std::vector<double> all = {10, 11, 12, 30, 31, 35, 12, 13, 14};
  double mean = 0, sq = 0;
  for (double t : all) mean += t / 9;
  for (double t : all) sq += (t - mean) * (t - mean);
  EXPECT_NEAR(m.mean_ms, mean, 1e-12);
  EXPECT_NEAR(m.stddev_ms, std::sqrt(sq / 8), 1e-9);
  EXPECT_EQ(m.workload, "mamba2");
  EXPECT_EQ(m.checksum.sum, sample().checksum.sum);

  const Measurement one = round_of({7, 8, 9}, 1.0, 3);  // one round: itself
  const Measurement same = combine_rounds({one});
  EXPECT_DOUBLE_EQ(same.median_ms, one.median_ms);
  EXPECT_NEAR(same.stddev_ms, one.stddev_ms, 1e-12);
}

TEST(CombineRounds, RefusesEmptyMixedOrDisagreeingRounds) {
  EXPECT_THROW(combine_rounds({}), Error);
  Measurement other_n = sample();
  other_n.n = 1024;
  EXPECT_THROW(combine_rounds({sample(), other_n}), Error);
  Measurement other_w = sample();
  other_w.workload = "attn";
  EXPECT_THROW(combine_rounds({sample(), other_w}), Error);
  Measurement drifted = sample();
  drifted.checksum.out_last += 1e-6;
  EXPECT_THROW(combine_rounds({sample(), drifted}), Error);
}

TEST(Printers, FormatNamesAreChecked) {
  EXPECT_EQ(parse_format("csv"), Format::Csv);
  EXPECT_EQ(parse_format("table"), Format::Table);
  EXPECT_EQ(parse_format("json"), Format::Json);
  EXPECT_ANY_THROW(parse_format("markdown"));
}

}  // namespace
}  // namespace seqlens::bench
