#include "core/analysis/layers.h"

#include <numeric>

namespace seqlens::analysis {

LayerRibbonData layer_ribbon(const ModelConfig& config) {
  LayerRibbonData d;
  const auto map = config.layer_map();
  d.layers.reserve(map.size());
  for (size_t i = 0; i < map.size(); ++i) {
    d.layers.push_back({static_cast<int64_t>(i), map[i].mixer, map[i].ffn});
    switch (map[i].mixer) {
      case MixerKind::Attention:
        ++d.attention;
        break;
      case MixerKind::Mamba1:
        ++d.mamba1;
        break;
      case MixerKind::Mamba2:
        ++d.mamba2;
        break;
    }
    switch (map[i].ffn) {
      case FfnKind::None:
        ++d.no_ffn;
        break;
      case FfnKind::Dense:
        ++d.dense;
        break;
      case FfnKind::MoE:
        ++d.moe;
        break;
    }
  }
  const int64_t g = std::gcd(d.attention, d.mamba());  // gcd(0, n) = n; gcd(0, 0) = 0
  if (g > 0) {
    d.ratio_attention = d.attention / g;
    d.ratio_mamba = d.mamba() / g;
  }
  return d;
}

}  // namespace seqlens::analysis
