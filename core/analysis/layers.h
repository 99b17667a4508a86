// The layer ribbon: what each layer of a model is made of (mixer and FFN), and the counts a
// one-line summary needs ("1 attention : 7 Mamba", "16 MoE"). Numbers and enums only; the GUI
// words them.
#pragma once

#include <cstdint>
#include <vector>

#include "core/model/config.h"

namespace seqlens::analysis {

struct RibbonLayer {
  int64_t layer = 0;
  MixerKind mixer = MixerKind::Attention;
  FfnKind ffn = FfnKind::None;
};

struct LayerRibbonData {
  std::vector<RibbonLayer> layers;                // [n_layers], in order
  int64_t attention = 0, mamba1 = 0, mamba2 = 0;  // mixers
  int64_t no_ffn = 0, dense = 0, moe = 0;         // FFNs
  // attention : (mamba1 + mamba2) reduced by their gcd ({2, 6} -> {1, 3}); {0, 1} for pure
  // Mamba, {1, 0} for pure attention, {0, 0} for an empty model.
  int64_t ratio_attention = 0, ratio_mamba = 0;

  int64_t mamba() const { return mamba1 + mamba2; }
  bool hybrid() const { return attention > 0 && mamba() > 0; }
};

// From the config's layer map (config.layer_map()).
LayerRibbonData layer_ribbon(const ModelConfig& config);

}  // namespace seqlens::analysis
