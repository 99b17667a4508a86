#include "app/gui/session.h"

#include <QCoreApplication>
#include <QThread>

#include <algorithm>
#include <filesystem>

#include "core/io/checkpoint.h"
#include "core/model/presets.h"
#include "core/model/tokenizer.h"

namespace seqlens::app {

Session::Session(QObject* parent) : QObject(parent) {
  // Leave one core to the GUI thread when there is more than one.
  runtime_ = std::make_shared<Runtime>(std::max(1, QThread::idealThreadCount() - 1));
  debounce_.setSingleShot(true);
  debounce_.setInterval(120);
  connect(&debounce_, &QTimer::timeout, this, &Session::recompute);
}

void Session::openModel(const QString& presetOrDir) {
  try {
    const std::string name = presetOrDir.toStdString();
    model_ =
        std::make_shared<const Model>(is_preset(name) ? make_preset(name) : load_model_dir(name));
    model_name_ = presetOrDir;
    emit modelChanged();
    recompute();
  } catch (const std::exception& e) {
    emit failed(QString::fromUtf8(e.what()));
  }
}

void Session::setText(const QString& text) {
  text_ = text;
  debounce_.start();
}

void Session::recompute() {
  debounce_.stop();
  if (!model_) return;
  std::vector<int32_t> tokens = ByteTokenizer::encode(text_.toStdString());
  if (tokens.empty()) tokens.push_back(ByteTokenizer::kBos);
  auto model = model_;
  auto runtime = runtime_;
  RecordRequest request;
  request.sites = {Site::AttnPattern, Site::SsmDelta,      Site::SsmB,        Site::SsmC,
                   Site::SsmState,    Site::SsmHiddenAttn, Site::RouterProbs, Site::TopkIdx,
                   Site::TopkWeight,  Site::ResidPost};
  request.hidden_channels = hidden_channels_;
  if (request.hidden_channels.empty()) {
    // Default: every Mamba-2 head, or the first four Mamba-1 channels.
    const int64_t n = model->config().family == Family::Mamba2 ? model->config().ssm_heads : 4;
    for (int64_t i = 0; i < n; ++i) request.hidden_channels.push_back(i);
  }
  request.budget_bytes = int64_t{256} << 20;
  request.allow_subsample = true;  // long inputs keep every k-th SSM state
  runner_.submit<std::shared_ptr<const ForwardTrace>>(
      [model, runtime, tokens = std::move(tokens), request](const CancelToken& cancel) {
        return runtime->execute([&] { return run_traced(model, tokens, request, &cancel); });
      },
      [this](std::shared_ptr<const ForwardTrace> t) {
        trace_ = std::move(t);
        emit traceReady(trace_);
      },
      [this](QString message) { emit failed(message); });
}

void Session::setHiddenChannels(std::vector<int64_t> channels) {
  if (channels == hidden_channels_) return;
  hidden_channels_ = std::move(channels);
  debounce_.start();
}

void Session::waitForIdle() {
  runner_.wait();
  QCoreApplication::processEvents();
}

}  // namespace seqlens::app
