#include "core/instrument/trace.h"

#include <algorithm>
#include <chrono>

namespace seqlens {

const RecordedArray* ForwardTrace::find(const std::string& name) const {
  for (const RecordedArray& a : arrays)
    if (a.name == name) return &a;
  return nullptr;
}

std::shared_ptr<const ForwardTrace> run_traced(std::shared_ptr<const Model> model_ptr,
                                               std::vector<int32_t> tokens,
                                               const RecordRequest& request,
                                               const CancelToken* cancel, ProgressFn progress) {
  const Model& model = *model_ptr;
  auto trace = std::make_shared<ForwardTrace>();
  trace->model = std::move(model_ptr);
  trace->hidden_channels = request.hidden_channels;
  trace->config = model.config();
  Recorder recorder(model.config(), static_cast<int64_t>(tokens.size()), request);
  InferenceState state = make_state(model);
  const auto t0 = std::chrono::steady_clock::now();
  ForwardStats stats;
  ForwardOptions options{&recorder, cancel, std::move(progress)};
  options.stats = &stats;
  options.mamba_chunk = kMambaChunk;  // used when no Mamba site is recorded
  const int64_t n_layers = model.config().n_layers;
  trace->layers_run = n_layers;
  if (request.stop_after_last_layer && !request.sites.count(Site::Logits) &&
      (request.layers.empty() || *request.layers.rbegin() >= 0)) {
    options.last_layer =
        request.layers.empty() ? n_layers - 1 : std::min(*request.layers.rbegin(), n_layers - 1);
    // Sites recorded inside a mixer need nothing after the last layer's mixer.
    options.stop_after_mixer = std::all_of(request.sites.begin(), request.sites.end(), [](Site s) {
      return s == Site::AttnPattern || s == Site::SsmDelta || s == Site::SsmB || s == Site::SsmC ||
             s == Site::SsmState || s == Site::SsmHiddenAttn;
    });
    trace->layers_run = options.last_layer + 1;
    trace->last_ffn_skipped =
        options.stop_after_mixer &&
        model.config().layer_map()[static_cast<size_t>(options.last_layer)].ffn != FfnKind::None;
  }
  trace->logits = forward(model, tokens, state, options);
  trace->peak_bytes = stats.peak_bytes;
  trace->forward_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  trace->state_bytes = state.bytes();
  trace->tokens = std::move(tokens);
  trace->arrays = recorder.take();
  return trace;
}

}  // namespace seqlens
