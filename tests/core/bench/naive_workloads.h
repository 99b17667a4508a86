// Test oracle: the four torch_baseline.py workloads written straight from the script's docstring,
// in double precision, with weights drawn from the named streams directly (rng::uniform) rather
// than through the workload builders, and no core kernel in sight.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace seqlens::test {

// The script's generator in double: element i of stream `name`, scale rounded to float once.
std::vector<double> stream(const std::string& name, int64_t count, double scale);

// out[n, 256] of workload `name` ("attn", "mamba1", "mamba2", "moe") for x = stream "<name>.x".
std::vector<double> naive_workload(const std::string& name, int64_t n);

}  // namespace seqlens::test
