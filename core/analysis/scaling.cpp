#include "core/analysis/scaling.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <random>
#include <string>

#include "core/common/error.h"
#include "core/model/model.h"
#include "core/model/presets.h"

namespace seqlens {

LogLogFit fit_loglog(const std::vector<double>& xs, const std::vector<double>& ys, double min_x) {
  if (xs.size() != ys.size())
    throw Error(ErrorKind::InvalidArgument, "fit_loglog: " + std::to_string(xs.size()) +
                                                " x values but " + std::to_string(ys.size()) +
                                                " y values");
  std::vector<double> lx, ly;  // [k] logarithms of the usable points
  for (size_t k = 0; k < xs.size(); ++k) {
    if (xs[k] < min_x || !(xs[k] > 0.0) || !(ys[k] > 0.0)) continue;
    lx.push_back(std::log(xs[k]));
    ly.push_back(std::log(ys[k]));
  }
  LogLogFit f;
  f.points = static_cast<int>(lx.size());
  if (lx.size() < 2) return f;
  const double m = static_cast<double>(lx.size());
  double mx = 0, my = 0;
  for (size_t k = 0; k < lx.size(); ++k) mx += lx[k], my += ly[k];
  mx /= m, my /= m;
  double sxx = 0, sxy = 0, syy = 0;
  for (size_t k = 0; k < lx.size(); ++k) {
    const double dx = lx[k] - mx, dy = ly[k] - my;
    sxx += dx * dx, sxy += dx * dy, syy += dy * dy;
  }
  if (sxx <= 0.0) return f;  // one distinct x: no line
  f.slope = sxy / sxx;
  f.intercept = my - f.slope * mx;
  double ss_res = 0;
  for (size_t k = 0; k < lx.size(); ++k) {
    const double r = ly[k] - (f.intercept + f.slope * lx[k]);
    ss_res += r * r;
  }
  f.r2 = syy > 0.0 ? 1.0 - ss_res / syy : 1.0;  // constant y: the flat line is exact
  f.ok = true;
  return f;
}

std::vector<double> power_law(double x0, double y0, double slope, const std::vector<double>& xs) {
  if (!(x0 > 0.0)) throw Error(ErrorKind::InvalidArgument, "power_law: x0 must be positive");
  std::vector<double> out;
  out.reserve(xs.size());
  for (double x : xs) {
    if (!(x > 0.0)) throw Error(ErrorKind::InvalidArgument, "power_law: x must be positive");
    out.push_back(y0 * std::pow(x / x0, slope));
  }
  return out;
}

ModelConfig scaling_config(const ModelConfig& base, ScalingArch arch) {
  ModelConfig c;  // defaults for every field the base does not decide
  c.vocab_size = base.vocab_size;
  c.d_model = base.d_model;
  c.n_layers = base.n_layers;
  c.norm_eps = base.norm_eps;
  c.initializer_range = base.initializer_range;
  c.pad_token_id = base.pad_token_id;
  c.bos_token_id = base.bos_token_id;
  c.eos_token_id = base.eos_token_id;
  c.tie_word_embeddings = base.tie_word_embeddings;

  // Attention shape: the base's when it has attention layers, else 32-wide heads.
  const bool base_attn = base.attention_layers() > 0;
  c.head_dim = base_attn ? base.head_dim : std::min<int64_t>(32, base.d_model);
  c.n_heads = base_attn ? base.n_heads : std::max<int64_t>(1, base.d_model / c.head_dim);
  c.n_kv_heads = base_attn ? base.n_kv_heads : c.n_heads;
  c.intermediate_size = base.family == Family::Mamba1 || base.family == Family::Mamba2
                            ? 2 * base.d_model
                            : base.intermediate_size;
  c.max_position_embeddings = int64_t(1) << 24;  // lengths are limited by budgets, not positions

  // SSM shape: the base's when it has Mamba layers, else Mamba's defaults (N 16, K 4, expand 2).
  const bool base_ssm = base.mamba_layers() > 0;
  c.d_state = base_ssm ? base.d_state : 16;
  c.d_conv = base_ssm ? base.d_conv : 4;
  c.expand = base_ssm ? base.expand : 2;
  c.d_inner = c.expand * c.d_model;
  c.dt_rank = (c.d_model + 15) / 16;

  switch (arch) {
    case ScalingArch::Transformer:
      c.family = Family::Llama;
      break;
    case ScalingArch::Mamba1:
      c.family = Family::Mamba1;
      break;
    case ScalingArch::Mamba2:
      c.family = Family::Mamba2;
      c.ssm_head_dim = c.d_inner % 32 == 0 ? 32 : c.d_inner;
      c.ssm_heads = c.d_inner / c.ssm_head_dim;
      c.n_groups = 1;
      c.chunk_size = 64;
      break;
    case ScalingArch::Jamba:
      if (base.family == Family::Jamba) {
        c = base;
      } else {
        const ModelConfig t = preset_config("jamba-tiny");
        c.family = Family::Jamba;
        c.attn_layer_period = t.attn_layer_period;
        c.attn_layer_offset = std::min(t.attn_layer_offset, c.n_layers - 1);
        c.expert_layer_period = t.expert_layer_period;
        c.expert_layer_offset = std::min(t.expert_layer_offset, c.n_layers - 1);
        c.num_experts = t.num_experts;
        c.top_k = t.top_k;
      }
      break;
  }
  validate(c);
  return c;
}

std::vector<int64_t> scaling_lengths(int64_t min_length, int64_t max_length) {
  if (min_length < 1 || max_length < min_length)
    throw Error(ErrorKind::InvalidArgument,
                "scaling lengths need 1 <= min_length <= max_length, got " +
                    std::to_string(min_length) + " and " + std::to_string(max_length));
  std::vector<int64_t> out;
  for (int64_t n = min_length; n <= max_length; n *= 2) {
    out.push_back(n);
    if (n > max_length / 2) break;
  }
  return out;
}

void fit_series(ScalingSeries& s, int64_t fit_from, int fit_points) {
  const auto& p = s.points;
  s.time_fit = s.memory_fit = LogLogFit{};
  s.fit_min_n = s.fit_max_n = 0;
  if (p.empty()) return;
  // First index of the fit range: from fit_from when enough points reach it, else the last ones.
  size_t first = p.size();
  for (size_t i = 0; i < p.size(); ++i)
    if (p[i].n >= fit_from) {
      first = i;
      break;
    }
  const size_t want = static_cast<size_t>(std::max(2, fit_points));
  if (p.size() - first < want) first = p.size() > want ? p.size() - want : 0;
  std::vector<double> n, ms, bytes;
  for (size_t i = first; i < p.size(); ++i) {
    n.push_back(static_cast<double>(p[i].n));
    ms.push_back(p[i].ms);
    bytes.push_back(static_cast<double>(p[i].peak_bytes));
  }
  s.fit_min_n = p[first].n;
  s.fit_max_n = p.back().n;
  s.time_fit = fit_loglog(n, ms);
  s.memory_fit = fit_loglog(n, bytes);
}

namespace {

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const size_t m = v.size() / 2;
  return v.size() % 2 ? v[m] : 0.5 * (v[m - 1] + v[m]);
}

}  // namespace

