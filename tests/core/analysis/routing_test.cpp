// Routing reductions of one MoE layer: entropy, expert load, top-k mask, and the per-layer
// summary of a real Jamba trace.
#include <gtest/gtest.h>

#include <cmath>
#include <memory>
#include <numeric>

#include "core/analysis/routing.h"
#include "core/common/error.h"
#include "core/model/presets.h"
#include "core/model/tokenizer.h"

namespace seqlens::analysis {
namespace {

TEST(RoutingEntropy, OneHotIsZeroUniformIsLog2E) {
  const float onehot[4] = {0, 1, 0, 0};
  EXPECT_FLOAT_EQ(entropy_bits(onehot, 4), 0.0f);
  const float uniform[8] = {0.125f, 0.125f, 0.125f, 0.125f, 0.125f, 0.125f, 0.125f, 0.125f};
  EXPECT_NEAR(entropy_bits(uniform, 8), 3.0f, 1e-6);
  // Hand-computed: (1/2, 1/4, 1/4) -> 1/2·1 + 2·1/4·2 = 1.5 bits.
  const float p[3] = {0.5f, 0.25f, 0.25f};
  EXPECT_NEAR(entropy_bits(p, 3), 1.5f, 1e-6);
}

// T = 3 tokens, E = 4 experts, k = 2, all values hand-made.
LayerRouting small_case() {
  const std::vector<float> probs = {
      0.25f, 0.25f, 0.25f, 0.25f,  // uniform: 2 bits
      0.0f,  1.0f,  0.0f,  0.0f,   // one-hot: 0 bits
      0.5f,  0.0f,  0.25f, 0.25f,  // 1.5 bits
  };
  const std::vector<int32_t> idx = {2, 0, 1, 3, 0, 3};
  const std::vector<float> w = {0.25f, 0.25f, 1.0f, 0.0f, 0.5f, 0.25f};
  return reduce_routing(probs, idx, w, 3, 4, 2, 5);
}

TEST(RoutingReduce, HandComputedEntropies) {
  const LayerRouting r = small_case();
  EXPECT_EQ(r.layer, 5);
  ASSERT_EQ(r.entropy_bits.size(), 3u);
  EXPECT_NEAR(r.entropy_bits[0], 2.0f, 1e-6);
  EXPECT_NEAR(r.entropy_bits[1], 0.0f, 1e-6);
  EXPECT_NEAR(r.entropy_bits[2], 1.5f, 1e-6);
  // Normalised by log2 E = 2.
  EXPECT_NEAR(r.entropy_norm[0], 1.0f, 1e-6);
  EXPECT_NEAR(r.entropy_norm[2], 0.75f, 1e-6);
  EXPECT_NEAR(r.mean_entropy_bits, 3.5f / 3.0f, 1e-6);
  EXPECT_NEAR(r.mean_entropy_norm, 1.75f / 3.0f, 1e-6);
}

TEST(RoutingReduce, LoadsCountAssignmentsAndSumToOne) {
  const LayerRouting r = small_case();
  // Assignments: {2,0}, {1,3}, {0,3} -> counts 2,1,1,2 of 6.
  ASSERT_EQ(r.load.size(), 4u);
  EXPECT_NEAR(r.load[0], 2.0f / 6, 1e-6);
  EXPECT_NEAR(r.load[1], 1.0f / 6, 1e-6);
  EXPECT_NEAR(r.load[2], 1.0f / 6, 1e-6);
  EXPECT_NEAR(r.load[3], 2.0f / 6, 1e-6);
  EXPECT_NEAR(std::accumulate(r.load.begin(), r.load.end(), 0.0), 1.0, 1e-6);
  EXPECT_FLOAT_EQ(r.ideal_load(), 0.25f);
  EXPECT_NEAR(r.imbalance(), (2.0f / 6) / 0.25f, 1e-6);
  EXPECT_EQ(r.busiest_expert(), 0);  // ties keep the lowest index
  // Mean probabilities: column means.
  EXPECT_NEAR(r.mean_prob[0], 0.75f / 3, 1e-6);
  EXPECT_NEAR(r.mean_prob[1], 1.25f / 3, 1e-6);
  EXPECT_NEAR(r.mean_prob[2], 0.5f / 3, 1e-6);
  EXPECT_NEAR(r.mean_prob[3], 0.5f / 3, 1e-6);
}

TEST(RoutingReduce, MaskHasKOnesAtTheRecordedIndicesWithRanks) {
  const LayerRouting r = small_case();
  for (int64_t t = 0; t < r.T; ++t) {
    int ones = 0;
    for (int64_t e = 0; e < r.E; ++e) ones += r.mask[t * r.E + e];
    EXPECT_EQ(ones, r.k) << "token " << t;
    for (int64_t j = 0; j < r.k; ++j) {
      const int32_t e = r.topk_idx[t * r.k + j];
      EXPECT_EQ(r.mask[t * r.E + e], 1);
      EXPECT_EQ(r.rank[t * r.E + e], j);
    }
  }
  EXPECT_EQ(r.rank[0 * 4 + 1], -1);
  EXPECT_EQ(r.rank[0 * 4 + 2], 0);
  EXPECT_EQ(r.rank[0 * 4 + 0], 1);
}

TEST(RoutingReduce, RejectsBadInput) {
  const std::vector<float> p(8, 0.25f), w(4, 0.25f);
  EXPECT_THROW(reduce_routing(p, {0, 1, 1, 1}, w, 2, 4, 2), Error);  // chosen twice
  EXPECT_THROW(reduce_routing(p, {0, 4, 1, 2}, w, 2, 4, 2), Error);  // index out of range
  EXPECT_THROW(reduce_routing(p, {0, 1, 1}, w, 2, 4, 2), Error);     // wrong size
  EXPECT_THROW(reduce_routing(p, {0, 1, 2, 3, 0, 1, 2, 3, 0, 1}, std::vector<float>(10), 2, 4, 5),
               Error);  // k > E
}

class RoutingTrace : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto m = std::make_shared<const Model>(make_preset("jamba-tiny"));
    RecordRequest r;
    r.sites = {Site::RouterProbs, Site::TopkIdx, Site::TopkWeight};
    trace_ =
        run_traced(m, ByteTokenizer::encode("The quick brown fox jumps over the lazy dog."), r);
  }
  static void TearDownTestSuite() { trace_.reset(); }
  static std::shared_ptr<const ForwardTrace> trace_;
};
std::shared_ptr<const ForwardTrace> RoutingTrace::trace_;

