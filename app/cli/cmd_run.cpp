// seqlens-cli run: one forward pass with instrumentation, exported as FILE.npz + FILE.json.
// Everything that can be checked is checked before the model is built: the input, the requested
// sites and layers, the recording budget and the memory estimate.
#include <chrono>
#include <cstdio>
#include <memory>
#include <set>

#include <nlohmann/json.hpp>

#include "app/cli/cli.h"
#include "app/cli/commands.h"
#include "app/cli/model_source.h"
#include "app/cli/resources.h"
#include "app/cli/token_input.h"
#include "core/common/error.h"
#include "core/common/runtime.h"
#include "core/instrument/profiler.h"
#include "core/instrument/recorder.h"
#include "core/io/trace_export.h"
#include "core/model/param_spec.h"

namespace seqlens::cli {

namespace {

struct RunOptions {
  std::string model;
  TokenInput input;
  std::string record;  // "attn.pattern,ssm.delta" or "all"
  std::string layers;
  std::string hidden_channels;
  double budget_mb = 1024;
  bool subsample = false;
  ResourceOptions resources;
  std::string out;
  std::string profile;  // Chrome/Perfetto trace-event JSON of the forward pass
  int64_t chunk = 0;    // > 0: streaming mode, chunk by chunk through all layers
};

constexpr Site kAllSites[] = {
    Site::AttnPattern,   Site::SsmDelta,    Site::SsmB,    Site::SsmC,       Site::SsmState,
    Site::SsmHiddenAttn, Site::RouterProbs, Site::TopkIdx, Site::TopkWeight, Site::ResidPost};

std::string site_names() {
  std::string s;
  for (Site site : kAllSites) s += std::string(s.empty() ? "" : ", ") + site_name(site);
  return s;
}

// "all" = every site but hidden attention, which needs --hidden-channels. Logits are always
// exported, so naming them is accepted and ignored.
std::set<Site> parse_sites(const std::string& spec, bool have_channels) {
  std::set<Site> sites;
  if (spec.empty()) return sites;
  for (const std::string& item : split_list(spec)) {
    if (item == "all") {
      for (Site s : kAllSites) {
        if (s != Site::SsmHiddenAttn || have_channels) sites.insert(s);
      }
      continue;
    }
    Site s;
    if (!parse_site(item, &s)) {
      throw UsageError("--record: unknown site '" + item + "' (known: " + site_names() + ", all)");
    }
    if (s != Site::Logits) sites.insert(s);
  }
  if (sites.count(Site::SsmHiddenAttn) && !have_channels) {
    throw UsageError("--record ssm.hidden_attn needs --hidden-channels");
  }
  return sites;
}

void check_layers(const std::set<int64_t>& layers, const ModelConfig& c) {
  for (int64_t l : layers) {
    if (l >= c.n_layers) {
      throw Error(ErrorKind::InvalidArgument, "--layers: layer " + std::to_string(l) +
                                                  " does not exist (the model has " +
                                                  std::to_string(c.n_layers) + " layers)");
    }
  }
}

// Mamba-1 chooses inner channels, Mamba-2 heads.
void check_channels(const std::vector<int64_t>& channels, const ModelConfig& c) {
  if (c.mamba_layers() == 0) return;
  const bool heads = c.family == Family::Mamba2;
  const int64_t limit = heads ? c.ssm_heads : c.d_inner;
  for (int64_t ch : channels) {
    if (ch >= limit) {
      throw Error(ErrorKind::InvalidArgument,
                  "--hidden-channels: " + std::string(heads ? "head " : "channel ") +
                      std::to_string(ch) + " does not exist (the model has " +
                      std::to_string(limit) + (heads ? " SSM heads)" : " inner channels)"));
    }
  }
}

Json run_sidecar(const ModelSource& src, const RunOptions& o, const RecordRequest& request,
                 int64_t T, int threads, double forward_ms, const ForwardStats& stats,
                 int64_t time_stride, Json docs) {
  Json side = trace_sidecar(src.config, T, forward_ms, stats.peak_bytes, time_stride, Json());
  side.erase("arrays");
  side["model"] = src.spec;
  side["source"] = src.is_preset ? "preset" : "directory";
  if (src.is_preset) {
    side["preset"] = src.spec;
    side["seed"] = src.seed;
  }
  side["input"] = o.input.describe();
  if (o.input.has_text()) side["text"] = o.input.text;
  side["tokenizer"] = uses_byte_tokenizer(src) ? "byte" : "none";
  side["threads"] = threads;
  if (o.chunk > 0) side["stream_chunk"] = o.chunk;
  Json sites = Json::array();
  for (Site s : request.sites) sites.push_back(site_name(s));
  side["record"] = {{"sites", sites},
                    {"layers", request.layers.empty() ? Json("all") : Json(request.layers)},
                    {"hidden_channels", request.hidden_channels},
                    {"budget_bytes", request.budget_bytes},
                    {"subsample", request.allow_subsample}};
  side["arrays"] = std::move(docs);
  return side;
}

int run_run(RunOptions& o) {
  const std::filesystem::path out = o.out;
  if (out.extension() != ".npz" || out.stem().empty())  // checked before any work
    throw UsageError("--out must name a .npz file, got '" + out.string() + "'");
  if (!o.profile.empty() && (std::filesystem::path(o.profile) == out ||
                             std::filesystem::path(o.profile) == sidecar_path(out)))
    throw UsageError("--profile must name another file than the .npz and its .json sidecar");
  const bool have_channels = !o.hidden_channels.empty();
  RecordRequest request;
  request.sites = parse_sites(o.record, have_channels);
  if (!o.layers.empty()) {
    for (int64_t l : parse_index_list(o.layers, "--layers")) request.layers.insert(l);
  }
  if (have_channels)
    request.hidden_channels = parse_index_list(o.hidden_channels, "--hidden-channels");
  request.budget_bytes = static_cast<int64_t>(o.budget_mb * 1024.0 * 1024.0);
  request.allow_subsample = o.subsample;

  const ModelSource src = resolve_model(o.model);
  const ModelConfig& c = src.config;
  const std::vector<int32_t> tokens = resolve_tokens(o.input, src);
  const int64_t T = static_cast<int64_t>(tokens.size());
  check_layers(request.layers, c);
  check_channels(request.hidden_channels, c);

  Recorder recorder(c, T, request);  // refuses (Error(Budget)) before anything is recorded
  MemoryNeed need;
  need.weights = count_params(c).total * 4;
  need.activations = estimate_cost(c, T).activation_bytes;
  need.recording = recorder.estimated_bytes() + T * c.vocab_size * 4;  // + the export copy
  check_memory(need, o.resources.max_memory_mb, T);

  InterruptScope interrupt;
  const Model model = load_model(src);
  throw_if_cancelled(interrupt.token());

  Runtime runtime(o.resources.threads);
  ProgressLine progress("forward");
  ForwardOptions fo;
  fo.sink = request.sites.empty() ? nullptr : &recorder;
  fo.cancel = interrupt.token();
  fo.progress = progress.callback();
  const auto t0 = std::chrono::steady_clock::now();
  ForwardStats stats;
  fo.stats = &stats;
  std::unique_ptr<Profiler> profiler;
  if (!o.profile.empty()) {
    profiler = std::make_unique<Profiler>();
    fo.profiler = profiler.get();
  }
  Tensor logits = runtime.execute([&] {
    if (o.chunk <= 0) return forward(model, tokens, fo);
    // Streaming: the chunks' logits are gathered for the export.
    Tensor all({T, c.vocab_size});
    InferenceState state = make_state(model);
    StreamOptions so;
    so.chunk = o.chunk;
    so.on_logits = [&](int64_t pos, const Tensor& l) {
      std::copy(l.data.begin(), l.data.end(), all.data.begin() + pos * c.vocab_size);
    };
    forward_streaming(model, tokens, state, so, fo);
    return all;
  });
  const double forward_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  progress.clear();
  throw_if_cancelled(interrupt.token());

  TraceExport exported =
      export_arrays(c, tokens, std::move(logits), recorder.take(), request.hidden_channels);
  const Json side = run_sidecar(src, o, request, T, runtime.threads(), forward_ms, stats,
                                exported.time_stride, std::move(exported.docs));
  const std::vector<NpyArray>& arrays = exported.arrays;
  write_run_outputs(out, arrays, side, interrupt.token());
  if (profiler) profiler->write(o.profile);
  int64_t bytes = 0;
  for (const NpyArray& a : arrays) bytes += static_cast<int64_t>(a.bytes.size());
  std::printf("wrote %s (%zu arrays, %s) and %s; forward %.1f ms\n", out.string().c_str(),
              arrays.size(), format_bytes(bytes).c_str(), sidecar_path(out).string().c_str(),
              forward_ms);
  return kExitOk;
}

}  // namespace

Command add_run_command(CLI::App& app) {
  auto o = std::make_shared<RunOptions>();
  CLI::App* sub = app.add_subcommand("run", "Run a forward pass and export arrays (.npz + .json)");
  sub->add_option("--model", o->model, "Preset name or model directory")->required();
  o->input.add_options(sub);
  sub->add_option("--record", o->record,
                  "Sites to record, comma-separated (attn.pattern, ssm.delta, ssm.B, ssm.C, "
                  "ssm.state, ssm.hidden_attn, moe.router_probs, moe.topk_idx, "
                  "moe.topk_weight, resid_post) or 'all'");
  sub->add_option("--layers", o->layers, "Layers to record, e.g. 0,2 (default: all)");
  sub->add_option("--hidden-channels", o->hidden_channels,
                  "Mamba-1 channels / Mamba-2 heads for ssm.hidden_attn, e.g. 0,1");
  sub->add_option("--budget-mb", o->budget_mb, "Recording budget in MiB")->check(positive_number());
  sub->add_flag("--subsample", o->subsample,
                "Keep every k-th SSM state step when the state would exceed the budget");
  o->resources.add_options(sub);
  sub->add_option("--profile", o->profile,
                  "Also write a Chrome/Perfetto trace (per layer, kernel and thread) to FILE.json");
  sub->add_option("--chunk", o->chunk,
                  "Streaming mode: run the sequence through all layers N tokens at a time")
      ->check(CLI::PositiveNumber);
  sub->add_option("--out", o->out, "Output .npz (a .json sidecar is written beside it)")
      ->required();
  return {sub, [o] { return run_run(*o); }};
}

}  // namespace seqlens::cli
