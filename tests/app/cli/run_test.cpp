// seqlens-cli run: the .npz holds exactly the documented arrays with the documented shapes for
// every family, the sidecar documents each of them, and the values are sane (attention rows are
// distributions, router rows too, top-k indices are expert ids).
#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <set>

#include "core/model/config.h"
#include "core/model/presets.h"
#include "core/model/tokenizer.h"
#include "tests/app/cli/cli_test_util.h"
#include "tests/support/npz_reader.h"

namespace seqlens::testing {
namespace {

using Shape = std::vector<int64_t>;

// name -> shape of every array `run --record all` must write, from the model's definition.
std::map<std::string, Shape> expected_arrays(const ModelConfig& c, int64_t T) {
  std::map<std::string, Shape> out = {{"tokens", {T}}, {"logits", {T, c.vocab_size}}};
  const auto map = c.layer_map();
  for (size_t l = 0; l < map.size(); ++l) {
    const std::string b = "blocks." + std::to_string(l) + ".";
    switch (map[l].mixer) {
      case MixerKind::Attention:
        out[b + "attn.pattern"] = {c.n_heads, T, T};
        break;
      case MixerKind::Mamba1:
        out[b + "ssm.delta"] = {T, c.d_inner};
        out[b + "ssm.B"] = {T, c.d_state};
        out[b + "ssm.C"] = {T, c.d_state};
        out[b + "ssm.state"] = {T, c.d_inner, c.d_state};
        break;
      case MixerKind::Mamba2:
        out[b + "ssm.delta"] = {T, c.ssm_heads};
        out[b + "ssm.B"] = {T, c.n_groups, c.d_state};
        out[b + "ssm.C"] = {T, c.n_groups, c.d_state};
        out[b + "ssm.state"] = {T, c.ssm_heads, c.ssm_head_dim, c.d_state};
        break;
    }
    if (map[l].ffn == FfnKind::MoE) {
      out[b + "moe.router_probs"] = {T, c.num_experts};
      out[b + "moe.topk_idx"] = {T, c.top_k};
      out[b + "moe.topk_weight"] = {T, c.top_k};
    }
    out[b + "resid_post"] = {T, c.d_model};
  }
  return out;
}

std::string ends_with_site(const std::string& name) {
  const size_t dot = name.find('.', name.find('.') + 1);  // after "blocks.{l}"
  return name.rfind("blocks.", 0) == 0 ? name.substr(dot + 1) : name;
}

class RunForPreset : public ::testing::TestWithParam<std::string> {};

TEST_P(RunForPreset, RecordAllWritesDocumentedArraysAndSidecar) {
  TempDir dir;
  const std::string name = GetParam();
  const std::string text = "Hello, SeqLens!";
  const CliResult r =
      run_cli({"run", "--model", name, "--text", text, "--record", "all", "--out", "trace.npz"},
              dir.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(r.err.empty()) << r.err;
  EXPECT_EQ(dir.entries(), (std::vector<std::string>{"trace.json", "trace.npz"}));

  const ModelConfig c = preset_config(name);
  const std::vector<int32_t> ids = ByteTokenizer::encode(text);
  const int64_t T = static_cast<int64_t>(ids.size());
  const auto npz = read_npz(dir / "trace.npz");
  const auto expected = expected_arrays(c, T);

  std::set<std::string> got_names, want_names;
  for (const auto& [n, e] : npz) got_names.insert(n);
  for (const auto& [n, s] : expected) want_names.insert(n);
  EXPECT_EQ(got_names, want_names);
  for (const auto& [n, shape] : expected) {
    if (!npz.count(n)) continue;
    const NpyEntry& e = npz.at(n);
    EXPECT_EQ(e.shape, shape) << n;
    EXPECT_EQ(e.descr, n == "tokens" || ends_with_site(n) == "moe.topk_idx" ? "<i4" : "<f4") << n;
    EXPECT_FALSE(e.fortran_order);
  }

  // Values.
  EXPECT_EQ(npz.at("tokens").i32(), ids);
  for (float v : npz.at("logits").f32()) ASSERT_TRUE(std::isfinite(v));
  for (const auto& [n, e] : npz) {
    const std::string site = ends_with_site(n);
    if (site == "attn.pattern") {
      const std::vector<float> p = e.f32();
      for (int64_t h = 0; h < e.shape[0]; ++h) {
        for (int64_t t = 0; t < T; ++t) {
          double sum = 0;
          for (int64_t s = 0; s < T; ++s) {
            const float v = p[static_cast<size_t>((h * T + t) * T + s)];
            EXPECT_GE(v, 0.0f);
            if (s > t) {
              EXPECT_EQ(v, 0.0f) << n << " is not causal at " << t << "," << s;
            }
            sum += v;
          }
          EXPECT_NEAR(sum, 1.0, 1e-4) << n << " head " << h << " row " << t;
        }
      }
    } else if (site == "moe.router_probs") {
      const std::vector<float> p = e.f32();
      for (int64_t t = 0; t < T; ++t) {
        double sum = 0;
        for (int64_t k = 0; k < e.shape[1]; ++k) sum += p[static_cast<size_t>(t * e.shape[1] + k)];
        EXPECT_NEAR(sum, 1.0, 1e-4) << n << " row " << t;
      }
    } else if (site == "moe.topk_idx") {
      for (int32_t v : e.i32()) {
        EXPECT_GE(v, 0);
        EXPECT_LT(v, c.num_experts);
      }
    } else if (site == "ssm.delta") {
      for (float v : e.f32()) EXPECT_GT(v, 0.0f) << n << ": Δ is a softplus";
    }
  }

  // The sidecar documents every array, with the same shape and type.
  const nlohmann::json side = read_json(dir / "trace.json");
  EXPECT_EQ(side.at("model"), name);
  EXPECT_EQ(side.at("family"), family_name(c.family));
  EXPECT_EQ(side.at("preset"), name);
  EXPECT_EQ(side.at("seed"), preset_seed(name));
  EXPECT_EQ(side.at("tokens"), T);
  EXPECT_EQ(side.at("text"), text);
  EXPECT_GE(side.at("forward_ms").get<double>(), 0.0);
  EXPECT_FALSE(side.contains("time_stride")) << "nothing was subsampled";
  std::set<std::string> documented;
  for (const auto& a : side.at("arrays")) {
    const std::string n = a.at("name");
    documented.insert(n);
    ASSERT_TRUE(npz.count(n)) << "sidecar documents a missing array " << n;
    const NpyEntry& e = npz.at(n);
    EXPECT_EQ(a.at("shape").get<Shape>(), e.shape) << n;
    EXPECT_EQ(a.at("dtype"), e.descr == "<i4" ? "int32" : "float32") << n;
    EXPECT_FALSE(a.at("meaning").get<std::string>().empty()) << n;
    EXPECT_FALSE(a.at("units").get<std::string>().empty()) << n;
    EXPECT_EQ(a.at("axes").size(), e.shape.size()) << n;
    if (n.rfind("blocks.", 0) == 0) {
      EXPECT_TRUE(a.contains("layer")) << n;
    }
  }
  EXPECT_EQ(documented, got_names);
}

INSTANTIATE_TEST_SUITE_P(AllPresets, RunForPreset, ::testing::ValuesIn(preset_names()),
                         [](const auto& info) {
                           std::string s = info.param;
                           for (char& ch : s) {
                             if (ch == '-') ch = '_';
                           }
                           return s;
                         });

TEST(Run, SidecarUnitsForLogitsDeltaAndState) {
  TempDir dir;
  const CliResult r = run_cli({"run", "--model", "mamba1-tiny", "--text", "abc", "--record",
                               "ssm.delta,ssm.state", "--out", "m.npz"},
                              dir.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::map<std::string, nlohmann::json> docs;
  const nlohmann::json side = read_json(dir / "m.json");
  for (const auto& a : side.at("arrays")) {
    docs[a.at("name").get<std::string>()] = a;
  }
  EXPECT_EQ(docs.at("logits").at("units"), "logit (nats, unnormalised)");
  EXPECT_EQ(docs.at("blocks.0.ssm.delta").at("units"), "time step Δ (dimensionless)");
  EXPECT_EQ(docs.at("blocks.0.ssm.state").at("units"), "SSM state value");
  EXPECT_EQ(docs.at("blocks.0.ssm.state").at("axes"),
            (nlohmann::json{"t", "inner channel", "state n"}));
  EXPECT_EQ(docs.size(), 2u + 2u * 4u) << "tokens, logits and two sites on four layers";
}

TEST(Run, WithoutRecordWritesTokensAndLogitsOnly) {
  TempDir dir;
  const CliResult r =
      run_cli({"run", "--model", "llama-tiny", "--tokens", "1,2,3", "--out", "x.npz"}, dir.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto npz = read_npz(dir / "x.npz");
  ASSERT_EQ(npz.size(), 2u);
  EXPECT_EQ(npz.at("tokens").i32(), (std::vector<int32_t>{1, 2, 3}));
  EXPECT_EQ(npz.at("logits").shape, (Shape{3, 260}));
}

TEST(Run, LayersSelectsWhichBlocksAreRecorded) {
  TempDir dir;
  const CliResult r = run_cli({"run", "--model", "gpt2-tiny", "--text", "hey", "--record",
                               "attn.pattern,resid_post", "--layers", "0,2", "--out", "l.npz"},
                              dir.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::set<std::string> names;
  for (const auto& [n, e] : read_npz(dir / "l.npz")) names.insert(n);
  EXPECT_EQ(names, (std::set<std::string>{"tokens", "logits", "blocks.0.attn.pattern",
                                          "blocks.0.resid_post", "blocks.2.attn.pattern",
                                          "blocks.2.resid_post"}));
}

TEST(Run, HiddenAttentionForChosenChannelsAndHeads) {
  TempDir dir;
  for (const std::string model : {"mamba1-tiny", "mamba2-tiny"}) {
    const CliResult r =
        run_cli({"run", "--model", model, "--text", "state", "--record", "ssm.hidden_attn",
                 "--hidden-channels", "0,3", "--layers", "1", "--out", "h.npz"},
                dir.path());
    ASSERT_EQ(r.exit_code, 0) << model << ": " << r.err;
    const auto npz = read_npz(dir / "h.npz");
    ASSERT_EQ(npz.count("blocks.1.ssm.hidden_attn"), 1u) << model;
    EXPECT_EQ(npz.at("blocks.1.ssm.hidden_attn").shape, (Shape{2, 5, 5})) << model;
    const nlohmann::json side = read_json(dir / "h.json");
    bool found = false;
    for (const auto& a : side.at("arrays")) {
      if (a.at("name") == "blocks.1.ssm.hidden_attn") {
        found = true;
        EXPECT_EQ(a.at("channels"), (nlohmann::json{0, 3}));
      }
    }
    EXPECT_TRUE(found);
  }
}

TEST(Run, AllIncludesHiddenAttentionOnlyWithHiddenChannels) {
  TempDir dir;
  ASSERT_EQ(run_cli({"run", "--model", "mamba2-tiny", "--text", "ab", "--record", "all", "--out",
                     "a.npz"},
                    dir.path())
                .exit_code,
            0);
  EXPECT_EQ(read_npz(dir / "a.npz").count("blocks.0.ssm.hidden_attn"), 0u);
  ASSERT_EQ(run_cli({"run", "--model", "mamba2-tiny", "--text", "ab", "--record", "all",
                     "--hidden-channels", "1", "--out", "b.npz"},
                    dir.path())
                .exit_code,
            0);
  const auto b = read_npz(dir / "b.npz");
  ASSERT_EQ(b.count("blocks.0.ssm.hidden_attn"), 1u);
  EXPECT_EQ(b.at("blocks.0.ssm.hidden_attn").shape, (Shape{1, 2, 2}));
}

TEST(Run, SubsampleKeepsEveryKthStateAndDocumentsTheStride) {
  TempDir dir;
  // 64 tokens x 4 layers x 256 x 16 floats = 4 MiB of state against a 1 MiB budget.
  std::string ids;
  for (int i = 0; i < 64; ++i) ids += std::to_string(i) + (i % 8 == 7 ? "\n" : " ");
  write_text(dir / "ids.txt", ids);
  const std::vector<std::string> base = {"run",       "--model",     "mamba1-tiny",
                                         "--tokens",  "@ids.txt",    "--record",
                                         "ssm.state", "--budget-mb", "1"};
  auto refused_args = base;
  refused_args.insert(refused_args.end(), {"--out", "refused.npz"});
  const CliResult refused = run_cli(refused_args, dir.path());
  EXPECT_EQ(refused.exit_code, 1);
  ASSERT_EQ(refused.err_lines().size(), 1u) << refused.err;
  EXPECT_NE(refused.err.find("budget"), std::string::npos) << refused.err;

  auto args = base;
  args.insert(args.end(), {"--subsample", "--out", "s.npz"});
  const CliResult r = run_cli(args, dir.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const nlohmann::json side = read_json(dir / "s.json");
  ASSERT_TRUE(side.contains("time_stride"));
  const int64_t stride = side.at("time_stride");
  EXPECT_GT(stride, 1);
  const auto npz = read_npz(dir / "s.npz");
  const NpyEntry& st = npz.at("blocks.0.ssm.state");
  EXPECT_EQ(st.shape, (Shape{(64 + stride - 1) / stride, 256, 16}));
  EXPECT_LE(4 * st.numel() * 4, int64_t{1} << 20) << "the kept states fit the budget";
  EXPECT_EQ(dir.entries(), (std::vector<std::string>{"ids.txt", "s.json", "s.npz"}));
}

TEST(Run, TokensFromFileWithCommasAndWhitespace) {
  TempDir dir;
  write_text(dir / "ids.txt", "72, 101,108\n108 111\t,44\n\n");
  const CliResult r = run_cli(
      {"run", "--model", "mamba2-tiny", "--tokens", "@ids.txt", "--out", "f.npz"}, dir.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(read_npz(dir / "f.npz").at("tokens").i32(),
            (std::vector<int32_t>{72, 101, 108, 108, 111, 44}));
  const nlohmann::json side = read_json(dir / "f.json");
  EXPECT_EQ(side.at("input"), "file:ids.txt");
  // The same ids as text give the same logits.
  ASSERT_EQ(
      run_cli({"run", "--model", "mamba2-tiny", "--text", "Hello,", "--out", "t.npz"}, dir.path())
          .exit_code,
      0);
  EXPECT_EQ(read_npz(dir / "t.npz").at("logits").bytes, read_npz(dir / "f.npz").at("logits").bytes);
}

TEST(Run, ReplacesAnExistingOutput) {
  TempDir dir;
  write_text(dir / "o.npz", "old");
  write_text(dir / "o.json", "old");
  const CliResult r =
      run_cli({"run", "--model", "gpt2-tiny", "--text", "x", "--out", "o.npz"}, dir.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(read_npz(dir / "o.npz").size(), 2u);
  EXPECT_EQ(read_json(dir / "o.json").at("tokens"), 1);
  EXPECT_EQ(dir.entries(), (std::vector<std::string>{"o.json", "o.npz"}));
}

}  // namespace
}  // namespace seqlens::testing

namespace seqlens::testing {
namespace {

TEST(CliRun, ProfileWritesAChromeTraceWithLayerAndKernelSpans) {
  TempDir dir;
  const CliResult r =
      run_cli({"run", "--model", "jamba-tiny", "--text", "profile me", "--out",
               (dir / "a.npz").string(), "--profile", (dir / "trace.json").string()},
              dir.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const nlohmann::json j = read_json(dir / "trace.json");
  std::set<std::string> names;
  for (const auto& e : j.at("traceEvents")) names.insert(e.at("name").get<std::string>());
  EXPECT_TRUE(names.count("forward pass"));
  EXPECT_TRUE(names.count("layer 2 (attention + MLP)"));
  EXPECT_TRUE(names.count("selective_scan"));
}

TEST(CliRun, ProfileMayNotOverwriteTheSidecar) {
  TempDir dir;
  const CliResult r = run_cli({"run", "--model", "mamba1-tiny", "--text", "x", "--out",
                               (dir / "a.npz").string(), "--profile", (dir / "a.json").string()},
                              dir.path());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(dir.entries().empty());
}

TEST(CliRun, StreamingChunksGiveTheSameLogits) {
  TempDir dir;
  const std::string text = "streaming through all layers, chunk by chunk";
  for (const char* model : {"llama-tiny", "mamba2-tiny", "jamba-tiny"}) {
    ASSERT_EQ(
        run_cli({"run", "--model", model, "--text", text, "--out", (dir / "full.npz").string()},
                dir.path())
            .exit_code,
        0);
    ASSERT_EQ(run_cli({"run", "--model", model, "--text", text, "--chunk", "7", "--out",
                       (dir / "chunked.npz").string()},
                      dir.path())
                  .exit_code,
              0);
    const auto a = read_npz(dir / "full.npz").at("logits");
    const auto b = read_npz(dir / "chunked.npz").at("logits");
    ASSERT_EQ(a.shape, b.shape);
    const float* x = reinterpret_cast<const float*>(a.bytes.data());
    const float* y = reinterpret_cast<const float*>(b.bytes.data());
    for (size_t i = 0; i < a.bytes.size() / 4; ++i)
      ASSERT_NEAR(x[i], y[i], 1e-4f * (1 + std::fabs(x[i]))) << model;
  }
}

}  // namespace
}  // namespace seqlens::testing
