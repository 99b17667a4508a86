// seqlens-cli info --model DIR|PRESET [--n N]: the layer map, parameter counts, cache and state
// sizes and the config, as JSON on stdout. A directory is validated without reading weights.
#include <iostream>
#include <memory>

#include <nlohmann/json.hpp>

#include "app/cli/cli.h"
#include "app/cli/commands.h"
#include "app/cli/model_source.h"
#include "core/io/hf_config.h"
#include "core/model/param_spec.h"

namespace seqlens::cli {

namespace {

struct InfoOptions {
  std::string model;
  int64_t n = 2048;
};

Json layer_map_json(const ModelConfig& c) {
  Json layers = Json::array();
  const std::vector<LayerKind> map = c.layer_map();
  for (size_t l = 0; l < map.size(); ++l) {
    layers.push_back(
        {{"index", l}, {"mixer", mixer_name(map[l].mixer)}, {"ffn", ffn_name(map[l].ffn)}});
  }
  return layers;
}

int run_info(const InfoOptions& o) {
  const ModelSource src = resolve_model(o.model);
  const ModelConfig& c = src.config;
  const ParamCount params = count_params(c);
  const CostEstimate one = estimate_cost(c, 1);
  const CostEstimate at_n = estimate_cost(c, o.n);

  Json j;
  j["model"] = src.spec;
  j["source"] = src.is_preset ? "preset" : "directory";
  j["family"] = family_name(c.family);
  if (src.is_preset) j["seed"] = src.seed;
  j["tokenizer"] = uses_byte_tokenizer(src) ? "byte" : "none (pass --tokens)";
  j["layers"] = layer_map_json(c);
  j["attention_layers"] = c.attention_layers();
  j["mamba_layers"] = c.mamba_layers();
  j["parameters"] = {{"total", params.total}, {"active_per_token", params.active}};
  j["memory"] = {
      {"kv_cache_bytes_per_token", one.kv_bytes_per_token},
      {"ssm_state_bytes", one.ssm_state_bytes},
      {"n", o.n},
      {"state_bytes_at_n", at_n.state_bytes},
      {"activation_bytes_at_n", at_n.activation_bytes},
      {"weight_bytes_f32", params.total * 4},
  };
  if (src.checkpoint) {
    Json files = Json::array();
    for (const auto& f : src.checkpoint->files) files.push_back(f.string());
    j["checkpoint"] = {{"files", files},
                       {"tensor_count", src.checkpoint->tensor_count},
                       {"weight_bytes", src.checkpoint->weight_bytes}};
  }
  j["config"] = Json::parse(config_to_hf_json(c).dump());
  std::cout << j.dump(2) << "\n";
  return kExitOk;
}

}  // namespace

Command add_info_command(CLI::App& app) {
  auto o = std::make_shared<InfoOptions>();
  CLI::App* sub = app.add_subcommand("info", "Describe a model: layers, parameters, memory (JSON)");
  sub->add_option("--model", o->model, "Preset name or model directory")->required();
  sub->add_option("--n", o->n, "Context length for the cost estimate")->check(positive_number());
  return {sub, [o] { return run_info(*o); }};
}

}  // namespace seqlens::cli
