#include "app/gui/main_window.h"

#include <QActionGroup>
#include <QApplication>
#include <QCloseEvent>
#include <QComboBox>
#include <QDockWidget>
#include <QFileDialog>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QProgressBar>
#include <QScreen>
#include <QScrollArea>
#include <QSettings>
#include <QSignalBlocker>
#include <QSplitter>
#include <QStatusBar>
#include <QTabWidget>
#include <QTimer>
#include <QToolBar>
#include <QToolButton>

#include <algorithm>
#include <cstdio>
#include <fstream>

#include <qcustomplot.h>

#include "app/gui/compare_view.h"
#include "app/gui/export_dialog.h"
#include "app/gui/input_panel.h"
#include "app/gui/model_panel.h"
#include "core/analysis/scaling.h"
#include "core/analysis/scaling_io.h"
#include "core/analysis/ssm_analysis.h"
#include "core/instrument/profiler.h"
#include "core/io/hf_config.h"
#include "core/io/npz.h"
#include "core/io/trace_export.h"
#include "widgets/attention_view.h"
#include "widgets/export.h"
#include "widgets/layer_ribbon.h"
#include "widgets/plot_style.h"
#include "widgets/projection_view.h"
#include "widgets/routing_view.h"
#include "widgets/scaling_view.h"
#include "widgets/ssm_state_view.h"

