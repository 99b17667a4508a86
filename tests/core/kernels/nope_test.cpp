// F17: a single causal attention layer without positional encoding (Jamba, models.md C.3) is
// blind to the order of the tokens before t; RoPE makes it order-aware.
#include <algorithm>
#include <cmath>
#include <numeric>

#include <gtest/gtest.h>

#include "core/kernels/kernels.h"
#include "tests/core/kernels/test_arrays.h"

namespace seqlens::kern {
namespace {

using testing::all_close;
using testing::Floats;
using testing::uniform;

constexpr int64_t kT = 12, kD = 16, kH = 2, kKV = 1, kHd = 8;

struct Layer {
  Floats Wq, Wk, Wv;  // [H*hd,d], [KV*hd,d], [KV*hd,d]
  explicit Layer(std::mt19937& rng)
      : Wq(uniform(rng, kH * kHd * kD)),
        Wk(uniform(rng, kKV * kHd * kD)),
        Wv(uniform(rng, kKV * kHd * kD)) {}

  Floats operator()(const Floats& x, bool with_rope) const {  // x[T,d] → [T,H*hd]
    Floats q(kT * kH * kHd), k(kT * kKV * kHd), v(kT * kKV * kHd), out(kT * kH * kHd);
    linear(q.data(), x.data(), Wq.data(), nullptr, kT, kD, kH * kHd);
    linear(k.data(), x.data(), Wk.data(), nullptr, kT, kD, kKV * kHd);
    linear(v.data(), x.data(), Wv.data(), nullptr, kT, kD, kKV * kHd);
    if (with_rope) {
      rope(q.data(), 0, kT, kH, kHd, 10000.0);
      rope(k.data(), 0, kT, kKV, kHd, 10000.0);
    }
    attention(out.data(), nullptr, q.data(), k.data(), v.data(), kT, kT, kH, kKV, kHd);
    return out;
  }
};

// x with rows 0..t-1 shuffled, rows t.. unchanged.
Floats shuffle_prefix(const Floats& x, int64_t t, std::mt19937& rng) {
  std::vector<int64_t> perm(t);
  std::iota(perm.begin(), perm.end(), 0);
  std::shuffle(perm.begin(), perm.end(), rng);
  Floats y = x;
  for (int64_t i = 0; i < t; ++i) std::copy(&x[perm[i] * kD], &x[perm[i] * kD] + kD, &y[i * kD]);
  return y;
}

Floats row(const Floats& out, int64_t t) {
  return testing::rows_of(out, kH * kHd, t, t + 1);
}

TEST(AttentionNoPE, OutputAtTIsInvariantToPermutingEarlierTokens) {
  for (unsigned seed : {1u, 2u, 3u}) {
    std::mt19937 rng(seed);
    const Layer layer(rng);
    const Floats x = uniform(rng, kT * kD, -2.0f, 2.0f);
    const Floats base = layer(x, false);
    for (int64_t t : {int64_t{3}, int64_t{7}, kT - 1}) {
      const Floats perm = layer(shuffle_prefix(x, t, rng), false);
      EXPECT_TRUE(all_close(row(perm, t), row(base, t), 1e-5)) << "t=" << t;
    }
  }
}

TEST(AttentionNoPE, RopeBreaksPermutationInvariance) {
  std::mt19937 rng(4);
  const Layer layer(rng);
  const Floats x = uniform(rng, kT * kD, -2.0f, 2.0f);
  const Floats base = layer(x, true);
  const int64_t t = kT - 1;
  const Floats perm = layer(shuffle_prefix(x, t, rng), true);
  double max_diff = 0.0;
  for (int64_t i = 0; i < kH * kHd; ++i)
    max_diff =
        std::max(max_diff, std::abs(double(perm[t * kH * kHd + i]) - base[t * kH * kHd + i]));
  EXPECT_GT(max_diff, 1e-3);
}

}  // namespace
}  // namespace seqlens::kern
