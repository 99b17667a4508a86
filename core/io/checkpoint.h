// Model directories in the Hugging Face layout: config.json + model.safetensors, or a sharded
// checkpoint (model.safetensors.index.json + shards). Every file is treated as hostile: each
// size, offset and product is checked before use, and each failure is one Error(Checkpoint /
// Config / Io) whose message names the file, the tensor or field, and the problem.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "core/model/config.h"
#include "core/model/model.h"

namespace seqlens {

enum class DType { F32, F16, BF16 };
const char* dtype_name(DType d);  // "F32", "F16", "BF16"

struct CheckpointInfo {
  ModelConfig config;
  std::vector<std::filesystem::path> files;  // safetensors files that hold the weights
  int64_t tensor_count = 0;
  int64_t weight_bytes = 0;  // bytes of tensor data on disk
};

// Validates the whole directory as load_model_dir would (config, index, every header, every
// name and shape against the family's layout) without reading weight values.
CheckpointInfo inspect_model_dir(const std::filesystem::path& dir);

// Loads and converts every tensor to float32.
Model load_model_dir(const std::filesystem::path& dir);

struct SaveOptions {
  DType dtype = DType::F32;
  int64_t max_shard_bytes = 0;  // > 0: split into model-0000i-of-0000n.safetensors + index
};
// Writes config.json (every field explicit) and the weights. Each file goes to a temporary name
// in the same directory and is renamed into place, so a failure leaves no partial file.
void save_model_dir(const Model& model, const std::filesystem::path& dir,
                    const SaveOptions& options = {});

}  // namespace seqlens
