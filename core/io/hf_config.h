// config.json <-> ModelConfig for GPT2Config, LlamaConfig, MambaConfig, Mamba2Config and
// JambaConfig. Missing fields take that HF class's defaults; saved configs write every field.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "core/model/config.h"

namespace seqlens {

// `source` names the file in error messages. Throws Error(Config) naming the field.
ModelConfig config_from_hf_json(const nlohmann::json& j, const std::string& source);
nlohmann::json config_to_hf_json(const ModelConfig& c);

}  // namespace seqlens
