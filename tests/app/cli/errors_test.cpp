// seqlens-cli on bad input: exactly one stderr line "seqlens-cli: error: <specific message>",
// exit 2 for usage errors and 1 for everything else, and no output file (nor temporary) left.
#include <gtest/gtest.h>

#include <functional>

#include "core/io/checkpoint.h"
#include "core/model/model.h"
#include "core/model/presets.h"
#include "tests/app/cli/cli_test_util.h"

namespace seqlens::testing {
namespace {

namespace fs = std::filesystem;

struct BadInput {
  std::string name;
  std::vector<std::string> args;
  int exit_code;
  std::string message;  // must appear in the error line
  std::function<void(const fs::path&)> setup = {};
};

std::string many_ids(int n) {
  std::string s;
  for (int i = 0; i < n; ++i) s += std::to_string(i % 256) + " ";
  return s;
}

// A directory holding a valid model whose vocabulary is too small for the byte tokenizer.
void small_vocab_model(const fs::path& dir) {
  ModelConfig c = preset_config("mamba1-tiny");
  c.vocab_size = 100;
  c.pad_token_id = 0;
  c.bos_token_id = 1;
  c.eos_token_id = 2;
  save_model_dir(init_model(c, 7), dir / "small");
}

const std::vector<BadInput> kCases = {
    // Usage (exit 2)
    {"NoSubcommand", {}, 2, "subcommand"},
    {"UnknownSubcommand", {"frobnicate"}, 2, "unknown command 'frobnicate'"},
    {"UnknownOption",
     {"run", "--model", "gpt2-tiny", "--text", "a", "--bogus", "--out", "o.npz"},
     2,
     "--bogus"},
    {"MissingModel", {"run", "--text", "a", "--out", "o.npz"}, 2, "--model is required"},
    {"MissingOut", {"run", "--model", "gpt2-tiny", "--text", "a"}, 2, "--out is required"},
    {"NoInput", {"run", "--model", "gpt2-tiny", "--out", "o.npz"}, 2, "--text or --tokens"},
    {"TextAndTokens",
     {"run", "--model", "gpt2-tiny", "--text", "a", "--tokens", "1", "--out", "o.npz"},
     2,
     "excludes"},
    {"OutNotNpz",
     {"run", "--model", "gpt2-tiny", "--text", "a", "--out", "o.bin"},
     2,
     "--out must name a .npz file"},
    {"MalformedTokenList",
     {"run", "--model", "gpt2-tiny", "--tokens", "1,two,3", "--out", "o.npz"},
     2,
     "'two' is not a token id"},
    {"UnknownSite",
     {"run", "--model", "gpt2-tiny", "--text", "a", "--record", "attn.bogus", "--out", "o.npz"},
     2,
     "unknown site 'attn.bogus'"},
    {"HiddenAttnWithoutChannels",
     {"run", "--model", "mamba1-tiny", "--text", "a", "--record", "ssm.hidden_attn", "--out",
      "o.npz"},
     2,
     "needs --hidden-channels"},
    {"MalformedLayers",
     {"run", "--model", "gpt2-tiny", "--text", "a", "--record", "all", "--layers", "0,x", "--out",
      "o.npz"},
     2,
     "--layers: 'x'"},
    {"ZeroBudget",
     {"run", "--model", "gpt2-tiny", "--text", "a", "--budget-mb", "0", "--out", "o.npz"},
     2,
     "--budget-mb"},
    {"BadDtype", {"save", "--model", "gpt2-tiny", "--out", "m", "--dtype", "f64"}, 2, "--dtype"},
    {"GenerateZeroSteps",
     {"generate", "--model", "gpt2-tiny", "--text", "a", "-n", "0"},
     2,
     "not a positive number"},
    // Models (exit 1)
    {"UnknownPreset",
     {"run", "--model", "gpt5-huge", "--text", "a", "--out", "o.npz"},
     1,
     "'gpt5-huge' is neither a preset nor a model directory"},
    {"InfoUnknownPreset", {"info", "--model", "gpt5-huge"}, 1, "neither a preset"},
    {"ModelDirWithoutConfig",
     {"run", "--model", "emptydir", "--text", "a", "--out", "o.npz"},
     1,
     "config.json",
     [](const fs::path& d) { fs::create_directory(d / "emptydir"); }},
    {"ModelDirWithBrokenConfig",
     {"info", "--model", "broken"},
     1,
     "config.json",
     [](const fs::path& d) {
       fs::create_directory(d / "broken");
       write_text(d / "broken" / "config.json", "{\"model_type\": \"llama\", ");
     }},
    {"ModelDirWithTruncatedWeights",
     {"run", "--model", "trunc", "--text", "a", "--out", "o.npz"},
     1,
     "model.safetensors",
     [](const fs::path& d) {
       save_model_dir(make_preset("gpt2-tiny"), d / "trunc");
       fs::resize_file(d / "trunc" / "model.safetensors", 1000);
     }},
    {"ModelIsAFile",
     {"run", "--model", "afile", "--text", "a", "--out", "o.npz"},
     1,
     "not a directory",
     [](const fs::path& d) { write_text(d / "afile", "x"); }},
    {"TextOnSmallVocabularyModel",
     {"run", "--model", "small", "--text", "a", "--out", "o.npz"},
     1,
     "pass --tokens",
     small_vocab_model},
    // Inputs (exit 1)
    {"TokenIdTooLarge",
     {"run", "--model", "gpt2-tiny", "--tokens", "1,2,260", "--out", "o.npz"},
     1,
     "token id 260 at position 2 is outside the vocabulary [0, 260)"},
    {"NegativeTokenId",
     {"run", "--model", "llama-tiny", "--tokens=-1", "--out", "o.npz"},
     1,
     "token id -1 at position 0 is outside the vocabulary"},
    {"TokenIdOutsideSmallVocabulary",
     {"run", "--model", "small", "--tokens", "5,100", "--out", "o.npz"},
     1,
     "token id 100 at position 1 is outside the vocabulary [0, 100)",
     small_vocab_model},
    {"EmptyText",
     {"run", "--model", "gpt2-tiny", "--text", "", "--out", "o.npz"},
     1,
     "empty input"},
    {"EmptyTokenFile",
     {"run", "--model", "gpt2-tiny", "--tokens", "@ids.txt", "--out", "o.npz"},
     1,
     "empty input",
     [](const fs::path& d) { write_text(d / "ids.txt", " ,\n\t, "); }},
    {"MissingTokenFile",
     {"run", "--model", "gpt2-tiny", "--tokens", "@nope.txt", "--out", "o.npz"},
     1,
     "nope.txt: cannot read"},
    {"MalformedTokenFile",
     {"run", "--model", "gpt2-tiny", "--tokens", "@ids.txt", "--out", "o.npz"},
     1,
     "ids.txt: item 3 'x7' is not a token id",
     [](const fs::path& d) { write_text(d / "ids.txt", "1 2\nx7 4"); }},
    {"GenerateBadToken",
     {"generate", "--model", "mamba2-tiny", "--tokens", "999", "-n", "2"},
     1,
     "outside the vocabulary"},
    {"LayerOutOfRange",
     {"run", "--model", "gpt2-tiny", "--text", "a", "--record", "all", "--layers", "4", "--out",
      "o.npz"},
     1,
     "layer 4 does not exist (the model has 4 layers)"},
    {"HiddenChannelOutOfRange",
     {"run", "--model", "mamba2-tiny", "--text", "a", "--record", "ssm.hidden_attn",
      "--hidden-channels", "8", "--out", "o.npz"},
     1,
     "head 8 does not exist"},
    // Sizes (exit 1)
    {"ExceedsMemoryLimit",
     {"run", "--model", "jamba-tiny", "--text", "a long enough input", "--max-memory-mb", "1",
      "--out", "o.npz"},
     1,
     "above the memory limit"},
    {"LongInputExceedsMemoryLimit",
     {"run", "--model", "mamba1-tiny", "--tokens", "@ids.txt", "--max-memory-mb", "64", "--out",
      "o.npz"},
     1,
     "200000 tokens would need about",
     [](const fs::path& d) { write_text(d / "ids.txt", many_ids(200000)); }},
    {"GenerateExceedsMemoryLimit",
     {"generate", "--model", "llama-tiny", "--text", "a", "-n", "10", "--max-memory-mb", "0.5"},
     1,
     "above the memory limit"},
    {"RecordingExceedsBudget",
     {"run", "--model", "gpt2-tiny", "--tokens", "@ids.txt", "--record", "attn.pattern",
      "--budget-mb", "1", "--out", "o.npz"},
     1,
     "budget",
     [](const fs::path& d) { write_text(d / "ids.txt", many_ids(600)); }},
    {"PastGpt2Positions",
     {"run", "--model", "gpt2-tiny", "--tokens", "@ids.txt", "--out", "o.npz"},
     1,
     "learned positions",
     [](const fs::path& d) {
       const int64_t n = preset_config("gpt2-tiny").max_position_embeddings;
       write_text(d / "ids.txt", many_ids(static_cast<int>(n) + 1));
     }},
    // Files (exit 1)
    {"OutputDirectoryMissing",
     {"run", "--model", "gpt2-tiny", "--text", "a", "--out", "missing/o.npz"},
     1,
     "missing/o.npz: cannot write"},
    {"SidecarCannotBeWritten",
     {"run", "--model", "gpt2-tiny", "--text", "a", "--out", "o.npz"},
     1,
     "o.json: cannot write",
     [](const fs::path& d) { fs::create_directory(d / "o.json"); }},
    {"GenerateOutputDirectoryMissing",
     {"generate", "--model", "gpt2-tiny", "--text", "a", "-n", "1", "--out", "missing/g.json"},
     1,
     "missing/g.json: cannot write"},
};

// Readable test output: the case's arguments instead of a byte dump.
void PrintTo(const BadInput& c, std::ostream* os) {
  *os << c.name << ":";
  for (const std::string& a : c.args) *os << " " << a;
}

class BadInputTest : public ::testing::TestWithParam<BadInput> {};

TEST_P(BadInputTest, OneErrorLineExitCodeAndNoOutput) {
  const BadInput& c = GetParam();
  TempDir dir;
  if (c.setup) c.setup(dir.path());
  const std::vector<std::string> before = dir.entries();

  const CliResult r = run_cli(c.args, dir.path());
  EXPECT_EQ(r.exit_code, c.exit_code) << r.err;
  const std::vector<std::string> lines = r.err_lines();
  ASSERT_EQ(lines.size(), 1u) << "stderr:\n" << r.err;
  EXPECT_EQ(lines[0].rfind("seqlens-cli: error: ", 0), 0u) << lines[0];
  EXPECT_NE(lines[0].find(c.message), std::string::npos)
      << "expected '" << c.message << "' in: " << lines[0];
  EXPECT_EQ(dir.entries(), before) << "an output or temporary file was left behind";
}

INSTANTIATE_TEST_SUITE_P(Cli, BadInputTest, ::testing::ValuesIn(kCases),
                         [](const auto& info) { return info.param.name; });

TEST(Help, PrintsUsageAndExitsZero) {
  TempDir dir;
  const CliResult r = run_cli({"run", "--help"}, dir.path());
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("--record"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("--hidden-channels"), std::string::npos);
  EXPECT_TRUE(dir.entries().empty());
}

}  // namespace
}  // namespace seqlens::testing
