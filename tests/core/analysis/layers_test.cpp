// The layer ribbon: each layer's mixer and FFN, and the counts of the one-line summary.
#include <gtest/gtest.h>

#include "core/analysis/layers.h"
#include "core/model/presets.h"

namespace seqlens::analysis {
namespace {

TEST(LayerRibbon, JambaTiny) {
  const LayerRibbonData d = layer_ribbon(preset_config("jamba-tiny"));
  ASSERT_EQ(d.layers.size(), 8u);
  for (int64_t l = 0; l < 8; ++l) {
    EXPECT_EQ(d.layers[l].layer, l);
    EXPECT_EQ(d.layers[l].mixer, (l == 2 || l == 6) ? MixerKind::Attention : MixerKind::Mamba1)
        << "layer " << l;
    EXPECT_EQ(d.layers[l].ffn, l % 2 == 1 ? FfnKind::MoE : FfnKind::Dense) << "layer " << l;
  }
  EXPECT_EQ(d.attention, 2);
  EXPECT_EQ(d.mamba1, 6);
  EXPECT_EQ(d.mamba2, 0);
  EXPECT_EQ(d.moe, 4);
  EXPECT_EQ(d.dense, 4);
  EXPECT_EQ(d.no_ffn, 0);
  EXPECT_EQ(d.ratio_attention, 1);
  EXPECT_EQ(d.ratio_mamba, 3);
  EXPECT_TRUE(d.hybrid());
}

TEST(LayerRibbon, JambaV01RatioIsOneToSeven) {
  ModelConfig c = preset_config("jamba-tiny");
  c.n_layers = 32;
  c.attn_layer_period = 8;
  c.attn_layer_offset = 4;
  const LayerRibbonData d = layer_ribbon(c);
  EXPECT_EQ(d.attention, 4);
  EXPECT_EQ(d.ratio_attention, 1);
  EXPECT_EQ(d.ratio_mamba, 7);
  EXPECT_EQ(d.moe, 16);
}

TEST(LayerRibbon, LlamaTinyIsAllAttentionWithDenseMlp) {
  const ModelConfig c = preset_config("llama-tiny");
  const LayerRibbonData d = layer_ribbon(c);
  ASSERT_EQ(static_cast<int64_t>(d.layers.size()), c.n_layers);
  for (const RibbonLayer& l : d.layers) {
    EXPECT_EQ(l.mixer, MixerKind::Attention);
    EXPECT_EQ(l.ffn, FfnKind::Dense);
  }
  EXPECT_EQ(d.attention, c.n_layers);
  EXPECT_EQ(d.dense, c.n_layers);
  EXPECT_EQ(d.ratio_attention, 1);
  EXPECT_EQ(d.ratio_mamba, 0);
  EXPECT_FALSE(d.hybrid());
}

TEST(LayerRibbon, Mamba2TinyHasNoFfn) {
  const ModelConfig c = preset_config("mamba2-tiny");
  const LayerRibbonData d = layer_ribbon(c);
  ASSERT_EQ(static_cast<int64_t>(d.layers.size()), c.n_layers);
  for (const RibbonLayer& l : d.layers) {
    EXPECT_EQ(l.mixer, MixerKind::Mamba2);
    EXPECT_EQ(l.ffn, FfnKind::None);
  }
  EXPECT_EQ(d.mamba2, c.n_layers);
  EXPECT_EQ(d.no_ffn, c.n_layers);
  EXPECT_EQ(d.attention, 0);
  EXPECT_EQ(d.ratio_attention, 0);
  EXPECT_EQ(d.ratio_mamba, 1);
}

}  // namespace
}  // namespace seqlens::analysis
