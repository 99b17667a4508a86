// The session owns the current model, the input and the latest traces. Every change schedules a
// recomputation through the one JobRunner (debounced); results arrive as immutable snapshots.
#pragma once

#include <QObject>
#include <QString>
#include <QTimer>

#include <array>
#include <memory>
#include <optional>
#include <set>
#include <vector>

#include "app/gui/job_runner.h"
#include "core/analysis/attention_maps.h"
#include "core/common/runtime.h"
#include "core/instrument/trace.h"
#include "core/model/model.h"

namespace seqlens::app {

// The three architectures of the compare view, run on the same input.
struct CompareTraces {
  std::array<std::shared_ptr<const ForwardTrace>, 3> traces;  // Transformer, Mamba, hybrid
};

// The sites each view draws, and all of them.
std::set<Site> attention_view_sites();  // softmax patterns and Mamba's hidden attention
std::set<Site> ssm_view_sites();        // Δ, B, C and the state
std::set<Site> routing_view_sites();    // router probabilities and the top-k choice
std::set<Site> all_view_sites();

class Session : public QObject {
  Q_OBJECT
 public:
  explicit Session(QObject* parent = nullptr);

  // A preset name or a Hugging Face model directory. Emits modelChanged or failed.
  void openModel(const QString& presetOrDir);
  // A model built from `config` and initialised from `seed` (the model panel's edits). The
  // config is validated here; the weights are built on the worker. Emits failed on bad values.
  void setConfig(const ModelConfig& config, uint64_t seed);
  // Re-initialises the current (built, not loaded) model from another seed.
  void reseed(uint64_t seed);
  void setText(const QString& text);
  // Mamba-1 channels / Mamba-2 heads whose hidden attention to record (empty: a default set).
  void setHiddenChannels(std::vector<int64_t> channels);
  // The sites the visible views draw, and the only layers they draw them for (empty: every
  // layer). Recording costs time (the SSM state of every layer of jamba-tiny at 512 tokens is
  // 50 MB), so only those are recorded. Recomputes at once when the current trace lacks one.
  void setSites(std::set<Site> sites, std::set<int64_t> layers = {});
  // The session's recording of `sites` for a model of `c`: its hidden channels (or a default
  // set), its byte budget, the SSM state subsampled in time when it would not fit.
  RecordRequest request(const ModelConfig& c, std::set<Site> sites) const;
  // With a trace that records attention maps, also reduce them to thumbnails of at most
  // `cells` a side on the worker (0: never), for the model view: hidden maps in `hidden_mode`,
  // the normalisation on screen (from the next trace on).
  void setThumbnails(int64_t cells, analysis::MapNorm hidden_mode) {
    thumbnail_cells_ = cells;
    thumbnail_mode_ = hidden_mode;
  }
  // Also run the three compare architectures on every input change.
  void setCompareEnabled(bool on);
  // Recompute now (skipping the debounce), e.g. for headless runs.
  void recompute();
  // Blocks until the jobs in flight have delivered (tests and headless use only).
  void waitForIdle();

  std::shared_ptr<const Model> model() const { return model_; }
  const ModelConfig& config() const { return config_; }
  uint64_t seed() const { return seed_; }
  bool isLoaded() const { return loaded_; }  // from a directory: not re-seedable
  QString modelName() const { return model_name_; }
  QString text() const { return text_; }
  std::vector<int32_t> tokens() const;
  std::shared_ptr<const ForwardTrace> trace() const { return trace_; }
  // The thumbnails of trace()'s maps, when it records any and thumbnail cells are set.
  std::shared_ptr<const analysis::AttentionThumbnails> thumbnails() const { return thumbnails_; }
  const CompareTraces& compare() const { return compare_; }
  JobRunner& runner() { return runner_; }
  const std::shared_ptr<Runtime>& runtime() const { return runtime_; }

  // Largest parameter bytes the app builds from a config (refused before allocating).
  static constexpr int64_t kMaxModelBytes = int64_t{3} << 30;

 signals:
  void modelChanged();
  void traceReady(std::shared_ptr<const seqlens::ForwardTrace> trace);
  void compareReady();
  void failed(const QString& message);

 private:
  void recomputeCompare(const std::vector<int32_t>& tokens);

  JobRunner runner_;
  QTimer debounce_;
  std::shared_ptr<Runtime> runtime_;
  std::shared_ptr<const Model> model_;
  std::optional<ModelConfig> pending_;  // config edit not yet built into model_
  ModelConfig config_;
  uint64_t seed_ = 0;
  bool loaded_ = false;
  QString model_name_;
  QString text_;
  std::vector<int64_t> hidden_channels_;
  std::set<Site> sites_ = all_view_sites();
  std::set<Site> traced_sites_;      // what the trace in flight or shown records
  std::set<int64_t> layers_;         // recorded layers (empty: all)
  std::set<int64_t> traced_layers_;  // the layers the trace in flight or shown records
  std::shared_ptr<const ForwardTrace> trace_;
  int64_t thumbnail_cells_ = 0;
  analysis::MapNorm thumbnail_mode_ = analysis::MapNorm::RowNormalised;
  std::shared_ptr<const analysis::AttentionThumbnails> thumbnails_;
  bool compare_enabled_ = false;
  std::array<std::shared_ptr<const Model>, 3> compare_models_;
  CompareTraces compare_;
};

}  // namespace seqlens::app
