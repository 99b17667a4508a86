// Model directories in the Hugging Face layout (config.json + model.safetensors, or
// model.safetensors.index.json + shards).
//
// Loading runs in two passes: plan() validates the whole directory without reading any weight
// value (config, index, every safetensors header, every tensor name and shape against
// param_specs), then load_model_dir reads and converts the planned tensors.
//
// Policies:
// - Shard names in an index must be plain file names (no '/', '\', "." or ".."); the name is
//   checked, not the resolved path, so a shard that is a symbolic link to a file elsewhere loads
//   (the Hugging Face cache stores snapshots as links into a blob store).
// - GPT-2's attn.bias / attn.masked_bias buffers are skipped (is_ignorable_buffer), and
//   alternative spellings map to canonical names (canonical_param_name).
// - A tied model whose file also stores lm_head.weight (some exporters write the tied copy):
//   accepted when its shape equals the embedding's, and ignored; the embedding is used.
// - When both model.safetensors and an index exist, model.safetensors wins, as in transformers.
#include "core/io/checkpoint.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <fstream>
#include <map>
#include <memory>
#include <regex>
#include <set>
#include <system_error>

#include <nlohmann/json.hpp>

#include "core/common/error.h"
#include "core/io/hf_config.h"
#include "core/io/npz.h"  // write_file_atomic
#include "core/io/safetensors.h"
#include "core/model/param_spec.h"

namespace seqlens {

const char* dtype_name(DType d) {
  switch (d) {
    case DType::F32:
      return "F32";
    case DType::F16:
      return "F16";
    case DType::BF16:
      return "BF16";
  }
  return "?";
}

namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr const char* kConfigName = "config.json";
constexpr const char* kSingleName = "model.safetensors";
constexpr const char* kIndexName = "model.safetensors.index.json";
constexpr uint64_t kMaxJsonFileBytes = 64ull << 20;  // config.json / index; real ones are < 1 MB
constexpr size_t kMaxListedProblems = 8;

std::string in_quotes(const std::string& s) {
  return "'" + (s.size() > 200 ? s.substr(0, 197) + "..." : s) + "'";
}

std::string shape_str(const std::vector<int64_t>& shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + std::to_string(shape[i]);
  return s + "]";
}

bool is_file(const fs::path& p) {
  std::error_code ec;
  return fs::is_regular_file(p, ec);  // follows symbolic links
}

std::string read_json_file(const fs::path& path, ErrorKind kind) {
  std::error_code ec;
  const auto size = fs::file_size(path, ec);
  if (ec)
    throw Error(ErrorKind::Io, path.string() + ": cannot read the file (" + ec.message() + ")");
  if (size > kMaxJsonFileBytes)
    throw Error(kind, path.string() + ": file is " + std::to_string(size) +
                          " bytes, above the limit of " + std::to_string(kMaxJsonFileBytes));
  std::ifstream in(path, std::ios::binary);
  if (!in)
    throw Error(ErrorKind::Io,
                path.string() + ": cannot open the file (" + std::strerror(errno) + ")");
  std::string text(size, '\0');
  in.read(text.data(), static_cast<std::streamsize>(size));
  if (static_cast<uint64_t>(in.gcount()) != size)
    throw Error(ErrorKind::Io, path.string() + ": the file shrank while it was read");
  return text;
}

// A shard name from an index must name a file directly inside the model directory.
bool is_plain_file_name(const std::string& s) {
  return !s.empty() && s != "." && s != ".." && s.find('/') == std::string::npos &&
         s.find('\\') == std::string::npos && s.find('\0') == std::string::npos;
}

// tensor name -> shard file name, from model.safetensors.index.json.
std::map<std::string, std::string> read_index(const fs::path& path) {
  const std::string src = path.string();
  const json j = safetensors::parse_json(read_json_file(path, ErrorKind::Checkpoint), src, "index",
                                         ErrorKind::Checkpoint);
  if (!j.is_object()) throw Error(ErrorKind::Checkpoint, src + ": the index is not a JSON object");
  if (const auto m = j.find("metadata"); m != j.end() && !m->is_null() && !m->is_object())
    throw Error(ErrorKind::Checkpoint, src + ": 'metadata' is not an object");
  const auto wm = j.find("weight_map");
  if (wm == j.end()) throw Error(ErrorKind::Checkpoint, src + ": the index has no 'weight_map'");
  if (!wm->is_object()) throw Error(ErrorKind::Checkpoint, src + ": 'weight_map' is not an object");
  std::map<std::string, std::string> out;
  for (const auto& [tensor, shard] : wm->items()) {
    if (!shard.is_string())
      throw Error(ErrorKind::Checkpoint, src + ": 'weight_map' entry for tensor " +
                                             in_quotes(tensor) + " is not a string");
    const std::string name = shard.get<std::string>();
    if (!is_plain_file_name(name))
      throw Error(ErrorKind::Checkpoint,
                  src + ": tensor " + in_quotes(tensor) + " is mapped to shard " + in_quotes(name) +
                      ", which is not a plain file name inside the model directory");
    out.emplace(tensor, name);
  }
  return out;
}

// One stored tensor the model will load.
struct PlannedTensor {
  size_t file = 0;                                // index into Plan::readers
  const safetensors::TensorInfo* info = nullptr;  // owned by the reader's header
  std::string canonical;                          // name in the Model
};

struct Plan {
  ModelConfig config;
  std::vector<fs::path> files;
  std::vector<std::unique_ptr<safetensors::Reader>> readers;
  std::vector<PlannedTensor> tensors;
  int64_t tensor_count = 0;
  int64_t weight_bytes = 0;
};

// Problems found while matching names and shapes, reported together in one message: each
// class (bad tensors, unexpected names per file, missing names) appears, each list capped.
class Problems {
 public:
  void add(const std::string& file, std::string p) { items_[file].push_back(std::move(p)); }
  void unexpected(const std::string& file, std::string name) {
    unexpected_[file].push_back(std::move(name));
  }
  void missing(std::string name) { missing_.push_back(std::move(name)); }

