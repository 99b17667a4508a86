// Loading crafted and malformed model directories (checkpoint.h): alternative spellings and
// buffers that must load, and one test per class of broken directory, each asserting the
// specific error (kind, file, tensor or field, problem).
#include <gtest/gtest.h>

#include <filesystem>
#include <map>

#include <nlohmann/json.hpp>

#include "core/io/checkpoint.h"
#include "core/io/hf_config.h"
#include "core/model/param_spec.h"
#include "tests/core/io/io_test_util.h"
#include "tests/support/safetensors_builder.h"

namespace seqlens {
namespace {

namespace fs = std::filesystem;
using testing::FailsWith;
using testing::SafetensorsBuilder;
using testing::TempDir;

// A directory written tensor by tensor with the raw builder (not the production writer).
class CraftedDir : public ::testing::Test {
 protected:
  void use(Family f) {
    config_ = testing::tiny_config(f);
    tensors_ = init_model(config_, 11).tensors();
  }
  void write_config(const nlohmann::json& j) {
    testing::write_text(dir_ / "config.json", j.dump());
  }
  void write_config() { write_config(config_to_hf_json(config_)); }
  // Writes `tensors` as `file` (default model.safetensors) in map order.
  void write_weights(const std::map<std::string, Tensor>& tensors,
                     const std::string& file = "model.safetensors") {
    SafetensorsBuilder b;
    for (const auto& [name, t] : tensors) b.add_tensor(name, t);
    b.write(dir_ / file);
  }
  void write_all() {
    write_config();
    write_weights(tensors_);
  }
  ::testing::AssertionResult LoadFails(ErrorKind kind, const std::vector<std::string>& parts) {
    auto r = FailsWith([&] { load_model_dir(dir_.path()); }, kind, parts);
    if (!r) return r;
    return FailsWith([&] { inspect_model_dir(dir_.path()); }, kind, parts);
  }
  // Splits the tensors into two shards by name parity and writes an index for them.
  nlohmann::json write_sharded() {
    std::map<std::string, Tensor> a, b;
    nlohmann::json wm;
    bool odd = false;
    for (const auto& [name, t] : tensors_) {
      (odd ? b : a).emplace(name, t);
      wm[name] = odd ? "model-00002-of-00002.safetensors" : "model-00001-of-00002.safetensors";
      odd = !odd;
    }
    write_config();
    write_weights(a, "model-00001-of-00002.safetensors");
    write_weights(b, "model-00002-of-00002.safetensors");
    return {{"metadata", {{"total_size", 0}}}, {"weight_map", wm}};
  }
  void write_index(const nlohmann::json& j) {
    testing::write_text(dir_ / "model.safetensors.index.json", j.dump());
  }

