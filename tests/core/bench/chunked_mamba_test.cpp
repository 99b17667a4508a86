// The Mamba workloads run in time chunks (ForwardOptions::mamba_chunk, carrying conv and SSM state)
// equal the naive double-precision oracle, for chunk lengths that divide n and that do not, and
// equal the one-pass run.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "core/bench/workloads.h"
#include "core/common/runtime.h"
#include "tests/core/bench/naive_workloads.h"

namespace seqlens::bench {
namespace {

std::vector<float> run(const Workload& w, int64_t n, int64_t chunk) {
  Runtime runtime(2);
  const Tensor x = make_input(w, n);
  std::vector<float> out(static_cast<size_t>(n * kDModel));
  runtime.execute([&] { run_workload(out.data(), w, x.ptr(), n, chunk); });
  return out;
}

// max |got − want| / max |want|
double rel_err(const std::vector<float>& got, const std::vector<double>& want) {
  double max_abs = 0.0, max_err = 0.0;
  for (size_t i = 0; i < want.size(); ++i) {
    max_abs = std::max(max_abs, std::fabs(want[i]));
    max_err = std::max(max_err, std::fabs(static_cast<double>(got[i]) - want[i]));
  }
  EXPECT_GT(max_abs, 1e-3) << "a trivial output proves nothing";
  return max_err / max_abs;
}

TEST(ChunkedMamba, EqualsTheNaiveOracleAndTheOnePassRun) {
  for (const std::string name : {"mamba1", "mamba2"}) {
    const Workload w = make_workload(name);
    const int64_t n = 203;  // odd: the last chunk is partial for every chunk length below
    const std::vector<double> want = test::naive_workload(name, n);
    const std::vector<float> whole = run(w, n, 0);
    EXPECT_LE(rel_err(whole, want), 1e-5) << name << " one pass";
    for (int64_t chunk : {1, 7, 32, 64, 200}) {
      const std::vector<float> got = run(w, n, chunk);
      ASSERT_EQ(got.size(), want.size());
      EXPECT_LE(rel_err(got, want), 1e-5) << name << " chunk " << chunk;
      double diff = 0.0, scale = 0.0;
      for (size_t i = 0; i < got.size(); ++i) {
        diff = std::max(diff, static_cast<double>(std::fabs(got[i] - whole[i])));
        scale = std::max(scale, static_cast<double>(std::fabs(whole[i])));
      }
      EXPECT_LE(diff, 1e-6 * scale) << name << " chunk " << chunk << " vs one pass";
    }
  }
}

}  // namespace
}  // namespace seqlens::bench
