// run_traced: a snapshot that keeps its model, the recorded channels and the pass's peak bytes.
#include <gtest/gtest.h>

#include "core/instrument/trace.h"
#include "core/model/presets.h"

namespace seqlens {
namespace {

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
}

}  // namespace
}  // namespace seqlens