  void throw_if_any(const fs::path& dir, const char* family) const {
    if (items_.empty() && unexpected_.empty() && missing_.empty()) return;
    std::vector<std::string> parts;
    for (const auto& [file, items] : items_) {
      std::string part = file + ": ";
      for (size_t i = 0; i < items.size() && i < kMaxListedProblems; ++i)
        part += (i ? "; " : "") + items[i];
      if (items.size() > kMaxListedProblems)
        part += "; and " + std::to_string(items.size() - kMaxListedProblems) +
                " more tensors with problems";
      parts.push_back(part);
    }
    for (const auto& [file, names] : unexpected_) {
      parts.push_back(file + ": " + count(names.size(), "unexpected tensor") + " (not part of a " +
                      family + " checkpoint with this config): " + list(names));
    }
    if (!missing_.empty())
      parts.push_back(dir.string() + ": " + count(missing_.size(), "tensor") +
                      (missing_.size() == 1 ? " required by the config is missing: "
                                            : " required by the config are missing: ") +
                      list(missing_));
    std::string msg;
    for (size_t i = 0; i < parts.size(); ++i) msg += (i ? "; " : "") + parts[i];
    throw Error(ErrorKind::Checkpoint, msg);
  }

 private:
  static std::string count(size_t n, const std::string& what) {
    return std::to_string(n) + " " + what + (n == 1 ? "" : "s");
  }
  static std::string list(const std::vector<std::string>& names) {
    std::string s;
    for (size_t i = 0; i < names.size() && i < kMaxListedProblems; ++i)
      s += (i ? ", " : "") + in_quotes(names[i]);
    if (names.size() > kMaxListedProblems)
      s += " and " + std::to_string(names.size() - kMaxListedProblems) + " more";
    return s;
  }

