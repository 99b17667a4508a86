// Each workload, run through the core (run_layer_part on the one-layer model), equals the naive
// double-precision composition written from torch_baseline.py's docstring (naive_workloads.cpp).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "core/bench/workloads.h"
#include "core/common/runtime.h"
#include "tests/core/bench/naive_workloads.h"

namespace seqlens::bench {
namespace {

std::vector<float> run(const Workload& w, int64_t n) {
  Runtime runtime(2);
  const Tensor x = make_input(w, n);
  std::vector<float> out(static_cast<size_t>(n * kDModel));
  runtime.execute([&] { run_workload(out.data(), w, x.ptr(), n); });
  return out;
}

void check(const std::string& name) {
  const Workload w = make_workload(name);
  for (int64_t n : {16, 37}) {
    const std::vector<float> got = run(w, n);
    const std::vector<double> want = test::naive_workload(name, n);
    ASSERT_EQ(got.size(), want.size());
    double max_abs = 0.0, max_err = 0.0;
    for (size_t i = 0; i < want.size(); ++i) {
      max_abs = std::max(max_abs, std::fabs(want[i]));
      max_err = std::max(max_err, std::fabs(static_cast<double>(got[i]) - want[i]));
    }
    ASSERT_GT(max_abs, 1e-3) << name << ": a trivial output proves nothing";
    EXPECT_LE(max_err, 1e-5 * max_abs) << name << " n=" << n;
  }
}

TEST(WorkloadOracle, AttnIsCausalMultiHeadAttention) {
  check("attn");
}
TEST(WorkloadOracle, Mamba1IsTheSelectiveScanBlock) {
  check("mamba1");
}
TEST(WorkloadOracle, Mamba2IsTheGatedSsdBlock) {
  check("mamba2");
}
TEST(WorkloadOracle, MoeIsTopTwoRenormalisedSwiGluExperts) {
  check("moe");
}

}  // namespace
}  // namespace seqlens::bench
