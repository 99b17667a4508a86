// An immutable snapshot of one instrumented forward pass: what the GUI views draw and what the
// exporters write. Produced on a worker, handed to the GUI thread by shared_ptr<const>.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/common/cancel.h"
#include "core/common/tensor.h"
#include "core/instrument/recorder.h"
#include "core/model/model.h"

namespace seqlens {

struct ForwardTrace {
  ModelConfig config;
  std::vector<int32_t> tokens;
  Tensor logits;                      // [T, V]
  std::vector<RecordedArray> arrays;  // recorded sites
  double forward_ms = 0;              // wall time of the forward pass alone
  int64_t state_bytes = 0;            // caches and states after the pass

  const RecordedArray* find(const std::string& name) const;
};

// Runs `model` over `tokens` recording `request` (budget checked before running).
std::shared_ptr<const ForwardTrace> run_traced(const Model& model, std::vector<int32_t> tokens,
                                               const RecordRequest& request,
                                               const CancelToken* cancel = nullptr,
                                               ProgressFn progress = {});

}  // namespace seqlens
