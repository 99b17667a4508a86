// Causal GQA attention against the double reference, and the softmax/GQA/cache invariants of
// models.md F11, F12, F14 and the causality part of F17.
#include <cmath>

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
// Prefill (S == T), several query blocks (T > 32), cache offsets (S > T), decode (T == 1), odd hd.
const Shape kShapes[] = {{1, 1, 1, 1, 1},    {5, 5, 2, 2, 4},  {17, 17, 4, 2, 8},
                         {40, 40, 6, 3, 16}, {3, 10, 4, 1, 8}, {1, 37, 8, 2, 16},
                         {70, 100, 2, 1, 5}, {33, 33, 3, 1, 7}};

struct Qkv {
  Floats q, k, v;  // [T,H*hd], [S,KV*hd], [S,KV*hd]
};

Qkv random_qkv(std::mt19937& rng, const Shape& s, float scale = 1.0f) {
  return {uniform(rng, s.T * s.H * s.hd, -scale, scale),
          uniform(rng, s.S * s.KV * s.hd, -scale, scale), uniform(rng, s.S * s.KV * s.hd)};
}

struct Result {
  Floats out, pattern;  // [T,H*hd], [H,T,S]
};

Result run(const Qkv& x, const Shape& s) {
  Result r{Floats(s.T * s.H * s.hd), Floats(s.H * s.T * s.S)};
  attention(r.out.data(), r.pattern.data(), x.q.data(), x.k.data(), x.v.data(), s.T, s.S, s.H, s.KV,
            s.hd);
  return r;
}

TEST(Attention, MatchesReference) {
  for (unsigned seed : {1u, 2u, 3u})
    for (const Shape& s : kShapes) {
      std::mt19937 rng(seed);
      const Qkv x = random_qkv(rng, s, 2.0f);
      const Result got = run(x, s);
      Result want{Floats(got.out.size()), Floats(got.pattern.size())};
      ref::attention(want.out.data(), want.pattern.data(), x.q.data(), x.k.data(), x.v.data(), s.T,
                     s.S, s.H, s.KV, s.hd);
      EXPECT_TRUE(all_close(got.out, want.out, 1e-5)) << "T=" << s.T << " S=" << s.S;
      EXPECT_TRUE(all_close(got.pattern, want.pattern, 1e-5)) << "T=" << s.T << " S=" << s.S;
    }
}

TEST(Attention, NullPatternGivesSameOutput) {
  std::mt19937 rng(4);
  const Shape s{40, 45, 4, 2, 8};
  const Qkv x = random_qkv(rng, s);
  Floats out(s.T * s.H * s.hd);
  attention(out.data(), nullptr, x.q.data(), x.k.data(), x.v.data(), s.T, s.S, s.H, s.KV, s.hd);
  EXPECT_TRUE(all_equal(out, run(x, s).out));
}

// F11: rows sum to 1, masked entries are exactly 0, visible entries are positive.
TEST(Attention, PatternRowsSumToOneAndMaskedEntriesAreExactlyZero) {
  for (const Shape& s : kShapes) {
    std::mt19937 rng(5);
    const Result r = run(random_qkv(rng, s), s);
    for (int64_t h = 0; h < s.H; ++h)
      for (int64_t t = 0; t < s.T; ++t) {
        const float* row = r.pattern.data() + (h * s.T + t) * s.S;
        const int64_t pos = s.S - s.T + t;
        double sum = 0.0;
        for (int64_t j = 0; j < s.S; ++j) {
          if (j <= pos) {
            EXPECT_GT(row[j], 0.0f);
            sum += row[j];
          } else {
            EXPECT_EQ(row[j], 0.0f) << "h=" << h << " t=" << t << " s=" << j;
          }
        }
        EXPECT_NEAR(sum, 1.0, 1e-6);
      }
  }
}

// F11: in a prefill the first query sees only key 0, so its output is v_0 exactly.
TEST(Attention, FirstRowIsOneHotOnPositionZero) {
  std::mt19937 rng(6);
  const Shape s{9, 9, 4, 2, 6};
  const Qkv x = random_qkv(rng, s, 3.0f);
  const Result r = run(x, s);
  for (int64_t h = 0; h < s.H; ++h) {
    EXPECT_EQ(r.pattern[h * s.T * s.S], 1.0f);
    const int64_t kvh = h / (s.H / s.KV);
    for (int64_t i = 0; i < s.hd; ++i) EXPECT_EQ(r.out[h * s.hd + i], x.v[kvh * s.hd + i]);
  }
}

