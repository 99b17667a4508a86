// seqlens-cli generate: greedy steps agree with one parallel forward over the same tokens, KV
// caches grow by a fixed amount per token while SSM states stay constant.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <sstream>

#include "core/model/model.h"
#include "core/model/presets.h"
#include "tests/app/cli/cli_test_util.h"
#include "tests/support/npz_reader.h"

namespace seqlens::testing {
namespace {

class GenerateForPreset : public ::testing::TestWithParam<std::string> {};

TEST_P(GenerateForPreset, StepsMatchTheParallelForwardAndReportStateSizes) {
  TempDir dir;
  const std::string name = GetParam();
  const int kSteps = 6;
  const CliResult r = run_cli({"generate", "--model", name, "--text", "Once upon", "-n",
                               std::to_string(kSteps), "--out", "gen.json"},
                              dir.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(r.err.empty()) << r.err;
  EXPECT_NE(r.out.find("text: Once upon"), std::string::npos) << r.out;

  const nlohmann::json j = read_json(dir / "gen.json");
  const auto prompt = j.at("prompt_tokens").get<std::vector<int32_t>>();
  const auto generated = j.at("generated_tokens").get<std::vector<int32_t>>();
  ASSERT_EQ(prompt.size(), 9u);
  ASSERT_EQ(generated.size(), static_cast<size_t>(kSteps));
  const auto& steps = j.at("steps");
  ASSERT_EQ(steps.size(), static_cast<size_t>(kSteps));

  const ModelConfig c = preset_config(name);
  const CostEstimate cost = estimate_cost(c, 1);
  for (int i = 0; i < kSteps; ++i) {
    const auto& s = steps[static_cast<size_t>(i)];
    EXPECT_EQ(s.at("step"), i + 1);
    EXPECT_EQ(s.at("token"), generated[static_cast<size_t>(i)]);
    EXPECT_FALSE(s.at("label").get<std::string>().empty());
    EXPECT_GE(generated[static_cast<size_t>(i)], 0);
    EXPECT_LT(generated[static_cast<size_t>(i)], c.vocab_size);
    // After step i the model has consumed prompt + i + 1 tokens.
    const int64_t pos = static_cast<int64_t>(prompt.size()) + i + 1;
    EXPECT_EQ(s.at("kv_bytes").get<int64_t>(), pos * cost.kv_bytes_per_token) << "step " << i;
    EXPECT_EQ(s.at("ssm_bytes").get<int64_t>(), cost.ssm_state_bytes) << "step " << i;
  }

  // Greedy consistency: run prompt + generated[0..N-2] in one parallel pass; the argmax at the
  // last prompt position and after each fed token must be the generated token (up to float
  // noise between the step and the parallel kernels).
  std::string ids;
  std::vector<int32_t> all = prompt;
  all.insert(all.end(), generated.begin(), generated.end() - 1);
  for (int32_t id : all) ids += std::to_string(id) + ",";
  const CliResult run =
      run_cli({"run", "--model", name, "--tokens", ids, "--out", "p.npz"}, dir.path());
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const NpyEntry logits = read_npz(dir / "p.npz").at("logits");
  const std::vector<float> L = logits.f32();
  const int64_t V = logits.shape[1];
  for (int i = 0; i < kSteps; ++i) {
    const int64_t row = static_cast<int64_t>(prompt.size()) - 1 + i;
    const float* p = L.data() + row * V;
    const float best = *std::max_element(p, p + V);
    EXPECT_NEAR(p[generated[static_cast<size_t>(i)]], best, 1e-3) << "step " << i;
  }
}

INSTANTIATE_TEST_SUITE_P(AllPresets, GenerateForPreset, ::testing::ValuesIn(preset_names()),
                         [](const auto& info) {
                           std::string s = info.param;
                           for (char& ch : s) {
                             if (ch == '-') ch = '_';
                           }
                           return s;
                         });

TEST(Generate, IsDeterministic) {
  TempDir dir;
  const CliResult a =
      run_cli({"generate", "--model", "jamba-tiny", "--tokens", "1,2,3", "-n", "4"}, dir.path());
  const CliResult b =
      run_cli({"generate", "--model", "jamba-tiny", "--tokens", "1,2,3", "-n", "4"}, dir.path());
  ASSERT_EQ(a.exit_code, 0) << a.err;
  // Timings differ between runs; everything else must not. Step lines end with their time.
  auto strip_ms = [](const std::string& out) {
    std::string kept;
    std::istringstream in(out);
    std::string line;
    while (std::getline(in, line)) {
      if (line.rfind("prompt:", 0) == 0) continue;
      const size_t first = line.find_first_not_of(' ');
      if (first != std::string::npos && std::isdigit(static_cast<unsigned char>(line[first]))) {
        line.resize(line.find_last_of(' '));
        line.resize(line.find_last_not_of(' ') + 1);
      }
      kept += line + "\n";
    }
    return kept;
  };
  EXPECT_EQ(strip_ms(a.out), strip_ms(b.out));
  EXPECT_TRUE(dir.entries().empty()) << "no --out, no file";
}

}  // namespace
}  // namespace seqlens::testing
