// run_traced: a snapshot that keeps its model, the recorded channels and the pass's peak bytes.
#include <gtest/gtest.h>

#include "core/instrument/trace.h"
#include "core/model/presets.h"

namespace seqlens {
namespace {

// `part` recorded exactly the arrays of `whole`, bit for bit (the same computation).
void expect_same_arrays(const ForwardTrace& part, const ForwardTrace& whole) {
  ASSERT_EQ(part.arrays.size(), whole.arrays.size());
  for (const RecordedArray& a : whole.arrays) {
    const RecordedArray* b = part.find(a.name);
    ASSERT_NE(b, nullptr) << a.name;
    EXPECT_EQ(b->shape, a.shape) << a.name;
    EXPECT_EQ(b->f32, a.f32) << a.name;
  }
}

TEST(RunTraced, KeepsModelChannelsAndPeakBytes) {
  auto model = std::make_shared<const Model>(make_preset("mamba2-tiny"));
  RecordRequest request;
  request.sites = {Site::SsmHiddenAttn, Site::SsmDelta};
  request.hidden_channels = {1, 3};
  auto trace = run_traced(model, {5, 6, 7, 8, 9}, request);
  EXPECT_EQ(trace->model.get(), model.get());
  EXPECT_EQ(trace->hidden_channels, (std::vector<int64_t>{1, 3}));
  EXPECT_GT(trace->peak_bytes, 0);
  const RecordedArray* hidden = trace->find("blocks.0.ssm.hidden_attn");
  ASSERT_NE(hidden, nullptr);
  EXPECT_EQ(hidden->shape, (std::vector<int64_t>{2, 5, 5}));
  EXPECT_EQ(trace->logits.shape, (std::vector<int64_t>{5, model->config().vocab_size}));
  EXPECT_EQ(trace->layers_run, model->config().n_layers);
}

// A view of early layers can stop the pass after the last layer it records: the layers it ran
// record exactly what the whole pass records there (a layer never sees the layers above it).
TEST(RunTraced, StopsAfterTheLastRecordedLayerWhenAsked) {
  auto model = std::make_shared<const Model>(make_preset("jamba-tiny"));
  const std::vector<int32_t> tokens = {72, 101, 108, 108, 111, 44, 32, 119, 111, 114, 108, 100};
  RecordRequest request;
  request.sites = {Site::SsmState, Site::SsmDelta, Site::AttnPattern, Site::ResidPost};
  request.layers = {0, 2};
  auto whole = run_traced(model, tokens, request);
  request.stop_after_last_layer = true;
  auto early = run_traced(model, tokens, request);

  EXPECT_EQ(whole->layers_run, 8);
  EXPECT_EQ(early->layers_run, 3);
  EXPECT_EQ(early->logits.numel(), 0);
  expect_same_arrays(*early, *whole);

  // Asking for the logits runs every layer whatever the flag says.
  request.sites.insert(Site::Logits);
  EXPECT_EQ(run_traced(model, tokens, request)->layers_run, 8);
}

// A view that draws only what mixers record (the Attention tab) stops after the last layer's
// mixer: no last FFN, no head, and the same arrays bit for bit. Sites recorded in an FFN (the
// router) or after it need the whole pass.
TEST(RunTraced, StopsAfterTheLastMixerWhenEverySiteIsInAMixer) {
  auto model = std::make_shared<const Model>(make_preset("jamba-tiny"));  // layer 7 has MoE
  const std::vector<int32_t> tokens = {84, 104, 101, 32, 99, 97, 116, 32, 115, 97, 116};
  RecordRequest request;
  request.sites = {Site::AttnPattern, Site::SsmHiddenAttn, Site::SsmDelta};
  request.hidden_channels = {0, 5};
  auto whole = run_traced(model, tokens, request);
  request.stop_after_last_layer = true;
  auto mixers = run_traced(model, tokens, request);

  EXPECT_FALSE(whole->last_ffn_skipped);
  EXPECT_TRUE(mixers->last_ffn_skipped);
  EXPECT_EQ(mixers->layers_run, 8);
  EXPECT_EQ(mixers->logits.numel(), 0);
  EXPECT_GT(whole->logits.numel(), 0);
  expect_same_arrays(*mixers, *whole);

  for (Site ffn_site : {Site::RouterProbs, Site::ResidPost}) {
    request.sites.insert(ffn_site);
    auto full = run_traced(model, tokens, request);
    EXPECT_FALSE(full->last_ffn_skipped) << site_name(ffn_site);
    EXPECT_GT(full->logits.numel(), 0) << site_name(ffn_site);
    request.sites.erase(ffn_site);
  }
}

}  // namespace
}  // namespace seqlens
