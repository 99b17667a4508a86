// Scaling results export themselves: CSV (one row per measured point) and JSON (points, fits,
// stop reasons and the configs measured), for notebooks and papers.
#pragma once

#include <string>

#include "core/analysis/scaling.h"

namespace seqlens {

// Stable machine names: "transformer", "mamba1", "mamba2", "jamba".
const char* scaling_arch_name(ScalingArch a);
// "max_length", "memory_budget", "time_budget", "total_budget".
const char* scaling_stop_name(ScalingStop s);

// Header: architecture,n,median_ms,runs,peak_bytes,state_bytes,kv_bytes,ssm_bytes
std::string scaling_csv(const ScalingResult& r);
std::string scaling_json(const ScalingResult& r);

}  // namespace seqlens
