// Mixture-of-Experts routing reductions: how sure the router is (entropy), where the tokens went
// (expert load) and which experts each token chose (top-k mask with ranks). Inputs are the arrays
// the MoE FFN of a Jamba layer records (models.md C.5): p = softmax(W_router x) over all E experts,
// then the k highest p in descending order (rank 0 = the most probable expert).
//
// Glossary: T = tokens, E = num_experts, k = top_k, p[t,e] = router probability.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "core/instrument/trace.h"
#include "core/model/config.h"

namespace seqlens::analysis {

// Reductions of one MoE layer. Shapes are in the comments; matrices are row-major.
struct LayerRouting {
  int64_t layer = -1;
  int64_t T = 0, E = 0, k = 0;
  std::vector<float> probs;        // [T, E] p[t,e], as recorded (rows sum to 1)
  std::vector<int32_t> topk_idx;   // [T, k] chosen experts, rank 0 first
  std::vector<float> topk_weight;  // [T, k] their mixing weights (renormalised or not)

  // Routing entropy H_t = -Σ_e p log2 p in bits (0·log 0 = 0): 0 for a one-hot router,
  // log2 E for a uniform one. `entropy_norm` divides by log2 E so it lies in [0, 1] for any E
  // (1 = the router cannot tell the experts apart); it is 0 when E == 1.
  std::vector<float> entropy_bits;  // [T]
  std::vector<float> entropy_norm;  // [T]
  float mean_entropy_bits = 0;      // mean over t of entropy_bits
  float mean_entropy_norm = 0;      // mean over t of entropy_norm

  // load[e] = (number of (t, slot) top-k assignments to e) / (T·k): sums to 1; ideal 1/E.
  std::vector<float> load;       // [E]
  std::vector<float> mean_prob;  // [E] mean over t of p[t,e]: sums to 1
  // rank[t,e] = slot j in topk_idx[t] that chose e, or -1; mask[t,e] = rank >= 0 (k ones per row).
  std::vector<int8_t> rank;   // [T, E]
  std::vector<uint8_t> mask;  // [T, E]

  float ideal_load() const { return E > 0 ? 1.0f / static_cast<float>(E) : 0.0f; }
  // max_e load[e] / ideal load = E · max load: 1 = perfectly balanced, E = all on one expert.
  float imbalance() const;
  int64_t busiest_expert() const;  // argmax of load (lowest index on ties); -1 when E == 0
};

// Reduces the three arrays of one MoE layer. probs [T,E], topk_idx [T,k], topk_weight [T,k].
// Throws Error(InvalidArgument) on wrong sizes, k outside [1, E], an expert index outside [0, E)
// or an expert chosen twice by the same token.
LayerRouting reduce_routing(std::span<const float> probs, const std::vector<int32_t>& topk_idx,
                            std::span<const float> topk_weight, int64_t T, int64_t E, int64_t k,
                            int64_t layer = -1);

// Entropy in bits of one distribution p[0..n) (0·log 0 = 0).
float entropy_bits(const float* p, int64_t n);

// Layers whose FFN is MoE, ascending.
std::vector<int64_t> moe_layers(const ModelConfig& config);

// Reads blocks.{layer}.moe.router_probs / topk_idx / topk_weight from the trace and reduces them.
// Throws Error(InvalidArgument) when `layer` is not an MoE layer of the trace's model or when the
// arrays were not recorded (naming the missing array), or when their shapes disagree.
LayerRouting layer_routing(const ForwardTrace& trace, int64_t layer);

// True when all three routing arrays of `layer` are in the trace.
bool has_routing(const ForwardTrace& trace, int64_t layer);

// One line per MoE layer of a trace.
struct MoeLayerSummary {
  int64_t layer = -1;
  float mean_entropy_bits = 0;
  float mean_entropy_norm = 0;
  float max_load = 0;   // max_e load[e]
  float imbalance = 0;  // max_load / (1/E)
  int64_t busiest_expert = -1;
};

// Every MoE layer whose routing arrays were recorded, ascending by layer (layers not recorded are
// skipped; an empty result means no MoE layer or nothing recorded).
std::vector<MoeLayerSummary> routing_summary(const ForwardTrace& trace);

}  // namespace seqlens::analysis
