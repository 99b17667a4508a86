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
                                               const CancelToken* cancel, ProgressFn progress,
                                               MapObserver on_map) {
  const Model& model = *model_ptr;
  auto trace = std::make_shared<ForwardTrace>();
  trace->model = std::move(model_ptr);
  trace->hidden_channels = request.hidden_channels;
  trace->config = model.config();
  Recorder recorder(model.config(), static_cast<int64_t>(tokens.size()), request);
  recorder.set_map_observer(std::move(on_map));
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
    using LastPart = ForwardOptions::LastPart;
    const std::vector<LayerKind> kinds = model.config().layer_map();
    const int64_t top =
        request.layers.empty() ? n_layers - 1 : std::min(*request.layers.rbegin(), n_layers - 1);
    bool mixer_sites = false, routing_sites = false, other_sites = false;
    for (Site s : request.sites) {
      const SiteStage stage = site_stage(s);
      mixer_sites |= stage == SiteStage::Mixer;
      routing_sites |= stage == SiteStage::Routing;
      other_sites |= stage == SiteStage::AfterFfn;  // the whole layer runs
    }
    int64_t last = top;
    LastPart part = LastPart::Whole;
    if (!other_sites) {
      // Routing alone needs no layer above the last MoE layer, and of that one not the experts;
      // mixer sites need nothing after the last layer's mixer.
      if (routing_sites && !mixer_sites)
        for (int64_t l = top; l >= 0; --l)
          if (kinds[static_cast<size_t>(l)].ffn == FfnKind::MoE) {
            last = l;
            break;
          }
      part = routing_sites && kinds[static_cast<size_t>(last)].ffn == FfnKind::MoE
                 ? LastPart::Routing
                 : LastPart::Mixer;
    }
    options.last_layer = last;
    options.last_part = part;
    trace->layers_run = last + 1;
    trace->last_part =
        kinds[static_cast<size_t>(last)].ffn == FfnKind::None ? LastPart::Whole : part;
  }
  trace->logits = forward(model, tokens, state, options);
  trace->peak_bytes = stats.peak_bytes;
  trace->forward_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count() -
      recorder.observer_ms();
  trace->state_bytes = state.bytes();
  trace->tokens = std::move(tokens);
  trace->arrays = recorder.take();
  return trace;
}

}  // namespace seqlens
