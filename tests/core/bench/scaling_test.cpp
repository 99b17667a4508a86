// The bench's analysis helpers: the log-log slope fit, the phase cost table, the phase report and
// the streaming mode, checked against exact values and independent computations (no timing is
// asserted).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <fstream>
#include <set>

#include <nlohmann/json.hpp>

#include "core/bench/harness.h"
#include "core/common/error.h"
#include "core/common/runtime.h"
#include "core/model/model.h"

namespace seqlens::bench {
namespace {

TEST(LoglogSlope, RecoversExactPowerLaws) {
  const std::vector<int64_t> n = {512, 2048, 4096, 8192, 16384};
  std::vector<double> lin, quad, mixed;
  for (int64_t v : n) {
    const double x = static_cast<double>(v);
    lin.push_back(3.0 * x);
    quad.push_back(1e-4 * x * x);
    // below n_min the points follow another law and must be ignored
    mixed.push_back(v < 2048 ? 1e6 : 0.5 * std::pow(x, 1.5));
  }
  EXPECT_NEAR(loglog_slope(n, lin), 1.0, 1e-12);
  EXPECT_NEAR(loglog_slope(n, quad), 2.0, 1e-12);
  EXPECT_NEAR(loglog_slope(n, mixed), 1.5, 1e-12);
  EXPECT_LT(loglog_slope(n, mixed, 1), 1.0);  // with n_min = 1 the flat start pulls it down
}

TEST(LoglogSlope, HandComputedLeastSquares) {
  // x = ln 2048, ln 4096, ln 8192 are equally spaced by ln 2; y = ln ms. With y = 0, ln 2, 3 ln 2:
  // slope = Σ(x−x̄)(y−ȳ)/Σ(x−x̄)² = (−1·(−4/3) + 0 + 1·(5/3))·ln²2 / (2 ln²2) = 1.5.
  EXPECT_NEAR(loglog_slope({2048, 4096, 8192}, {1.0, 2.0, 8.0}), 1.5, 1e-12);
}

TEST(LoglogSlope, NeedsTwoSizesAtOrAboveTheMinimum) {
  EXPECT_TRUE(std::isnan(loglog_slope({512, 1024, 2048}, {1, 2, 4})));
  EXPECT_TRUE(std::isnan(loglog_slope({4096, 4096}, {1, 2})));
  EXPECT_TRUE(std::isnan(loglog_slope({}, {})));
  EXPECT_THROW(loglog_slope({2048}, {1, 2}), Error);
}

TEST(PhaseSlopes, OnePerPhaseFromTheReportsTimes) {
  // Hand-made reports: a linear phase, a quadratic one, "other" (left out) and a phase missing at
  // one size (left out: its slope would mix sizes).
  std::vector<PhaseReport> reports;
  for (int64_t n : {1024, 2048, 4096, 8192}) {
    PhaseReport r;
    r.n = n;
    const double x = static_cast<double>(n);
    r.phases.push_back({"proj", "gemm", 2e-3 * x});
    r.phases.push_back({"core", "gemm", 1e-6 * x * x});
    r.phases.push_back({"other", "other", 1.0});
    if (n != 4096) r.phases.push_back({"sometimes", "other", x});
    reports.push_back(r);
  }
  const auto s = phase_slopes(reports);
  ASSERT_EQ(s.size(), 2u);
  EXPECT_EQ(s[0].first, "proj");
  EXPECT_NEAR(s[0].second, 1.0, 1e-12);
  EXPECT_EQ(s[1].first, "core");
  EXPECT_NEAR(s[1].second, 2.0, 1e-12);
  // The 1024 point lies below n_min and is ignored: a different law there changes nothing.
  reports[0].phases[1].ms = 1e9;
  EXPECT_NEAR(phase_slopes(reports)[1].second, 2.0, 1e-12);
  EXPECT_TRUE(phase_slopes({}).empty());
}

TEST(PhaseCosts, AddUpToTheWorkloadCost) {
  for (const std::string name : {"attn", "mamba1", "moe"}) {
    const Workload w = make_workload(name);
    double flops = 0.0;
    for (const PhaseCost& p : phase_costs(w, 1000)) flops += p.flops;
    EXPECT_NEAR(flops, workload_cost(w, 1000).flops, 1e-9 * flops) << name;
  }
  // Mamba-1 phases by hand at n = 10: in_proj 2·10·256·1024, scan 7·10·512·16.
  const std::vector<PhaseCost> m1 = phase_costs(make_workload("mamba1"), 10);
  for (const PhaseCost& p : m1) {
    if (p.name == "in_proj") {
      EXPECT_EQ(p.kind, "gemm");
      EXPECT_DOUBLE_EQ(p.flops, 2.0 * 10 * 256 * 1024);
    }
    if (p.name == "selective_scan") {
      EXPECT_EQ(p.kind, "scan");
      EXPECT_DOUBLE_EQ(p.flops, 7.0 * 10 * 512 * 16);
      EXPECT_DOUBLE_EQ(p.bytes, 4.0 * 10 * (3 * 512 + 2 * 16));
    }
  }
}

TEST(Phases, ReportEveryPhaseTheForwardPassTimes) {
  for (const std::string& name : workload_names()) {
    const Workload w = make_workload(name);
    const PhaseReport r = measure_phases(w, 40, RunOptions{.warmup = 0, .runs = 1, .threads = 1});
    std::set<std::string> got;
    double sum = 0.0;
    for (const PhaseTime& p : r.phases) {
      got.insert(p.name);
      EXPECT_GE(p.ms, 0.0) << name << " " << p.name;
      sum += p.ms;
    }
    for (const PhaseCost& c : phase_costs(w, 40)) EXPECT_TRUE(got.count(c.name)) << c.name;
    EXPECT_TRUE(got.count("other")) << name;
    // "other" is the remainder, so the phases add up to the run (the span sum can only be less)
    EXPECT_NEAR(sum, r.total_ms, 1e-6 * r.total_ms + 1e-9) << name;
  }
}

TEST(Trace, WritesAChromeTraceWithEveryPhase) {
  const std::string path = ::testing::TempDir() + "/seqlens_bench_trace.json";
  const Workload w = make_workload("mamba2");
  write_trace(w, 40, RunOptions{.warmup = 0, .runs = 1, .threads = 2}, path);
  std::ifstream f(path);
  ASSERT_TRUE(f.good());
  const nlohmann::json j = nlohmann::json::parse(f);
  std::set<std::string> names;
  for (const auto& e : j.at("traceEvents"))
    if (e.value("ph", "") == "X") names.insert(e.at("name").get<std::string>());
  for (const PhaseCost& c : phase_costs(w, 40)) EXPECT_TRUE(names.count(c.name)) << c.name;
  EXPECT_TRUE(names.count("mamba2 n=40"));
  std::remove(path.c_str());
}

// The bench's streaming mode computes the same logits as one full forward of the same model.
TEST(Stream, TinyRunEqualsOneFullForward) {
  for (const std::string name : {"mamba1", "attn"}) {
    const StreamSpec spec{
        .model = name, .tokens = 300, .chunk = 128, .threads = 1, .mamba_chunk = 64};
    const StreamResult r = run_stream(spec);
    const Model m = stream_model(name);
    const int64_t V = m.config().vocab_size;
    Tensor full;
    Runtime runtime(1);
    runtime.execute([&] { full = forward(m, stream_tokens(300, V)); });
    double sum = 0.0, abs_sum = 0.0;
    for (float v : full.data) {
      sum += v;
      abs_sum += std::fabs(v);
    }
    EXPECT_EQ(r.tokens, 300);
    EXPECT_GT(r.tokens_per_s, 0.0);
    EXPECT_GT(r.peak_rss_mb, 0.0);
    EXPECT_NEAR(r.logits_sum, sum, 1e-5 * abs_sum) << name;
    ASSERT_EQ(static_cast<int64_t>(r.last.size()), V);
    double diff = 0.0, scale = 0.0;
    for (int64_t v = 0; v < V; ++v) {
      diff = std::max(diff, static_cast<double>(std::fabs(r.last[v] - full.data[299 * V + v])));
      scale = std::max(scale, static_cast<double>(std::fabs(full.data[299 * V + v])));
    }
    EXPECT_GT(scale, 1e-3) << name;
    EXPECT_LE(diff, 1e-4 * scale) << name;
    // KV cache: 300 tokens · 2 (K, V) · layers · KV heads · head_dim floats; Mamba: constant.
    const ModelConfig& c = m.config();
    if (name == "attn") {
      EXPECT_NEAR(r.state_mb * 1024 * 1024, 300.0 * 2 * c.n_layers * c.n_kv_heads * c.head_dim * 4,
                  1.0);
    }
  }
  EXPECT_THROW(run_stream(StreamSpec{.model = "gpt5"}), Error);
}

}  // namespace
}  // namespace seqlens::bench
