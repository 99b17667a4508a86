// The generator must match the test vectors documented in shared/bench/torch_baseline.py.
#include <gtest/gtest.h>

#include <cmath>

#include "core/common/rng.h"

namespace seqlens {
namespace {

TEST(Rng, Fnv1aTestVector) {
  EXPECT_EQ(rng::fnv1a64("test"), 0xf9e6e6ef197c2b25ULL);
}

TEST(Rng, UniformTestVectors) {
  const uint64_t s = rng::fnv1a64("test");
  const float want[] = {-0.447911501f, 0.760971785f, 0.869813323f, -0.325748563f};
  const float want16[] = {-0.0279944688f, 0.0475607365f, 0.0543633327f, -0.0203592852f};
  for (int i = 0; i < 4; ++i) {
    EXPECT_FLOAT_EQ(rng::uniform(s, i, 1.0f), want[i]);
    EXPECT_FLOAT_EQ(rng::uniform(s, i, 1.0f / 16), want16[i]);
  }
}

TEST(Rng, TensorSumsMatchTheBaseline) {
  double sum = 0;
  const uint64_t s = rng::fnv1a64("mamba1.in_proj.weight");
  for (uint64_t i = 0; i < 1024 * 256; ++i) sum += rng::uniform(s, i, 1.0f / 16);
  EXPECT_DOUBLE_EQ(sum, 5.3923194780945778);
  double b = 0;
  const uint64_t sb = rng::fnv1a64("mamba1.dt_proj.bias");
  for (uint64_t i = 0; i < 512; ++i) b += -4.0f + rng::uniform(sb, i, 2.0f);
  EXPECT_DOUBLE_EQ(b, -2051.7553021907806);
}

TEST(Rng, NormalIsFiniteAndSeedsAreIndependent) {
  EXPECT_NE(rng::stream_for(1, "w"), rng::stream_for(2, "w"));
  for (uint64_t i = 0; i < 10000; ++i) EXPECT_TRUE(std::isfinite(rng::normal(42, i)));
}

}  // namespace
}  // namespace seqlens
