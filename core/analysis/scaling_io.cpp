#include "core/analysis/scaling_io.h"

#include <cstdio>

#include <nlohmann/json.hpp>

namespace seqlens {

const char* scaling_arch_name(ScalingArch a) {
  switch (a) {
    case ScalingArch::Transformer:
      return "transformer";
    case ScalingArch::Mamba1:
      return "mamba1";
    case ScalingArch::Mamba2:
      return "mamba2";
    case ScalingArch::Jamba:
      return "jamba";
  }
  return "?";
}

const char* scaling_stop_name(ScalingStop s) {
  switch (s) {
    case ScalingStop::MaxLength:
      return "max_length";
    case ScalingStop::MemoryBudget:
      return "memory_budget";
    case ScalingStop::TimeBudget:
      return "time_budget";
    case ScalingStop::TotalBudget:
      return "total_budget";
  }
  return "?";
}

std::string scaling_csv(const ScalingResult& r) {
  std::string out = "architecture,n,median_ms,runs,peak_bytes,state_bytes,kv_bytes,ssm_bytes\n";
  char line[256];
  for (const ScalingSeries& s : r.series) {
    for (const ScalingPoint& p : s.points) {
      std::snprintf(line, sizeof line, "%s,%lld,%.6g,%d,%lld,%lld,%lld,%lld\n",
                    scaling_arch_name(s.arch), static_cast<long long>(p.n), p.ms, p.runs,
                    static_cast<long long>(p.peak_bytes), static_cast<long long>(p.state_bytes),
                    static_cast<long long>(p.kv_bytes), static_cast<long long>(p.ssm_bytes));
      out += line;
    }
  }
  return out;
}

std::string scaling_json(const ScalingResult& r) {
  auto fit = [](const LogLogFit& f) {
    return nlohmann::ordered_json{{"ok", f.ok},
                                  {"slope", f.slope},
                                  {"intercept", f.intercept},
                                  {"r2", f.r2},
                                  {"points", f.points}};
  };
  nlohmann::ordered_json j;
  j["format"] = "seqlens-scaling/1";
  j["series"] = nlohmann::ordered_json::array();
  for (const ScalingSeries& s : r.series) {
    nlohmann::ordered_json e;
    e["architecture"] = scaling_arch_name(s.arch);
    e["family"] = family_name(s.config.family);
    e["d_model"] = s.config.d_model;
    e["n_layers"] = s.config.n_layers;
    e["stop"] = scaling_stop_name(s.stop);
    e["fit_range"] = {s.fit_min_n, s.fit_max_n};
    e["time_fit"] = fit(s.time_fit);
    e["memory_fit"] = fit(s.memory_fit);
    e["points"] = nlohmann::ordered_json::array();
    for (const ScalingPoint& p : s.points)
      e["points"].push_back({{"n", p.n},
                             {"median_ms", p.ms},
                             {"runs", p.runs},
                             {"peak_bytes", p.peak_bytes},
                             {"state_bytes", p.state_bytes},
                             {"kv_bytes", p.kv_bytes},
                             {"ssm_bytes", p.ssm_bytes}});
    j["series"].push_back(std::move(e));
  }
  return j.dump(2) + "\n";
}

}  // namespace seqlens
