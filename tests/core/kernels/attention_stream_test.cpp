// The streaming (flash-style) attention kernel: online softmax over key blocks, causal blocks
// skipped. Checked against the double reference on shapes that cross the query and key block
// edges (64 queries, 256 keys per step), long sequences, caches and decode; and the pattern is a
// side output: asking for it does not change the output.
#include <gtest/gtest.h>

#include "core/kernels/kernels.h"
#include "core/kernels/kernels_ref.h"
#include "tests/core/kernels/test_arrays.h"

namespace seqlens::kern {
namespace {

using testing::all_close;
using testing::all_equal;
using testing::Floats;
using testing::uniform;

struct Shape {
  int64_t T, S, H, KV, hd;
};
// Odd T, block edges (63/64/65 queries, 255/256/257 keys), S > T (cache), T = 1 decode on a long
// cache, and T = 1000 (16 query blocks, 4 key steps for the last one).
const Shape kShapes[] = {{7, 7, 2, 1, 8},       {63, 63, 2, 2, 16},  {64, 64, 4, 2, 8},
                         {65, 65, 2, 1, 12},    {255, 255, 2, 1, 8}, {256, 256, 1, 1, 16},
                         {257, 257, 3, 1, 8},   {129, 300, 4, 2, 8}, {1, 1000, 4, 2, 16},
                         {1, 257, 2, 2, 32},    {3, 513, 2, 1, 8},   {1000, 1000, 2, 1, 16},
                         {333, 1000, 2, 2, 16}, {77, 77, 4, 4, 64}};

struct Outputs {
  Floats out, pattern;  // [T,H*hd], [H,T,S]
};

Outputs run_kernel(const Shape& s, const Floats& q, const Floats& k, const Floats& v,
                   bool pattern) {
  Outputs r{Floats(s.T * s.H * s.hd), Floats(pattern ? s.H * s.T * s.S : 0)};
  attention(r.out.data(), pattern ? r.pattern.data() : nullptr, q.data(), k.data(), v.data(), s.T,
            s.S, s.H, s.KV, s.hd);
  return r;
}

TEST(AttentionStream, MatchesReferenceOnBlockEdgesLongAndCachedShapes) {
  for (const Shape& s : kShapes) {
    std::mt19937 rng(static_cast<unsigned>(s.T * 7 + s.S));
    const Floats q = uniform(rng, s.T * s.H * s.hd, -2.0f, 2.0f),
                 k = uniform(rng, s.S * s.KV * s.hd, -2.0f, 2.0f),
                 v = uniform(rng, s.S * s.KV * s.hd);
    Outputs want{Floats(s.T * s.H * s.hd), Floats(s.H * s.T * s.S)};
    ref::attention(want.out.data(), want.pattern.data(), q.data(), k.data(), v.data(), s.T, s.S,
                   s.H, s.KV, s.hd);
    const Outputs fast = run_kernel(s, q, k, v, false);
    EXPECT_TRUE(all_close(fast.out, want.out, 1e-5)) << "T=" << s.T << " S=" << s.S;
    const Outputs with = run_kernel(s, q, k, v, true);
    EXPECT_TRUE(all_close(with.pattern, want.pattern, 1e-5)) << "T=" << s.T << " S=" << s.S;
    // The pattern is parked and normalised beside the same streaming pass: same output bits.
    EXPECT_TRUE(all_equal(with.out, fast.out)) << "T=" << s.T << " S=" << s.S;
  }
}

// A logit far above the rest in a late key block forces the running max to jump after earlier
// blocks were accumulated; the rescaled accumulator must still match the reference.
TEST(AttentionStream, LateMaximumRescalesEarlierBlocks) {
  const Shape s{40, 700, 2, 1, 8};
  std::mt19937 rng(3);
  const Floats q = uniform(rng, s.T * s.H * s.hd, 0.5f, 1.0f);
  Floats k = uniform(rng, s.S * s.KV * s.hd, -0.5f, 0.5f);
  const Floats v = uniform(rng, s.S * s.KV * s.hd);
  for (int64_t j : {300, 600})  // keys in the 2nd and 3rd step, aligned with every query
    for (int64_t i = 0; i < s.hd; ++i) k[j * s.KV * s.hd + i] = 6.0f;
  Floats want(s.T * s.H * s.hd), pat(s.H * s.T * s.S);
  ref::attention(want.data(), pat.data(), q.data(), k.data(), v.data(), s.T, s.S, s.H, s.KV, s.hd);
  EXPECT_TRUE(all_close(run_kernel(s, q, k, v, false).out, want, 1e-5));
}

// Rows of a long prefill are bitwise unchanged by anything at later positions, across blocks.
TEST(AttentionStream, LongPrefillIsCausalBitwise) {
  const Shape s{600, 600, 2, 1, 16};
  std::mt19937 rng(4);
  const Floats q = uniform(rng, s.T * s.H * s.hd), v = uniform(rng, s.S * s.KV * s.hd);
  Floats k = uniform(rng, s.S * s.KV * s.hd);
  const Outputs base = run_kernel(s, q, k, v, false);
  const int64_t tp = 300;  // inside query block 4, key step 1
  for (int64_t j = tp; j < s.S; ++j)
    for (int64_t i = 0; i < s.KV * s.hd; ++i) k[j * s.KV * s.hd + i] *= -3.0f;
  const Outputs r = run_kernel(s, q, k, v, false);
  const int64_t w = s.H * s.hd;
  EXPECT_TRUE(all_equal(r.out.data(), base.out.data(), tp * w));
  EXPECT_FALSE(all_equal(r.out.data() + tp * w, base.out.data() + tp * w, w));
}

}  // namespace
}  // namespace seqlens::kern
