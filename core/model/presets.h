// Embedded default models: small configs of every family, initialised deterministically from a
// fixed seed, so they are identical on every machine. They use the byte-level tokenizer.
#pragma once

#include <string>
#include <vector>

#include "core/model/config.h"
#include "core/model/model.h"

namespace seqlens {

struct PresetInfo {
  std::string name;         // "gpt2-tiny", "llama-tiny", "mamba1-tiny", "mamba2-tiny", "jamba-tiny"
  std::string description;  // one English line (the GUI translates its own labels)
};

std::vector<PresetInfo> preset_list();
bool is_preset(const std::string& name);
// Throws Error(InvalidArgument) for an unknown name, listing the known ones.
ModelConfig preset_config(const std::string& name);
uint64_t preset_seed(const std::string& name);
Model make_preset(const std::string& name);

}  // namespace seqlens
