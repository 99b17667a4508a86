// Streaming mode: chunk-by-chunk through all layers equals the full forward, records the same
// time-major sites, and holds far less working memory (allocator accounting).
#include <gtest/gtest.h>

#include <cmath>

#include "core/common/error.h"
#include "core/instrument/recorder.h"
#include "core/model/model.h"
#include "tests/core/model/model_test_util.h"
#include "tests/core/model/test_configs.h"

namespace seqlens {
namespace {

TEST(Streaming, ChunkByChunkEqualsFullForwardForEveryFamily) {
  for (Family f : {Family::GPT2, Family::Llama, Family::Mamba1, Family::Mamba2, Family::Jamba}) {
    const ModelConfig c = test::small(f);
    const Model m = init_model(c, 51);
    const int64_t T = 23, V = c.vocab_size;
    const auto tokens = test::random_tokens(T, V, 3);
    const Tensor full = forward(m, tokens);

    InferenceState s = make_state(m);
    StreamOptions so;
    so.chunk = 5;
    int64_t rows = 0;
    so.on_logits = [&](int64_t pos, const Tensor& l) {
      EXPECT_EQ(pos, rows);
      for (int64_t i = 0; i < l.shape[0]; ++i)
        EXPECT_LT(test::row_rel_diff(full, pos + i, l.ptr() + i * V), 1e-4) << family_name(f);
      rows += l.shape[0];
    };
    const Tensor last = forward_streaming(m, tokens, s, so);
    EXPECT_EQ(rows, T);
    EXPECT_EQ(s.pos, T);
    EXPECT_LT(test::row_rel_diff(full, T - 1, last.ptr()), 1e-4);
  }
}

TEST(Streaming, RecordsTimeMajorSitesAcrossChunks) {
  const Model m = make_preset("jamba-tiny");
  const ModelConfig& c = m.config();
  const int64_t T = 19;
  const auto tokens = test::random_tokens(T, c.vocab_size, 4);
  RecordRequest req;
  req.sites = {Site::SsmDelta, Site::SsmState, Site::RouterProbs, Site::TopkIdx, Site::ResidPost};
  Recorder whole(c, T, req), chunked(c, T, req);
  ForwardOptions o;
  o.sink = &whole;
  forward(m, tokens, o);
  InferenceState s = make_state(m);
  o.sink = &chunked;
  StreamOptions so;
  so.chunk = 4;
  forward_streaming(m, tokens, s, so, o);
  ASSERT_EQ(whole.arrays().size(), chunked.arrays().size());
  for (size_t i = 0; i < whole.arrays().size(); ++i) {
    const RecordedArray& a = whole.arrays()[i];
    const RecordedArray& b = chunked.arrays()[i];
    ASSERT_EQ(a.name, b.name);
    EXPECT_EQ(a.shape, b.shape) << a.name;
    ASSERT_EQ(a.f32.size(), b.f32.size()) << a.name;
    for (size_t j = 0; j < a.f32.size(); ++j)
      ASSERT_NEAR(a.f32[j], b.f32[j], 1e-4f * (1 + std::fabs(a.f32[j]))) << a.name << " " << j;
    if (a.site == Site::TopkIdx) {
      EXPECT_EQ(a.i32, b.i32);
    }
  }
}

TEST(Streaming, RefusesToRecordTxTMaps) {
  const Model m = make_preset("llama-tiny");
  RecordRequest req;
  req.sites = {Site::AttnPattern};
  Recorder rec(m.config(), 8, req);
  ForwardOptions o;
  o.sink = &rec;
  InferenceState s = make_state(m);
  EXPECT_THROW(forward_streaming(m, std::vector<int32_t>(8, 1), s, {}, o), Error);
}

TEST(Streaming, WorkingMemoryIsBoundedByTheChunk) {
  const Model m = make_preset("mamba1-tiny");
  const int64_t T = 4096;
  const std::vector<int32_t> tokens(T, 97);
  ForwardStats full_stats, stream_stats;
  ForwardOptions o;
  o.stats = &full_stats;
  forward(m, tokens, o);
  InferenceState s = make_state(m);
  o.stats = &stream_stats;
  StreamOptions so;
  so.chunk = 256;
  forward_streaming(m, tokens, s, so, o);
  // The full pass holds [T, ·] buffers (and [T, V] logits); a chunk holds 1/16 of them.
  EXPECT_GT(full_stats.peak_bytes, T * m.config().vocab_size * 4);
  EXPECT_LT(stream_stats.peak_bytes * 8, full_stats.peak_bytes);
  EXPECT_GT(stream_stats.peak_bytes, 0);
}

TEST(Streaming, AttentionKeepsItsKvCacheAcrossChunks) {
  const Model m = make_preset("llama-tiny");
  const ModelConfig& c = m.config();
  InferenceState s = make_state(m);
  StreamOptions so;
  so.chunk = 100;
  forward_streaming(m, std::vector<int32_t>(1000, 5), s, so);
  EXPECT_EQ(s.kv_bytes(), 1000 * 2 * c.n_layers * c.n_kv_heads * c.head_dim * 4);
}

}  // namespace
}  // namespace seqlens
