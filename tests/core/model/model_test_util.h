// Helpers shared by the model tests: random token sequences and logit comparisons.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "core/common/rng.h"
#include "core/common/tensor.h"

namespace seqlens::test {

inline std::vector<int32_t> random_tokens(int64_t T, int64_t vocab, uint64_t seed) {
  std::vector<int32_t> t(static_cast<size_t>(T));
  for (int64_t i = 0; i < T; ++i) {
    const float u = rng::uniform(rng::stream_for(seed, "tokens"), static_cast<uint64_t>(i), 1.0f);
    t[static_cast<size_t>(i)] = std::min<int32_t>(
        static_cast<int32_t>((u + 1.0f) * 0.5f * float(vocab)), int32_t(vocab - 1));
  }
  return t;
}

// Row `row` of a [T, V] logits tensor against `other` (length V): max |a−b| relative to max |a|.
inline double row_rel_diff(const Tensor& a, int64_t row, const float* other) {
  const int64_t V = a.shape[1];
  double diff = 0, scale = 1.0;
  for (int64_t v = 0; v < V; ++v) {
    diff = std::max(diff, double(std::fabs(a.data[row * V + v] - other[v])));
    scale = std::max(scale, double(std::fabs(a.data[row * V + v])));
  }
  return diff / scale;
}

}  // namespace seqlens::test
