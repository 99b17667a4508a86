// Instrumentation: named sites and a sink that says which sites and layers it wants (the ggml
// eval-callback pattern). The forward pass asks `wants(site, layer)` before computing anything
// extra; with a null sink (or one that wants nothing) the same code runs at full speed.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace seqlens {

enum class Site {
  AttnPattern,    // [H, T, S] softmax probabilities (query heads, query, key)
  SsmDelta,       // [T, E_in] Mamba-1, [T, H] Mamba-2: Δ after softplus (and clamp)
  SsmB,           // [T, N] Mamba-1, [T, G, N] Mamba-2 (Jamba: after its B RMSNorm)
  SsmC,           // [T, N] Mamba-1, [T, G, N] Mamba-2 (Jamba: after its C RMSNorm)
  SsmState,       // [T, E_in, N] Mamba-1, [T, H, P, N] Mamba-2: state after step t
  SsmHiddenAttn,  // [channels, T, T] Mamba-1 α, [heads, T, T] Mamba-2 L∘CBᵀ, for chosen ones
  RouterProbs,    // [T, E]
  TopkIdx,        // [T, k] (int32)
  TopkWeight,     // [T, k]
  ResidPost,      // [T, d] residual stream after the whole block, before the final norm
  Logits,         // [T, V]
};
constexpr int kSiteCount = 11;

// Where in a layer a site is recorded: inside the mixer (attention, the SSM), in an MoE FFN's
// routing (before its experts), or after the FFN (the residual stream; the logits after the head).
enum class SiteStage { Mixer, Routing, AfterFfn };
SiteStage site_stage(Site s);

// Short name used in array names and on the command line: "attn.pattern", "ssm.delta", ...
const char* site_name(Site s);
// Parses a short name; returns false when unknown.
bool parse_site(const std::string& name, Site* out);
// Array name in exports: "blocks.{l}.{site}" or "logits" for Logits.
std::string array_name(Site s, int64_t layer);

// A view of a recorded array, valid only during the `record` call.
struct ArrayView {
  const void* data = nullptr;
  bool is_int32 = false;  // float32 otherwise
  std::vector<int64_t> shape;
};

class Sink {
 public:
  virtual ~Sink() = default;
  virtual bool wants(Site site, int64_t layer) const = 0;
  // Called once per wanted (site, layer) per forward call, with the whole array of that call.
  virtual void record(Site site, int64_t layer, const ArrayView& array) = 0;
  // Whole maps (AttnPattern, SsmHiddenAttn) are large: a sink may lend their final storage, so the
  // kernel writes the map in place and `record` is then called with this same pointer (and the
  // sink keeps it without a copy). nullptr: the pass computes into its own buffer as usual.
  virtual float* lend_map(Site site, int64_t layer, const std::vector<int64_t>& shape) {
    return nullptr;
  }
  // Which channels (Mamba-1) or heads (Mamba-2) to materialise hidden attention for.
  virtual std::vector<int64_t> hidden_attn_channels(int64_t layer) const { return {}; }
};

inline bool wants(const Sink* sink, Site site, int64_t layer) {
  return sink && sink->wants(site, layer);
}

}  // namespace seqlens
