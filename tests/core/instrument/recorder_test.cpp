// Recording is bounded: refused from an estimate before the forward pass, or subsampled in time
// when allowed; recorded arrays have the documented names and shapes.
#include <gtest/gtest.h>

#include <cmath>

#include "core/common/error.h"
#include "core/instrument/recorder.h"
#include "core/model/model.h"
#include "core/model/presets.h"

namespace seqlens {
namespace {

ForwardOptions with_sink(Sink* sink) {
  ForwardOptions o;
  o.sink = sink;
  return o;
}

const RecordedArray* find(const std::vector<RecordedArray>& a, const std::string& name) {
  for (const RecordedArray& r : a)
    if (r.name == name) return &r;
  return nullptr;
}

TEST(Recorder, RefusesARequestOverBudgetNamingTheLargestSite) {
  const ModelConfig c = preset_config("mamba1-tiny");
  RecordRequest req;
  req.sites = {Site::SsmState, Site::SsmDelta};
  req.budget_bytes = 1 << 20;
  // [T, 256, 16] floats per layer × 4 layers at T = 4096 is 64 MiB.
  try {
    Recorder r(c, 4096, req);
    FAIL() << "accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::Budget);
    EXPECT_NE(std::string(e.what()).find("ssm.state"), std::string::npos) << e.what();
  }
}

TEST(Recorder, SubsamplesTheStateInTimeWhenAllowed) {
  const Model m = make_preset("mamba1-tiny");
  const ModelConfig& c = m.config();
  const int64_t T = 40;
  RecordRequest req;
  req.sites = {Site::SsmState};
  req.layers = {1};
  req.budget_bytes = 4 * 256 * 16 * 10;  // room for 10 of the 40 steps
  req.allow_subsample = true;
  Recorder rec(c, T, req);
  EXPECT_EQ(rec.state_time_stride(), 4);
  std::vector<int32_t> tokens(T, 65);
  forward(m, tokens, with_sink(&rec));
  const RecordedArray* s = find(rec.arrays(), "blocks.1.ssm.state");
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->shape, (std::vector<int64_t>{10, 256, 16}));
  EXPECT_EQ(s->time_stride, 4);
  // Kept step i is step 4i of the full recording.
  RecordRequest full = req;
  full.budget_bytes = int64_t{1} << 30;
  full.allow_subsample = false;
  Recorder all(c, T, full);
  forward(m, tokens, with_sink(&all));
  const RecordedArray* f = find(all.arrays(), "blocks.1.ssm.state");
  ASSERT_NE(f, nullptr);
  const int64_t row = 256 * 16;
  for (int64_t i = 0; i < 10; ++i)
    for (int64_t j = 0; j < row; j += 97) EXPECT_EQ(s->f32[i * row + j], f->f32[4 * i * row + j]);
}

TEST(Recorder, JambaRecordsEachSiteOnlyWhereItApplies) {
  const Model m = make_preset("jamba-tiny");
  const ModelConfig& c = m.config();
  RecordRequest req;
  req.sites = {Site::AttnPattern, Site::SsmDelta,     Site::SsmB,    Site::SsmC,
               Site::SsmState,    Site::RouterProbs,  Site::TopkIdx, Site::TopkWeight,
               Site::ResidPost,   Site::SsmHiddenAttn};
  req.hidden_channels = {0, 5};
  const int64_t T = 12;
  Recorder rec(c, T, req);
  forward(m, std::vector<int32_t>(T, 100), with_sink(&rec));
  const auto map = c.layer_map();
  for (int64_t l = 0; l < c.n_layers; ++l) {
    const std::string p = "blocks." + std::to_string(l) + ".";
    const bool attn = map[l].mixer == MixerKind::Attention, moe = map[l].ffn == FfnKind::MoE;
    EXPECT_EQ(find(rec.arrays(), p + "attn.pattern") != nullptr, attn) << l;
    EXPECT_EQ(find(rec.arrays(), p + "ssm.state") != nullptr, !attn) << l;
    EXPECT_EQ(find(rec.arrays(), p + "moe.router_probs") != nullptr, moe) << l;
    ASSERT_NE(find(rec.arrays(), p + "resid_post"), nullptr);
    EXPECT_EQ(find(rec.arrays(), p + "resid_post")->shape, (std::vector<int64_t>{T, c.d_model}));
    if (attn)
      EXPECT_EQ(find(rec.arrays(), p + "attn.pattern")->shape,
                (std::vector<int64_t>{c.n_heads, T, T}));
    else {
      EXPECT_EQ(find(rec.arrays(), p + "ssm.delta")->shape, (std::vector<int64_t>{T, c.d_inner}));
      EXPECT_EQ(find(rec.arrays(), p + "ssm.B")->shape, (std::vector<int64_t>{T, c.d_state}));
      EXPECT_EQ(find(rec.arrays(), p + "ssm.hidden_attn")->shape, (std::vector<int64_t>{2, T, T}));
    }
    if (moe) {
      const RecordedArray* idx = find(rec.arrays(), p + "moe.topk_idx");
      ASSERT_NE(idx, nullptr);
      EXPECT_EQ(idx->shape, (std::vector<int64_t>{T, c.top_k}));
      for (int32_t e : idx->i32) EXPECT_TRUE(e >= 0 && e < c.num_experts);
      // Jamba does not renormalise: the k weights sum below 1.
      const RecordedArray* w = find(rec.arrays(), p + "moe.topk_weight");
      for (int64_t t = 0; t < T; ++t) EXPECT_LT(w->f32[t * 2] + w->f32[t * 2 + 1], 1.0f);
    }
  }
}

TEST(Recorder, Mamba2ShapesAreHeadsAndGroups) {
  const Model m = make_preset("mamba2-tiny");
  const ModelConfig& c = m.config();
  RecordRequest req;
  req.sites = {Site::SsmDelta, Site::SsmB, Site::SsmState};
  req.layers = {0};
  Recorder rec(c, 5, req);
  forward(m, std::vector<int32_t>(5, 7), with_sink(&rec));
  EXPECT_EQ(find(rec.arrays(), "blocks.0.ssm.delta")->shape,
            (std::vector<int64_t>{5, c.ssm_heads}));
  EXPECT_EQ(find(rec.arrays(), "blocks.0.ssm.B")->shape,
            (std::vector<int64_t>{5, c.n_groups, c.d_state}));
  EXPECT_EQ(find(rec.arrays(), "blocks.0.ssm.state")->shape,
            (std::vector<int64_t>{5, c.ssm_heads, c.ssm_head_dim, c.d_state}));
  EXPECT_EQ(find(rec.arrays(), "blocks.1.ssm.delta"), nullptr);  // layer filter
}

// Recording takes another path through the scan (states kept per step), so the sums may be
// ordered differently; the logits must agree to float rounding.
TEST(Recorder, NullSinkAndRecordingSinkGiveTheSameLogits) {
  const Model m = make_preset("jamba-tiny");
  std::vector<int32_t> tokens = {72, 101, 108, 108, 111, 32, 119, 111};
  const Tensor plain = forward(m, tokens);
  RecordRequest req;
  req.sites = {Site::AttnPattern, Site::SsmState, Site::RouterProbs};
  Recorder rec(m.config(), 8, req);
  const Tensor recorded = forward(m, tokens, with_sink(&rec));
  ASSERT_EQ(plain.numel(), recorded.numel());
  for (int64_t i = 0; i < plain.numel(); ++i)
    EXPECT_NEAR(plain.data[i], recorded.data[i], 1e-5f * (1.0f + std::fabs(plain.data[i])));
}

// A sink that never lends storage: the pass computes each map into its own buffer and the sink
// copies it, the path every other sink takes.
class CopyingSink : public Sink {
 public:
  std::vector<RecordedArray> arrays;
  bool wants(Site s, int64_t) const override {
    return s == Site::AttnPattern || s == Site::SsmHiddenAttn;
  }
  void record(Site s, int64_t l, const ArrayView& a) override {
    int64_t n = 1;
    for (int64_t d : a.shape) n *= d;
    const float* f = static_cast<const float*>(a.data);
    arrays.push_back(RecordedArray{array_name(s, l), s, l, a.shape, {f, f + n}, {}, 1});
  }
  std::vector<int64_t> hidden_attn_channels(int64_t) const override { return {0, 3}; }
};

TEST(Recorder, MapsWrittenInLentStorageEqualTheCopiedOnes) {
  for (const char* preset : {"jamba-tiny", "mamba2-tiny"}) {
    const Model m = make_preset(preset);
    std::vector<int32_t> tokens;
    for (int i = 0; i < 37; ++i) tokens.push_back((i * 37 + 11) % 256);
    CopyingSink copied;
    forward(m, tokens, with_sink(&copied));
    RecordRequest req;
    req.sites = {Site::AttnPattern, Site::SsmHiddenAttn};
    req.hidden_channels = {0, 3};
    Recorder lent(m.config(), 37, req);
    forward(m, tokens, with_sink(&lent));
    ASSERT_FALSE(copied.arrays.empty()) << preset;
    ASSERT_EQ(lent.arrays().size(), copied.arrays.size()) << preset;
    for (const RecordedArray& want : copied.arrays) {
      const RecordedArray* got = find(lent.arrays(), want.name);
      ASSERT_NE(got, nullptr) << want.name;
      EXPECT_EQ(got->shape, want.shape) << want.name;
      EXPECT_EQ(got->f32, want.f32) << want.name;  // the same computation: bitwise equal
    }
  }
}

TEST(Recorder, LendsAMapOncePerForwardCallAndOnlyForWantedMaps) {
  const ModelConfig c = preset_config("jamba-tiny");
  RecordRequest req;
  req.sites = {Site::AttnPattern, Site::SsmDelta};
  req.layers = {2};
  Recorder rec(c, 4, req);
  EXPECT_EQ(rec.lend_map(Site::AttnPattern, 6, {4, 4, 4}), nullptr);  // layer not requested
  EXPECT_EQ(rec.lend_map(Site::SsmDelta, 2, {4, 256}), nullptr);      // not a map
  float* p = rec.lend_map(Site::AttnPattern, 2, {4, 4, 4});
  ASSERT_NE(p, nullptr);
  EXPECT_THROW(rec.lend_map(Site::AttnPattern, 2, {4, 4, 4}), Error);
  std::vector<float> other(64);
  EXPECT_THROW(rec.record(Site::AttnPattern, 2, ArrayView{other.data(), false, {4, 4, 4}}), Error);
}

}  // namespace
}  // namespace seqlens
