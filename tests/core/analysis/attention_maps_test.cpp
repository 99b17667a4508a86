// Attention maps: enumeration over real traces, the three normalisation modes on hand-computed
// matrices, thumbnail downsampling against a naive loop, single-cell look-ups and errors.
#include "core/analysis/attention_maps.h"

#include <gtest/gtest.h>

#include <cmath>
#include <memory>
#include <random>
#include <string>
#include <tuple>
#include <vector>

#include "core/common/error.h"
#include "core/model/presets.h"
#include "core/model/tokenizer.h"

namespace seqlens::analysis {
namespace {

using V = std::vector<float>;

void expect_values(const MapValues& m, const V& want, float tol = 1e-6f) {
  ASSERT_EQ(m.values.size(), want.size());
  for (size_t i = 0; i < want.size(); ++i) EXPECT_NEAR(m.values[i], want[i], tol) << "entry " << i;
}

std::shared_ptr<const ForwardTrace> trace_of(const std::string& preset, const std::string& text,
                                             std::vector<int64_t> channels) {
  auto model = std::make_shared<const Model>(make_preset(preset));
  RecordRequest r;
  r.sites = {Site::AttnPattern, Site::SsmHiddenAttn};
  r.hidden_channels = std::move(channels);
  return run_traced(model, ByteTokenizer::encode(text), r);
}

// A 3×3 hidden map with negative values and garbage above the diagonal (which the kernels never
// write, but the causal modes must ignore).
const V kSigned = {2.f, 9.f, 9.f, -1.f, 3.f, 9.f, 0.5f, -4.f, 1.f};

TEST(AttentionMapsNormalise, RawKeepsValuesAndUsesASymmetricDivergingRange) {
  const MapValues m = normalise_map(kSigned.data(), 3, 3, MapKind::Hidden, MapNorm::Raw);
  EXPECT_EQ(m.rows, 3);
  EXPECT_EQ(m.cols, 3);
  expect_values(m, kSigned, 0.f);
  EXPECT_TRUE(m.diverging);
  EXPECT_FLOAT_EQ(m.hi, 9.f);  // max |α| over the whole map, as drawn
  EXPECT_FLOAT_EQ(m.lo, -9.f);
}

TEST(AttentionMapsNormalise, AbsMinMaxScalesCausalMagnitudes) {
  const MapValues m = normalise_map(kSigned.data(), 3, 3, MapKind::Hidden, MapNorm::AbsMinMax);
  // causal |α|: 2, 1, 3, 0.5, 4, 1 -> lo 0.5, hi 4, (|α| - 0.5) / 3.5
  expect_values(m, {1.5f / 3.5f, 0, 0, 0.5f / 3.5f, 2.5f / 3.5f, 0, 0, 1, 0.5f / 3.5f});
  EXPECT_FALSE(m.diverging);
  EXPECT_EQ(m.lo, 0.f);
  EXPECT_EQ(m.hi, 1.f);
  // Upper triangle exactly zero, not just small.
  EXPECT_EQ(m.at(0, 1), 0.f);
  EXPECT_EQ(m.at(0, 2), 0.f);
  EXPECT_EQ(m.at(1, 2), 0.f);
}

TEST(AttentionMapsNormalise, RowNormalisedDividesByCausalRowSums) {
  const MapValues m = normalise_map(kSigned.data(), 3, 3, MapKind::Hidden, MapNorm::RowNormalised);
  expect_values(m, {1, 0, 0, 0.25f, 0.75f, 0, 0.5f / 5.5f, 4.f / 5.5f, 1.f / 5.5f});
  for (int64_t t = 0; t < 3; ++t) {
    double sum = 0;
    for (int64_t s = 0; s < 3; ++s) sum += m.at(t, s);
    EXPECT_NEAR(sum, 1.0, 1e-6) << "row " << t;
  }
  EXPECT_EQ(m.at(0, 1), 0.f);
  EXPECT_EQ(m.at(1, 2), 0.f);
}

TEST(AttentionMapsNormalise, ZeroRowsStayZero) {
  const V a = {0, 0, -2, 2};
  const MapValues row = normalise_map(a.data(), 2, 2, MapKind::Hidden, MapNorm::RowNormalised);
  expect_values(row, {0, 0, 0.5f, 0.5f});
  const MapValues mm = normalise_map(a.data(), 2, 2, MapKind::Hidden, MapNorm::AbsMinMax);
  expect_values(mm, {0, 0, 1, 1});  // causal |α|: 0, 2, 2 -> lo 0, hi 2

  const V zero(4, 0.f);
  for (MapNorm mode : {MapNorm::Raw, MapNorm::AbsMinMax, MapNorm::RowNormalised})
    expect_values(normalise_map(zero.data(), 2, 2, MapKind::Hidden, mode), zero, 0.f);
  // An all-zero map still gets a usable colour range.
  const MapValues raw = normalise_map(zero.data(), 2, 2, MapKind::Hidden, MapNorm::Raw);
  EXPECT_EQ(raw.lo, -1.f);
  EXPECT_EQ(raw.hi, 1.f);
}

TEST(AttentionMapsNormalise, SingleToken) {
  const float neg = -3.f;
  expect_values(normalise_map(&neg, 1, 1, MapKind::Hidden, MapNorm::Raw), {-3.f}, 0.f);
  expect_values(normalise_map(&neg, 1, 1, MapKind::Hidden, MapNorm::AbsMinMax), {1.f}, 0.f);
  expect_values(normalise_map(&neg, 1, 1, MapKind::Hidden, MapNorm::RowNormalised), {1.f}, 0.f);
  const float zero = 0.f;
  expect_values(normalise_map(&zero, 1, 1, MapKind::Hidden, MapNorm::AbsMinMax), {0.f}, 0.f);
  const float one = 1.f;
  for (MapNorm mode : {MapNorm::Raw, MapNorm::AbsMinMax, MapNorm::RowNormalised}) {
    const MapValues m = normalise_map(&one, 1, 1, MapKind::Softmax, mode);
    expect_values(m, {1.f}, 0.f);
    EXPECT_FALSE(m.diverging);
  }
}

TEST(AttentionMapsNormalise, MoreKeysThanQueriesShiftsTheDiagonal) {
  // T = 2 queries at absolute positions 1 and 2 over S = 3 keys: row 0 sees keys 0..1.
  const V a = {1, 3, 7, 2, 2, 4};
  expect_values(normalise_map(a.data(), 2, 3, MapKind::Hidden, MapNorm::RowNormalised),
                {0.25f, 0.75f, 0, 0.25f, 0.25f, 0.5f});
  // causal |α|: 1, 3, 2, 2, 4 -> lo 1, hi 4
  expect_values(normalise_map(a.data(), 2, 3, MapKind::Hidden, MapNorm::AbsMinMax),
                {0, 2.f / 3.f, 0, 1.f / 3.f, 1.f / 3.f, 1});
}

TEST(AttentionMapsNormalise, SoftmaxPatternsStayValid) {
  const int64_t T = 7;
  std::mt19937 rng(7);
  std::normal_distribution<float> g(0.f, 2.f);
  V p(T * T, 0.f);
  for (int64_t t = 0; t < T; ++t) {
    double sum = 0;
    for (int64_t s = 0; s <= t; ++s) sum += p[t * T + s] = std::exp(g(rng));
    for (int64_t s = 0; s <= t; ++s) p[t * T + s] = static_cast<float>(p[t * T + s] / sum);
  }
  const MapValues raw = normalise_map(p.data(), T, T, MapKind::Softmax, MapNorm::Raw);
  expect_values(raw, p, 0.f);
  EXPECT_FALSE(raw.diverging);  // probabilities: [0, 1] in every mode
  EXPECT_EQ(raw.lo, 0.f);
  EXPECT_EQ(raw.hi, 1.f);
  // Row-normalising a softmax row gives it back.
  expect_values(normalise_map(p.data(), T, T, MapKind::Softmax, MapNorm::RowNormalised), p, 1e-6f);
  const MapValues mm = normalise_map(p.data(), T, T, MapKind::Softmax, MapNorm::AbsMinMax);
  float top = 0.f;
  for (int64_t t = 0; t < T; ++t)
    for (int64_t s = 0; s < T; ++s) {
      const float v = mm.at(t, s);
      EXPECT_TRUE(std::isfinite(v));
      EXPECT_GE(v, 0.f);
      EXPECT_LE(v, 1.f);
      if (s > t) {
        EXPECT_EQ(v, 0.f);
      }
      top = std::max(top, v);
    }
  EXPECT_EQ(top, 1.f);  // the largest probability (row 0's 1.0) maps to 1
}

TEST(AttentionMapsNormalise, RejectsBadInput) {
  const V a(6, 1.f);
  EXPECT_THROW(normalise_map(nullptr, 2, 2, MapKind::Hidden, MapNorm::Raw), Error);
  EXPECT_THROW(normalise_map(a.data(), 0, 2, MapKind::Hidden, MapNorm::Raw), Error);
  EXPECT_THROW(normalise_map(a.data(), 3, 2, MapKind::Hidden, MapNorm::Raw), Error);  // S < T
  const MapValues m = normalise_map(a.data(), 2, 3, MapKind::Hidden, MapNorm::Raw);
  EXPECT_THROW(m.at(2, 0), Error);
  EXPECT_THROW(m.at(0, 3), Error);
  EXPECT_THROW(m.at(-1, 0), Error);
}

// Naive oracle: assign every input cell to its block by searching the block boundaries, keep the
// entry of largest magnitude with its sign.
MapValues naive_downsample(const MapValues& in, int64_t M) {
  const int64_t R = std::min(in.rows, M), C = std::min(in.cols, M);
  auto block = [](int64_t x, int64_t n, int64_t k) {
    for (int64_t i = 0; i < k; ++i)
      if (x >= i * n / k && x < (i + 1) * n / k) return i;
    return int64_t{-1};
  };
  MapValues out;
  out.rows = R;
  out.cols = C;
  out.values.assign(static_cast<size_t>(R * C), 0.f);
  for (int64_t r = 0; r < in.rows; ++r)
    for (int64_t c = 0; c < in.cols; ++c) {
      float& o = out.values[static_cast<size_t>(block(r, in.rows, R) * C + block(c, in.cols, C))];
      const float v = in.values[static_cast<size_t>(r * in.cols + c)];
      if (std::fabs(v) > std::fabs(o)) o = v;
    }
  return out;
}

MapValues random_map(int64_t rows, int64_t cols, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> u(-1.f, 1.f);
  MapValues m;
  m.rows = rows;
  m.cols = cols;
  m.lo = -1.f;
  m.hi = 1.f;
  m.diverging = true;
  for (int64_t i = 0; i < rows * cols; ++i) m.values.push_back(u(rng));
  return m;
}

TEST(AttentionMapsDownsample, MatchesNaiveLoopOnOddSizes) {
  for (auto [rows, cols, M] :
       {std::tuple<int64_t, int64_t, int64_t>{37, 37, 8}, {37, 20, 8}, {13, 50, 6}, {9, 9, 1}}) {
    const MapValues in = random_map(rows, cols, static_cast<unsigned>(rows * 100 + cols));
    const MapValues got = downsample_map(in, M);
    const MapValues want = naive_downsample(in, M);
    EXPECT_EQ(got.rows, std::min(rows, M));
    EXPECT_EQ(got.cols, std::min(cols, M));
    expect_values(got, want.values, 0.f);
    EXPECT_EQ(got.lo, in.lo);
    EXPECT_EQ(got.hi, in.hi);
    EXPECT_TRUE(got.diverging);
  }
}

TEST(AttentionMapsDownsample, KeepsAThinDiagonalVisible) {
  // An identity-like 37×37 map: every thumbnail block on the diagonal keeps its 1, the others 0.
  MapValues eye;
  eye.rows = eye.cols = 37;
  eye.values.assign(37 * 37, 0.f);
  for (int64_t i = 0; i < 37; ++i) eye.values[static_cast<size_t>(i * 37 + i)] = 1.f;
  const MapValues t = downsample_map(eye, 8);
  for (int64_t i = 0; i < 8; ++i)
    for (int64_t j = 0; j < 8; ++j) EXPECT_EQ(t.at(i, j), i == j ? 1.f : 0.f) << i << "," << j;
}

TEST(AttentionMapsDownsample, SmallMapsPassThroughAndBadSizesThrow) {
  const MapValues in = random_map(5, 4, 1);
  const MapValues out = downsample_map(in, 8);
  expect_values(out, in.values, 0.f);
  EXPECT_EQ(out.rows, 5);
  EXPECT_EQ(out.cols, 4);
  EXPECT_THROW(downsample_map(in, 0), Error);
}

TEST(AttentionMapsThumbnail, EqualsNormaliseThenDownsample) {
  // Random causal signed maps with a zero row and garbage above the diagonal, odd sizes.
  for (auto [T, S, M] : {std::tuple<int64_t, int64_t, int64_t>{37, 37, 8},
                         {50, 53, 7},
                         {9, 9, 4},
                         {5, 5, 8},
                         {64, 64, 1}}) {
    std::mt19937 rng(static_cast<unsigned>(T * 7 + S));
    std::uniform_real_distribution<float> u(-2.f, 2.f);
    V a(static_cast<size_t>(T * S));
    for (float& x : a) x = u(rng);
    for (int64_t s = 0; s < S; ++s) a[static_cast<size_t>(2 * S + s)] = 0.f;  // zero row 2
    for (MapKind kind : {MapKind::Hidden, MapKind::Softmax})
      for (MapNorm mode : {MapNorm::Raw, MapNorm::AbsMinMax, MapNorm::RowNormalised}) {
        const MapValues want = downsample_map(normalise_map(a.data(), T, S, kind, mode), M);
        const MapValues got = thumbnail_map(a.data(), T, S, kind, mode, M);
        EXPECT_EQ(got.rows, want.rows);
        EXPECT_EQ(got.cols, want.cols);
        expect_values(got, want.values, 0.f);
        EXPECT_EQ(got.lo, want.lo);
        EXPECT_EQ(got.hi, want.hi);
        EXPECT_EQ(got.diverging, want.diverging);
      }
  }
  const float one = 1.f;
  EXPECT_THROW(thumbnail_map(&one, 1, 1, MapKind::Hidden, MapNorm::Raw, 0), Error);
  EXPECT_THROW(thumbnail_map(nullptr, 1, 1, MapKind::Hidden, MapNorm::Raw, 4), Error);
}

TEST(AttentionMapsThumbnail, TheTracesThumbnailsAreEachMapInTheModeTheModelViewDraws) {
  std::string text;
  while (text.size() < 70) text += "Thumbnails of a hybrid, in every mode. ";
  auto trace = trace_of("jamba-tiny", text, {0, 5});
  const int64_t cells = 16;  // fewer than the 70+ tokens: every map is downsampled
  const std::vector<AttentionMapRef> maps = enumerate_attention_maps(*trace);
  for (MapNorm hidden_mode : {MapNorm::Raw, MapNorm::AbsMinMax, MapNorm::RowNormalised}) {
    const AttentionThumbnails got = attention_thumbnails(trace, cells, hidden_mode);
    EXPECT_EQ(got.trace, trace);
    EXPECT_EQ(got.cells, cells);
    ASSERT_EQ(got.maps.size(), maps.size());
    for (size_t i = 0; i < maps.size(); ++i)
      for (MapNorm mode : {MapNorm::Raw, MapNorm::AbsMinMax, MapNorm::RowNormalised}) {
        SCOPED_TRACE("map " + std::to_string(i) + " mode " + std::to_string(int(mode)) +
                     " hidden mode " + std::to_string(int(hidden_mode)));
        const MapValues* v = got.find(i, mode);
        // Softmax maps are probabilities, drawn as they are; hidden maps in the mode on screen.
        const MapNorm drawn = maps[i].kind == MapKind::Softmax ? MapNorm::Raw : hidden_mode;
        if (mode != drawn) {
          EXPECT_EQ(v, nullptr);
          continue;
        }
        ASSERT_NE(v, nullptr);
        const MapValues want = thumbnail_map(maps[i], mode, cells);
        EXPECT_EQ(v->rows, cells);
        EXPECT_EQ(v->cols, cells);
        expect_values(*v, want.values, 0.f);
        EXPECT_EQ(v->lo, want.lo);
        EXPECT_EQ(v->hi, want.hi);
        EXPECT_EQ(v->diverging, want.diverging);
      }
    EXPECT_EQ(got.find(maps.size(), MapNorm::Raw), nullptr);
  }
  EXPECT_THROW(attention_thumbnails(nullptr, cells, MapNorm::Raw), Error);
  EXPECT_THROW(attention_thumbnails(trace, 0, MapNorm::Raw), Error);
}

TEST(AttentionMapsThumbnail, ReducedAsTheMapsAreRecordedTheSameAsAfterThePass) {
  std::string text;
  while (text.size() < 70) text += "Thumbnails during the pass. ";
  auto model = std::make_shared<const Model>(make_preset("jamba-tiny"));
  RecordRequest r;
  r.sites = {Site::AttnPattern, Site::SsmHiddenAttn};
  r.hidden_channels = {0, 5};
  const int64_t cells = 16;
  for (MapNorm hidden_mode : {MapNorm::Raw, MapNorm::AbsMinMax, MapNorm::RowNormalised}) {
    ThumbnailReducer reducer(cells, hidden_mode);
    std::vector<std::string> seen;
    auto trace = run_traced(model, ByteTokenizer::encode(text), r, nullptr, {},
                            [&](const RecordedArray& maps) {
                              seen.push_back(maps.name);
                              reducer.add(maps);
                            });
    // Every layer's map array, once, in layer order: 2 attention layers × 4 heads and 6 Mamba
    // layers × 2 channels, all reduced during the pass.
    ASSERT_EQ(seen.size(), 8u);
    EXPECT_EQ(seen.front(), "blocks.0.ssm.hidden_attn");
    EXPECT_EQ(seen[2], "blocks.2.attn.pattern");
    EXPECT_EQ(reducer.reduced(), 20u);
    const AttentionThumbnails got = reducer.finish(trace);
    const AttentionThumbnails want = attention_thumbnails(trace, cells, hidden_mode);
    EXPECT_EQ(got.trace, trace);
    ASSERT_EQ(got.maps.size(), want.maps.size());
    for (size_t i = 0; i < want.maps.size(); ++i) {
      SCOPED_TRACE("map " + std::to_string(i));
      EXPECT_EQ(got.maps[i].mode, want.maps[i].mode);
      expect_values(got.maps[i].values, want.maps[i].values.values, 0.f);
      EXPECT_EQ(got.maps[i].values.lo, want.maps[i].values.lo);
      EXPECT_EQ(got.maps[i].values.hi, want.maps[i].values.hi);
    }
    EXPECT_EQ(reducer.reduced(), 0u);  // finish hands them over
  }
}

TEST(AttentionMapsEnumerate, JambaHasSoftmaxAtLayers2And6AndHiddenElsewhere) {
  const std::string text = "Hello, Jamba!";
  const int64_t T = static_cast<int64_t>(text.size());
  auto trace = trace_of("jamba-tiny", text, {0, 3});
  const std::vector<AttentionMapRef> maps = enumerate_attention_maps(*trace);
  ASSERT_EQ(maps.size(), 2u * 4u + 6u * 2u);  // 2 attention layers × 4 heads, 6 Mamba × 2 channels
  size_t i = 0;
  for (int64_t l = 0; l < 8; ++l) {
    const bool attention = l == 2 || l == 6;
    const std::vector<int64_t> ids =
        attention ? std::vector<int64_t>{0, 1, 2, 3} : std::vector<int64_t>{0, 3};
    const RecordedArray* a = trace->find("blocks." + std::to_string(l) +
                                         (attention ? ".attn.pattern" : ".ssm.hidden_attn"));
    ASSERT_NE(a, nullptr);
    for (size_t k = 0; k < ids.size(); ++k, ++i) {
      const AttentionMapRef& m = maps[i];
      EXPECT_EQ(m.layer, l);
      EXPECT_EQ(m.index, ids[k]);
      EXPECT_EQ(m.kind, attention ? MapKind::Softmax : MapKind::Hidden);
      EXPECT_EQ(m.mixer, attention ? MixerKind::Attention : MixerKind::Mamba1);
      EXPECT_EQ(m.T, T);
      EXPECT_EQ(m.S, T);
      EXPECT_EQ(m.array, a);
      EXPECT_EQ(m.offset, static_cast<int64_t>(k) * T * T);
      EXPECT_EQ(m.data, a->f32.data() + k * T * T);
    }
  }
  // Softmax rows are probabilities; hidden maps are causal.
  for (const AttentionMapRef& m : maps)
    for (int64_t t = 0; t < T; ++t) {
      double sum = 0;
      for (int64_t s = 0; s < T; ++s) {
        if (s > t) {
          EXPECT_EQ(m.data[t * T + s], 0.f);
        }
        sum += m.data[t * T + s];
      }
      if (m.kind == MapKind::Softmax) {
        EXPECT_NEAR(sum, 1.0, 1e-5);
      }
    }
  EXPECT_EQ(first_map_of_layer(maps, 0), 0);
  EXPECT_EQ(first_map_of_layer(maps, 2), 4);
  EXPECT_EQ(first_map_of_layer(maps, 6), 14);  // after L0, L1 (2 each), L2 (4), L3..L5 (2 each)
  EXPECT_EQ(first_map_of_layer(maps, 8), -1);
  EXPECT_EQ(find_map(maps, 3, 3), 9);
  EXPECT_EQ(find_map(maps, 3, 1), -1);                     // channel 1 was not recorded
  EXPECT_EQ(hidden_channel_count(trace->config, 0), 128);  // d_inner: one map per channel
  EXPECT_EQ(hidden_channel_count(trace->config, 2), 0);
  EXPECT_THROW(hidden_channel_count(trace->config, 8), Error);
  EXPECT_THROW(hidden_channel_count(trace->config, -1), Error);
}

TEST(AttentionMapsEnumerate, PureModelsAndOutOfRangeChannels) {
  auto llama = trace_of("llama-tiny", "abcd", {});
  const auto lm = enumerate_attention_maps(*llama);
  ASSERT_EQ(lm.size(), 16u);  // 4 layers × 4 query heads (2 KV heads do not matter)
  for (const AttentionMapRef& m : lm) EXPECT_EQ(m.kind, MapKind::Softmax);

  // Mamba-2 has 8 heads: 9 is out of range and is skipped, as the forward pass skips it.
  auto m2 = trace_of("mamba2-tiny", "abcd", {9, 5, 1});
  const auto mm = enumerate_attention_maps(*m2);
  ASSERT_EQ(mm.size(), 8u);
  for (size_t i = 0; i < mm.size(); ++i) {
    EXPECT_EQ(mm[i].layer, static_cast<int64_t>(i / 2));
    EXPECT_EQ(mm[i].index, i % 2 == 0 ? 5 : 1);
    EXPECT_EQ(mm[i].mixer, MixerKind::Mamba2);
    EXPECT_EQ(mm[i].T, 4);
  }
  EXPECT_EQ(hidden_channel_count(m2->config, 0), 8);

  // Without hidden channels a Mamba model has no maps at all.
  EXPECT_TRUE(enumerate_attention_maps(*trace_of("mamba1-tiny", "abcd", {})).empty());
  // One token.
  const auto one = enumerate_attention_maps(*trace_of("jamba-tiny", "x", {2}));
  ASSERT_EQ(one.size(), 2u * 4u + 6u);
  for (const AttentionMapRef& m : one) EXPECT_EQ(m.T * m.S, 1);
}

TEST(AttentionMapsEnumerate, RejectsArraysThatDisagreeWithTheConfig) {
  ForwardTrace t = *trace_of("llama-tiny", "abc", {});
  t.arrays.front().shape = {3, 3, 3};  // 3 heads, model has 4
  EXPECT_THROW(enumerate_attention_maps(t), Error);
  ForwardTrace u = *trace_of("mamba1-tiny", "abc", {1, 2});
  u.hidden_channels = {1};  // array holds 2 maps
  EXPECT_THROW(enumerate_attention_maps(u), Error);
  ForwardTrace w = *trace_of("llama-tiny", "abc", {});
  w.arrays.front().f32.pop_back();
  EXPECT_THROW(enumerate_attention_maps(w), Error);
}

TEST(AttentionMapsCell, AgreesWithTheNormalisedMapAndRejectsOutOfRange) {
  auto trace = trace_of("jamba-tiny", "cell look-up", {4});
  const auto maps = enumerate_attention_maps(*trace);
  for (const AttentionMapRef& m : {maps[0], maps[4]})  // a hidden map and a softmax map
    for (MapNorm mode : {MapNorm::Raw, MapNorm::AbsMinMax, MapNorm::RowNormalised}) {
      const MapValues all = normalise_map(m, mode);
      for (int64_t t = 0; t < m.T; ++t)
        for (int64_t s = 0; s < m.S; ++s) EXPECT_FLOAT_EQ(map_cell(m, mode, t, s), all.at(t, s));
      EXPECT_THROW(map_cell(m, mode, m.T, 0), Error);
      EXPECT_THROW(map_cell(m, mode, 0, m.S), Error);
      EXPECT_THROW(map_cell(m, mode, -1, 0), Error);
    }
  // Hand-computed through a ref over a literal matrix.
  AttentionMapRef r;
  r.T = r.S = 3;
  r.kind = MapKind::Hidden;
  r.data = kSigned.data();
  EXPECT_FLOAT_EQ(map_cell(r, MapNorm::Raw, 2, 1), -4.f);
  EXPECT_FLOAT_EQ(map_cell(r, MapNorm::RowNormalised, 2, 1), 4.f / 5.5f);
  EXPECT_FLOAT_EQ(map_cell(r, MapNorm::AbsMinMax, 1, 1), 2.5f / 3.5f);
  EXPECT_EQ(map_cell(r, MapNorm::AbsMinMax, 0, 2), 0.f);
}

}  // namespace
}  // namespace seqlens::analysis
