// fit_loglog recovers power laws; measure_scaling measures the planned lengths per architecture,
// honours its memory / time / total budgets and cancellation, and reports bytes that behave as
// each architecture's state says they must (KV cache ∝ n, SSM state constant).
#include <gtest/gtest.h>

#include <algorithm>

#include <cmath>

#include "core/analysis/scaling.h"
#include "core/model/model.h"
#include "core/model/presets.h"

namespace seqlens {
namespace {

// ---------------------------------------------------------------------------------------------
// fit_loglog

TEST(FitLogLog, RecoversExactLinearAndQuadraticLaws) {
  std::vector<double> x, lin, quad;
  for (double n = 64; n <= 16384; n *= 2) {
    x.push_back(n);
    lin.push_back(3.5 * n);
    quad.push_back(0.25 * n * n);
  }
  const LogLogFit a = fit_loglog(x, lin), b = fit_loglog(x, quad);
  ASSERT_TRUE(a.ok);
  ASSERT_TRUE(b.ok);
  EXPECT_NEAR(a.slope, 1.0, 1e-6);
  EXPECT_NEAR(a.intercept, std::log(3.5), 1e-6);
  EXPECT_NEAR(b.slope, 2.0, 1e-6);
  EXPECT_NEAR(b.intercept, std::log(0.25), 1e-6);
  EXPECT_NEAR(a.r2, 1.0, 1e-12);
  EXPECT_EQ(a.points, 9);
}

TEST(FitLogLog, MinXSelectsTheTail) {
  // y = n below 1000, y = n² from 1000 on: only the tail is quadratic.
  std::vector<double> x, y;
  for (double n = 16; n <= 65536; n *= 2) {
    x.push_back(n);
    y.push_back(n < 1000 ? n : n * n / 1000.0);
  }
  const LogLogFit tail = fit_loglog(x, y, 1000);
  EXPECT_EQ(tail.points, 7);  // 1024, 2048, …, 65536
  EXPECT_NEAR(tail.slope, 2.0, 1e-9);
  const LogLogFit all = fit_loglog(x, y);
  EXPECT_GT(all.slope, 1.0);
  EXPECT_LT(all.slope, 2.0);
  EXPECT_LT(all.r2, 1.0);
}

TEST(FitLogLog, NoisyDataGivesTheSlopeApproximately) {
  // Multiplicative noise ±10% alternating: slope stays near 1.5, the fit is not exact.
  std::vector<double> x, y;
  int k = 0;
  for (double n = 8; n <= 8192; n *= 2, ++k) {
    x.push_back(n);
    y.push_back(std::pow(n, 1.5) * (k % 2 ? 1.1 : 0.9));
  }
  const LogLogFit f = fit_loglog(x, y);
  ASSERT_TRUE(f.ok);
  EXPECT_NEAR(f.slope, 1.5, 0.05);
  EXPECT_LT(f.r2, 1.0);
  EXPECT_GT(f.r2, 0.99);
}

TEST(FitLogLog, TooFewPointsAreFlagged) {
  EXPECT_FALSE(fit_loglog({}, {}).ok);
  EXPECT_FALSE(fit_loglog({10}, {5}).ok);
  const LogLogFit same_x = fit_loglog({4, 4, 4}, {1, 2, 3});
  EXPECT_FALSE(same_x.ok);
  EXPECT_EQ(same_x.points, 3);
  // Only one point reaches min_x.
  EXPECT_FALSE(fit_loglog({1, 2, 4}, {1, 2, 4}, 3).ok);
}

TEST(FitLogLog, SkipsPointsWithoutALogarithm) {
  const LogLogFit f = fit_loglog({0, 1, 2, 4, -8}, {5, 1, 4, 16, 64});
  EXPECT_EQ(f.points, 3);
  EXPECT_NEAR(f.slope, 2.0, 1e-12);
  EXPECT_FALSE(fit_loglog({1, 2}, {0, -1}).ok);
}

TEST(FitLogLog, RejectsMismatchedSizes) {
  EXPECT_THROW(fit_loglog({1, 2, 3}, {1, 2}), Error);
}

TEST(PowerLaw, PassesThroughTheAnchorWithTheGivenSlope) {
  const std::vector<double> y = power_law(64, 3.0, 2.0, {64, 128, 1024});
  EXPECT_DOUBLE_EQ(y[0], 3.0);
  EXPECT_DOUBLE_EQ(y[1], 12.0);
  EXPECT_DOUBLE_EQ(y[2], 3.0 * 256);
  EXPECT_NEAR(fit_loglog({64, 128, 1024}, y).slope, 2.0, 1e-12);
  EXPECT_THROW(power_law(0, 1, 1, {1}), Error);
  EXPECT_THROW(power_law(1, 1, 1, {0}), Error);
}

// ---------------------------------------------------------------------------------------------
// configurations and lengths

TEST(Scaling, LengthsDoubleUpToTheMaximum) {
  EXPECT_EQ(scaling_lengths(64, 512), (std::vector<int64_t>{64, 128, 256, 512}));
  EXPECT_EQ(scaling_lengths(64, 300), (std::vector<int64_t>{64, 128, 256}));
  EXPECT_EQ(scaling_lengths(64, 64), (std::vector<int64_t>{64}));
  EXPECT_THROW(scaling_lengths(0, 64), Error);
  EXPECT_THROW(scaling_lengths(128, 64), Error);
}

TEST(Scaling, ConfigsShareWidthAndDepthAndHaveTheirMixers) {
  const ModelConfig base = preset_config("jamba-tiny");
  for (ScalingArch a :
       {ScalingArch::Transformer, ScalingArch::Mamba1, ScalingArch::Mamba2, ScalingArch::Jamba}) {
    const ModelConfig c = scaling_config(base, a);
    EXPECT_EQ(c.d_model, base.d_model);
    EXPECT_EQ(c.n_layers, base.n_layers);
    EXPECT_EQ(c.vocab_size, base.vocab_size);
    EXPECT_NO_THROW(validate(c));
  }
  const ModelConfig t = scaling_config(base, ScalingArch::Transformer);
  EXPECT_EQ(t.family, Family::Llama);
  EXPECT_EQ(t.attention_layers(), base.n_layers);
  EXPECT_EQ(t.n_kv_heads, base.n_kv_heads);  // same GQA as the hybrid's attention layers
  EXPECT_EQ(scaling_config(base, ScalingArch::Mamba1).mamba_layers(), base.n_layers);
  const ModelConfig m2 = scaling_config(base, ScalingArch::Mamba2);
  EXPECT_EQ(m2.family, Family::Mamba2);
  EXPECT_EQ(m2.ssm_heads * m2.ssm_head_dim, m2.d_inner);
  // A Jamba base is measured as itself.
  const ModelConfig j = scaling_config(base, ScalingArch::Jamba);
  EXPECT_EQ(j.attention_layers(), 2);
  EXPECT_EQ(j.num_experts, base.num_experts);

  // From a Mamba base, the hybrid takes jamba-tiny's pattern: 1 attention layer in 4, MoE.
  const ModelConfig hj = scaling_config(preset_config("mamba1-tiny"), ScalingArch::Jamba);
  EXPECT_EQ(hj.family, Family::Jamba);
  EXPECT_EQ(hj.attention_layers(), 1);  // 4 layers: attention at layer 2
  EXPECT_EQ(hj.mamba_layers(), 3);
  int moe = 0;
  for (const LayerKind& k : hj.layer_map()) moe += k.ffn == FfnKind::MoE;
  EXPECT_EQ(moe, 2);
}

// ---------------------------------------------------------------------------------------------
// the measurement

ModelConfig tiny_base() {
  ModelConfig c = preset_config("jamba-tiny");
  c.d_model = 64;
  c.n_layers = 4;
  c.n_heads = 2;
  c.n_kv_heads = 1;
  c.head_dim = 32;
  c.intermediate_size = 128;
  c.d_inner = 128;
  c.dt_rank = 4;
  return c;
}

ScalingOptions quick(int64_t max_length) {
  ScalingOptions o;
  o.max_length = max_length;
  o.max_runs = 1;  // structure, not timing
  o.total_time_budget_ms = 1e12;
  o.point_time_budget_ms = 1e12;
  return o;
}

TEST(Scaling, RealRunMeasuresEveryLengthOfEveryArchitecture) {
  std::vector<std::pair<int, int64_t>> seen;
  std::vector<double> progress;
  const ScalingResult r = measure_scaling(
      tiny_base(), quick(512), nullptr, [&](double f) { progress.push_back(f); },
      [&](int a, const ScalingPoint& p) { seen.emplace_back(a, p.n); });
  ASSERT_EQ(r.series.size(), 4u);
  const std::vector<int64_t> want = {64, 128, 256, 512};
  for (size_t a = 0; a < 4; ++a) {
    const ScalingSeries& s = r.series[a];
    EXPECT_EQ(s.arch, ScalingOptions{}.archs[a]);
    EXPECT_EQ(s.stop, ScalingStop::MaxLength);
    ASSERT_EQ(s.points.size(), want.size());
    for (size_t i = 0; i < want.size(); ++i) {
      EXPECT_EQ(s.points[i].n, want[i]);
      EXPECT_EQ(s.points[i].runs, 1);
      EXPECT_GT(s.points[i].ms, 0.0);
      EXPECT_EQ(s.points[i].state_bytes, s.points[i].kv_bytes + s.points[i].ssm_bytes);
      if (i > 0) {
        EXPECT_GT(s.points[i].peak_bytes, s.points[i - 1].peak_bytes) << a << " " << i;
      }
    }
    // Fewer than 3 points reach 2048: the fit uses the last three.
    EXPECT_EQ(s.fit_min_n, 128);
    EXPECT_EQ(s.fit_max_n, 512);
    EXPECT_TRUE(s.time_fit.ok);
    EXPECT_TRUE(s.memory_fit.ok);
    EXPECT_EQ(s.memory_fit.points, 3);
  }
  // Points arrive live, length by length across architectures.
  ASSERT_EQ(seen.size(), 16u);
  for (size_t k = 0; k < seen.size(); ++k) {
    EXPECT_EQ(seen[k].first, int(k % 4));
    EXPECT_EQ(seen[k].second, want[k / 4]);
  }
  ASSERT_FALSE(progress.empty());
  for (size_t k = 1; k < progress.size(); ++k) EXPECT_GE(progress[k], progress[k - 1]);
  EXPECT_DOUBLE_EQ(progress.back(), 1.0);
}

TEST(Scaling, KvCacheGrowsWithNAndSsmStateIsConstant) {
  const ScalingResult r = measure_scaling(tiny_base(), quick(256));
  const auto& tr = r.series[0];  // Transformer
  const auto& m1 = r.series[1];  // Mamba-1
  const auto& jb = r.series[3];  // Jamba
  const int64_t kv_per_token = estimate_cost(tr.config, 1).kv_bytes_per_token;
  ASSERT_GT(kv_per_token, 0);
  for (const ScalingPoint& p : tr.points) {
    EXPECT_EQ(p.kv_bytes, p.n * kv_per_token);  // every token's K and V, every layer
    EXPECT_EQ(p.ssm_bytes, 0);
  }
  for (const ScalingPoint& p : m1.points) {
    EXPECT_EQ(p.kv_bytes, 0);
    EXPECT_EQ(p.ssm_bytes, m1.points.front().ssm_bytes);
    EXPECT_GT(p.ssm_bytes, 0);
  }
  // The hybrid has both: a KV cache for its attention layer (1 of 4) and a constant SSM state.
  EXPECT_EQ(jb.points.back().kv_bytes,
            jb.points.back().n * estimate_cost(jb.config, 1).kv_bytes_per_token);
  EXPECT_LT(jb.points.back().kv_bytes, tr.points.back().kv_bytes);
  EXPECT_EQ(jb.points.back().ssm_bytes, jb.points.front().ssm_bytes);
  // Between the first and last length, the Transformer's state grew by the whole KV cache while
  // Mamba-1's did not grow at all.
  EXPECT_EQ(tr.points.back().state_bytes - tr.points.front().state_bytes,
            (tr.points.back().n - tr.points.front().n) * kv_per_token);
  EXPECT_EQ(m1.points.back().state_bytes, m1.points.front().state_bytes);
}

TEST(Scaling, MemoryBudgetStopsTheHungrierArchitectureFirst) {
  const ModelConfig base = tiny_base();
  ScalingOptions o = quick(1024);
  o.archs = {ScalingArch::Transformer, ScalingArch::Mamba1};
  const ModelConfig tc = scaling_config(base, ScalingArch::Transformer);
  const ModelConfig mc = scaling_config(base, ScalingArch::Mamba1);
  // A budget that the smaller of the two estimates fits at 1024 tokens and the larger does not.
  const int64_t et = estimate_cost(tc, 1024).activation_bytes;
  const int64_t em = estimate_cost(mc, 1024).activation_bytes;
  ASSERT_NE(et, em);
  o.memory_budget_bytes = std::min(et, em);
  const bool attention_hungrier = et > em;
  const ModelConfig& hungry = attention_hungrier ? tc : mc;

  const ScalingResult r = measure_scaling(base, o);
  const ScalingSeries& stopped = r.series[attention_hungrier ? 0 : 1];
  const ScalingSeries& finished = r.series[attention_hungrier ? 1 : 0];
  EXPECT_EQ(finished.stop, ScalingStop::MaxLength);
  EXPECT_EQ(finished.points.size(), 5u);
  EXPECT_EQ(stopped.stop, ScalingStop::MemoryBudget);
  ASSERT_LT(stopped.points.size(), finished.points.size());
  // It stopped exactly at the first length whose estimate exceeds the budget.
  for (const ScalingPoint& p : stopped.points)
    EXPECT_LE(estimate_cost(hungry, p.n).activation_bytes, o.memory_budget_bytes);
  const int64_t next = stopped.points.empty() ? 64 : 2 * stopped.points.back().n;
  EXPECT_GT(estimate_cost(hungry, next).activation_bytes, o.memory_budget_bytes);
}

TEST(Scaling, AttentionEstimateIsLinearWithoutARecordedPattern) {
  // The flash path keeps no T×T buffer: doubling T at most doubles the estimate (plus a
  // constant), as the measured peak bytes do.
  const ModelConfig tc = scaling_config(tiny_base(), ScalingArch::Transformer);
  const double e1 = double(estimate_cost(tc, 1 << 14).activation_bytes);
  const double e2 = double(estimate_cost(tc, 1 << 15).activation_bytes);
  EXPECT_LT(e2 / e1, 2.01);
}

TEST(Scaling, TimeBudgetsStopArchitecturesWithAFakeClock) {
  // Every clock reading advances 10 ms, so every pass "takes" 10 ms.
  double now = 0;
  ScalingOptions o = quick(512);
  o.archs = {ScalingArch::Mamba1, ScalingArch::Mamba2};
  o.clock_ms = [&] { return now += 10.0; };
  o.fast_ms = 0;               // one run per point
  o.point_time_budget_ms = 5;  // slower than the budget: stop after the first point
  ScalingResult r = measure_scaling(tiny_base(), o);
  for (const ScalingSeries& s : r.series) {
    EXPECT_EQ(s.stop, ScalingStop::TimeBudget);
    ASSERT_EQ(s.points.size(), 1u);
    EXPECT_EQ(s.points[0].n, 64);
    EXPECT_DOUBLE_EQ(s.points[0].ms, 10.0);
    EXPECT_FALSE(s.time_fit.ok);  // one point: no slope
  }

  now = 0;
  o.point_time_budget_ms = 1e9;
  o.total_time_budget_ms = 75;  // spent after a few readings
  r = measure_scaling(tiny_base(), o);
  for (const ScalingSeries& s : r.series) {
    EXPECT_EQ(s.stop, ScalingStop::TotalBudget);
    EXPECT_LT(s.points.size(), 4u);
  }
}

TEST(Scaling, CancellingFromThePointCallbackThrowsCancelled) {
  CancelToken token;
  int points = 0;
  try {
    measure_scaling(tiny_base(), quick(512), &token, {}, [&](int, const ScalingPoint&) {
      if (++points == 2) token.cancel();
    });
    FAIL() << "no exception";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::Cancelled);
  }
  EXPECT_EQ(points, 2);
}

TEST(Scaling, FitSeriesPrefersLongLengths) {
  ScalingSeries s;
  // Time ∝ n below 2048 and ∝ n² from 2048 on; peak bytes ∝ n throughout.
  for (int64_t n = 256; n <= 16384; n *= 2) {
    ScalingPoint p;
    p.n = n;
    p.ms = n < 2048 ? double(n) : double(n) * double(n) / 2048.0;
    p.peak_bytes = 100 * n;
    s.points.push_back(p);
  }
  fit_series(s, 2048, 3);
  EXPECT_EQ(s.fit_min_n, 2048);
  EXPECT_EQ(s.fit_max_n, 16384);
  EXPECT_EQ(s.time_fit.points, 4);
  EXPECT_NEAR(s.time_fit.slope, 2.0, 1e-9);
  EXPECT_NEAR(s.memory_fit.slope, 1.0, 1e-9);

  s.points.resize(5);  // up to 4096: only two points reach 2048, so take the last three
  fit_series(s, 2048, 3);
  EXPECT_EQ(s.fit_min_n, 1024);
  EXPECT_EQ(s.time_fit.points, 3);
}

}  // namespace
}  // namespace seqlens