  std::map<std::string, std::vector<std::string>> items_;  // file -> problems
  std::map<std::string, std::vector<std::string>> unexpected_;
  std::vector<std::string> missing_;
};

Plan plan(const fs::path& dir) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) throw Error(ErrorKind::Io, dir.string() + ": not a directory");

  Plan p;
  const fs::path config_path = dir / kConfigName;
  if (!is_file(config_path)) throw Error(ErrorKind::Io, config_path.string() + ": file not found");
  const json cj = safetensors::parse_json(read_json_file(config_path, ErrorKind::Config),
                                          config_path.string(), "config", ErrorKind::Config,
                                          /*python_literals=*/true);
  p.config = config_from_hf_json(cj, config_path.string());

  // Which files hold the weights.
  std::map<std::string, std::string> index;  // tensor -> shard; empty for a single file
  bool sharded = false;
  const fs::path index_path = dir / kIndexName;
  if (is_file(dir / kSingleName)) {
    p.files.push_back(dir / kSingleName);
  } else if (is_file(index_path)) {
    sharded = true;
    index = read_index(index_path);
    std::set<std::string> shards;
    for (const auto& [tensor, shard] : index) {
      if (shards.insert(shard).second && !is_file(dir / shard))
        throw Error(ErrorKind::Checkpoint, index_path.string() + ": tensor " + in_quotes(tensor) +
                                               " is mapped to shard " + in_quotes(shard) +
                                               ", which does not exist");
    }
    for (const auto& s : shards) p.files.push_back(dir / s);
  } else {
    throw Error(ErrorKind::Io, dir.string() + ": no " + kSingleName + " or " + kIndexName);
  }

  // Every header, and where each stored tensor lives.
  std::map<std::string, size_t> stored_in;  // stored name -> file
  for (size_t fi = 0; fi < p.files.size(); ++fi) {
    p.readers.push_back(std::make_unique<safetensors::Reader>(p.files[fi]));
    const auto& h = p.readers.back()->header();
    const std::string shard = p.files[fi].filename().string();
    p.weight_bytes += static_cast<int64_t>(h.data_bytes);
    p.tensor_count += static_cast<int64_t>(h.tensors.size());
    for (const auto& t : h.tensors) {
      if (const auto [it, fresh] = stored_in.emplace(t.name, fi); !fresh)
        throw Error(ErrorKind::Checkpoint, p.files[fi].string() + ": tensor " + in_quotes(t.name) +
                                               " is also stored in " +
                                               p.files[it->second].string());
      if (!sharded) continue;
      const auto in_index = index.find(t.name);
      if (in_index == index.end())
        throw Error(ErrorKind::Checkpoint, p.files[fi].string() + ": tensor " + in_quotes(t.name) +
                                               " is not listed in " + kIndexName);
      if (in_index->second != shard)
        throw Error(ErrorKind::Checkpoint,
                    index_path.string() + ": tensor " + in_quotes(t.name) + " is mapped to shard " +
                        in_quotes(in_index->second) + " but is stored in " + in_quotes(shard));
    }
  }
  for (const auto& [tensor, shard] : index) {
    if (!stored_in.count(tensor))
      throw Error(ErrorKind::Checkpoint, index_path.string() + ": tensor " + in_quotes(tensor) +
                                             " is mapped to shard " + in_quotes(shard) +
                                             ", which does not contain it");
  }

  // Names and shapes against the family's layout.
  const std::vector<ParamSpec> specs = param_specs(p.config);
  std::map<std::string, const ParamSpec*> by_name;
  for (const auto& s : specs) by_name.emplace(s.name, &s);
  std::map<std::string, std::string> loaded_from;  // canonical -> stored name
  Problems problems;
  for (size_t fi = 0; fi < p.readers.size(); ++fi) {
    const std::string file = p.files[fi].string();
    for (const auto& t : p.readers[fi]->header().tensors) {
      if (is_ignorable_buffer(p.config, t.name)) continue;
      std::string canonical =
          by_name.count(t.name) ? t.name : canonical_param_name(p.config, t.name);
      const auto spec = by_name.find(canonical);
      if (canonical.empty() || spec == by_name.end()) {
        if (p.config.tie_word_embeddings && t.name == "lm_head.weight") {
          const std::vector<int64_t> want{p.config.vocab_size, p.config.d_model};
          if (t.shape != want)
            problems.add(file, "tensor 'lm_head.weight' (a tied copy of the embedding) has shape " +
                                   shape_str(t.shape) + " but the config needs " + shape_str(want));
          continue;  // the tied copy is ignored: the embedding is the head
        }
        problems.unexpected(file, t.name);
        continue;
      }
      if (const auto [it, fresh] = loaded_from.emplace(canonical, t.name); !fresh) {
        problems.add(file, "tensor " + in_quotes(t.name) + " and tensor " + in_quotes(it->second) +
                               " are two spellings of " + in_quotes(canonical));
        continue;
      }
      if (t.shape != spec->second->shape) {
        problems.add(file, "tensor " + in_quotes(t.name) + " has shape " + shape_str(t.shape) +
                               " but the config needs " + shape_str(spec->second->shape));
        continue;
      }
      if (!safetensors::is_convertible(t.type)) {
        problems.add(file, "tensor " + in_quotes(t.name) + " has dtype " +
                               safetensors::element_type_name(t.type) +
                               ", which does not convert to float32 (F64, F32, F16 and BF16 do)");
        continue;
      }
      p.tensors.push_back({fi, &t, canonical});
    }
  }
  for (const auto& s : specs)
    if (!loaded_from.count(s.name)) problems.missing(s.name);
  problems.throw_if_any(dir, family_name(p.config.family));
  return p;
}

// config.json as transformers writes it: 2-space indent, Python's Infinity / NaN literals for
// non-finite floats (nlohmann would write null).
std::string dump_config(json j) {
  static const std::string tag = "@@seqlens-nonfinite:";
  auto walk = [&](auto&& self, json& v) -> void {
    if (v.is_structured()) {
      for (auto& x : v) self(self, x);
    } else if (v.is_number_float() && !std::isfinite(v.get<double>())) {
      const double d = v.get<double>();
      v = tag + (std::isnan(d) ? "NaN" : d > 0 ? "Infinity" : "-Infinity") + "@@";
    }
  };
  walk(walk, j);
  std::string s = j.dump(2);
  for (size_t pos; (pos = s.find("\"" + tag)) != std::string::npos;) {
    const size_t end = s.find("@@\"", pos + 1 + tag.size());
    const std::string literal = s.substr(pos + 1 + tag.size(), end - pos - 1 - tag.size());
    s.replace(pos, end + 3 - pos, literal);
  }
  return s + "\n";
}

