// The session owns the current model, the input and the latest trace. Every change schedules a
// recomputation through the one JobRunner (debounced); results arrive as immutable snapshots.
#pragma once

#include <QObject>
#include <QString>
#include <QTimer>

#include <memory>
#include <vector>

#include "app/gui/job_runner.h"
#include "core/common/runtime.h"
#include "core/instrument/trace.h"
#include "core/model/model.h"

namespace seqlens::app {

class Session : public QObject {
  Q_OBJECT
 public:
  explicit Session(QObject* parent = nullptr);

  // A preset name or a Hugging Face model directory. Emits modelChanged or failed.
  void openModel(const QString& presetOrDir);
  void setText(const QString& text);
  // Mamba-1 channels / Mamba-2 heads whose hidden attention to record (empty: a default set).
  void setHiddenChannels(std::vector<int64_t> channels);
  // Recompute now (skipping the debounce), e.g. for headless runs.
  void recompute();
  // Blocks until the job in flight has delivered (tests and headless use only).
  void waitForIdle();

  std::shared_ptr<const Model> model() const { return model_; }
  QString modelName() const { return model_name_; }
  QString text() const { return text_; }
  std::shared_ptr<const ForwardTrace> trace() const { return trace_; }
  JobRunner& runner() { return runner_; }

 signals:
  void modelChanged();
  void traceReady(std::shared_ptr<const seqlens::ForwardTrace> trace);
  void failed(const QString& message);

 private:
  JobRunner runner_;
  QTimer debounce_;
  std::shared_ptr<Runtime> runtime_;
  std::shared_ptr<const Model> model_;
  QString model_name_;
  QString text_;
  std::vector<int64_t> hidden_channels_;
  std::shared_ptr<const ForwardTrace> trace_;
};

}  // namespace seqlens::app
