// seqlens-cli presets [--json]: the embedded models.
#include <cstdio>
#include <iostream>
#include <memory>

#include <nlohmann/json.hpp>

#include "app/cli/cli.h"
#include "app/cli/commands.h"
#include "core/model/presets.h"

namespace seqlens::cli {

Command add_presets_command(CLI::App& app) {
  auto as_json = std::make_shared<bool>(false);
  CLI::App* sub = app.add_subcommand("presets", "List the embedded models");
  sub->add_flag("--json", *as_json, "Print a JSON array");
  return {sub, [as_json] {
            const std::vector<PresetInfo> presets = preset_list();
            if (*as_json) {
              Json j = Json::array();
              for (const PresetInfo& p : presets) {
                const ModelConfig c = preset_config(p.name);
                j.push_back({{"name", p.name},
                             {"family", family_name(c.family)},
                             {"description", p.description}});
              }
              std::cout << j.dump(2) << "\n";
            } else {
              for (const PresetInfo& p : presets) {
                std::printf("%-14s %s\n", p.name.c_str(), p.description.c_str());
              }
            }
            return kExitOk;
          }};
}

}  // namespace seqlens::cli
