// The workload builders carry torch_baseline.py's generator exactly: its test vectors and the
// float64 sums its docstring lists, read back from the models' HF-named tensors.
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "core/bench/workloads.h"
#include "core/common/rng.h"

namespace seqlens::bench {
namespace {

double sum(const Tensor& t) {
  double s = 0.0;
  for (float v : t.data) s += v;
  return s;
}

// numpy sums pairwise and we sum in order: equal to ~1e-15 relative, not necessarily bitwise.
void expect_sum(double got, double want) {
  EXPECT_NEAR(got, want, 1e-12 * std::fabs(want));
}

TEST(Generator, MatchesTheDocstringTestVectors) {
  EXPECT_EQ(rng::fnv1a64("test"), 0xf9e6e6ef197c2b25ULL);
  const Tensor a = generated("test", {4}, 1.0);
  EXPECT_FLOAT_EQ(a.data[0], -0.447911501f);
  EXPECT_FLOAT_EQ(a.data[1], 0.760971785f);
  EXPECT_FLOAT_EQ(a.data[2], 0.869813323f);
  EXPECT_FLOAT_EQ(a.data[3], -0.325748563f);
  const Tensor b = generated("test", {4}, 1.0 / 16.0);
  EXPECT_FLOAT_EQ(b.data[0], -0.0279944688f);
  EXPECT_FLOAT_EQ(b.data[1], 0.0475607365f);
  EXPECT_FLOAT_EQ(b.data[2], 0.0543633327f);
  EXPECT_FLOAT_EQ(b.data[3], -0.0203592852f);
}

TEST(Generator, Mamba1InProjSumThroughTheBuilder) {
  const Workload w = make_workload("mamba1");
  const Tensor& t = w.model.tensor("backbone.layers.0.mixer.in_proj.weight");
  ASSERT_EQ(t.shape, (std::vector<int64_t>{1024, 256}));
  expect_sum(sum(t), 5.3923194780945778);
}

TEST(Generator, MoeW2SumOverTheSlicedExperts) {
  const Workload w = make_workload("moe");
  double s = 0.0;
  for (int e = 0; e < 16; ++e) {
    const Tensor& t = w.model.tensor("model.layers.0.feed_forward.experts." + std::to_string(e) +
                                     ".down_proj.weight");
    ASSERT_EQ(t.shape, (std::vector<int64_t>{256, 512}));
    s += sum(t);
  }
  expect_sum(s, 20.62407368141713);
}

TEST(Generator, Mamba1DtBiasIsMinusFourPlusGenInFloat) {
  const Workload w = make_workload("mamba1");
  expect_sum(sum(w.model.tensor("backbone.layers.0.mixer.dt_proj.bias")), -2051.7553021907806);
}

TEST(Generator, ConvWeightsKeepTheScriptsDataInTheHfShape) {
  const Workload w1 = make_workload("mamba1");
  const Tensor& c1 = w1.model.tensor("backbone.layers.0.mixer.conv1d.weight");
  EXPECT_EQ(c1.shape, (std::vector<int64_t>{512, 1, 4}));
  EXPECT_EQ(c1.data, generated("mamba1.conv1d.weight", {512, 4}, 0.5).data);
  const Workload w2 = make_workload("mamba2");
  const Tensor& c2 = w2.model.tensor("backbone.layers.0.mixer.conv1d.weight");
  EXPECT_EQ(c2.shape, (std::vector<int64_t>{640, 1, 4}));
  EXPECT_EQ(c2.data, generated("mamba2.conv1d.weight", {640, 4}, 0.5).data);
}

TEST(Generator, FixedParametersFollowTheDocstring) {
  const Workload w1 = make_workload("mamba1");
  const Tensor& a1 = w1.model.tensor("backbone.layers.0.mixer.A_log");
  for (int64_t s = 0; s < 16; ++s)
    EXPECT_EQ(a1.data[3 * 16 + s], static_cast<float>(std::log(static_cast<double>(s + 1))));
  const Workload w2 = make_workload("mamba2");
  const Tensor& a2 = w2.model.tensor("backbone.layers.0.mixer.A_log");
  for (int64_t h = 0; h < 8; ++h)
    EXPECT_EQ(a2.data[h], static_cast<float>(std::log(static_cast<double>(1 + 2 * h))));
  const Tensor dt = generated("mamba2.dt_bias", {8}, 2.0);
  for (int64_t h = 0; h < 8; ++h)
    EXPECT_EQ(w2.model.tensor("backbone.layers.0.mixer.dt_bias").data[h], -4.0f + dt.data[h]);
}

TEST(Generator, UnknownWorkloadIsRefused) {
  EXPECT_ANY_THROW(make_workload("rwkv"));
}

}  // namespace
}  // namespace seqlens::bench
