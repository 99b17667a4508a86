#include "app/gui/session.h"

#include <QCoreApplication>
#include <QThread>

#include <algorithm>
#include <optional>

#include "core/common/error.h"
#include "core/io/checkpoint.h"
#include "core/model/param_spec.h"
#include "core/model/presets.h"
#include "core/model/tokenizer.h"

namespace seqlens::app {

namespace {

// The compare view's three architectures: a Transformer, a Mamba (Mamba-1, the mixer Jamba
// uses) and the Jamba hybrid, all at the presets' width.
constexpr const char* kComparePresets[3] = {"llama-tiny", "mamba1-tiny", "jamba-tiny"};

struct Built {
  std::shared_ptr<const Model> model;  // set when the job built a new model
  std::shared_ptr<const ForwardTrace> trace;
  std::shared_ptr<const analysis::AttentionThumbnails> thumbnails;  // when it records maps
};

}  // namespace

std::set<Site> attention_view_sites() {
  return {Site::AttnPattern, Site::SsmHiddenAttn};
}
std::set<Site> ssm_view_sites() {
  return {Site::SsmDelta, Site::SsmB, Site::SsmC, Site::SsmState};
}
std::set<Site> routing_view_sites() {
  return {Site::RouterProbs, Site::TopkIdx, Site::TopkWeight};
}
std::set<Site> all_view_sites() {
  std::set<Site> all = attention_view_sites();
  all.merge(ssm_view_sites());
  all.merge(routing_view_sites());
  return all;
}

Session::Session(QObject* parent) : QObject(parent) {
  // All cores, at background priority: the GUI thread preempts the core whenever it has work.
  runtime_ = std::make_shared<Runtime>(0, Runtime::Priority::Background);
  debounce_.setSingleShot(true);
  debounce_.setInterval(120);
  connect(&debounce_, &QTimer::timeout, this, &Session::recompute);
}

void Session::openModel(const QString& presetOrDir) {
  try {
    const std::string name = presetOrDir.toStdString();
    if (is_preset(name)) {
      model_ = std::make_shared<const Model>(make_preset(name));
      seed_ = preset_seed(name);
      loaded_ = false;
    } else {
      model_ = std::make_shared<const Model>(load_model_dir(name));
      seed_ = 0;
      loaded_ = true;
    }
    config_ = model_->config();
    pending_.reset();
    model_name_ = presetOrDir;
    emit modelChanged();
    recompute();
  } catch (const std::exception& e) {
    emit failed(QString::fromUtf8(e.what()));
  }
}

void Session::setConfig(const ModelConfig& config, uint64_t seed) {
  try {
    validate(config);
    // Refuse from the parameter count, before any allocation.
    const int64_t bytes = count_params(config).total * int64_t{4};
    if (bytes > kMaxModelBytes)
      throw Error(ErrorKind::InvalidArgument, "this model would need " +
                                                  std::to_string(bytes >> 20) +
                                                  " MiB of weights; the limit is " +
                                                  std::to_string(kMaxModelBytes >> 20) + " MiB");
  } catch (const std::exception& e) {
    emit failed(QString::fromUtf8(e.what()));
    return;
  }
  config_ = config;
  seed_ = seed;
  loaded_ = false;
  pending_ = config;
  model_name_ = tr("custom %1").arg(QString::fromLatin1(family_name(config.family)));
  emit modelChanged();
  debounce_.start();
}

void Session::reseed(uint64_t seed) {
  if (loaded_) return;
  setConfig(config_, seed);
}

void Session::setText(const QString& text) {
  if (text == text_ && (trace_ || debounce_.isActive())) return;
  text_ = text;
  debounce_.start();
}

void Session::setHiddenChannels(std::vector<int64_t> channels) {
  if (channels == hidden_channels_) return;
  hidden_channels_ = std::move(channels);
  debounce_.start();
}

void Session::setCompareEnabled(bool on) {
  if (on == compare_enabled_) return;
  compare_enabled_ = on;
  if (on) recomputeCompare(tokens());
}

std::vector<int32_t> Session::tokens() const {
  std::vector<int32_t> tokens = ByteTokenizer::encode(text_.toStdString());
  if (tokens.empty()) tokens.push_back(ByteTokenizer::kBos);
  return tokens;
}

void Session::setSites(std::set<Site> sites, std::set<int64_t> layers) {
  if (sites == sites_ && layers == layers_) return;
  sites_ = std::move(sites);
  layers_ = std::move(layers);
  auto covers = [](const auto& have, const auto& want) {
    return std::includes(have.begin(), have.end(), want.begin(), want.end());
  };
  // An empty layer set means every layer: the trace covers the wish when it recorded every
  // layer, or the wish is a subset of the layers it recorded.
  const bool missing =
      !covers(traced_sites_, sites_) ||
      (!traced_layers_.empty() && (layers_.empty() || !covers(traced_layers_, layers_)));
  if (missing && (model_ || pending_)) recompute();
}

RecordRequest Session::request(const ModelConfig& c, std::set<Site> sites) const {
  RecordRequest r;
  r.sites = std::move(sites);
  r.hidden_channels = hidden_channels_;
  if (r.hidden_channels.empty()) {
    // Default: every Mamba-2 head, or the first four Mamba-1 channels.
    const int64_t n = c.family == Family::Mamba2 ? c.ssm_heads : 4;
    for (int64_t i = 0; i < n; ++i) r.hidden_channels.push_back(i);
  }
  r.budget_bytes = int64_t{256} << 20;
  r.allow_subsample = true;  // long inputs keep every k-th SSM state
  return r;
}

void Session::recompute() {
  debounce_.stop();
  if (!model_ && !pending_) return;
  std::vector<int32_t> tokens = this->tokens();
  auto model = model_;
  auto pending = pending_;
  const uint64_t seed = seed_;
  auto runtime = runtime_;
  RecordRequest request = this->request(pending ? *pending : model_->config(), sites_);
  request.layers = layers_;
  // A tab needs no layer above the ones it draws (the SSM tab draws one), nor the logits; a tab
  // that draws only what mixers record (the Attention tab) not even the last layer's FFN.
  request.stop_after_last_layer = true;
  traced_sites_ = sites_;
  traced_layers_ = layers_;
  const int64_t cells =
      sites_.count(Site::AttnPattern) || sites_.count(Site::SsmHiddenAttn) ? thumbnail_cells_ : 0;
  const analysis::MapNorm mode = thumbnail_mode_;
  runner_.submit<Built>(
      Lane::Trace,
      [model, pending, seed, runtime, tokens, request, cells, mode](JobContext& ctx) {
        Built b;
        auto current = model;
        if (pending) {
          b.model = std::make_shared<const Model>(
              runtime->execute([&] { return init_model(*pending, seed); }));
          current = b.model;
        }
        throw_if_cancelled(&ctx.cancel);
        // The thumbnails are reduced layer by layer as the maps are recorded, while they are
        // still in cache (a pass over 32 MB of maps read back from memory afterwards took
        // ~1.1 ms for jamba-tiny at 512 tokens).
        std::optional<analysis::ThumbnailReducer> reducer;
        MapObserver on_map;
        if (cells > 0) {
          reducer.emplace(cells, mode);
          on_map = [&](const RecordedArray& maps) { reducer->add(maps); };
        }
        b.trace = runtime->execute([&] {
          return run_traced(current, tokens, request, &ctx.cancel, ctx.progress, on_map);
        });
        throw_if_cancelled(&ctx.cancel);
        if (reducer)
          b.thumbnails = std::make_shared<const analysis::AttentionThumbnails>(
              runtime->execute([&] { return reducer->finish(b.trace); }));
        return b;
      },
      [this](Built b) {
        if (b.model) {
          model_ = std::move(b.model);
          pending_.reset();
        }
        trace_ = std::move(b.trace);
        thumbnails_ = std::move(b.thumbnails);
        emit traceReady(trace_);
      },
      [this](QString message) { emit failed(message); });
  if (compare_enabled_) recomputeCompare(tokens);
}

void Session::recomputeCompare(const std::vector<int32_t>& tokens) {
  for (int i = 0; i < 3; ++i)
    if (!compare_models_[i])
      compare_models_[i] = std::make_shared<const Model>(make_preset(kComparePresets[i]));
  auto models = compare_models_;
  auto runtime = runtime_;
  // Each panel draws one thing: the Transformer's attention, the Mamba state, the routing; each
  // pass stops after what its panel draws.
  std::array<RecordRequest, 3> r = {request(models[0]->config(), {Site::AttnPattern}),
                                    request(models[1]->config(), ssm_view_sites()),
                                    request(models[2]->config(), routing_view_sites())};
  for (RecordRequest& one : r) one.stop_after_last_layer = true;
  runner_.submit<CompareTraces>(
      Lane::Compare,
      [models, runtime, tokens, r](JobContext& ctx) {
        CompareTraces out;
        for (int i = 0; i < 3; ++i) {
          out.traces[i] =
              runtime->execute([&] { return run_traced(models[i], tokens, r[i], &ctx.cancel); });
          if (ctx.progress) ctx.progress((i + 1) / 3.0);
        }
        return out;
      },
      [this](CompareTraces c) {
        compare_ = std::move(c);
        emit compareReady();
      },
      [this](QString message) { emit failed(message); });
}

void Session::waitForIdle() {
  // Deliveries are queued: wait for the workers, then let their results arrive.
  do {
    runner_.wait();
    QCoreApplication::processEvents();
  } while (runner_.busy());
}

}  // namespace seqlens::app
