// The input for n is a prefix of the input for any larger n and every workload is causal, so the
// first 16 output rows for n = 16 equal those for n = 37 (to 1e-6: GEMM blocking and MoE grouping
// may change the rounding with n, never the value).
#include <gtest/gtest.h>

#include <cmath>

#include "core/bench/workloads.h"
#include "core/common/runtime.h"

namespace seqlens::bench {
namespace {

TEST(Prefix, FirstRowsAgreeAcrossLengths) {
  Runtime runtime(2);
  for (const std::string& name : workload_names()) {
    const Workload w = make_workload(name);
    const Tensor x16 = make_input(w, 16), x37 = make_input(w, 37);
    for (int64_t i = 0; i < x16.numel(); ++i) ASSERT_EQ(x16.data[i], x37.data[i]) << name;
    std::vector<float> a(16 * kDModel), b(37 * kDModel);
    runtime.execute([&] {
      run_workload(a.data(), w, x16.ptr(), 16);
      run_workload(b.data(), w, x37.ptr(), 37);
    });
    for (size_t i = 0; i < a.size(); ++i)
      ASSERT_NEAR(a[i], b[i], 1e-6f * (1.0f + std::fabs(a[i]))) << name << " element " << i;
  }
}

}  // namespace
}  // namespace seqlens::bench