namespace seqlens::app {

namespace {

QString format_bytes(int64_t b) {
  const QLocale locale;
  if (b >= (int64_t{1} << 30)) return MainWindow::tr("%1 GiB").arg(b / double(1 << 30), 0, 'f', 2);
  if (b >= (int64_t{1} << 20)) return MainWindow::tr("%1 MiB").arg(b / double(1 << 20), 0, 'f', 1);
  return MainWindow::tr("%1 KiB").arg(b / 1024.0, 0, 'f', 1);
}

}  // namespace

MainWindow::MainWindow(Session* session, QWidget* parent) : QMainWindow(parent), session_(session) {
  setWindowTitle(tr("SeqLens"));
  setObjectName(QStringLiteral("main_window"));

  // Left: the model and the input, each a dock the user can move or close.
  model_panel_ = new ModelPanel;
  auto* model_dock = new QDockWidget(tr("Model"), this);
  model_dock->setObjectName(QStringLiteral("model_dock"));
  // In a scroll area: its form is taller than a 768-pixel screen's share for it.
  auto* model_scroll = new QScrollArea;
  model_scroll->setWidget(model_panel_);
  model_scroll->setWidgetResizable(true);
  model_scroll->setFrameShape(QFrame::NoFrame);
  model_scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
  model_dock->setWidget(model_scroll);
  addDockWidget(Qt::LeftDockWidgetArea, model_dock);
  input_panel_ = new InputPanel;
  auto* input_dock = new QDockWidget(tr("Input"), this);
  input_dock->setObjectName(QStringLiteral("input_dock"));
  input_dock->setWidget(input_panel_);
  addDockWidget(Qt::LeftDockWidgetArea, input_dock);

  // Top: the layer ribbon (which layer is attention, Mamba, MoE; click to select).
  ribbon_ = new widgets::LayerRibbon;
  auto* ribbon_bar = new QToolBar(tr("Layers"), this);
  ribbon_bar->setObjectName(QStringLiteral("layer_toolbar"));
  ribbon_bar->addWidget(ribbon_);
  addToolBar(Qt::TopToolBarArea, ribbon_bar);

  // Centre: one tab per view.
  tabs_ = new QTabWidget;
  tabs_->setDocumentMode(true);
  attn_model_ = new widgets::AttentionModelView;
  attn_head_ = new widgets::AttentionHeadView;
  auto* attn = new QSplitter(Qt::Horizontal);
  attn->addWidget(attn_model_);
  attn->addWidget(attn_head_);
  attn->setStretchFactor(0, 2);
  attn->setStretchFactor(1, 3);
  // Start at 2 : 3 of the tab's width; by their size hints alone the full map would take nearly
  // everything on a small screen.
  attn->setSizes({2000, 3000});
  tabs_->addTab(attn, tr("Attention"));
  ssm_ = new widgets::SsmStateView;
  tabs_->addTab(ssm_, tr("SSM state"));
  routing_ = new widgets::RoutingView;
  tabs_->addTab(routing_, tr("Routing"));
  scaling_view_ = new widgets::ScalingView;
  tabs_->addTab(scaling_view_, tr("Scaling"));
  projection_ = new widgets::ProjectionView;
  tabs_->addTab(projection_, tr("Projection"));
  compare_ = new CompareView;
  tabs_->addTab(compare_, tr("Compare"));
  setCentralWidget(tabs_);

  // Status bar: what the last pass cost; progress and cancel for long work.
  status_ = new QLabel;
  // A long status line is cut at the window's edge instead of widening the window.
  status_->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
  statusBar()->addWidget(status_, 1);
  progress_ = new QProgressBar;
  progress_->setRange(0, 1000);
  progress_->setMaximumWidth(180);
  progress_->setTextVisible(false);
  progress_->hide();
  statusBar()->addPermanentWidget(progress_);
  cancel_ = new QToolButton;
  cancel_->setText(tr("Cancel"));
  cancel_->hide();
  statusBar()->addPermanentWidget(cancel_);
  progress_delay_ = new QTimer(this);
  progress_delay_->setSingleShot(true);
  progress_delay_->setInterval(kProgressDelayMs);
  connect(progress_delay_, &QTimer::timeout, this, [this] {
    progress_->show();
    cancel_->show();
  });

  buildMenus();

  // Every view follows the shared layer and token cursor.
  linked_ = {attn_model_, attn_head_, ssm_, routing_};
  for (widgets::ChartView* v : linked_) {
    connect(v, &widgets::ChartView::layerSelected, this, &MainWindow::selectLayer);
    connect(v, &widgets::ChartView::tokenHovered, this, &MainWindow::setTokenCursor);
  }
  for (const widgets::ChartView* v : views()) attachContextMenu(const_cast<widgets::ChartView*>(v));
  connect(ribbon_, &widgets::LayerRibbon::layerSelected, this, &MainWindow::selectLayer);
  connect(input_panel_, &InputPanel::tokenHovered, this, &MainWindow::setTokenCursor);
  connect(compare_, &CompareView::tokenHovered, this, &MainWindow::setTokenCursor);
  widgets::link_attention_views(attn_model_, attn_head_);
  // The worker reduces the hidden maps in the normalisation on screen (another mode is reduced
  // here once, when it is chosen).
  session_->setThumbnails(widgets::AttentionModelView::kThumbnailCells,
                          attn_head_->normalisation());
  connect(attn_head_, &widgets::AttentionHeadView::normalisationChanged, this,
          [this](analysis::MapNorm mode) {
            session_->setThumbnails(widgets::AttentionModelView::kThumbnailCells, mode);
          });
  connect(attn_head_, &widgets::AttentionHeadView::hiddenChannelsRequested, this,
          [this](std::vector<int64_t> channels) { session_->setHiddenChannels(channels); });

  connect(model_panel_, &ModelPanel::presetChosen, this, &MainWindow::selectModel);
  connect(model_panel_, &ModelPanel::configEdited, this,
          [this](const ModelConfig& c, quint64 seed) { selectConfig(c, seed); });
  connect(model_panel_, &ModelPanel::openDirectoryRequested, this, &MainWindow::openModelDirectory);
  connect(input_panel_, &InputPanel::textChanged, session_, &Session::setText);

  connect(session_, &Session::modelChanged, this, &MainWindow::modelChanged);
  connect(session_, &Session::traceReady, this, &MainWindow::showTrace);
  connect(session_, &Session::compareReady, this, &MainWindow::showCompare);
  connect(session_, &Session::failed, this,
          [this](const QString& m) { status_->setText(tr("Error: %1").arg(m)); });
  connect(tabs_, &QTabWidget::currentChanged, this, [this](int) {
    updateSites();
    session_->setCompareEnabled(tabs_->currentWidget() == compare_);
    if (scaling_stale_ && tabs_->currentWidget() == scaling_view_) measureScaling(scaling_max_);
  });

  connect(scaling_view_, &widgets::ScalingView::measureRequested, this,
          &MainWindow::measureScaling);
  connect(scaling_view_, &widgets::ScalingView::cancelRequested, this,
          [this] { session_->runner().cancel(Lane::Scaling); });
  JobRunner* runner = &session_->runner();
  connect(runner, &JobRunner::laneBusyChanged, this, [this](Lane lane, bool busy) {
    if (lane == Lane::Scaling) scaling_view_->setRunning(busy);
    if (lane == Lane::Trace || lane == Lane::Export) {
      // Only work that lasts shows progress: an edit's pass is done in tens of milliseconds, and
      // showing and hiding the bar would relayout and repaint the status bar every time.
      progress_->setValue(0);
      if (busy) {
        progress_delay_->start();
      } else {
        progress_delay_->stop();
        progress_->hide();
        cancel_->hide();
      }
    }
  });
  connect(runner, &JobRunner::progress, this, [this](Lane lane, double f) {
    if (lane == Lane::Scaling) scaling_view_->setProgress(f);
    if (lane == Lane::Trace || lane == Lane::Export) progress_->setValue(int(f * 1000));
  });
  connect(cancel_, &QToolButton::clicked, this, [this] {
    session_->runner().cancel(Lane::Trace);
    session_->runner().cancel(Lane::Export);
  });

  updateSites();
  // Restore what the previous session left, if anything; else start on the default model.
  if (session_->model()) {
    modelChanged();
    input_panel_->setText(session_->text());
    if (session_->trace()) showTrace(session_->trace());
  }
  // 1400 × 900, or nine tenths of a smaller screen (a 1366 × 768 laptop, a 1280 × 720 projector).
  QSize size(1400, 900);
  if (const QScreen* s = screen()) size = size.boundedTo(s->availableGeometry().size() * 9 / 10);
  resize(size);
}

void MainWindow::buildMenus() {
  QMenu* file = menuBar()->addMenu(tr("&File"));
  QAction* open = file->addAction(tr("&Open Model…"), this, &MainWindow::openModelDirectory);
  open->setShortcut(QKeySequence::Open);
  file->addSeparator();
  QAction* exp = file->addAction(tr("&Export View…"), this, [this] { exportView(currentView()); });
  exp->setShortcut(QKeySequence(tr("Ctrl+E")));
  QAction* all = file->addAction(tr("Export &All Views…"), this, &MainWindow::exportAll);
  all->setShortcut(QKeySequence(tr("Ctrl+Shift+E")));
  file->addAction(tr("Export &Trace (.npz + .json)…"), this, &MainWindow::exportTrace);
  file->addAction(tr("Export &Scaling Results (CSV/JSON)…"), this, &MainWindow::exportScaling);
  file->addAction(tr("Export Timing &Profile (Perfetto JSON)…"), this, &MainWindow::exportProfile);
  file->addSeparator();
  QAction* quit = file->addAction(tr("&Quit"), this, &QWidget::close);
  quit->setShortcut(QKeySequence::Quit);

  QMenu* view = menuBar()->addMenu(tr("&View"));
  QMenu* lang = view->addMenu(tr("&Language"));
  auto* group = new QActionGroup(this);
  const QString current = QSettings().value(QStringLiteral("language")).toString();
  for (const auto& [code, name] : {std::pair{QStringLiteral("en"), QStringLiteral("English")},
                                   std::pair{QStringLiteral("ru"), QStringLiteral("Русский")}}) {
    QAction* a = lang->addAction(name);
    a->setCheckable(true);
    a->setChecked(current.startsWith(code) || (current.isEmpty() && code == "en"));
    a->setData(code);
    group->addAction(a);
    connect(a, &QAction::triggered, this, [this, code = code] { emit languageRequested(code); });
  }
  QMenu* theme = view->addMenu(tr("&Theme"));
  auto* themes = new QActionGroup(this);
  const QString current_theme =
      QSettings().value(QStringLiteral("theme"), QStringLiteral("system")).toString();
  for (const auto& [code, name] : {std::pair{QStringLiteral("system"), tr("System")},
                                   std::pair{QStringLiteral("light"), tr("Light")},
                                   std::pair{QStringLiteral("dark"), tr("Dark")}}) {
    QAction* a = theme->addAction(name);
    a->setCheckable(true);
    a->setChecked(current_theme == code);
    themes->addAction(a);
    connect(a, &QAction::triggered, this, [this, code = code] { emit themeRequested(code); });
  }
  QAction* presenter = view->addAction(tr("&Presenter Mode"));
  presenter->setCheckable(true);
  presenter->setChecked(QSettings().value(QStringLiteral("presenter"), false).toBool());
  presenter->setShortcut(QKeySequence(Qt::Key_F11));
  connect(presenter, &QAction::toggled, this, &MainWindow::presenterModeRequested);
  view->addSeparator();
  for (QDockWidget* d : findChildren<QDockWidget*>()) view->addAction(d->toggleViewAction());

  QMenu* help = menuBar()->addMenu(tr("&Help"));
  help->addAction(tr("&About SeqLens"), this, [this] {
    QMessageBox::about(
        this, tr("About SeqLens"),
        tr("<b>SeqLens</b><p>See how Transformers, Mamba and hybrid models work and what they "
           "cost: attention maps, the SSM state, expert routing and scaling, live.</p>"));
  });
}

QList<const widgets::ChartView*> MainWindow::views() const {
  QList<const widgets::ChartView*> out = {attn_model_, attn_head_,    ssm_,
                                          routing_,    scaling_view_, projection_};
  for (const widgets::ChartView* v : compare_->views()) out << v;
  return out;
}

QWidget* MainWindow::scalingView() const {
  return scaling_view_;
}

widgets::ChartView* MainWindow::currentView() const {
  QWidget* w = tabs_->currentWidget();
  if (auto* v = qobject_cast<widgets::ChartView*>(w)) return v;
  if (w == compare_) return compare_->views().value(0);
  return attn_head_;  // the attention tab's large map
}

void MainWindow::attachContextMenu(widgets::ChartView* view) {
  QCustomPlot* plot = view->plot();
  plot->setContextMenuPolicy(Qt::CustomContextMenu);
  connect(plot, &QWidget::customContextMenuRequested, this, [this, view, plot](const QPoint& p) {
    QMenu menu;
    menu.addAction(tr("Export “%1”…").arg(view->title()), this, [this, view] { exportView(view); });
    menu.addAction(tr("Export All Views…"), this, &MainWindow::exportAll);
    menu.exec(plot->mapToGlobal(p));
  });
}

void MainWindow::updateSites() {
  // Record what the visible tab draws; the rest costs time and memory at long inputs.
  QWidget* w = tabs_->currentWidget();
  if (w == ssm_) {
    // The SSM view draws one layer: its current one while the model has it, else the first.
    std::set<int64_t> layers;
    const std::vector<int64_t> ssm = analysis::ssm_layers(session_->config());
    const int64_t shown = ssm_->currentLayer();
    if (std::find(ssm.begin(), ssm.end(), shown) != ssm.end())
      layers = {shown};
    else if (!ssm.empty())
      layers = {ssm.front()};
    session_->setSites(ssm_view_sites(), layers);
  } else if (w == routing_)
    session_->setSites(routing_view_sites());
  else if (w == scaling_view_ || w == projection_ || w == compare_)
    session_->setSites({});
  else
    session_->setSites(attention_view_sites());
}

void MainWindow::setInputText(const QString& text) {
  input_panel_->setText(text);
  session_->setText(text);
}

void MainWindow::selectModel(const QString& presetOrDir) {
  session_->openModel(presetOrDir);
  QSettings().setValue(QStringLiteral("model"), presetOrDir);
}

void MainWindow::selectConfig(const ModelConfig& config, uint64_t seed) {
  session_->setConfig(config, seed);
  if (config_to_hf_json(session_->config()) != config_to_hf_json(config)) return;  // refused
  // Remembered as its config.json and seed, so the next start rebuilds the same weights.
  QSettings settings;
  settings.setValue(QStringLiteral("model"), QStringLiteral("custom"));
  settings.setValue(QStringLiteral("custom_config"),
                    QString::fromStdString(config_to_hf_json(config).dump()));
  settings.setValue(QStringLiteral("custom_seed"), quint64(seed));
}

bool MainWindow::restoreConfig() {
  QSettings settings;
  try {
    const std::string text =
        settings.value(QStringLiteral("custom_config")).toString().toStdString();
    const ModelConfig c = config_from_hf_json(nlohmann::json::parse(text), "saved settings");
    session_->setConfig(c, settings.value(QStringLiteral("custom_seed"), 0).toULongLong());
    return session_->config().family == c.family && session_->config().n_layers == c.n_layers;
  } catch (const std::exception& e) {
    // Unreadable or from another version: say so, and fall back to the default model.
    std::fprintf(stderr, "seqlens: the saved custom model cannot be restored: %s\n", e.what());
    return false;
  }
}

void MainWindow::openModelDirectory() {
  const QString dir = QFileDialog::getExistingDirectory(
      this, tr("Open Hugging Face model directory"),
      QSettings().value(QStringLiteral("last_model_dir")).toString());
  if (dir.isEmpty()) return;
  QSettings().setValue(QStringLiteral("last_model_dir"), dir);
  selectModel(dir);
}

void MainWindow::modelChanged() {
  model_panel_->showModel(session_->modelName(), session_->config(), session_->seed(),
                          session_->isLoaded());
  ribbon_->setConfig(session_->config());
  setWindowTitle(tr("SeqLens — %1").arg(session_->modelName()));
  // A measured scaling chart follows the architecture: measure again for the new one, now if
  // the chart is in view, else when it comes into view.
  if (scaling_max_ > 0) {
    if (tabs_->currentWidget() == scaling_view_)
      measureScaling(scaling_max_);
    else
      scaling_stale_ = true;
  }
}

void MainWindow::showTrace(std::shared_ptr<const ForwardTrace> trace) {
  input_panel_->setTokens(trace->tokens);
  attn_model_->setThumbnails(session_->thumbnails());  // reduced with the trace, on the worker
  for (widgets::ChartView* v : linked_) v->setTrace(trace);
  scaling_view_->setCurrentLength(int(trace->tokens.size()));
  // A new model may not have the layer the SSM view asked for: it has picked another by now.
  if (tabs_->currentWidget() == ssm_) updateSites();
  QString status = tr("%n token(s) · forward %1 ms · peak %2 · cache and state %3", nullptr,
                      int(trace->tokens.size()))
                       .arg(trace->forward_ms, 0, 'f', 1)
                       .arg(format_bytes(trace->peak_bytes), format_bytes(trace->state_bytes));
  // The SSM tab stops after the layer it shows, the Attention tab after the last mixer, the
  // Routing tab after the last router.
  using LastPart = ForwardOptions::LastPart;
  QString stopped;
  if (trace->last_part == LastPart::Mixer)
    stopped = tr(" · layers 0–%1 of %2, the last without its MLP / MoE (all this tab shows)");
  else if (trace->last_part == LastPart::Routing)
    stopped = tr(" · layers 0–%1 of %2, the last without its experts (all this tab shows)");
  else if (trace->layers_run < trace->config.n_layers)
    stopped = tr(" · layers 0–%1 of %2 (all this tab shows)");
  if (!stopped.isEmpty()) status += stopped.arg(trace->layers_run - 1).arg(trace->config.n_layers);
  status_->setText(status);
  widgets::replot_queued();  // the views' replots now: one paint pass with the chips and status
}

void MainWindow::showCompare() {
  compare_->setTraces(session_->compare());
}

void MainWindow::setTokenCursor(int token) {
  if (in_cursor_) return;  // no feedback loops between views
  in_cursor_ = true;
  for (widgets::ChartView* v : linked_) v->setTokenCursor(token);
  input_panel_->setTokenCursor(token);
  compare_->setTokenCursor(token);
  in_cursor_ = false;
}

void MainWindow::selectLayer(int layer) {
  if (in_layer_) return;
  in_layer_ = true;
  for (widgets::ChartView* v : linked_) v->selectLayer(layer);
  ribbon_->selectLayer(layer);
  in_layer_ = false;
  if (tabs_->currentWidget() == ssm_) updateSites();  // it records only the layer it shows
}

void MainWindow::measureScaling(int maxLength) {
  if (!session_->model()) return;
  const ModelConfig base = session_->config();
  auto runtime = session_->runtime();
  scaling_max_ = maxLength;
  scaling_stale_ = false;
  // The chart's "up to" box shows what is being measured (also when started from elsewhere).
  if (QComboBox* box = scaling_view_->maxLengthBox(); box && box->findData(maxLength) >= 0) {
    const QSignalBlocker block(box);
    box->setCurrentIndex(box->findData(maxLength));
  }
  scaling_view_->clear();
  ScalingOptions options;
  options.max_length = maxLength;
  QPointer<widgets::ScalingView> view(scaling_view_);
  session_->runner().submit<std::shared_ptr<const ScalingResult>>(
      Lane::Scaling,
      [base, runtime, options, view](JobContext& ctx) {
        auto on_point = [&ctx, view](int arch, const ScalingPoint& p) {
          ctx.post([view, arch, p] {
            if (view) view->addPoint(arch, p);
          });
        };
        return std::make_shared<const ScalingResult>(runtime->execute(
            [&] { return measure_scaling(base, options, &ctx.cancel, ctx.progress, on_point); }));
      },
      [this](std::shared_ptr<const ScalingResult> r) {
        scaling_ = r;
        scaling_view_->setResult(r);
      },
      [this](QString m) { status_->setText(tr("Scaling stopped: %1").arg(m)); });
}

void MainWindow::exportView(widgets::ChartView* view) {
  if (!view) return;
  ExportDialog dialog(view->exportStem(), this);
  if (dialog.exec() != QDialog::Accepted) return;
  const QString error =
      widgets::export_view(*view, dialog.file(), dialog.format(), dialog.options());
  if (!error.isEmpty())
    QMessageBox::warning(this, tr("Export failed"), error);
  else
    status_->setText(tr("Wrote %1").arg(dialog.file()));
}

void MainWindow::exportAll() {
  QSettings settings;
  const QString dir =
      QFileDialog::getExistingDirectory(this, tr("Export all views to folder"),
                                        settings.value(QStringLiteral("export_dir")).toString());
  if (dir.isEmpty()) return;
  settings.setValue(QStringLiteral("export_dir"), dir);
  QStringList errors;
  const QStringList written = widgets::export_views(
      views(), dir,
      {widgets::ImageFormat::Png, widgets::ImageFormat::Svg, widgets::ImageFormat::Pdf},
      ExportDialog::savedOptions(), &errors);
  if (!errors.isEmpty())
    QMessageBox::warning(this, tr("Export failed"), errors.join(QLatin1Char('\n')));
  status_->setText(tr("Wrote %n file(s) to %1", nullptr, int(written.size())).arg(dir));
}

void MainWindow::exportTrace() {
  auto model = session_->model();
  if (!model) return;
  const QString file = QFileDialog::getSaveFileName(
      this, tr("Export trace"), QStringLiteral("trace.npz"), tr("NumPy archive (*.npz)"));
  if (file.isEmpty()) return;
  // The views record only what they show; an export records every site in a pass of its own.
  std::set<Site> sites = all_view_sites();
  sites.insert(Site::ResidPost);
  RecordRequest request = session_->request(model->config(), std::move(sites));
  request.budget_bytes = int64_t{1} << 30;  // a file may hold more than the views keep
  Json extra;
  extra["model"] = session_->modelName().toStdString();
  extra["seed"] = session_->seed();
  extra["text"] = session_->text().toStdString();
  extra["tokenizer"] = "byte";
  const std::vector<int32_t> tokens = session_->tokens();
  auto runtime = session_->runtime();
  const std::string path = file.toStdString();
  session_->runner().submit<bool>(
      Lane::Export,
      [model, runtime, tokens, request, extra, path](JobContext& ctx) {
        auto trace = runtime->execute(
            [&] { return run_traced(model, tokens, request, &ctx.cancel, ctx.progress); });
        write_trace(*trace, path, extra, &ctx.cancel);
        return true;
      },
      [this, file](bool) { status_->setText(tr("Wrote %1 and its .json sidecar").arg(file)); },
      [this](QString m) { QMessageBox::warning(this, tr("Export failed"), m); });
}

void MainWindow::exportScaling() {
  if (!scaling_) {
    QMessageBox::information(this, tr("Export scaling results"),
                             tr("Measure first: Scaling tab ▸ Measure."));
    return;
  }
  QString filter;
  const QString file = QFileDialog::getSaveFileName(this, tr("Export scaling results"),
                                                    QStringLiteral("scaling.csv"),
                                                    tr("CSV (*.csv);;JSON (*.json)"), &filter);
  if (file.isEmpty()) return;
  const bool json = file.endsWith(QLatin1String(".json"), Qt::CaseInsensitive);
  try {
    write_file_atomic(file.toStdString(), json ? scaling_json(*scaling_) : scaling_csv(*scaling_));
    status_->setText(tr("Wrote %1").arg(file));
  } catch (const std::exception& e) {
    QMessageBox::warning(this, tr("Export failed"), QString::fromUtf8(e.what()));
  }
}

void MainWindow::exportProfile() {
  auto model = session_->model();
  if (!model) return;
  const QString file = QFileDialog::getSaveFileName(
      this, tr("Export timing profile"), QStringLiteral("profile.json"),
      tr("Trace events for Perfetto / chrome://tracing (*.json)"));
  if (file.isEmpty()) return;
  // One profiled pass over the current input, without recording (what a user's pass costs).
  const std::vector<int32_t> tokens = session_->tokens();
  auto runtime = session_->runtime();
  const std::string path = file.toStdString();
  session_->runner().submit<bool>(
      Lane::Export,
      [model, runtime, tokens, path](JobContext& ctx) {
        Profiler profiler;
        runtime->execute([&] {
          InferenceState state = make_state(*model);
          ForwardOptions o;
          o.cancel = &ctx.cancel;
          o.profiler = &profiler;
          forward(*model, tokens, state, o);
        });
        profiler.write(path);
        return true;
      },
      [this, file](bool) { status_->setText(tr("Wrote %1").arg(file)); },
      [this](QString m) { QMessageBox::warning(this, tr("Export failed"), m); });
}

void MainWindow::closeEvent(QCloseEvent* e) {
  QSettings settings;
  settings.setValue(QStringLiteral("geometry"), saveGeometry());
  settings.setValue(QStringLiteral("window_state"), saveState());
  settings.setValue(QStringLiteral("text"), session_->text());
  QMainWindow::closeEvent(e);
}

}  // namespace seqlens::app