// F12: adding one vector c to every key adds q_t·c/√hd to every logit of row t. The inputs are
// dyadic so every logit is exact in fp32 with or without the shift (logits reach ~4000, where a
// softmax without max subtraction overflows); the result must be bitwise the same.
TEST(Attention, ConstantLogitShiftPerRowLeavesResultUnchanged) {
  std::mt19937 rng(7);
  const Shape s{20, 20, 2, 1, 16};  // hd = 16: the scale 1/4 is exact
  std::uniform_int_distribution<int> eighths(-8, 8);
  Qkv x = random_qkv(rng, s);
  for (float& v : x.q) v = eighths(rng) / 8.0f;
  for (float& v : x.k) v = eighths(rng) / 8.0f;
  const Result base = run(x, s);
  for (float& v : x.k) v += 1024.0f;
  const Result shifted = run(x, s);
  EXPECT_TRUE(testing::all_finite(shifted.out));
  EXPECT_TRUE(all_equal(shifted.pattern, base.pattern));
  EXPECT_TRUE(all_equal(shifted.out, base.out));
}

// F12: logits of magnitude ~1e4 give no NaN/inf and agree with the double reference.
TEST(Attention, HugeLogitsStayFiniteAndMatchReference) {
  std::mt19937 rng(8);
  const Shape s{24, 30, 4, 2, 8};
  const Qkv x = random_qkv(rng, s, 100.0f);
  const Result got = run(x, s);
  Result want{Floats(got.out.size()), Floats(got.pattern.size())};
  ref::attention(want.out.data(), want.pattern.data(), x.q.data(), x.k.data(), x.v.data(), s.T, s.S,
                 s.H, s.KV, s.hd);
  EXPECT_TRUE(testing::all_finite(got.out));
  EXPECT_TRUE(testing::all_finite(got.pattern));
  // fp32 logits near 1e4 carry ~1e-3 absolute rounding, hence the looser tolerance.
  EXPECT_TRUE(all_close(got.out, want.out, 1e-2));
}

// F14: with KV == H every head reads its own KV head, i.e. plain multi-head attention, which we
// build as H independent single-head calls.
TEST(Attention, KvEqualHeadsEqualsPerHeadMha) {
  std::mt19937 rng(9);
  const Shape s{37, 37, 4, 4, 8};
  const Qkv x = random_qkv(rng, s);
  const Result all = run(x, s);
  const Shape one{s.T, s.S, 1, 1, s.hd};
  for (int64_t h = 0; h < s.H; ++h) {
    Qkv xh{Floats(s.T * s.hd), Floats(s.S * s.hd), Floats(s.S * s.hd)};
    for (int64_t t = 0; t < s.T; ++t)
      for (int64_t i = 0; i < s.hd; ++i) {
        xh.q[t * s.hd + i] = x.q[t * s.H * s.hd + h * s.hd + i];
        xh.k[t * s.hd + i] = x.k[t * s.KV * s.hd + h * s.hd + i];
        xh.v[t * s.hd + i] = x.v[t * s.KV * s.hd + h * s.hd + i];
      }
    const Result rh = run(xh, one);
    Floats col(s.T * s.hd);
    for (int64_t t = 0; t < s.T; ++t)
      for (int64_t i = 0; i < s.hd; ++i) col[t * s.hd + i] = all.out[t * s.H * s.hd + h * s.hd + i];
    EXPECT_TRUE(all_close(col, rh.out, 1e-6)) << "head " << h;
  }
}

