// How time and memory grow with the input length n, measured on real forward passes of four
// architectures of the same width and depth (Transformer, Mamba-1, Mamba-2, Jamba hybrid), plus
// the least-squares power-law fit used to read a slope off a log–log chart.
//
// Glossary: n = input length (tokens), slope = exponent b of y ≈ a·n^b (1 = linear, 2 = quadratic).
// A Transformer's time grows ~n² once the T×T score work dominates; its KV cache grows ~n. A Mamba
// layer's time and working memory grow ~n and its state is constant (Gu & Dao 2023, §3.3).
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "core/common/cancel.h"
#include "core/model/config.h"

namespace seqlens {

// ---------------------------------------------------------------------------------------------
// Power-law fit

struct LogLogFit {
  double slope = 0.0;      // b in log y = a + b·log x
  double intercept = 0.0;  // a (natural logarithms)
  double r2 = 0.0;         // coefficient of determination of the log–log line (1 = exact)
  int points = 0;          // points used (x ≥ min_x, x > 0, y > 0)
  bool ok = false;         // false when fewer than two usable points or all used x are equal
};

// Least squares of ln y on ln x over the points with x ≥ min_x. Points with x ≤ 0 or y ≤ 0 have no
// logarithm and are skipped. xs[k], ys[k]; throws Error(InvalidArgument) when the sizes differ.
// With fewer than two usable points (or one distinct x) the result has ok = false and slope 0.
LogLogFit fit_loglog(const std::vector<double>& xs, const std::vector<double>& ys,
                     double min_x = 0.0);

// Reference line y = y0 · (x / x0)^slope at each xs[k] (the dashed O(n), O(n²) guides of a
// log–log chart). Throws Error(InvalidArgument) unless x0 > 0 and every xs[k] > 0.
std::vector<double> power_law(double x0, double y0, double slope, const std::vector<double>& xs);

// ---------------------------------------------------------------------------------------------
// Scaling measurement

enum class ScalingArch { Transformer, Mamba1, Mamba2, Jamba };
inline constexpr int kScalingArchCount = 4;

// The architecture compared at the width and depth of `base` (d_model, n_layers, vocabulary,
// norm eps): Transformer = Llama-style (RoPE, GQA with the base's heads when it has attention,
// SwiGLU MLP), Mamba-1 / Mamba-2 = the base's d_state/d_conv/expand (Mamba-2 head dim 32 when it
// divides d_inner), Jamba = the base itself when it is a Jamba, else jamba-tiny's pattern
// (attention 1:3, MoE 4 experts top-2 every other layer). Valid by construction (validate()).
ModelConfig scaling_config(const ModelConfig& base, ScalingArch arch);

// min_length, 2·min_length, … up to and including max_length (doubling). Throws
// Error(InvalidArgument) unless 1 ≤ min_length ≤ max_length.
std::vector<int64_t> scaling_lengths(int64_t min_length, int64_t max_length);

struct ScalingPoint {
  int64_t n = 0;            // input length
  double ms = 0.0;          // median wall time of one forward pass over n tokens
  int runs = 0;             // passes the median is taken over
  int64_t peak_bytes = 0;   // peak working bytes of the pass (ForwardStats, allocator accounting)
  int64_t state_bytes = 0;  // KV cache + conv/SSM state after the pass (InferenceState::bytes)
  int64_t kv_bytes = 0;     // the KV-cache part of state_bytes (grows with n)
  int64_t ssm_bytes = 0;    // the conv + SSM part of state_bytes (constant in n)
};

// Why an architecture has no further points.
enum class ScalingStop {
  MaxLength,     // every requested length was measured
  MemoryBudget,  // estimate_cost(next n).activation_bytes exceeded the memory budget
  TimeBudget,    // the last point took longer than the per-point time budget
  TotalBudget,   // the run's total time budget was spent
};

struct ScalingSeries {
  ScalingArch arch = ScalingArch::Transformer;
  ModelConfig config;                // what was measured (scaling_config of the base)
  std::vector<ScalingPoint> points;  // increasing n
  ScalingStop stop = ScalingStop::MaxLength;
  // Slopes of time (ms) and peak bytes against n, over points with fit_min_n ≤ n ≤ fit_max_n:
  // n ≥ ScalingOptions::fit_from when at least fit_points points reach it, else the last
  // fit_points points (all when fewer). fit ok = false with fewer than two points.
  LogLogFit time_fit, memory_fit;
  int64_t fit_min_n = 0, fit_max_n = 0;
};

struct ScalingResult {
  std::vector<ScalingSeries> series;  // in ScalingOptions::archs order
};

struct ScalingOptions {
  std::vector<ScalingArch> archs = {ScalingArch::Transformer, ScalingArch::Mamba1,
                                    ScalingArch::Mamba2, ScalingArch::Jamba};
  int64_t min_length = 64;
  int64_t max_length = 16384;
  // Per pass, against estimate_cost(config, n).activation_bytes. That estimate is conservative
  // for attention: it counts two T×T score blocks although the unrecorded (flash) path never
  // allocates them, so attention stops here well before it would really run out of memory.
  int64_t memory_budget_bytes = int64_t(4) << 30;
  double point_time_budget_ms = 2000.0;  // an architecture whose point took longer stops
  double total_time_budget_ms = 120000.0;
  // Repetitions: a pass faster than fast_ms is repeated up to max_runs times (median), one slower
  // than slow_ms runs once, in between three times.
  int max_runs = 5;
  double fast_ms = 20.0, slow_ms = 300.0;
  uint64_t seed = 1234;  // weights (init_model) and random tokens
  int64_t fit_from = 2048;
  int fit_points = 3;
  // Wall clock in ms; empty = std::chrono::steady_clock. Tests inject a fake clock.
  std::function<double()> clock_ms;
};

// Called after each measured point (for a chart that grows live): index into options.archs.
using ScalingPointFn = std::function<void(int arch_index, const ScalingPoint& point)>;

// Measures every architecture of options.archs at every length of scaling_lengths(min, max),
// length by length (all architectures at n, then at 2n) so the chart grows evenly; an architecture
// stops at the first length whose estimate exceeds the memory budget, after a point slower than the
// point budget, or when the total budget is spent. Runs `forward` on the calling thread (call it
// inside the Runtime arena). Progress in [0, 1] over the planned points. Throws Error(Cancelled)
// when `cancel` is set (checked between and inside passes) and Error(InvalidArgument) for bad
// options.
ScalingResult measure_scaling(const ModelConfig& base, const ScalingOptions& options = {},
                              const CancelToken* cancel = nullptr, ProgressFn progress = {},
                              ScalingPointFn on_point = {});

// Fills series.time_fit / memory_fit / fit_min_n / fit_max_n from series.points (used by
// measure_scaling; public so a chart of a saved result can refit).
void fit_series(ScalingSeries& series, int64_t fit_from = 2048, int fit_points = 3);

}  // namespace seqlens
