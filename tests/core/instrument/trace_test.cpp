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

// Each site is recorded at one stage of a layer, which decides how far a pass that records it
// must run (RecordRequest::stop_after_last_layer).
TEST(SiteStage, EverySiteHasItsStage) {
  for (Site s : {Site::AttnPattern, Site::SsmDelta, Site::SsmB, Site::SsmC, Site::SsmState,
                 Site::SsmHiddenAttn})
    EXPECT_EQ(site_stage(s), SiteStage::Mixer) << site_name(s);
  for (Site s : {Site::RouterProbs, Site::TopkIdx, Site::TopkWeight})
    EXPECT_EQ(site_stage(s), SiteStage::Routing) << site_name(s);
  for (Site s : {Site::ResidPost, Site::Logits})
    EXPECT_EQ(site_stage(s), SiteStage::AfterFfn) << site_name(s);
  static_assert(kSiteCount == 11, "a new site needs its stage here");
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
// mixer: no last FFN, no head, and the same arrays bit for bit. Sites recorded after the FFN
// need the whole pass.
TEST(RunTraced, StopsAfterTheLastMixerWhenEverySiteIsInAMixer) {
  using LastPart = ForwardOptions::LastPart;
  auto model = std::make_shared<const Model>(make_preset("jamba-tiny"));  // layer 7 has MoE
  const std::vector<int32_t> tokens = {84, 104, 101, 32, 99, 97, 116, 32, 115, 97, 116};
  RecordRequest request;
  request.sites = {Site::AttnPattern, Site::SsmHiddenAttn, Site::SsmDelta};
  request.hidden_channels = {0, 5};
  auto whole = run_traced(model, tokens, request);
  request.stop_after_last_layer = true;
  auto mixers = run_traced(model, tokens, request);

  EXPECT_EQ(whole->last_part, LastPart::Whole);
  EXPECT_EQ(mixers->last_part, LastPart::Mixer);
  EXPECT_EQ(mixers->layers_run, 8);
  EXPECT_EQ(mixers->logits.numel(), 0);
  EXPECT_GT(whole->logits.numel(), 0);
  expect_same_arrays(*mixers, *whole);

  request.sites.insert(Site::ResidPost);  // recorded after the FFN
  auto full = run_traced(model, tokens, request);
  EXPECT_EQ(full->last_part, LastPart::Whole);
  EXPECT_GT(full->logits.numel(), 0);
}

// The routing sites (the Routing tab) need the layers up to the last MoE layer and of that one
// the router and top-k choice, not the experts; mixed with mixer sites, every layer's mixer.
TEST(RunTraced, StopsAfterTheLastRouterForRoutingSites) {
  using LastPart = ForwardOptions::LastPart;
  auto model = std::make_shared<const Model>(make_preset("jamba-tiny"));  // MoE at 1, 3, 5, 7
  const std::vector<int32_t> tokens = {77, 111, 69, 32, 114, 111, 117, 116, 101, 115};
  RecordRequest request;
  request.sites = {Site::RouterProbs, Site::TopkIdx, Site::TopkWeight};
  auto whole = run_traced(model, tokens, request);
  request.stop_after_last_layer = true;
  auto routed = run_traced(model, tokens, request);
  EXPECT_EQ(routed->last_part, LastPart::Routing);
  EXPECT_EQ(routed->layers_run, 8);
  EXPECT_EQ(routed->logits.numel(), 0);
  ASSERT_NE(routed->find("blocks.7.moe.topk_idx"), nullptr);
  EXPECT_EQ(routed->find("blocks.7.moe.topk_idx")->i32, whole->find("blocks.7.moe.topk_idx")->i32);
  expect_same_arrays(*routed, *whole);

  // Layers 0–6 asked for: nothing above layer 5, the last MoE layer among them.
  request.layers = {0, 1, 2, 3, 4, 5, 6};
  auto below = run_traced(model, tokens, request);
  EXPECT_EQ(below->layers_run, 6);
  EXPECT_EQ(below->last_part, LastPart::Routing);
  ASSERT_NE(below->find("blocks.5.moe.router_probs"), nullptr);
  EXPECT_EQ(below->find("blocks.5.moe.router_probs")->f32,
            whole->find("blocks.5.moe.router_probs")->f32);

  // With a mixer site as well: every layer's mixer, and the last layer's routing.
  request.layers.clear();
  request.sites.insert(Site::AttnPattern);
  auto both = run_traced(model, tokens, request);
  EXPECT_EQ(both->layers_run, 8);
  EXPECT_EQ(both->last_part, LastPart::Routing);
}

}  // namespace
}  // namespace seqlens
