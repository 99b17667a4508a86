#include "app/gui/main_window.h"

#include <QComboBox>
#include <QDockWidget>
#include <QFileDialog>
#include <QLabel>
#include <QMenuBar>
#include <QPlainTextEdit>
#include <QStatusBar>
#include <QVBoxLayout>

#include "core/model/param_spec.h"
#include "core/model/presets.h"
#include "core/model/tokenizer.h"
#include "widgets/heatmap_view.h"

namespace seqlens::app {

namespace {

QString mixer_label(MixerKind k) {
  switch (k) {
    case MixerKind::Attention:
      return MainWindow::tr("attention");
    case MixerKind::Mamba1:
      return MainWindow::tr("Mamba-1");
    case MixerKind::Mamba2:
      return MainWindow::tr("Mamba-2");
  }
  return {};
}

}  // namespace

MainWindow::MainWindow(Session* session, QWidget* parent) : QMainWindow(parent), session_(session) {
  setWindowTitle(tr("SeqLens"));

  auto* panel = new QWidget;
  auto* layout = new QVBoxLayout(panel);
  layout->addWidget(new QLabel(tr("Model")));
  model_box_ = new QComboBox;
  for (const PresetInfo& p : preset_list())
    model_box_->addItem(QString::fromStdString(p.name), QString::fromStdString(p.name));
  layout->addWidget(model_box_);
  layout->addWidget(new QLabel(tr("Input text")));
  input_ = new QPlainTextEdit;
  input_->setPlainText(tr("The quick brown fox jumps over the lazy dog."));
  layout->addWidget(input_, 1);
  summary_ = new QLabel;
  summary_->setWordWrap(true);
  summary_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  layout->addWidget(summary_, 1);
  auto* dock = new QDockWidget(tr("Model and input"), this);
  dock->setObjectName("model_input_dock");
  dock->setWidget(panel);
  addDockWidget(Qt::LeftDockWidgetArea, dock);

  heatmap_ = new widgets::HeatmapView;
  setCentralWidget(heatmap_);

  QMenu* file = menuBar()->addMenu(tr("&File"));
  QAction* open = file->addAction(tr("&Open Model…"), this, &MainWindow::openModelDirectory);
  open->setShortcut(QKeySequence::Open);
  QAction* quit = file->addAction(tr("&Quit"), this, &QWidget::close);
  quit->setShortcut(QKeySequence::Quit);

  connect(model_box_, &QComboBox::currentIndexChanged, this,
          [this](int) { session_->openModel(model_box_->currentData().toString()); });
  connect(input_, &QPlainTextEdit::textChanged, this,
          [this] { session_->setText(input_->toPlainText()); });
  connect(session_, &Session::traceReady, this, &MainWindow::showTrace);
  connect(session_, &Session::failed, this,
          [this](const QString& m) { statusBar()->showMessage(tr("Error: %1").arg(m)); });
  connect(&session_->runner(), &JobRunner::busyChanged, this, [this](bool busy) {
    if (busy) statusBar()->showMessage(tr("Computing…"));
  });
  session_->setText(input_->toPlainText());
  resize(1200, 760);
}

void MainWindow::setInputText(const QString& text) {
  input_->setPlainText(text);
}

void MainWindow::selectModel(const QString& presetOrDir) {
  if (model_box_->findData(presetOrDir) < 0) model_box_->addItem(presetOrDir, presetOrDir);
  const int index = model_box_->findData(presetOrDir);
  if (model_box_->currentIndex() == index)
    session_->openModel(presetOrDir);  // no index change, so no signal
  else
    model_box_->setCurrentIndex(index);
}

void MainWindow::openModelDirectory() {
  const QString dir =
      QFileDialog::getExistingDirectory(this, tr("Open Hugging Face model directory"));
  if (!dir.isEmpty()) selectModel(dir);
}

void MainWindow::showTrace(std::shared_ptr<const ForwardTrace> trace) {
  const ModelConfig& c = trace->config;
  const ParamCount n = count_params(c);
  QStringList layers;
  for (const LayerKind& k : c.layer_map())
    layers << mixer_label(k.mixer) + (k.ffn == FfnKind::MoE ? tr(" + MoE") : QString());
  summary_->setText(
      tr("<b>%1</b> (%2)<br>%3 layers: %4<br>parameters: %5 total, %6 active per token")
          .arg(session_->modelName(), QString::fromLatin1(family_name(c.family)))
          .arg(c.n_layers)
          .arg(layers.join(QStringLiteral(", ")))
          .arg(n.total)
          .arg(n.active));
  statusBar()->showMessage(tr("%1 tokens · forward %2 ms · state %3 KiB")
                               .arg(trace->tokens.size())
                               .arg(trace->forward_ms, 0, 'f', 1)
                               .arg(trace->state_bytes / 1024));

  QStringList labels;
  for (const std::string& l : ByteTokenizer::sequence_labels(trace->tokens))
    labels << QString::fromStdString(l);
  // The first layer's map: attention pattern (head 0) or the Mamba layer's Δ over time.
  widgets::HeatmapData d;
  for (const RecordedArray& a : trace->arrays) {
    if (a.site == Site::AttnPattern) {
      d.rows = static_cast<int>(a.shape[1]);
      d.cols = static_cast<int>(a.shape[2]);
      d.values.assign(a.f32.begin(), a.f32.begin() + d.rows * d.cols);
      d.title = tr("Layer %1, head 0: attention pattern").arg(a.layer);
      d.x_title = tr("key token");
      d.y_title = tr("query token");
      d.scale_title = tr("weight");
      d.row_labels = d.col_labels = labels;
      break;
    }
    if (a.site == Site::SsmDelta) {
      d.rows = static_cast<int>(a.shape[0]);
      d.cols = static_cast<int>(a.shape[1]);
      d.values = a.f32;
      // Mamba-1 has one Δ per channel, Mamba-2 one per head.
      const bool per_head = c.family == Family::Mamba2;
      d.title = (per_head ? tr("Layer %1: step size Δ per head")
                          : tr("Layer %1: step size Δ per channel"))
                    .arg(a.layer);
      d.x_title = per_head ? tr("head") : tr("channel");
      d.y_title = tr("token");
      d.scale_title = tr("Δ");
      d.row_labels = labels;
      break;
    }
  }
  heatmap_->setData(d);
}

}  // namespace seqlens::app