ScalingResult measure_scaling(const ModelConfig& base, const ScalingOptions& o,
                              const CancelToken* cancel, ProgressFn progress,
                              ScalingPointFn on_point) {
  if (o.archs.empty()) throw Error(ErrorKind::InvalidArgument, "scaling: no architectures given");
  if (o.max_runs < 1 || o.memory_budget_bytes <= 0)
    throw Error(ErrorKind::InvalidArgument,
                "scaling: max_runs and the memory budget must be positive");
  const std::vector<int64_t> lengths = scaling_lengths(o.min_length, o.max_length);
  const auto clock = o.clock_ms ? o.clock_ms : [] {
    return std::chrono::duration<double, std::milli>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
  };
  throw_if_cancelled(cancel);

  const size_t A = o.archs.size();
  ScalingResult result;
  std::vector<Model> models;
  for (ScalingArch a : o.archs) {
    ScalingSeries s;
    s.arch = a;
    s.config = scaling_config(base, a);
    models.push_back(init_model(s.config, o.seed));
    result.series.push_back(std::move(s));
  }
  std::vector<bool> active(A, true);
  const double planned = static_cast<double>(A * lengths.size());
  double done = 0;
  auto report = [&](double extra) {
    if (progress) progress(std::min(1.0, (done + extra) / planned));
  };
  auto stop = [&](size_t a, ScalingStop why, size_t li) {
    active[a] = false;
    result.series[a].stop = why;
    done += static_cast<double>(lengths.size() - li);  // skipped points count as done
  };

  std::mt19937_64 rng(o.seed);
  const double t_start = clock();
  for (size_t li = 0; li < lengths.size(); ++li) {
    const int64_t n = lengths[li];
    // Same random tokens for every architecture at this length (ids past the special tokens).
    std::uniform_int_distribution<int32_t> id(std::min<int32_t>(3, int32_t(base.vocab_size) - 1),
                                              int32_t(base.vocab_size) - 1);
    std::vector<int32_t> tokens(static_cast<size_t>(n));
    for (int32_t& t : tokens) t = id(rng);

    for (size_t a = 0; a < A; ++a) {
      if (!active[a]) continue;
      throw_if_cancelled(cancel);
      ScalingSeries& s = result.series[a];
      if (clock() - t_start > o.total_time_budget_ms) {
        stop(a, ScalingStop::TotalBudget, li);
        continue;
      }
      if (estimate_cost(s.config, n).activation_bytes > o.memory_budget_bytes) {
        stop(a, ScalingStop::MemoryBudget, li);
        continue;
      }
      ScalingPoint p;
      p.n = n;
      std::vector<double> times;
      int want = 1;
      while (static_cast<int>(times.size()) < want) {
        InferenceState state = make_state(models[a]);
        ForwardStats stats;
        ForwardOptions fo;
        fo.cancel = cancel;
        fo.stats = &stats;
        fo.mamba_chunk = kMambaChunk;  // the fast path a long unrecorded pass takes
        const double base_done = static_cast<double>(times.size()) / want;
        fo.progress = [&](double f) { report((base_done + f / want) * 0.999); };
        const double t0 = clock();
        forward(models[a], tokens, state, fo);
        times.push_back(clock() - t0);
        if (times.size() == 1) {
          // Peak and state do not depend on the run: keep the first pass's.
          p.peak_bytes = stats.peak_bytes;
          p.kv_bytes = state.kv_bytes();
          p.ssm_bytes = state.ssm_bytes();
          p.state_bytes = state.bytes();
          want = times[0] < o.fast_ms   ? o.max_runs
                 : times[0] < o.slow_ms ? std::min(3, o.max_runs)
                                        : 1;
        }
      }
      p.ms = median(times);
      p.runs = static_cast<int>(times.size());
      s.points.push_back(p);
      done += 1;
      report(0);
      if (on_point) on_point(static_cast<int>(a), p);
      if (li + 1 < lengths.size() && p.ms > o.point_time_budget_ms)
        stop(a, ScalingStop::TimeBudget, li + 1);
    }
  }
  for (ScalingSeries& s : result.series) fit_series(s, o.fit_from, o.fit_points);
  throw_if_cancelled(cancel);
  report(0);
  return result;
}

}  // namespace seqlens
