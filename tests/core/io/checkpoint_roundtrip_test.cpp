// save_model_dir -> load_model_dir (checkpoint.h): every family in every dtype, sharded
// checkpoints with the HF index, symbolic links as in the HF cache, and re-saving into a
// directory that held the other layout.
#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <limits>

#include <nlohmann/json.hpp>

#include "core/io/checkpoint.h"
#include "core/io/hf_config.h"
#include "core/io/safetensors.h"
#include "core/model/param_spec.h"
#include "tests/core/io/io_test_util.h"
#include "tests/support/safetensors_builder.h"

namespace seqlens {
namespace {

namespace fs = std::filesystem;
using testing::TempDir;

float through(DType d, float x) {
  switch (d) {
    case DType::F32:
      return x;
    case DType::F16:
      return safetensors::f16_to_f32(safetensors::f32_to_f16(x));
    case DType::BF16:
      return safetensors::bf16_to_f32(safetensors::f32_to_bf16(x));
  }
  return x;
}

// Loaded tensors equal the saved ones after rounding to `d` (bit for bit: the conversion is
// deterministic, so "within dtype precision" can be checked exactly).
void expect_same_model(const Model& saved, const Model& loaded, DType d) {
  EXPECT_EQ(config_to_hf_json(loaded.config()), config_to_hf_json(saved.config()));
  ASSERT_EQ(loaded.tensors().size(), saved.tensors().size());
  for (const auto& [name, t] : saved.tensors()) {
    const Tensor& u = loaded.tensor(name);
    ASSERT_EQ(u.shape, t.shape) << name;
    for (int64_t i = 0; i < t.numel(); ++i) {
      ASSERT_EQ(std::bit_cast<uint32_t>(u.data[i]), std::bit_cast<uint32_t>(through(d, t.data[i])))
          << name << "[" << i << "] " << dtype_name(d);
      if (d != DType::F32) {
        // And the rounding error is within half an ulp of the stored type.
        const float rel = d == DType::F16 ? 1.0f / 2048 : 1.0f / 256;
        ASSERT_LE(std::fabs(u.data[i] - t.data[i]), std::fabs(t.data[i]) * rel + 6e-8f) << name;
      }
    }
  }
}

std::vector<std::string> listing(const fs::path& dir) {
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(dir)) names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

TEST(CheckpointRoundTrip, EveryFamilyInEveryDtype) {
  for (Family f : testing::kAllFamilies) {
    const Model m = init_model(testing::tiny_config(f), 42);
    for (DType d : {DType::F32, DType::F16, DType::BF16}) {
      SCOPED_TRACE(std::string(family_name(f)) + " " + dtype_name(d));
      TempDir dir;
      save_model_dir(m, dir.path(), {d, 0});
      EXPECT_EQ(listing(dir.path()),
                (std::vector<std::string>{"config.json", "model.safetensors"}));
      const Model back = load_model_dir(dir.path());
      expect_same_model(m, back, d);
      const CheckpointInfo info = inspect_model_dir(dir.path());
      EXPECT_EQ(info.files, std::vector<fs::path>{dir / "model.safetensors"});
      EXPECT_EQ(info.tensor_count, static_cast<int64_t>(param_specs(m.config()).size()));
      EXPECT_EQ(info.weight_bytes, count_params(m.config()).total * (d == DType::F32 ? 4 : 2));
      // The saved config names its dtype as transformers does.
      const auto cj = nlohmann::json::parse(testing::read_bytes(dir / "config.json"));
      EXPECT_EQ(cj["torch_dtype"], d == DType::F32   ? "float32"
                                   : d == DType::F16 ? "float16"
                                                     : "bfloat16");
    }
  }
}

TEST(CheckpointRoundTrip, SavedConfigWritesPythonInfinityForAnOpenTimeStepLimit) {
  ModelConfig c = testing::tiny_config(Family::Mamba2);
  c.time_step_limit_max = std::numeric_limits<double>::infinity();
  TempDir dir;
  save_model_dir(init_model(c, 1), dir.path());
  const auto bytes = testing::read_bytes(dir / "config.json");
  const std::string text(bytes.begin(), bytes.end());
  EXPECT_NE(text.find("Infinity"), std::string::npos) << text;
  EXPECT_TRUE(std::isinf(load_model_dir(dir.path()).config().time_step_limit_max));
}

TEST(CheckpointRoundTrip, ShardedWithIndex) {
  const Model m = init_model(testing::tiny_config(Family::Jamba), 7);
  TempDir dir;
  save_model_dir(m, dir.path(), {DType::BF16, 4096});
  const auto names = listing(dir.path());
  ASSERT_GT(names.size(), 4u);
  const size_t n = names.size() - 2;  // config.json + index
  char last[64];
  std::snprintf(last, sizeof last, "model-%05zu-of-%05zu.safetensors", n, n);
  EXPECT_NE(std::find(names.begin(), names.end(), "model-00001-of-" + std::string(last).substr(15)),
            names.end());
  EXPECT_NE(std::find(names.begin(), names.end(), last), names.end());
  EXPECT_NE(std::find(names.begin(), names.end(), "model.safetensors.index.json"), names.end());
  EXPECT_EQ(std::find(names.begin(), names.end(), "model.safetensors"), names.end());

  const auto index =
      nlohmann::json::parse(testing::read_bytes(dir / "model.safetensors.index.json"));
  EXPECT_EQ(index["metadata"]["total_size"], count_params(m.config()).total * 2);
  EXPECT_EQ(index["weight_map"].size(), param_specs(m.config()).size());
  for (const auto& [tensor, shard] : index["weight_map"].items()) {
    const auto h = safetensors::read_header(dir / shard.get<std::string>());
    EXPECT_NE(h.find(tensor), nullptr) << tensor;
    // Every shard respects the limit unless it holds a single larger tensor.
    EXPECT_TRUE(h.data_bytes <= 4096 || h.tensors.size() == 1) << shard;
  }
  expect_same_model(m, load_model_dir(dir.path()), DType::BF16);
  EXPECT_EQ(inspect_model_dir(dir.path()).files.size(), n);
}

TEST(CheckpointRoundTrip, ResavingSwitchesLayoutsWithoutStaleFiles) {
  const Model a = init_model(testing::tiny_config(Family::Llama), 1);
  const Model b = init_model(testing::tiny_config(Family::Llama), 2);
  TempDir dir;
  save_model_dir(a, dir.path(), {DType::F32, 2048});
  ASSERT_GT(listing(dir.path()).size(), 3u);
  save_model_dir(b, dir.path(), {DType::F32, 0});
  EXPECT_EQ(listing(dir.path()), (std::vector<std::string>{"config.json", "model.safetensors"}));
  expect_same_model(b, load_model_dir(dir.path()), DType::F32);
  save_model_dir(a, dir.path(), {DType::F16, 3000});
  for (const auto& name : listing(dir.path())) EXPECT_NE(name, "model.safetensors");
  expect_same_model(a, load_model_dir(dir.path()), DType::F16);
}

TEST(CheckpointRoundTrip, OneShardIsWrittenAsAPlainFile) {
  const Model m = init_model(testing::tiny_config(Family::Mamba1), 3);
  TempDir dir;
  save_model_dir(m, dir.path(), {DType::F32, int64_t{1} << 40});
  EXPECT_EQ(listing(dir.path()), (std::vector<std::string>{"config.json", "model.safetensors"}));
}

TEST(CheckpointRoundTrip, SymlinkedFilesLoadAsInTheHfCache) {
  // snapshots/<rev>/{config.json, model.safetensors} -> ../../blobs/<hash>
  const Model m = init_model(testing::tiny_config(Family::GPT2), 5);
  TempDir root;
  const fs::path saved = root / "saved";
  save_model_dir(m, saved);
  fs::create_directories(root / "blobs");
  fs::create_directories(root / "snapshots" / "abc123");
  fs::rename(saved / "config.json", root / "blobs" / "c0ffee");
  fs::rename(saved / "model.safetensors", root / "blobs" / "deadbeef");
  fs::create_symlink("../../blobs/c0ffee", root / "snapshots" / "abc123" / "config.json");
  fs::create_symlink("../../blobs/deadbeef", root / "snapshots" / "abc123" / "model.safetensors");
  expect_same_model(m, load_model_dir(root / "snapshots" / "abc123"), DType::F32);
  // The directory itself may be a link too.
  fs::create_directory_symlink(root / "snapshots" / "abc123", root / "latest");
  expect_same_model(m, load_model_dir(root / "latest"), DType::F32);
}

TEST(CheckpointRoundTrip, SymlinkedShardsAndIndexLoad) {
  const Model m = init_model(testing::tiny_config(Family::Mamba2), 9);
  TempDir root;
  save_model_dir(m, root / "saved", {DType::F16, 1500});
  fs::create_directories(root / "blobs");
  fs::create_directories(root / "snap");
  int i = 0;
  for (const auto& name : listing(root / "saved")) {
    const fs::path blob = root / "blobs" / ("blob" + std::to_string(i++));
    fs::rename(root / "saved" / name, blob);
    fs::create_symlink(fs::absolute(blob), root / "snap" / name);  // absolute target elsewhere
  }
  expect_same_model(m, load_model_dir(root / "snap"), DType::F16);
}

TEST(CheckpointRoundTrip, SaveLeavesNoTemporaryFiles) {
  TempDir dir;
  save_model_dir(init_model(testing::tiny_config(Family::Llama), 4), dir.path(),
                 {DType::F32, 1024});
  for (const auto& name : listing(dir.path()))
    EXPECT_TRUE(name == "config.json" || name == "model.safetensors.index.json" ||
                name.rfind("model-", 0) == 0)
        << name;
}

}  // namespace
}  // namespace seqlens
