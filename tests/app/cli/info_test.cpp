// seqlens-cli info / presets: JSON structure, layer maps and counts for every preset.
#include <gtest/gtest.h>

#include "core/model/config.h"
#include "core/model/model.h"
#include "core/model/param_spec.h"
#include "core/model/presets.h"
#include "tests/app/cli/cli_test_util.h"

namespace seqlens::testing {
namespace {

const char* mixer(MixerKind k) {
  return k == MixerKind::Attention ? "attention" : k == MixerKind::Mamba1 ? "mamba1" : "mamba2";
}
const char* ffn(FfnKind k) {
  return k == FfnKind::None ? "none" : k == FfnKind::Dense ? "dense" : "moe";
}

class InfoForPreset : public ::testing::TestWithParam<std::string> {};

TEST_P(InfoForPreset, PrintsLayerMapCountsAndConfig) {
  TempDir dir;
  const std::string name = GetParam();
  const CliResult r = run_cli({"info", "--model", name, "--n", "100"}, dir.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(r.err.empty()) << r.err;
  const nlohmann::json j = nlohmann::json::parse(r.out);
  const ModelConfig c = preset_config(name);

  EXPECT_EQ(j.at("family"), family_name(c.family));
  EXPECT_EQ(j.at("source"), "preset");
  EXPECT_EQ(j.at("seed"), preset_seed(name));
  const auto map = c.layer_map();
  const auto& layers = j.at("layers");
  ASSERT_EQ(layers.size(), static_cast<size_t>(c.n_layers));
  for (size_t l = 0; l < map.size(); ++l) {
    EXPECT_EQ(layers[l].at("index"), l);
    EXPECT_EQ(layers[l].at("mixer"), mixer(map[l].mixer)) << "layer " << l;
    EXPECT_EQ(layers[l].at("ffn"), ffn(map[l].ffn)) << "layer " << l;
  }
  const ParamCount pc = count_params(c);
  EXPECT_EQ(j.at("parameters").at("total"), pc.total);
  EXPECT_EQ(j.at("parameters").at("active_per_token"), pc.active);
  EXPECT_GT(pc.total, 0);
  EXPECT_LE(pc.active, pc.total);

  const auto& mem = j.at("memory");
  const CostEstimate one = estimate_cost(c, 1), at_n = estimate_cost(c, 100);
  EXPECT_EQ(mem.at("n"), 100);
  EXPECT_EQ(mem.at("kv_cache_bytes_per_token"), one.kv_bytes_per_token);
  EXPECT_EQ(mem.at("ssm_state_bytes"), one.ssm_state_bytes);
  EXPECT_EQ(mem.at("state_bytes_at_n"), at_n.state_bytes);
  EXPECT_EQ(mem.at("activation_bytes_at_n"), at_n.activation_bytes);
  // Attention caches grow per token, SSM states do not.
  EXPECT_EQ(one.kv_bytes_per_token > 0, c.attention_layers() > 0);
  EXPECT_EQ(one.ssm_state_bytes > 0, c.mamba_layers() > 0);

  EXPECT_EQ(j.at("config").at("vocab_size"), c.vocab_size);
  EXPECT_EQ(j.at("config").at("model_type"), family_name(c.family));
}

INSTANTIATE_TEST_SUITE_P(AllPresets, InfoForPreset, ::testing::ValuesIn(preset_names()),
                         [](const auto& info) {
                           std::string s = info.param;
                           for (char& ch : s) {
                             if (ch == '-') ch = '_';
                           }
                           return s;
                         });

// The Jamba map written out from its definition: attention where l % period == offset, MoE
// where l % expert_period == expert_offset; everything else Mamba-1 / dense.
TEST(Info, JambaLayerMapFollowsPeriodsAndOffsets) {
  TempDir dir;
  const CliResult r = run_cli({"info", "--model", "jamba-tiny"}, dir.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const nlohmann::json j = nlohmann::json::parse(r.out);
  const auto& cfg = j.at("config");
  const int64_t ap = cfg.at("attn_layer_period"), ao = cfg.at("attn_layer_offset");
  const int64_t ep = cfg.at("expert_layer_period"), eo = cfg.at("expert_layer_offset");
  const auto& layers = j.at("layers");
  ASSERT_EQ(layers.size(), cfg.at("num_hidden_layers").get<size_t>());
  int attention = 0, moe = 0;
  for (size_t l = 0; l < layers.size(); ++l) {
    const int64_t i = static_cast<int64_t>(l);
    EXPECT_EQ(layers[l].at("mixer"), i % ap == ao ? "attention" : "mamba1") << "layer " << l;
    EXPECT_EQ(layers[l].at("ffn"), i % ep == eo ? "moe" : "dense") << "layer " << l;
    attention += i % ap == ao;
    moe += i % ep == eo;
  }
  EXPECT_GT(attention, 0);
  EXPECT_GT(moe, 0);
  EXPECT_EQ(j.at("attention_layers"), attention);
  EXPECT_EQ(j.at("mamba_layers"), static_cast<int>(layers.size()) - attention);
  // MoE: only top_k of num_experts experts are active per token.
  EXPECT_LT(j.at("parameters").at("active_per_token").get<int64_t>(),
            j.at("parameters").at("total").get<int64_t>());
}

TEST(Info, DefaultContextLengthIs2048) {
  TempDir dir;
  const CliResult r = run_cli({"info", "--model", "llama-tiny"}, dir.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(nlohmann::json::parse(r.out).at("memory").at("n"), 2048);
}

TEST(Presets, ListsEveryPresetWithItsFamily) {
  TempDir dir;
  const CliResult text = run_cli({"presets"}, dir.path());
  ASSERT_EQ(text.exit_code, 0) << text.err;
  for (const std::string& name : preset_names()) {
    EXPECT_NE(text.out.find(name), std::string::npos) << name;
  }
  const CliResult js = run_cli({"presets", "--json"}, dir.path());
  ASSERT_EQ(js.exit_code, 0) << js.err;
  const nlohmann::json j = nlohmann::json::parse(js.out);
  ASSERT_EQ(j.size(), preset_names().size());
  for (const auto& p : j) {
    EXPECT_EQ(p.at("family"), family_name(preset_config(p.at("name")).family));
    EXPECT_FALSE(p.at("description").get<std::string>().empty());
  }
}

}  // namespace
}  // namespace seqlens::testing
