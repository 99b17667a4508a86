// seqlens-cli generate: greedy continuation. The prompt is prefilled with one parallel forward on
// a fresh InferenceState; each of the N steps then feeds one token through the step kernels, so
// the printed cache/state sizes show what grows with context (KV) and what does not (SSM).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <memory>

#include <nlohmann/json.hpp>

#include "app/cli/cli.h"
#include "app/cli/commands.h"
#include "app/cli/model_source.h"
#include "app/cli/resources.h"
#include "app/cli/token_input.h"
#include "core/common/error.h"
#include "core/common/runtime.h"
#include "core/io/npz.h"
#include "core/model/param_spec.h"
#include "core/model/tokenizer.h"

namespace seqlens::cli {

namespace {

struct GenerateOptions {
  std::string model;
  TokenInput input;
  int64_t steps = 16;
  ResourceOptions resources;
  std::string out;
};

// Argmax of the last row of logits [T, V]; the lowest id wins ties.
int32_t greedy(const Tensor& logits) {
  const int64_t V = logits.shape.at(1);
  const float* row = logits.ptr() + (logits.shape.at(0) - 1) * V;
  return static_cast<int32_t>(std::max_element(row, row + V) - row);
}

std::string decode_bytes(const std::vector<int32_t>& ids) {
  std::vector<int32_t> safe(ids);
  for (int32_t& id : safe) {
    if (id < 0 || id >= ByteTokenizer::kVocabSize) id = ByteTokenizer::kUnk;
  }
  return ByteTokenizer::decode(safe);
}

int run_generate(GenerateOptions& o) {
  if (!o.out.empty() && std::filesystem::path(o.out).extension() != ".json") {
    throw UsageError("--out must name a .json file, got '" + o.out + "'");
  }
  const ModelSource src = resolve_model(o.model);
  const ModelConfig& c = src.config;
  const std::vector<int32_t> prompt = resolve_tokens(o.input, src);
  const int64_t P = static_cast<int64_t>(prompt.size());
  const int64_t total = P + o.steps;
  if (c.family == Family::GPT2 && total > c.max_position_embeddings) {
    throw Error(ErrorKind::InvalidArgument,
                "prompt of " + std::to_string(P) + " tokens plus " + std::to_string(o.steps) +
                    " steps exceeds the model's " + std::to_string(c.max_position_embeddings) +
                    " positions");
  }
  MemoryNeed need;
  need.weights = count_params(c).total * 4;
  need.activations = estimate_cost(c, P).activation_bytes;
  need.state = estimate_cost(c, total).state_bytes;
  check_memory(need, o.resources.max_memory_mb, total);

  InterruptScope interrupt;
  const Model model = load_model(src);
  throw_if_cancelled(interrupt.token());
  Runtime runtime(o.resources.threads);
  const bool bytes = uses_byte_tokenizer(src);

  ProgressLine progress("prefill");
  ForwardOptions fo;
  fo.cancel = interrupt.token();
  fo.progress = progress.callback();
  InferenceState state = make_state(model);
  const auto t0 = std::chrono::steady_clock::now();
  Tensor logits = runtime.execute([&] { return forward(model, prompt, state, fo); });
  const double prefill_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  progress.clear();
  fo.progress = {};

  std::printf("prompt: %lld tokens, prefill %.1f ms, kv %lld B, ssm %lld B\n",
              static_cast<long long>(P), prefill_ms, static_cast<long long>(state.kv_bytes()),
              static_cast<long long>(state.ssm_bytes()));
  std::printf("%5s %7s  %-8s %12s %12s %9s\n", "step", "token", "label", "kv_bytes", "ssm_bytes",
              "ms");
  std::vector<int32_t> generated;
  Json steps = Json::array();
  const auto g0 = std::chrono::steady_clock::now();
  for (int64_t i = 0; i < o.steps; ++i) {
    const int32_t next = greedy(logits);
    generated.push_back(next);
    const auto s0 = std::chrono::steady_clock::now();
    logits = runtime.execute([&] { return forward(model, {next}, state, fo); });
    const double ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - s0).count();
    const std::string label = token_label(src, next);
    std::printf("%5lld %7d  %-8s %12lld %12lld %9.2f\n", static_cast<long long>(i + 1), next,
                label.c_str(), static_cast<long long>(state.kv_bytes()),
                static_cast<long long>(state.ssm_bytes()), ms);
    std::fflush(stdout);
    steps.push_back({{"step", i + 1},
                     {"token", next},
                     {"label", label},
                     {"kv_bytes", state.kv_bytes()},
                     {"ssm_bytes", state.ssm_bytes()},
                     {"ms", ms}});
  }
  const double gen_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - g0).count();
  std::vector<int32_t> all = prompt;
  all.insert(all.end(), generated.begin(), generated.end());
  if (bytes) std::printf("text: %s\n", decode_bytes(all).c_str());

  if (!o.out.empty()) {
    Json j;
    j["format"] = "seqlens-generate/1";
    j["model"] = src.spec;
    j["family"] = family_name(c.family);
    if (src.is_preset) j["seed"] = src.seed;
    j["prompt_tokens"] = prompt;
    j["generated_tokens"] = generated;
    j["steps"] = std::move(steps);
    j["prefill_ms"] = prefill_ms;
    j["generate_ms"] = gen_ms;
    j["threads"] = runtime.threads();
    // Decoded bytes may split a UTF-8 character; the dump replaces invalid sequences.
    if (bytes) j["text"] = decode_bytes(all);
    write_file_atomic(o.out, j.dump(2, ' ', false, Json::error_handler_t::replace) + "\n");
  }
  return kExitOk;
}

}  // namespace

Command add_generate_command(CLI::App& app) {
  auto o = std::make_shared<GenerateOptions>();
  CLI::App* sub = app.add_subcommand("generate", "Greedy continuation, one token per step");
  sub->add_option("--model", o->model, "Preset name or model directory")->required();
  o->input.add_options(sub);
  sub->add_option("-n,--steps", o->steps, "Tokens to generate")->check(positive_number());
  o->resources.add_options(sub);
  sub->add_option("--out", o->out, "Also write the steps as JSON to this file");
  return {sub, [o] { return run_generate(*o); }};
}

}  // namespace seqlens::cli
