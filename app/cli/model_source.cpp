#include "app/cli/model_source.h"

#include "core/common/error.h"
#include "core/model/presets.h"
#include "core/model/tokenizer.h"

namespace seqlens::cli {

namespace fs = std::filesystem;

namespace {

std::string preset_names() {
  std::string s;
  for (const PresetInfo& p : preset_list()) s += (s.empty() ? "" : ", ") + p.name;
  return s;
}

}  // namespace

ModelSource resolve_model(const std::string& spec) {
  ModelSource src;
  src.spec = spec;
  if (spec.empty()) throw Error(ErrorKind::InvalidArgument, "--model is empty");
  if (is_preset(spec)) {
    src.is_preset = true;
    src.config = preset_config(spec);
    src.seed = preset_seed(spec);
    return src;
  }
  std::error_code ec;
  const fs::file_status st = fs::status(spec, ec);
  if (ec || !fs::exists(st)) {
    throw Error(ErrorKind::InvalidArgument, "'" + spec +
                                                "' is neither a preset nor a model directory "
                                                "(presets: " +
                                                preset_names() + ")");
  }
  if (!fs::is_directory(st)) {
    throw Error(ErrorKind::Io, spec +
                                   ": not a directory (a model is a directory holding "
                                   "config.json and model.safetensors)");
  }
  src.dir = spec;
  src.checkpoint = inspect_model_dir(src.dir);
  src.config = src.checkpoint->config;
  return src;
}

Model load_model(const ModelSource& source) {
  if (source.is_preset) return make_preset(source.spec);
  return load_model_dir(source.dir);
}

bool uses_byte_tokenizer(const ModelSource& source) {
  return source.is_preset || source.config.vocab_size >= 256;
}

std::string token_label(const ModelSource& source, int32_t id) {
  if (uses_byte_tokenizer(source) && id >= 0 && id < ByteTokenizer::kVocabSize) {
    return ByteTokenizer::token_label(id);
  }
  return "#" + std::to_string(id);
}

}  // namespace seqlens::cli
