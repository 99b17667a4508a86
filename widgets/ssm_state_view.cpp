// The SSM state view, the widget and its data: controls, layer / unit / step selection, filling
// the charts from a trace (ssm_analysis results) and hover. The chart itself is built once in
// ssm_state_view_chart.cpp.
#include "widgets/ssm_state_view.h"

#include <QCheckBox>
#include <QComboBox>
#include <QEvent>
#include <QHBoxLayout>
#include <QLabel>
#include <QMouseEvent>
#include <QSlider>
#include <QSpinBox>
#include <QStyle>
#include <QTimer>
#include <QToolButton>
#include <QToolTip>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>
#include <tuple>

#include <qcustomplot.h>

#include "core/model/tokenizer.h"
#include "widgets/combo_items.h"
#include "widgets/plot_style.h"

namespace seqlens::widgets {

namespace {

constexpr int kStepsPerSecond = 15;

QCPAxis* bottom(QCPAxisRect* r) {
  return r->axis(QCPAxis::atBottom);
}
QCPAxis* left(QCPAxisRect* r) {
  return r->axis(QCPAxis::atLeft);
}

// Whole state dims only: 0, 4, 8, ... (coarser when crowded).
QSharedPointer<QCPAxisTickerFixed> state_dim_ticker(int n) {
  QSharedPointer<QCPAxisTickerFixed> t(new QCPAxisTickerFixed);
  t->setTickStep(n > 16 ? 8 : (n > 8 ? 4 : 1));
  t->setScaleStrategy(QCPAxisTickerFixed::ssMultiples);
  return t;
}

void place_vline(QCPItemStraightLine* line, double x) {
  line->point1->setCoords(x, 0);
  line->point2->setCoords(x, 1);
}

}  // namespace

SsmStateView::SsmStateView(QWidget* parent)
    : ChartView(parent),
      layer_combo_(new QComboBox(this)),
      unit_label_(new QLabel(this)),
      unit_spin_(new QSpinBox(this)),
      p_label_(new QLabel(this)),
      p_spin_(new QSpinBox(this)),
      summary_box_(new QCheckBox(this)),
      play_(new QToolButton(this)),
      slider_(new QSlider(Qt::Horizontal, this)),
      step_label_(new QLabel(this)),
      timer_(new QTimer(this)),
      plot_(new QCustomPlot(this)) {
  setup_view_plot(plot_);
  auto* controls = new QHBoxLayout;
  controls->addWidget(layer_combo_);
  controls->addSpacing(8);
  controls->addWidget(unit_label_);
  controls->addWidget(unit_spin_);
  controls->addWidget(p_label_);
  controls->addWidget(p_spin_);
  controls->addSpacing(8);
  controls->addWidget(summary_box_);
  controls->addStretch(1);
  auto* player = new QHBoxLayout;
  static_cast<QToolButton*>(play_)->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
  player->addWidget(play_);
  player->addWidget(slider_, 1);
  player->addWidget(step_label_);
  step_label_->setMinimumWidth(fontMetrics().horizontalAdvance(QStringLiteral("t = 0000 «<xx>»")));
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addLayout(controls);
  layout->addWidget(plot_, 1);
  layout->addLayout(player);

  timer_->setInterval(1000 / kStepsPerSecond);
  connect(timer_, &QTimer::timeout, this, &SsmStateView::advance);
  connect(play_, &QAbstractButton::clicked, this, [this] { isPlaying() ? pause() : play(); });
  connect(slider_, &QSlider::valueChanged, this, [this](int) { refreshStep(); });
  connect(layer_combo_, qOverload<int>(&QComboBox::activated), this, &SsmStateView::onLayerChosen);
  connect(unit_spin_, qOverload<int>(&QSpinBox::valueChanged), this, [this](int) { refresh(); });
  connect(p_spin_, qOverload<int>(&QSpinBox::valueChanged), this, [this](int) { refresh(); });
  connect(summary_box_, &QCheckBox::toggled, this, [this](bool on) {
    summary_ = on;
    refreshState();
    refreshStep();
  });
  connect(plot_, &QCustomPlot::mouseMove, this, &SsmStateView::onMouseMove);
  connect(plot_, &QCustomPlot::beforeReplot, this, &SsmStateView::prepareReplot);
  plot_->setMouseTracking(true);
  plot_->installEventFilter(this);

  buildPlot();
  retranslate();
  setTrace(nullptr);
}

SsmStateView::~SsmStateView() = default;

QString SsmStateView::title() const {
  return tr("SSM state");
}

int SsmStateView::currentUnit() const {
  return layer_ < 0 ? -1 : unit_spin_->value();
}
int SsmStateView::currentHeadDim() const {
  return shape_.mamba2 ? p_spin_->value() : 0;
}
int SsmStateView::currentStep() const {
  return slider_->value();
}
bool SsmStateView::isPlaying() const {
  return timer_->isActive();
}
bool SsmStateView::showsSummary() const {
  return summary_;
}

void SsmStateView::setUnit(int unit) {
  unit_spin_->setValue(unit);
}
void SsmStateView::setHeadDim(int p) {
  p_spin_->setValue(p);
}
void SsmStateView::setShowSummary(bool on) {
  summary_box_->setChecked(on);
}
void SsmStateView::setStep(int t) {
  slider_->setValue(t);
}

void SsmStateView::play() {
  if (layer_ < 0 || slider_->maximum() <= 0) return;
  if (slider_->value() >= slider_->maximum()) slider_->setValue(0);  // replay from the start
  timer_->start();
  retranslate();
}

void SsmStateView::pause() {
  timer_->stop();
  retranslate();
}

void SsmStateView::advance() {
  if (slider_->value() >= slider_->maximum()) {
    pause();
    return;
  }
  slider_->setValue(slider_->value() + 1);
  if (slider_->value() >= slider_->maximum()) pause();
}

void SsmStateView::changeEvent(QEvent* e) {
  if (e->type() == QEvent::PaletteChange) applyPalette();
  if (e->type() == QEvent::StyleChange) {
    play_icon_ = -1;
    retranslate();
  }
  if (e->type() == QEvent::LanguageChange) {
    retranslate();
    refresh();
  }
  ChartView::changeEvent(e);
}

void SsmStateView::retranslate() {
  const bool playing = isPlaying();
  play_->setText(playing ? tr("Pause") : tr("Play"));
  if (play_icon_ != int(playing)) {  // the style builds the icon from files: only on a change
    play_->setIcon(style()->standardIcon(playing ? QStyle::SP_MediaPause : QStyle::SP_MediaPlay));
    play_icon_ = int(playing);
  }
  play_->setToolTip(tr("Step through the tokens and watch the state being written and decaying"));
  slider_->setToolTip(tr("Time step t"));
  layer_combo_->setToolTip(tr("Mamba layer"));
  layer_combo_->setSizeAdjustPolicy(QComboBox::AdjustToContents);  // "Layer 3 · Mamba-1" in full
  const bool m2 = shape_.mamba2;
  unit_label_->setText(m2 ? tr("Head") : tr("Channel"));
  unit_spin_->setToolTip(m2 ? tr("Mamba-2 head h") : tr("Mamba-1 channel e (of d_inner)"));
  p_label_->setText(tr("p"));
  p_spin_->setToolTip(tr("Head-dim index p, or RMS over p"));
  p_spin_->setSpecialValueText(tr("RMS"));
  summary_box_->setText(m2 ? tr("All heads (RMS)") : tr("All channels (RMS)"));
  summary_box_->setToolTip(tr("Show the RMS of the state over every channel of the layer"));
  delta_graph_->setName(m2 ? tr("Δ, head %1").arg(unit_spin_->value())
                           : tr("Δ, channel %1").arg(unit_spin_->value()));
  delta_mean_graph_->setName(m2 ? tr("mean over heads") : tr("mean over channels"));
  hl_bars_->setName(tr("half-life"));
  hl_capped_bars_->setName(tr("capped (Δ ≈ 0)"));
  hl_highlight_->setName(m2 ? tr("head %1").arg(unit_spin_->value())
                            : tr("channel %1").arg(unit_spin_->value()));
  prev_bars_->setName(tr("h(t−1)"));
  decay_bars_->setName(tr("decayed exp(Δ·A)·h(t−1)"));
  write_bars_->setName(tr("written"));
  state_dots_->setName(tr("h(t)"));
  left(state_rect_)->setLabel(tr("state n"));
  left(delta_rect_)->setLabel(tr("Δ"));
  left(b_rect_)->setLabel(tr("B (n)"));
  left(c_rect_)->setLabel(tr("C (n)"));
  bottom(c_rect_)->setLabel(tr("token"));
  state_scale_->axis()->setLabel(tr("state"));
  bc_scale_->axis()->setLabel(tr("B, C"));
  bottom(hl_rect_)->setLabel(m2 ? tr("head") : tr("channel"));
  left(hl_rect_)->setLabel(tr("half-life (tokens)"));
  bottom(step_rect_)->setLabel(tr("state n"));
  left(step_rect_)->setLabel(tr("value"));
}

// ---- data ---------------------------------------------------------------------------------------

void SsmStateView::setTrace(std::shared_ptr<const ForwardTrace> trace) {
  pause();
  trace_ = std::move(trace);
  labels_.clear();
  if (trace_)
    for (const std::string& s : ByteTokenizer::sequence_labels(trace_->tokens))
      labels_ << QString::fromStdString(s);
  fillLayerCombo();
  const int T = trace_ ? static_cast<int>(trace_->tokens.size()) : 0;
  {
    const QSignalBlocker block(slider_);
    slider_->setRange(0, std::max(0, T - 1));
    slider_->setValue(std::max(0, T - 1));  // the whole sequence until the user scrubs
  }
  int layer = -1;
  for (int i = 0; i < layer_combo_->count(); ++i)
    if (layer_combo_->itemData(i).toInt() == layer_) layer = layer_;
  if (layer < 0 && layer_combo_->count() > 0) layer = layer_combo_->itemData(0).toInt();
  layer_ = -1;
  setLayerQuiet(layer);
}

void SsmStateView::fillLayerCombo() {
  std::vector<ComboItem> items;
  if (trace_) {
    const auto map = trace_->config.layer_map();
    for (int64_t l : analysis::ssm_layers(trace_->config)) {
      const MixerKind k = map[static_cast<size_t>(l)].mixer;
      items.push_back({k == MixerKind::Mamba2 ? tr("Layer %1 · Mamba-2").arg(l)
                                              : tr("Layer %1 · Mamba-1").arg(l),
                       static_cast<int>(l)});
    }
  }
  set_combo_items(layer_combo_, items);
}

void SsmStateView::selectLayer(int layer) {
  if (layer == layer_) return;
  for (int i = 0; i < layer_combo_->count(); ++i)
    if (layer_combo_->itemData(i).toInt() == layer) {
      setLayerQuiet(layer);
      return;
    }
  // Not a Mamba layer (an attention layer of a hybrid): keep showing the current one.
}

void SsmStateView::onLayerChosen(int index) {
  const int layer = layer_combo_->itemData(index).toInt();
  if (layer == layer_) return;
  setLayerQuiet(layer);
  emit layerSelected(layer);
}

void SsmStateView::setLayerQuiet(int layer) {
  layer_ = layer;
  {
    const QSignalBlocker block(layer_combo_);
    layer_combo_->setCurrentIndex(layer_combo_->findData(layer));
  }
  const bool has = trace_ && layer >= 0;
  if (has) {
    shape_ = analysis::ssm_layer_shape(trace_->config, layer);
    const QSignalBlocker b1(unit_spin_), b2(p_spin_);
    unit_spin_->setRange(0, static_cast<int>(shape_.units) - 1);
    p_spin_->setRange(analysis::kRmsOverHeadDim, static_cast<int>(shape_.head_dim) - 1);
  } else {
    shape_ = {};
  }
  for (QWidget* w : std::initializer_list<QWidget*>{layer_combo_, unit_label_, unit_spin_,
                                                    summary_box_, play_, slider_, step_label_})
    w->setEnabled(has);
  p_label_->setVisible(has && shape_.mamba2);
  p_spin_->setVisible(has && shape_.mamba2);
  refresh();
}

void SsmStateView::refresh() {
  retranslate();
  if (!trace_) {
    showMessage(tr("Run a model to see how its SSM state evolves"));
    return;
  }
  if (layer_ < 0) {
    showMessage(tr("This model has no SSM layer"));
    return;
  }
  const std::string state_name = array_name(Site::SsmState, layer_);
  const std::string delta_name = array_name(Site::SsmDelta, layer_);
  if (!trace_->find(state_name) || !trace_->find(delta_name)) {
    // The app records the state of the layer this view shows only, so a layer just chosen is
    // missing until its pass arrives.
    showMessage(tr("Layer %1: recording its SSM state…").arg(layer_));
    return;
  }
  const int unit = unit_spin_->value();
  const int p = shape_.mamba2 ? p_spin_->value() : 0;
  try {
    slice_ = analysis::ssm_state_slice(*trace_, layer_, unit, p);
    inputs_ = analysis::ssm_inputs(*trace_, layer_, unit);
    half_lives_ =
        trace_->model ? analysis::ssm_half_lives(*trace_, layer_, unit) : analysis::HalfLives{};
  } catch (const Error& e) {
    showMessage(QString::fromStdString(e.what()));
    return;
  }
  showCharts();

  // Shared time axis: every time rect spans the tokens; only the bottom one is labelled.
  const int T = static_cast<int>(inputs_.steps);
  updateColumns();
  updateTimeTicker();
  for (QCPAxisRect* r : {state_rect_, delta_rect_, b_rect_, c_rect_})
    bottom(r)->setRange(-0.5, T - 0.5);

  // Δ and its mean over units.
  QVector<double> keys(T), d(T), dm(T);
  for (int t = 0; t < T; ++t) {
    keys[t] = t;
    d[t] = inputs_.delta[size_t(t)];
    dm[t] = inputs_.delta_mean[size_t(t)];
  }
  delta_graph_->setData(keys, d, true);
  delta_fill_->setData(keys, d, true);
  updateDeltaFill();
  delta_mean_graph_->setData(keys, dm, true);
  left(delta_rect_)->setRange(0, std::max(1e-6, double(inputs_.delta_max)) * 1.15);

  // B and C as [N × T] heat maps, one symmetric range.
  const int N = static_cast<int>(inputs_.d_state);
  for (auto [map, values, rect] :
       {std::tuple{b_map_, &inputs_.B, b_rect_}, std::tuple{c_map_, &inputs_.C, c_rect_}}) {
    rect->setVisible(!values->empty());
    map->data()->setSize(T, N);
    map->data()->setRange(QCPRange(0, std::max(0, T - 1)), QCPRange(0, std::max(0, N - 1)));
    if (!values->empty())
      for (int t = 0; t < T; ++t)
        for (int n = 0; n < N; ++n) map->data()->setCell(t, n, (*values)[size_t(t * N + n)]);
    left(rect)->setRange(-0.5, N - 0.5);
    left(rect)->setTicker(state_dim_ticker(N));
  }
  const double bc = std::max(1e-6, double(inputs_.bc_max_abs));
  bc_scale_->setDataRange(QCPRange(-bc, bc));
  b_map_->setDataRange(QCPRange(-bc, bc));
  c_map_->setDataRange(QCPRange(-bc, bc));

  refreshHalfLives();
  refreshState();
  refreshStep();
}

void SsmStateView::refreshState() {
  if (!trace_ || layer_ < 0 || !message_.isEmpty()) return;
  analysis::StateSlice shown;
  try {
    shown = summary_ ? analysis::ssm_state_summary(*trace_, layer_) : slice_;
  } catch (const Error& e) {
    showMessage(QString::fromStdString(e.what()));
    return;
  }
  const int N = static_cast<int>(shown.d_state), Tr = static_cast<int>(shown.steps);
  const int stride = static_cast<int>(shown.time_stride);
  fill_color_map(state_map_, shown.values.data(), Tr, N,  // values are [N, steps]
                 QCPRange(0, std::max(0, Tr - 1) * stride), QCPRange(0, std::max(0, N - 1)));
  const double m = std::max(1e-9, double(shown.max_abs));
  if (shown.signed_values) {
    state_map_->setGradient(diverging());
    state_map_->setDataRange(QCPRange(-m, m));
  } else {
    state_map_->setGradient(viridis());
    state_map_->setDataRange(QCPRange(0, m));
  }
  left(state_rect_)->setRange(-0.5, N - 0.5);
  left(state_rect_)->setTicker(state_dim_ticker(N));
  QString head;
  const int unit = unit_spin_->value();
  if (summary_)
    head = shape_.mamba2 ? tr("Layer %1 · all heads (RMS over h and p)").arg(layer_)
                         : tr("Layer %1 · all channels (RMS)").arg(layer_);
  else if (!shape_.mamba2)
    head = tr("Layer %1 · channel %2").arg(layer_).arg(unit);
  else if (p_spin_->value() == analysis::kRmsOverHeadDim)
    head = tr("Layer %1 · head %2 (RMS over p)").arg(layer_).arg(unit);
  else
    head = tr("Layer %1 · head %2, p = %3").arg(layer_).arg(unit).arg(p_spin_->value());
  QString text = tr("%1 — SSM state h(t) over time").arg(head);
  if (stride > 1) text += tr(" · state kept every %1 steps").arg(stride);
  title_el_->setText(text);
}

void SsmStateView::refreshHalfLives() {
  const int U = static_cast<int>(half_lives_.per_unit.size());
  QVector<double> k, v, kc, vc;
  for (int u = 0; u < U; ++u) {
    (half_lives_.unit_capped[size_t(u)] ? kc : k) << u;
    (half_lives_.unit_capped[size_t(u)] ? vc : v) << half_lives_.per_unit[size_t(u)];
  }
  hl_bars_->setData(k, v, true);
  hl_capped_bars_->setData(kc, vc, true);
  hl_capped_bars_->setVisible(!kc.isEmpty());
  if (kc.isEmpty())
    hl_capped_bars_->removeFromLegend(hl_legend_);
  else
    hl_capped_bars_->addToLegend(hl_legend_);  // no-op when already listed
  const int unit = unit_spin_->value();
  if (unit < U) {
    hl_highlight_->setData(QVector<double>{double(unit)},
                           QVector<double>{double(half_lives_.per_unit[size_t(unit)])});
  } else {
    hl_highlight_->data()->clear();
  }
  // Thin bars for many channels: make the selected one wide enough to see.
  for (QCPBars* b : {hl_bars_, hl_capped_bars_}) b->setWidth(U > 64 ? 1.0 : 0.8);
  hl_highlight_->setWidth(std::max(0.8, U / 60.0));
  bottom(hl_rect_)->setRange(-0.5 - (U > 64 ? U / 100.0 : 0), U - 0.5 + (U > 64 ? U / 100.0 : 0));
  QSharedPointer<QCPAxisTickerFixed> fixed(new QCPAxisTickerFixed);
  fixed->setTickStep(U > 64 ? 64 : (U > 16 ? 8 : 1));
  fixed->setScaleStrategy(QCPAxisTickerFixed::ssMultiples);
  bottom(hl_rect_)->setTicker(fixed);
  const double T = double(inputs_.steps);
  hl_length_line_->point1->setCoords(0, T);
  hl_length_line_->point2->setCoords(1, T);
  hl_length_text_->position->setCoords(0.02, T);
  hl_length_text_->setText(tr("input: %1 tokens").arg(inputs_.steps));
  hl_length_line_->setVisible(U > 0 && T > 0);
  hl_length_text_->setVisible(U > 0 && T > 0);
  if (U) {
    const double lo = std::max(1e-3, std::min(double(half_lives_.min_value), T));
    const double hi = std::max({lo * 10, double(half_lives_.max_value), T});
    left(hl_rect_)->setRange(lo / 2, hi * 3);
  }
  if (U == 0) {
    hl_title_->setText(tr("Half-life: the trace has no model weights"));
  } else {
    const float h = half_lives_.per_unit[size_t(unit)];
    const QString value = half_lives_.unit_capped[size_t(unit)]
                              ? tr("≥ %1 (Δ ≈ 0)").arg(double(h), 0, 'g', 2)
                              : QString::number(double(h), 'g', 3);
    hl_title_->setText(
        shape_.mamba2 ? tr("Memory half-life per head · head %1: %2 tokens").arg(unit).arg(value)
                      : tr("Memory half-life per channel · ch %1: %2 tokens").arg(unit).arg(value));
  }
}

void SsmStateView::refreshStep() {
  if (!trace_ || layer_ < 0 || !message_.isEmpty()) {
    replot_when_visible(plot_);
    return;
  }
  const int t = slider_->value();
  const QString label = t < labels_.size() ? labels_[t] : QString();
  step_label_->setText(tr("t = %1 «%2»").arg(t).arg(label));
  for (QCPItemStraightLine* l : step_lines_) {
    place_vline(l, t);
    l->setVisible(t < slider_->maximum());
  }
  // Columns recorded after t are hidden: the map fills in as time advances.
  const int Tr = state_map_->data()->keySize(), N = state_map_->data()->valueSize();
  const int stride = static_cast<int>(std::max<int64_t>(1, slice_.time_stride));
  if (t >= slider_->maximum()) {
    state_map_->data()->clearAlpha();
  } else {
    for (int i = 0; i < Tr; ++i) {
      const unsigned char a = i * stride <= t ? 255 : 0;
      for (int n = 0; n < N; ++n) state_map_->data()->setAlpha(i, n, a);
    }
  }

  // One step of the recurrence for the chosen unit (and p).
  const int p = shape_.mamba2 ? p_spin_->value() : 0;
  QVector<double> kd, kw, kn, prev, dec, wr, st;
  QString why;
  if (!trace_->model)
    why = tr("needs the model's A");
  else if (slice_.time_stride > 1)
    why = tr("the state was kept only every %1 steps").arg(slice_.time_stride);
  else if (p == analysis::kRmsOverHeadDim)
    why = tr("choose a head-dim p");
  if (why.isEmpty()) {
    try {
      const analysis::StateUpdate u =
          analysis::ssm_state_update(*trace_, layer_, unit_spin_->value(), p, t);
      for (size_t n = 0; n < u.state.size(); ++n) {
        kd << double(n) - 0.21;
        kw << double(n) + 0.21;
        kn << double(n);
        prev << u.previous[n];
        dec << u.decay[n];
        wr << u.write[n];
        st << u.state[n];
      }
      const double m = std::max({1e-9, double(slice_.max_abs), double(u.max_abs)}) * 1.12;
      left(step_rect_)->setRange(-m, m);
      QString title = tr("Step %1 «%2»: old state decays, input writes").arg(t).arg(label);
      if (size_t(t) < half_lives_.token.size()) {
        const double h = half_lives_.token[size_t(t)];
        title += QLatin1Char('\n') +
                 (half_lives_.token_capped[size_t(t)]
                      ? tr("half-life at this step's Δ: ≥ %1 tokens").arg(h, 0, 'g', 2)
                      : tr("half-life at this step's Δ: %1 tokens").arg(h, 0, 'g', 3));
      }
      step_title_->setText(title);
    } catch (const Error& e) {
      why = QString::fromStdString(e.what());
    }
  }
  if (!why.isEmpty()) step_title_->setText(tr("Step %1: no decomposition (%2)").arg(t).arg(why));
  prev_bars_->setData(kd, prev, true);
  decay_bars_->setData(kd, dec, true);
  write_bars_->setData(kw, wr, true);
  state_dots_->setData(kn, st, true);
  const int N2 = static_cast<int>(shape_.d_state);
  bottom(step_rect_)->setRange(-0.6, N2 - 0.4);
  bottom(step_rect_)->setTicker(state_dim_ticker(N2));
  setTokenCursor(token_cursor_);  // replots
}

void SsmStateView::setTokenCursor(int token) {
  token_cursor_ = token;
  for (QCPItemStraightLine* l : cursor_lines_) {
    l->setVisible(token >= 0 && message_.isEmpty());
    if (token >= 0) place_vline(l, token);
  }
  replot_when_visible(plot_);
}

void SsmStateView::prepareReplot() {
  updateColumns();
  updateTimeTicker();
  updateDeltaFill();
}

int SsmStateView::timeColumnEstimate() const {
  return std::max(200, plot_->viewport().width() * 3 / 5);
}

void SsmStateView::updateTimeTicker() {
  if (!state_rect_ || labels_.isEmpty()) return;
  // One label per token when they fit (about 11 px each), thinned otherwise. The axis rect's width
  // from the last layout, or before the first one an estimate.
  const int width = state_rect_->width() > 50 ? state_rect_->width() : timeColumnEstimate();
  const int ticks = std::max(8, width / 11);
  if (ticks == time_ticks_ && labels_ == ticked_labels_) return;
  time_ticks_ = ticks;
  ticked_labels_ = labels_;
  auto ticker = token_ticker(labels_, ticks);
  for (QCPAxisRect* r : {state_rect_, delta_rect_, b_rect_, c_rect_}) bottom(r)->setTicker(ticker);
}

void SsmStateView::updateDeltaFill() {
  const int width = timeColumnEstimate();
  const bool columns = delta_graph_->dataCount() * 2 >= width;
  delta_fill_->setVisible(columns);
  delta_graph_->setBrush(columns ? QBrush(Qt::NoBrush) : delta_brush_);
}

void SsmStateView::resizeEvent(QResizeEvent* e) {
  ChartView::resizeEvent(e);
  if (message_.isEmpty() && trace_) replot_when_visible(plot_);  // prepareReplot fits the axes
}

// ---- hover --------------------------------------------------------------------------------------

void SsmStateView::onMouseMove(QMouseEvent* e) {
  int token = -1;
  if (message_.isEmpty() && trace_) {
    for (QCPAxisRect* r : {state_rect_, delta_rect_, b_rect_, c_rect_})
      if (r->visible() && r->rect().contains(e->pos())) {
        const int t = static_cast<int>(std::lround(bottom(r)->pixelToCoord(e->pos().x())));
        if (t >= 0 && t < static_cast<int>(trace_->tokens.size())) token = t;
        if (token >= 0 && r == state_rect_) showStateTip(e, token);
        break;
      }
  }
  if (token == hovered_) return;
  hovered_ = token;
  setTokenCursor(token);
  emit tokenHovered(token);
}

void SsmStateView::showStateTip(QMouseEvent* e, int token) {
  int ki = 0, vi = 0;
  state_map_->data()->coordToCell(token, left(state_rect_)->pixelToCoord(e->pos().y()), &ki, &vi);
  if (ki < 0 || vi < 0 || ki >= state_map_->data()->keySize() ||
      vi >= state_map_->data()->valueSize() || state_map_->data()->alpha(ki, vi) == 0) {
    QToolTip::hideText();
    return;
  }
  const int t = static_cast<int>(analysis::state_row_token(ki, slice_.time_stride));
  QToolTip::showText(e->globalPosition().toPoint(),
                     tr("token %1 «%2» · state n = %3: %4")
                         .arg(t)
                         .arg(t < labels_.size() ? labels_[t] : QString())
                         .arg(vi)
                         .arg(state_map_->data()->cell(ki, vi), 0, 'g', 3),
                     plot_);
}

bool SsmStateView::eventFilter(QObject* watched, QEvent* e) {
  if (watched == plot_ && e->type() == QEvent::PaletteChange) applyPalette();
  if (watched == plot_ && e->type() == QEvent::Leave && hovered_ != -1) {
    hovered_ = -1;
    setTokenCursor(-1);
    emit tokenHovered(-1);
  }
  return ChartView::eventFilter(watched, e);
}

}  // namespace seqlens::widgets
