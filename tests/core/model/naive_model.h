// An independent oracle for whole-model forward passes: plain loops in double precision, written
// straight from shared/design/models.md (A.3, B.1, C.1-C.5, D.1-D.3). It reads the weights by their
// Hugging Face names through Model::tensor and uses nothing from core/kernels or forward.cpp, so a
// disagreement with seqlens::forward points at one of the two implementations, not at shared code.
//
// Deliberately slow and simple: no chunking, no parallel scan, no caches. The SSMs use the plain
// sequential recurrences; attention materialises every score.
#pragma once

#include <cstdint>
#include <vector>

#include "core/model/model.h"

namespace seqlens::testing {

// Optional intermediate values, in double, indexed by layer (entries of layers where a value does
// not apply stay empty). Row-major, same shapes as the instrumentation sites (core/instrument).
struct NaiveTrace {
  std::vector<std::vector<double>> attn_pattern;  // [H, T, T] softmax probabilities
  std::vector<std::vector<double>> ssm_delta;     // [T, E_in] Mamba-1 / Jamba, [T, H] Mamba-2
  std::vector<std::vector<double>> ssm_b;         // [T, N] (Jamba: after RMSNorm), [T, G, N]
  std::vector<std::vector<double>> ssm_c;         // [T, N] (Jamba: after RMSNorm), [T, G, N]
  std::vector<std::vector<double>> router_probs;  // [T, E] softmax over all experts
  std::vector<std::vector<int32_t>> topk_idx;     // [T, k] descending p, ties to the lower index
  std::vector<std::vector<double>> topk_weight;   // [T, k] (renormalised only if configured)
  std::vector<std::vector<double>> resid_post;    // [T, d] residual after the whole block
  // Smallest gap p_(k) − p_(k+1) between the last chosen and the first rejected expert over all
  // MoE tokens; a tiny gap means float rounding could legitimately pick another expert.
  double min_topk_gap = 1.0;
};

// Logits [T * V] (row-major [T, V]) of `tokens` from a fresh state.
std::vector<double> naive_forward(const seqlens::Model& m, const std::vector<int32_t>& tokens);
// Same, also filling `trace` when it is not null.
std::vector<double> naive_forward(const seqlens::Model& m, const std::vector<int32_t>& tokens,
                                  NaiveTrace* trace);

}  // namespace seqlens::testing
