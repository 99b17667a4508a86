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
  Tensor logits;           // [T, V]; empty when the pass stopped early
  int64_t layers_run = 0;  // layers the pass ran (all of them unless it stopped early)
  // How much of the last layer run ran: Whole, or Mixer / Routing when the pass stopped inside it
  // (no FFN output and no head; RecordRequest::stop_after_last_layer).
  ForwardOptions::LastPart last_part = ForwardOptions::LastPart::Whole;
  std::vector<RecordedArray> arrays;  // recorded sites
  double forward_ms = 0;              // wall time of the forward pass alone (no map observer)
  int64_t state_bytes = 0;            // caches and states after the pass
  int64_t peak_bytes = 0;             // peak bytes the core allocated during the pass
  // The weights that produced this trace (for reductions that need parameters, such as the SSM
  // half-life ln 2 / (Δ·|A|)), and the channels / heads whose hidden attention was recorded.
  std::shared_ptr<const Model> model;
  std::vector<int64_t> hidden_channels;

  const RecordedArray* find(const std::string& name) const;
};

// Runs `model` (kept in the trace) over `tokens` recording `request` (budget checked before
// running). `on_map`, if given, sees each recorded map as soon as it is complete (its time is not
// counted in forward_ms).
std::shared_ptr<const ForwardTrace> run_traced(std::shared_ptr<const Model> model,
                                               std::vector<int32_t> tokens,
                                               const RecordRequest& request,
                                               const CancelToken* cancel = nullptr,
                                               ProgressFn progress = {}, MapObserver on_map = {});

}  // namespace seqlens