const char* torch_dtype_name(DType d) {
  switch (d) {
    case DType::F32:
      return "float32";
    case DType::F16:
      return "float16";
    case DType::BF16:
      return "bfloat16";
  }
  return "float32";
}

// Shard file names a previous save may have left (model-00001-of-00002.safetensors, ...).
std::set<std::string> previous_shards(const fs::path& dir) {
  std::set<std::string> out;
  try {
    if (!is_file(dir / kIndexName)) return out;
    static const std::regex pattern(R"(model-\d{5}-of-\d{5}\.safetensors)");
    for (const auto& [tensor, shard] : read_index(dir / kIndexName))
      if (std::regex_match(shard, pattern)) out.insert(shard);
  } catch (const Error&) {
    // An unreadable old index is simply replaced.
  }
  return out;
}

void remove_file(const fs::path& p) {
  std::error_code ec;
  fs::remove(p, ec);  // a missing file is not an error
  if (ec)
    throw Error(ErrorKind::Io, p.string() + ": cannot remove a stale file (" + ec.message() + ")");
}

std::string shard_name(size_t i, size_t n) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "model-%05zu-of-%05zu.safetensors", i + 1, n);
  return buf;
}

}  // namespace

CheckpointInfo inspect_model_dir(const std::filesystem::path& dir) {
  Plan p = plan(dir);
  CheckpointInfo info;
  info.config = p.config;
  info.files = p.files;
  info.tensor_count = p.tensor_count;
  info.weight_bytes = p.weight_bytes;
  return info;
}

Model load_model_dir(const std::filesystem::path& dir) {
  Plan p = plan(dir);
  std::map<std::string, Tensor> tensors;
  for (const auto& t : p.tensors) tensors.emplace(t.canonical, p.readers[t.file]->read(*t.info));
  return Model(p.config, std::move(tensors));
}

void save_model_dir(const Model& model, const std::filesystem::path& dir,
                    const SaveOptions& options) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec)
    throw Error(ErrorKind::Io,
                dir.string() + ": cannot create the directory (" + ec.message() + ")");

  // The tensors of the layout, in its order (the order shards are filled in, as transformers
  // fills them in state-dict order).
  const std::vector<ParamSpec> specs = param_specs(model.config());
  std::vector<safetensors::NamedTensor> all;
  for (const auto& s : specs) {
    const Tensor& t = model.tensor(s.name);
    if (t.shape != s.shape || t.numel() != Tensor::numel_of(s.shape))
      throw Error(ErrorKind::InvalidArgument, "tensor " + in_quotes(s.name) + " has shape " +
                                                  shape_str(t.shape) + " but the config needs " +
                                                  shape_str(s.shape));
    all.push_back({s.name, &t});
  }

  std::vector<std::vector<safetensors::NamedTensor>> shards(1);
  int64_t total_bytes = 0, current = 0;
  for (const auto& t : all) {
    const int64_t bytes = safetensors::stored_bytes(t.tensor->numel(), options.dtype);
    if (options.max_shard_bytes > 0 && !shards.back().empty() &&
        current + bytes > options.max_shard_bytes) {
      shards.emplace_back();
      current = 0;
    }
    shards.back().push_back(t);
    current += bytes;
    total_bytes += bytes;
  }

  const std::set<std::string> stale = previous_shards(dir);
  const std::map<std::string, std::string> metadata{{"format", "pt"}};
  if (shards.size() == 1) {
    // One shard is written as a plain model.safetensors, as transformers does.
    safetensors::write_file(dir / kSingleName, shards[0], options.dtype, metadata);
    remove_file(dir / kIndexName);
    for (const auto& s : stale) remove_file(dir / s);
  } else {
    json weight_map = json::object();
    std::set<std::string> written;
    for (size_t i = 0; i < shards.size(); ++i) {
      const std::string name = shard_name(i, shards.size());
      safetensors::write_file(dir / name, shards[i], options.dtype, metadata);
      for (const auto& t : shards[i]) weight_map[t.name] = name;
      written.insert(name);
    }
    const json index = {{"metadata", {{"total_size", total_bytes}}}, {"weight_map", weight_map}};
    write_file_atomic(dir / kIndexName, index.dump(2) + "\n");
    remove_file(dir / kSingleName);  // it would take precedence over the index when loading
    for (const auto& s : stale)
      if (!written.count(s)) remove_file(dir / s);
  }

  json config = config_to_hf_json(model.config());
  config["torch_dtype"] = torch_dtype_name(options.dtype);
  write_file_atomic(dir / kConfigName, dump_config(std::move(config)));
}

}  // namespace seqlens
