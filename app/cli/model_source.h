// Where a model comes from: an embedded preset (by name) or a Hugging Face-layout directory.
// `resolve_model` validates without reading weight values, so commands can check sizes and
// inputs before the (possibly large) load.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

#include "core/io/checkpoint.h"
#include "core/model/config.h"
#include "core/model/model.h"

namespace seqlens::cli {

struct ModelSource {
  std::string spec;  // as given on the command line
  bool is_preset = false;
  std::filesystem::path dir;  // directories only
  ModelConfig config;
  uint64_t seed = 0;                         // presets only
  std::optional<CheckpointInfo> checkpoint;  // directories only
};

// A name that is a preset selects it (write ./NAME for a directory of that name); anything else
// must be a model directory. Throws seqlens::Error (unknown preset, unreadable directory, bad
// checkpoint).
ModelSource resolve_model(const std::string& spec);

// Builds the preset or loads the directory's weights.
Model load_model(const ModelSource& source);

// Presets use the byte tokenizer; directories are assumed to when their vocabulary covers the
// 256 byte ids (model directories with another tokenizer need --tokens).
bool uses_byte_tokenizer(const ModelSource& source);

// Axis label of one token: the byte tokenizer's label, or "#id".
std::string token_label(const ModelSource& source, int32_t id);

}  // namespace seqlens::cli