// F14: repeating each KV head n_rep times (HF repeat_kv = repeat_interleave) into an MHA layout
// gives identical outputs and patterns.
TEST(Attention, KvHeadsDuplicatedIntoMhaGiveIdenticalOutput) {
  std::mt19937 rng(10);
  const Shape gqa{29, 35, 6, 2, 8};
  const Shape mha{gqa.T, gqa.S, gqa.H, gqa.H, gqa.hd};
  const Qkv x = random_qkv(rng, gqa);
  Qkv xm{x.q, Floats(gqa.S * gqa.H * gqa.hd), Floats(gqa.S * gqa.H * gqa.hd)};
  const int64_t n_rep = gqa.H / gqa.KV;
  for (int64_t j = 0; j < gqa.S; ++j)
    for (int64_t h = 0; h < gqa.H; ++h)
      for (int64_t i = 0; i < gqa.hd; ++i) {
        xm.k[(j * gqa.H + h) * gqa.hd + i] = x.k[(j * gqa.KV + h / n_rep) * gqa.hd + i];
        xm.v[(j * gqa.H + h) * gqa.hd + i] = x.v[(j * gqa.KV + h / n_rep) * gqa.hd + i];
      }
  const Result a = run(x, gqa), b = run(xm, mha);
  EXPECT_TRUE(all_equal(a.out, b.out));
  EXPECT_TRUE(all_equal(a.pattern, b.pattern));
}

// Queries at the end of a cache (S > T) equal the last rows of a full prefill.
TEST(Attention, CachedQueriesEqualLastRowsOfPrefill) {
  std::mt19937 rng(11);
  const Shape full{50, 50, 4, 2, 8};
  const Qkv x = random_qkv(rng, full);
  const Result rf = run(x, full);
  for (int64_t T : {1, 7, 33}) {
    const Shape part{T, full.S, full.H, full.KV, full.hd};
    const int64_t w = full.H * full.hd;
    const Qkv xp{testing::rows_of(x.q, w, full.S - T, full.S), x.k, x.v};
    const Result rp = run(xp, part);
    EXPECT_TRUE(all_close(rp.out, testing::rows_of(rf.out, w, full.S - T, full.S), 1e-6));
    for (int64_t h = 0; h < full.H; ++h)
      EXPECT_TRUE(all_close(rp.pattern.data() + h * T * full.S,
                            rf.pattern.data() + (h * full.T + full.S - T) * full.S, T * full.S,
                            1e-6));
  }
}

// Decoding one token at a time against a growing cache equals the prefill.
TEST(Attention, DecodeOneTokenAtATimeEqualsPrefill) {
  std::mt19937 rng(12);
  const Shape full{21, 21, 4, 1, 8};
  const Qkv x = random_qkv(rng, full);
  const Result rf = run(x, full);
  const int64_t w = full.H * full.hd;
  for (int64_t pos = 0; pos < full.S; ++pos) {
    Floats out(w);
    attention(out.data(), nullptr, x.q.data() + pos * w, x.k.data(), x.v.data(), 1, pos + 1, full.H,
              full.KV, full.hd);
    EXPECT_TRUE(all_close(out, testing::rows_of(rf.out, w, pos, pos + 1), 1e-6)) << "pos " << pos;
  }
}

// F17 (causality): perturbing token t' leaves every output and pattern row t < t' bitwise
// unchanged.
TEST(Attention, PerturbingTokenLeavesEarlierRowsBitwiseUnchanged) {
  std::mt19937 rng(13);
  const Shape s{70, 70, 4, 2, 8};
  const Qkv x = random_qkv(rng, s);
  const Result base = run(x, s);
  for (int64_t tp : {1, 20, 33, 69}) {
    Qkv y = x;
    for (int64_t i = 0; i < s.H * s.hd; ++i) y.q[tp * s.H * s.hd + i] += 3.0f;
    for (int64_t i = 0; i < s.KV * s.hd; ++i) {
      y.k[tp * s.KV * s.hd + i] -= 2.0f;
      y.v[tp * s.KV * s.hd + i] += 5.0f;
    }
    const Result r = run(y, s);
    EXPECT_TRUE(all_equal(r.out.data(), base.out.data(), tp * s.H * s.hd)) << "t' = " << tp;
    for (int64_t h = 0; h < s.H; ++h)
      EXPECT_TRUE(all_equal(r.pattern.data() + h * s.T * s.S, base.pattern.data() + h * s.T * s.S,
                            tp * s.S));
    EXPECT_FALSE(
        all_equal(r.out.data() + tp * s.H * s.hd, base.out.data() + tp * s.H * s.hd, s.H * s.hd));
  }
}

}  // namespace
}  // namespace seqlens::kern
