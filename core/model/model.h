// A model of any family: its config and its tensors in the Hugging Face checkpoint layout.
// The forward pass (forward.cpp) builds every family from the same blocks:
//   h ← h + Mixer(Norm(h)) [+ FFN(Norm(h))], mixer ∈ {attention, Mamba-1, Mamba-2}, FFN ∈ {none,
//   dense (GELU or SwiGLU), MoE}; logits = Norm_f(h) · headᵀ.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/common/cancel.h"
#include "core/common/memory.h"
#include "core/common/tensor.h"
#include "core/instrument/sink.h"
#include "core/model/config.h"

namespace seqlens {

class Model {
 public:
  Model(ModelConfig config, std::map<std::string, Tensor> tensors);

  const ModelConfig& config() const { return config_; }
  const std::map<std::string, Tensor>& tensors() const { return tensors_; }
  // Throws Error(Checkpoint) naming the tensor when absent.
  const Tensor& tensor(const std::string& name) const;

 private:
  ModelConfig config_;
  std::map<std::string, Tensor> tensors_;
};

// Deterministic initialisation (models.md init per family) from a seeded named-stream generator.
Model init_model(const ModelConfig& config, uint64_t seed);

// Per-layer generation state: KV cache for attention layers, conv + SSM state for Mamba layers.
struct LayerState {
  TrackedVector<float> k, v;  // [pos, KV*hd] each, attention layers
  TrackedVector<float> conv;  // [C, K] Mamba layers (C = E_in, or E_in + 2GN for Mamba-2)
  TrackedVector<float> ssm;   // [E_in, N] Mamba-1, [H, P, N] Mamba-2
};

struct InferenceState {
  int64_t pos = 0;  // tokens consumed so far
  std::vector<LayerState> layers;
  // Bytes held by caches and states (what grows with context vs what stays constant).
  int64_t kv_bytes() const;
  int64_t ssm_bytes() const;
  int64_t bytes() const { return kv_bytes() + ssm_bytes(); }
};

InferenceState make_state(const Model& model);

// What a forward call measured (filled when ForwardOptions::stats is set).
struct ForwardStats {
  // Peak bytes of the pass's working buffers and cache growth, from the core's allocator
  // accounting (memory.h), plus the returned logits; weights are not counted.
  int64_t peak_bytes = 0;
};

class Profiler;

struct ForwardOptions {
  Sink* sink = nullptr;
  const CancelToken* cancel = nullptr;
  ProgressFn progress;            // may be empty
  ForwardStats* stats = nullptr;  // out, optional
  Profiler* profiler = nullptr;   // optional trace events (core/instrument/profiler.h)
  // Mamba mixers over more than mamba_chunk tokens run in time chunks of mamba_chunk, carrying the
  // conv and SSM state from chunk to chunk (as streaming does): the same results up to float
  // rounding, with cache-sized [chunk, ·] buffers instead of [T, ·] ones (faster at long T, less
  // memory). 0: one pass over all T. Ignored while a Mamba site of the layer is being recorded.
  int64_t mamba_chunk = 0;
  // ≥ 0: stop after this layer — for views that draw early layers only (a layer depends on the
  // layers below it, never above). No final norm, no logits: forward returns an empty Tensor, and
  // `state` is left partial (later layers have not seen these tokens): do not continue from it.
  int64_t last_layer = -1;
  // With last_layer: how much of that layer runs. Mixer: its mixer only, the FFN skipped — for
  // views whose sites are all recorded inside mixers (attention patterns, the SSM's Δ, B, C,
  // state and hidden attention). Routing: its mixer and, in an MoE FFN, the router and top-k
  // choice but not the experts (a dense FFN is skipped) — for the routing sites. Also works with
  // last_layer = n_layers − 1, where the head is skipped as well.
  enum class LastPart { Whole, Mixer, Routing };
  LastPart last_part = LastPart::Whole;
};
// A good mamba_chunk on 2-core AVX2 machines (seqlens-bench uses it; see core/bench/workloads.h).
inline constexpr int64_t kMambaChunk = 256;

// Runs tokens[T] through the model, continuing from `state` (which it updates) and returns the
// logits [T, V]. A fresh state gives the full parallel forward; T == 1 uses the step kernels.
// Throws Error(InvalidArgument) for ids outside the vocabulary, an empty input or a position past
// the model's limit, and Error(Cancelled) when cancelled. Call inside the Runtime arena for
// parallelism.
Tensor forward(const Model& model, const std::vector<int32_t>& tokens, InferenceState& state,
               const ForwardOptions& options = {});
// Convenience: fresh state.
Tensor forward(const Model& model, const std::vector<int32_t>& tokens,
               const ForwardOptions& options = {});

// Streaming mode for long inputs: the sequence flows through all layers chunk by chunk, carrying
// the KV cache and the conv/SSM state in `state`, so working memory is bounded by the chunk
// (attention layers still keep their O(n) KV cache, never an n² buffer unless a pattern is
// recorded, which streaming refuses). Time-major sites are recorded by the sink chunk by chunk.
struct StreamOptions {
  int64_t chunk = 4096;
  // Called after each chunk with its logits [n, V]; row i is absolute position pos + i.
  std::function<void(int64_t pos, const Tensor& logits)> on_logits;
};
// Returns the logits of the last token ([1, V]). Progress covers the whole sequence.
Tensor forward_streaming(const Model& model, const std::vector<int32_t>& tokens,
                         InferenceState& state, const StreamOptions& stream,
                         const ForwardOptions& options = {});

// One part of one layer, on its own: out[T,d] = Mixer(x) or FFN(x) of layer `layer`, where x[T,d]
// is the already-normalised input (no norm, no residual add). Attention reads and extends the KV
// cache of state.layers[layer] at position state.pos; Mamba mixers continue from its conv/SSM
// state; state.pos is not advanced. For benchmarks and single-layer demos; throws
// Error(InvalidArgument) when the layer has no such part.
enum class LayerPart { Mixer, Ffn };
void run_layer_part(float* out, const Model& model, int64_t layer, LayerPart part, const float* x,
                    int64_t T, InferenceState& state, const ForwardOptions& options = {});

// Analytic sizes, used to refuse work before allocating.
struct CostEstimate {
  int64_t activation_bytes = 0;  // peak working memory of one forward over T tokens (estimate)
  int64_t state_bytes = 0;       // caches/states after T tokens
  int64_t kv_bytes_per_token = 0;
  int64_t ssm_state_bytes = 0;  // constant in T
};
CostEstimate estimate_cost(const ModelConfig& config, int64_t T);

}  // namespace seqlens