  TempDir dir_;
  ModelConfig config_;
  std::map<std::string, Tensor> tensors_;
};

// ---- Spellings and extras that must load ----

TEST_F(CraftedDir, Gpt2WithoutTransformerPrefixAndWithAttentionBuffersLoads) {
  use(Family::GPT2);
  std::map<std::string, Tensor> hub;
  for (const auto& [name, t] : tensors_)
    hub.emplace(name.substr(std::string("transformer.").size()), t);
  const int64_t P = config_.max_position_embeddings;
  for (int64_t i = 0; i < config_.n_layers; ++i) {
    hub.emplace("h." + std::to_string(i) + ".attn.bias", Tensor({1, 1, P, P}));
    hub.emplace("h." + std::to_string(i) + ".attn.masked_bias", Tensor(std::vector<int64_t>{}));
  }
  write_config();
  write_weights(hub);
  const Model m = load_model_dir(dir_.path());
  EXPECT_EQ(m.tensors().size(), tensors_.size());
  EXPECT_EQ(m.tensor("transformer.h.1.mlp.c_fc.weight").data,
            tensors_.at("transformer.h.1.mlp.c_fc.weight").data);
  EXPECT_EQ(inspect_model_dir(dir_.path()).tensor_count,
            static_cast<int64_t>(tensors_.size()) + 2 * config_.n_layers);
}

TEST_F(CraftedDir, Gpt2BuffersOfNonFloatDtypesAreSkipped) {
  use(Family::GPT2);
  write_config();
  SafetensorsBuilder b;
  for (const auto& [name, t] : tensors_) b.add_tensor(name, t);
  b.add("transformer.h.0.attn.bias", "BOOL", {2, 2}, {1, 0, 1, 1});
  b.write(dir_ / "model.safetensors");
  EXPECT_EQ(load_model_dir(dir_.path()).tensors().size(), tensors_.size());
}

TEST_F(CraftedDir, MambaEmbeddingSpellingOfTheOriginalCheckpointLoads) {
  use(Family::Mamba1);
  auto t = tensors_;
  auto node = t.extract("backbone.embeddings.weight");
  node.key() = "backbone.embedding.weight";
  t.insert(std::move(node));
  write_config();
  write_weights(t);
  const Model m = load_model_dir(dir_.path());
  EXPECT_EQ(m.tensor("backbone.embeddings.weight").data,
            tensors_.at("backbone.embeddings.weight").data);
}

TEST_F(CraftedDir, TiedModelsStrayLmHeadIsAcceptedAndIgnored) {
  use(Family::Mamba1);
  ASSERT_TRUE(config_.tie_word_embeddings);
  auto t = tensors_;
  Tensor head({config_.vocab_size, config_.d_model});
  head.data.assign(head.data.size(), 123.0f);
  t.emplace("lm_head.weight", head);
  write_config();
  write_weights(t);
  const Model m = load_model_dir(dir_.path());
  EXPECT_EQ(m.tensors().count("lm_head.weight"), 0u);
  EXPECT_EQ(m.tensor("backbone.embeddings.weight").data,
            tensors_.at("backbone.embeddings.weight").data);
  // With a shape that is not the embedding's, it is an error.
  t["lm_head.weight"] = Tensor({3, 3});
  write_weights(t);
  EXPECT_TRUE(LoadFails(ErrorKind::Checkpoint,
                        {"model.safetensors", "'lm_head.weight'", "shape [3, 3]", "[37, 16]"}));
}

TEST_F(CraftedDir, TensorsStoredInF16Convert) {
  use(Family::Llama);
  write_config();
  SafetensorsBuilder b;
  for (const auto& [name, t] : tensors_) {
    if (name == "model.norm.weight") {
      std::vector<uint16_t> h(t.data.size(), 0x3c00);  // 1.0 in F16
      b.add(name, "F16", t.shape, testing::u16_bytes(h));
    } else {
      b.add_tensor(name, t);
    }
  }
  b.write(dir_ / "model.safetensors");
  const Model m = load_model_dir(dir_.path());
  for (float v : m.tensor("model.norm.weight").data) EXPECT_EQ(v, 1.0f);
}

// ---- Names and shapes ----

TEST_F(CraftedDir, MissingTensor) {
  use(Family::Llama);
  auto t = tensors_;
  t.erase("model.layers.1.mlp.up_proj.weight");
  write_config();
  write_weights(t);
  EXPECT_TRUE(LoadFails(ErrorKind::Checkpoint,
                        {dir_.path().string(), "1 tensor required by the config is missing",
                         "'model.layers.1.mlp.up_proj.weight'"}));
}

TEST_F(CraftedDir, UnexpectedTensor) {
  use(Family::Mamba2);
  auto t = tensors_;
  t.emplace("backbone.layers.0.mixer.extra_gate", Tensor({4}));
  write_config();
  write_weights(t);
  EXPECT_TRUE(
      LoadFails(ErrorKind::Checkpoint,
                {"model.safetensors", "1 unexpected tensor (not part of a mamba2 checkpoint",
                 "'backbone.layers.0.mixer.extra_gate'"}));
}

TEST_F(CraftedDir, WrongShape) {
  use(Family::Llama);
  auto t = tensors_;
  t["model.layers.0.mlp.up_proj.weight"] = Tensor({12, 16});
  write_config();
  write_weights(t);
  EXPECT_TRUE(
      LoadFails(ErrorKind::Checkpoint, {"model.safetensors",
                                        "tensor 'model.layers.0.mlp.up_proj.weight' has shape "
                                        "[12, 16] but the config needs [24, 16]"}));
}

TEST_F(CraftedDir, SeveralProblemsAreReportedTogether) {
  use(Family::Jamba);
  auto t = tensors_;
  t.erase("model.final_layernorm.weight");
  t.emplace("model.layers.0.mamba.bogus", Tensor({1}));
  t["model.embed_tokens.weight"] = Tensor({36, 16});
  write_config();
  write_weights(t);
  EXPECT_TRUE(LoadFails(
      ErrorKind::Checkpoint,
      {"'model.final_layernorm.weight'", "1 unexpected tensor", "'model.layers.0.mamba.bogus'",
       "'model.embed_tokens.weight' has shape [36, 16]"}));
}

TEST_F(CraftedDir, AWrongFamilyReportsMissingAndUnexpectedNames) {
  use(Family::Llama);
  write_weights(tensors_);
  write_config(config_to_hf_json(testing::tiny_config(Family::Mamba1)));
  EXPECT_TRUE(
      LoadFails(ErrorKind::Checkpoint,
                {"unexpected tensors (not part of a mamba checkpoint",
                 "'model.embed_tokens.weight'", "26 tensors required by the config are missing",
                 "'backbone.embeddings.weight'", "and 18 more"}));
}

TEST_F(CraftedDir, TwoSpellingsOfTheSameTensor) {
  use(Family::GPT2);
  auto t = tensors_;
  t.emplace("wte.weight", tensors_.at("transformer.wte.weight"));
  write_config();
  write_weights(t);
  EXPECT_TRUE(LoadFails(ErrorKind::Checkpoint, {"two spellings of 'transformer.wte.weight'"}));
}

TEST_F(CraftedDir, ParameterStoredAsIntegers) {
  use(Family::Mamba1);
  write_config();
  SafetensorsBuilder b;
  for (const auto& [name, t] : tensors_) {
    if (name == "backbone.norm_f.weight")
      b.add(name, "I32", t.shape, testing::Bytes(4 * t.data.size()));
    else
      b.add_tensor(name, t);
  }
  b.write(dir_ / "model.safetensors");
  EXPECT_TRUE(LoadFails(ErrorKind::Checkpoint,
                        {"model.safetensors", "tensor 'backbone.norm_f.weight' has dtype I32"}));
}

TEST_F(CraftedDir, TruncatedWeights) {
  use(Family::GPT2);
  write_all();
  fs::resize_file(dir_ / "model.safetensors", fs::file_size(dir_ / "model.safetensors") - 7);
  EXPECT_TRUE(LoadFails(ErrorKind::Checkpoint, {"model.safetensors", "truncated"}));
}

// ---- config.json ----

TEST_F(CraftedDir, ConfigNotJson) {
  use(Family::GPT2);
  write_weights(tensors_);
  testing::write_text(dir_ / "config.json", "{\"model_type\": \"gpt2\",");
  EXPECT_TRUE(LoadFails(ErrorKind::Config, {"config.json", "config is not valid JSON"}));
}

TEST_F(CraftedDir, ConfigDuplicateKey) {
  use(Family::GPT2);
  write_weights(tensors_);
  testing::write_text(dir_ / "config.json",
                      R"({"model_type": "gpt2", "n_layer": 2, "n_layer": 12})");
  EXPECT_TRUE(LoadFails(ErrorKind::Config, {"config.json", "duplicate key 'n_layer'"}));
}

TEST_F(CraftedDir, ConfigFieldWrongType) {
  use(Family::Mamba1);
  write_weights(tensors_);
  auto j = config_to_hf_json(config_);
  j["state_size"] = "4";
  write_config(j);
  EXPECT_TRUE(LoadFails(ErrorKind::Config, {(dir_ / "config.json").string(),
                                            "field 'state_size' must be an integer"}));
}

TEST_F(CraftedDir, ConfigValueOutOfRange) {
  use(Family::Jamba);
  write_weights(tensors_);
  auto j = config_to_hf_json(config_);
  j["attn_layer_offset"] = 2;  // period 2
  write_config(j);
  EXPECT_TRUE(LoadFails(ErrorKind::Config, {"config.json", "'attn_layer_offset'", "got 2"}));
  j = config_to_hf_json(config_);
  j["num_attention_heads"] = 3;  // does not divide 16
  write_config(j);
  EXPECT_TRUE(LoadFails(ErrorKind::Config, {"config.json", "does not divide"}));
}

TEST_F(CraftedDir, UnknownModelType) {
  use(Family::Llama);
  write_weights(tensors_);
  auto j = config_to_hf_json(config_);
  j["model_type"] = "mistral";
  write_config(j);
  EXPECT_TRUE(LoadFails(ErrorKind::Config, {"config.json", "\"mistral\"", "not supported"}));
}

TEST_F(CraftedDir, MissingFilesAreIoErrors) {
  use(Family::Llama);
  EXPECT_TRUE(LoadFails(ErrorKind::Io, {"config.json", "not found"}));
  write_config();
  EXPECT_TRUE(LoadFails(ErrorKind::Io, {"no model.safetensors or model.safetensors.index.json"}));
  EXPECT_TRUE(
      FailsWith([&] { load_model_dir(dir_ / "nope"); }, ErrorKind::Io, {"not a directory"}));
}

// ---- Sharded checkpoints ----

TEST_F(CraftedDir, CraftedShardsLoad) {
  use(Family::Jamba);
  write_index(write_sharded());
  const Model m = load_model_dir(dir_.path());
  EXPECT_EQ(m.tensors().size(), tensors_.size());
  EXPECT_EQ(inspect_model_dir(dir_.path()).files.size(), 2u);
}

TEST_F(CraftedDir, IndexPointingOutsideTheDirectory) {
  use(Family::Mamba1);
  for (const std::string bad :
       {"../model-00001-of-00002.safetensors", "/tmp/model-00001-of-00002.safetensors",
        "sub/model-00001-of-00002.safetensors", "..", ".", "sub\\x.safetensors", ""}) {
    nlohmann::json index = write_sharded();
    index["weight_map"]["backbone.norm_f.weight"] = bad;
    write_index(index);
    EXPECT_TRUE(LoadFails(ErrorKind::Checkpoint,
                          {"model.safetensors.index.json", "tensor 'backbone.norm_f.weight'",
                           "'" + bad + "'", "not a plain file name"}))
        << bad;
  }
}

TEST_F(CraftedDir, IndexNamingAMissingShard) {
  use(Family::Mamba1);
  nlohmann::json index = write_sharded();
  index["weight_map"]["backbone.norm_f.weight"] = "model-00003-of-00003.safetensors";
  write_index(index);
  EXPECT_TRUE(LoadFails(
      ErrorKind::Checkpoint,
      {"model.safetensors.index.json", "'model-00003-of-00003.safetensors'", "does not exist"}));
}

TEST_F(CraftedDir, IndexTensorInTheWrongShard) {
  use(Family::Mamba1);
  nlohmann::json index = write_sharded();
  const std::string name = index["weight_map"].begin().key();  // stored in shard 1
  index["weight_map"][name] = "model-00002-of-00002.safetensors";
  write_index(index);
  EXPECT_TRUE(LoadFails(ErrorKind::Checkpoint,
                        {"model.safetensors.index.json", "tensor '" + name + "'",
                         "mapped to shard 'model-00002-of-00002.safetensors' but is stored in "
                         "'model-00001-of-00002.safetensors'"}));
}

TEST_F(CraftedDir, IndexListsATensorNoShardHolds) {
  use(Family::Mamba1);
  nlohmann::json index = write_sharded();
  index["weight_map"]["backbone.ghost"] = "model-00001-of-00002.safetensors";
  write_index(index);
  EXPECT_TRUE(LoadFails(ErrorKind::Checkpoint, {"tensor 'backbone.ghost'", "does not contain it"}));
}

TEST_F(CraftedDir, ShardHoldsATensorTheIndexOmits) {
  use(Family::Mamba1);
  nlohmann::json index = write_sharded();
  index["weight_map"].erase("backbone.norm_f.weight");
  write_index(index);
  EXPECT_TRUE(LoadFails(ErrorKind::Checkpoint, {"tensor 'backbone.norm_f.weight'",
                                                "is not listed in model.safetensors.index.json"}));
}

TEST_F(CraftedDir, SameTensorInTwoShards) {
  use(Family::Mamba1);
  nlohmann::json index = write_sharded();
  write_index(index);
  std::map<std::string, Tensor> b;
  for (const auto& [name, shard] : index["weight_map"].items())
    if (shard == "model-00002-of-00002.safetensors") b.emplace(name, tensors_.at(name));
  const std::string dup = index["weight_map"].begin().key();
  b.emplace(dup, tensors_.at(dup));
  write_weights(b, "model-00002-of-00002.safetensors");
  EXPECT_TRUE(LoadFails(ErrorKind::Checkpoint, {"tensor '" + dup + "' is also stored in"}));
}

TEST_F(CraftedDir, MalformedIndex) {
  use(Family::Mamba1);
  write_sharded();
  testing::write_text(dir_ / "model.safetensors.index.json", "{\"weight_map\": ");
  EXPECT_TRUE(LoadFails(ErrorKind::Checkpoint,
                        {"model.safetensors.index.json", "index is not valid JSON"}));
  write_index({{"metadata", {}}});
  EXPECT_TRUE(LoadFails(ErrorKind::Checkpoint, {"has no 'weight_map'"}));
  write_index({{"weight_map", {1, 2}}});
  EXPECT_TRUE(LoadFails(ErrorKind::Checkpoint, {"'weight_map' is not an object"}));
  write_index({{"weight_map", {{"backbone.norm_f.weight", 3}}}});
  EXPECT_TRUE(
      LoadFails(ErrorKind::Checkpoint, {"tensor 'backbone.norm_f.weight'", "is not a string"}));
}

TEST_F(CraftedDir, MalformedShardIsNamed) {
  use(Family::Mamba1);
  write_index(write_sharded());
  testing::write_bytes(dir_ / "model-00002-of-00002.safetensors", testing::assemble("[]", {}));
  EXPECT_TRUE(LoadFails(ErrorKind::Checkpoint,
                        {"model-00002-of-00002.safetensors", "header is not a JSON object"}));
}

}  // namespace
}  // namespace seqlens