TEST_F(RoutingTrace, MoeLayersAreTheOddOnes) {
  EXPECT_EQ(moe_layers(trace_->config), (std::vector<int64_t>{1, 3, 5, 7}));
  EXPECT_TRUE(moe_layers(make_preset("llama-tiny").config()).empty());
}

TEST_F(RoutingTrace, SummaryCoversEveryMoeLayer) {
  const auto s = routing_summary(*trace_);
  ASSERT_EQ(s.size(), 4u);
  const int64_t E = trace_->config.num_experts;
  for (size_t i = 0; i < s.size(); ++i) {
    EXPECT_EQ(s[i].layer, static_cast<int64_t>(2 * i + 1));
    const LayerRouting r = layer_routing(*trace_, s[i].layer);
    EXPECT_EQ(r.T, static_cast<int64_t>(trace_->tokens.size()));
    EXPECT_EQ(r.E, E);
    EXPECT_EQ(r.k, trace_->config.top_k);
    // Router rows are softmax distributions.
    for (int64_t t = 0; t < r.T; ++t) {
      double row = 0;
      for (int64_t e = 0; e < E; ++e) row += r.probs[t * E + e];
      EXPECT_NEAR(row, 1.0, 1e-5) << "layer " << r.layer << " token " << t;
    }
    // Summary matches a naive recomputation.
    double h = 0;
    for (int64_t t = 0; t < r.T; ++t) {
      double ht = 0;
      for (int64_t e = 0; e < E; ++e) {
        const double p = r.probs[t * E + e];
        if (p > 0) ht -= p * std::log2(p);
      }
      h += ht;
    }
    EXPECT_NEAR(s[i].mean_entropy_bits, h / r.T, 1e-5);
    EXPECT_GE(s[i].mean_entropy_bits, 0.0f);
    EXPECT_LE(s[i].mean_entropy_bits, std::log2(static_cast<float>(E)) + 1e-5f);
    std::vector<int> count(E, 0);
    for (int32_t e : r.topk_idx) ++count[e];
    const int maxc = *std::max_element(count.begin(), count.end());
    EXPECT_NEAR(s[i].max_load, double(maxc) / (r.T * r.k), 1e-6);
    EXPECT_NEAR(s[i].imbalance, double(maxc) / (r.T * r.k) * E, 1e-5);
    EXPECT_GE(s[i].imbalance, 1.0f - 1e-6f);
  }
}

TEST_F(RoutingTrace, NonMoeLayerIsRejected) {
  EXPECT_THROW(layer_routing(*trace_, 2), Error);
  EXPECT_THROW(layer_routing(*trace_, 99), Error);
}

}  // namespace
}  // namespace seqlens::analysis
