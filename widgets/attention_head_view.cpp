// AttentionHeadView: one attention map large, with selectors, tooltips and the token cursor.
#include <QComboBox>
#include <QEvent>
#include <QHBoxLayout>
#include <QLabel>
#include <QMouseEvent>
#include <QSet>
#include <QSignalBlocker>
#include <QStandardItemModel>
#include <QToolTip>
#include <QVBoxLayout>

#include <algorithm>

#include <qcustomplot.h>

#include "core/common/error.h"
#include "core/model/tokenizer.h"
#include "widgets/attention_view.h"
#include "widgets/combo_items.h"
#include "widgets/plot_style.h"

namespace seqlens::widgets {

using analysis::AttentionMapRef;
using analysis::MapKind;
using analysis::MapNorm;

namespace {

constexpr int kRecordedRole = Qt::UserRole + 1;

}  // namespace

AttentionHeadView::AttentionHeadView(QWidget* parent)
    : ChartView(parent),
      plot_(new QCustomPlot(this)),
      layer_box_(new QComboBox(this)),
      map_box_(new QComboBox(this)),
      map_label_(new QLabel(this)),
      norm_box_(new QComboBox(this)) {
  setup_view_plot(plot_);
  auto* controls = new QHBoxLayout;
  controls->setContentsMargins(6, 4, 6, 0);
  auto* layer_label = new QLabel(tr("Layer:"), this);
  layer_label->setBuddy(layer_box_);
  map_label_->setBuddy(map_box_);
  auto* norm_label = new QLabel(tr("Normalisation:"), this);
  norm_label->setBuddy(norm_box_);
  controls->addWidget(layer_label);
  controls->addWidget(layer_box_);
  controls->addSpacing(12);
  controls->addWidget(map_label_);
  controls->addWidget(map_box_);
  controls->addSpacing(12);
  controls->addWidget(norm_label);
  controls->addWidget(norm_box_);
  controls->addStretch(1);
  map_box_->setMaxVisibleItems(20);
  map_box_->setPlaceholderText(tr("choose to record…"));
  layer_box_->setMinimumContentsLength(12);
  map_box_->setMinimumContentsLength(16);
  map_box_->setSizeAdjustPolicy(QComboBox::AdjustToContents);
  layer_box_->setSizeAdjustPolicy(QComboBox::AdjustToContents);
  // Full width when there is room; on a narrow window the boxes may shrink (their text elides)
  // rather than hold the window wider than the screen.
  for (QComboBox* box : {layer_box_, map_box_, norm_box_}) box->setMinimumWidth(80);
  norm_box_->addItem(QString(), int(MapNorm::Raw));
  norm_box_->addItem(QString(), int(MapNorm::AbsMinMax));
  norm_box_->addItem(QString(), int(MapNorm::RowNormalised));
  retranslateNormBox();
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->setSpacing(2);
  layout->addLayout(controls);
  layout->addWidget(plot_, 1);

  rect_ = plot_->axisRect();
  // The map as an image of one pixel per cell, scaled to the rect without smoothing: a
  // QCPColorMap would copy the 512 × 512 values into doubles on every trace (~0.9 ms).
  image_ = new CellImage(plot_);
  image_->setClipToAxisRect(true);
  image_->setLayer(QStringLiteral("main"));
  scale_ = new QCPColorScale(plot_);
  scale_->setBarWidth(14);
  auto* group = new QCPMarginGroup(plot_);
  rect_->setMarginGroup(QCP::msTop | QCP::msBottom, group);
  scale_->setMarginGroup(QCP::msTop | QCP::msBottom, group);
  // The title on a row of its own above [map | colour scale], so it spans the whole plot and
  // wraps at its width instead of holding the map's column wider than a narrow panel.
  QCPLayoutGrid* top = plot_->plotLayout();
  auto* body = new QCPLayoutGrid;
  top->take(rect_);
  top->simplify();
  QFont title_font = font();
  title_font.setPointSizeF(title_font.pointSizeF() * 1.15);
  title_font.setBold(true);
  title_ = new WrappedText(plot_, QString(), title_font);
  top->addElement(0, 0, title_);
  top->addElement(1, 0, body);
  body->addElement(0, 0, rect_);
  body->addElement(0, 1, scale_);
  plot_->yAxis->setRangeReversed(true);  // query 0 at the top, as in a matrix
  plot_->xAxis->setLabel(tr("key token (s)"));
  plot_->yAxis->setLabel(tr("query token (t)"));
  plot_->xAxis->grid()->setVisible(false);
  plot_->yAxis->grid()->setVisible(false);

  cursor_row_ = new QCPItemRect(plot_);
  cursor_col_ = new QCPItemRect(plot_);
  for (QCPItemRect* r : {cursor_row_, cursor_col_}) {
    r->setClipToAxisRect(true);
    r->setVisible(false);
    r->setSelectable(false);
  }
  message_ = new QCPItemText(plot_);
  message_->position->setType(QCPItemPosition::ptAxisRectRatio);
  message_->position->setCoords(0.5, 0.5);
  message_->setPositionAlignment(Qt::AlignCenter);
  message_->setTextAlignment(Qt::AlignCenter);
  message_->setClipToAxisRect(false);

  plot_->setMouseTracking(true);
  plot_->installEventFilter(this);
  connect(plot_, &QCustomPlot::mouseMove, this, &AttentionHeadView::onMouseMove);
  connect(plot_, &QCustomPlot::beforeReplot, this, &AttentionHeadView::updateTickers);
  connect(layer_box_, &QComboBox::activated, this, &AttentionHeadView::onLayerActivated);
  connect(map_box_, &QComboBox::activated, this, &AttentionHeadView::onMapActivated);
  connect(norm_box_, &QComboBox::activated, this, &AttentionHeadView::onNormActivated);

  apply_palette(plot_);
  showCurrent();
}

QString AttentionHeadView::title() const {
  return tr("Attention map (head)");
}

const AttentionMapRef* AttentionHeadView::currentMap() const {
  return current_ >= 0 ? &maps_[static_cast<size_t>(current_)] : nullptr;
}

void AttentionHeadView::retranslateNormBox() {
  norm_box_->setItemText(0, tr("Raw α (signed)"));
  norm_box_->setItemText(1, tr("|α| min–max"));
  norm_box_->setItemText(2, tr("Row-normalised |α|"));
  norm_box_->setCurrentIndex(norm_box_->findData(int(norm_)));
}

QString AttentionHeadView::chartTitle() const {
  const AttentionMapRef* m = currentMap();
  if (!trace_) return tr("Attention");
  if (!m) return tr("Layer %1 — no attention map recorded").arg(layer_);
  if (m->kind == MapKind::Softmax)
    return tr("Layer %1, head %2 — softmax attention (probabilities)").arg(m->layer).arg(m->index);
  const QString mode = norm_ == MapNorm::Raw         ? tr("raw")
                       : norm_ == MapNorm::AbsMinMax ? tr("|α| min–max")
                                                     : tr("row-normalised");
  if (m->mixer == MixerKind::Mamba2)
    return tr("Layer %1, head %2 — hidden attention (%3)").arg(m->layer).arg(m->index).arg(mode);
  return tr("Layer %1, channel %2 — hidden attention (%3)").arg(m->layer).arg(m->index).arg(mode);
}

QString AttentionHeadView::tooltipAt(int t, int s) const {
  const AttentionMapRef* m = currentMap();
  if (!m || t < 0 || s < 0 || t >= m->T || s >= m->S) return {};
  const MapNorm mode = m->kind == MapKind::Softmax ? MapNorm::Raw : norm_;
  const float v = analysis::map_cell(*m, mode, t, s);
  // Keys beyond the queries' own tokens (a cache prefix) have no label of their own here.
  const int key_token = s - static_cast<int>(m->S - m->T);
  auto label = [&](int i) {
    return i >= 0 && i < labels_.size() ? labels_[i] : QStringLiteral("?");
  };
  const QString what = m->kind == MapKind::Softmax  ? tr("probability")
                       : mode == MapNorm::Raw       ? tr("α")
                       : mode == MapNorm::AbsMinMax ? tr("|α| (min–max)")
                                                    : tr("|α| / row sum");
  return tr("query “%1” (t = %2)\nkey “%3” (s = %4)\n%5 = %6")
      .arg(label(t))
      .arg(t)
      .arg(label(key_token))
      .arg(s)
      .arg(what)
      .arg(QString::number(double(v), 'g', 4));
}

void AttentionHeadView::setTrace(std::shared_ptr<const ForwardTrace> trace) {
  // Keep showing the same map; after a re-run for a requested channel, show that channel.
  int keep_layer = layer_, keep_index = current_ >= 0 ? int(currentMap()->index) : -1;
  if (pending_layer_ >= 0) {
    keep_layer = pending_layer_;
    keep_index = pending_index_;
    pending_layer_ = pending_index_ = -1;
  }
  trace_ = std::move(trace);
  maps_.clear();
  labels_.clear();
  current_ = -1;
  if (trace_) {
    try {
      maps_ = analysis::enumerate_attention_maps(*trace_);
    } catch (const Error&) {
      maps_.clear();  // a malformed trace shows as one without maps
    }
    for (const std::string& l : ByteTokenizer::sequence_labels(trace_->tokens))
      labels_ << QString::fromStdString(l);
  }
  const int n_layers = trace_ ? static_cast<int>(trace_->config.n_layers) : 0;
  if (keep_layer < 0 || keep_layer >= n_layers) {
    keep_layer = maps_.empty() ? (n_layers > 0 ? 0 : -1) : static_cast<int>(maps_.front().layer);
    keep_index = -1;
  }
  layer_ = keep_layer;
  current_ = static_cast<int>(analysis::find_map(maps_, keep_layer, keep_index));
  if (current_ < 0) current_ = static_cast<int>(analysis::first_map_of_layer(maps_, layer_));
  fillLayerBox();
  fillMapBox();
  showCurrent();
}

void AttentionHeadView::selectLayer(int layer) {
  if (!trace_ || layer == layer_ || layer < 0 || layer >= trace_->config.n_layers) return;
  layer_ = layer;
  current_ = static_cast<int>(analysis::first_map_of_layer(maps_, layer));
  fillLayerBox();
  fillMapBox();
  showCurrent();
}

void AttentionHeadView::showMap(int layer, int index) {
  const int i = static_cast<int>(analysis::find_map(maps_, layer, index));
  if (i < 0 || i == current_) return;
  layer_ = layer;
  current_ = i;
  fillLayerBox();
  fillMapBox();
  showCurrent();
}

void AttentionHeadView::setNormalisation(MapNorm mode) {
  if (mode == norm_) return;
  norm_ = mode;
  norm_box_->setCurrentIndex(norm_box_->findData(int(norm_)));
  showCurrent();
}

void AttentionHeadView::setTokenCursor(int token) {
  cursor_ = token;
  updateCursor();
  replot_when_visible(plot_);
}

void AttentionHeadView::fillLayerBox() {
  std::vector<ComboItem> items;
  if (trace_) {
    const std::vector<LayerKind> kinds = trace_->config.layer_map();
    for (size_t l = 0; l < kinds.size(); ++l) {
      const MixerKind mixer = kinds[l].mixer;
      const QString kind = mixer == MixerKind::Attention ? tr("attention")
                           : mixer == MixerKind::Mamba2  ? tr("Mamba-2")
                                                         : tr("Mamba");
      items.push_back({tr("%1 · %2").arg(l).arg(kind), int(l)});
    }
  }
  set_combo_items(layer_box_, items);
  layer_box_->setCurrentIndex(layer_box_->findData(layer_));
}

void AttentionHeadView::fillMapBox() {
  if (!trace_ || layer_ < 0) {
    set_combo_items(map_box_, {});
    map_label_->setText(tr("Head:"));
    map_box_->setEnabled(false);
    return;
  }
  const MixerKind mixer = trace_->config.layer_map()[static_cast<size_t>(layer_)].mixer;
  const bool heads = mixer != MixerKind::Mamba1;
  map_label_->setText(heads ? tr("Head:") : tr("Channel:"));
  std::vector<ComboItem> items;
  std::vector<bool> recorded;
  auto add = [&](int64_t id, bool is_recorded) {
    QString text = heads ? tr("Head %1").arg(id) : tr("Channel %1").arg(id);
    if (!is_recorded) text = tr("%1 (record)").arg(text);
    items.push_back({text, qlonglong(id)});
    recorded.push_back(is_recorded);
  };
  for (const AttentionMapRef& m : maps_)
    if (m.layer == layer_) add(m.index, true);
  if (mixer != MixerKind::Attention) {
    // Every channel / head can be asked for; the ones not recorded yet re-run the trace.
    const size_t n_recorded = items.size();
    const int64_t count = analysis::hidden_channel_count(trace_->config, layer_);
    for (int64_t id = 0; id < count; ++id)
      if (analysis::find_map(maps_, layer_, id) < 0) add(id, false);
    if (n_recorded > 0 && items.size() > n_recorded) {
      items.insert(items.begin() + static_cast<std::ptrdiff_t>(n_recorded), ComboItem::separator());
      recorded.insert(recorded.begin() + static_cast<std::ptrdiff_t>(n_recorded), false);
    }
  }
  // The item text says whether a map is recorded, so the same texts mean the same flags.
  if (set_combo_items(map_box_, items))
    for (size_t i = 0; i < items.size(); ++i)
      map_box_->setItemData(static_cast<int>(i), bool(recorded[i]), kRecordedRole);
  map_box_->setEnabled(map_box_->count() > 0);
  if (const AttentionMapRef* m = currentMap())
    map_box_->setCurrentIndex(map_box_->findData(qlonglong(m->index)));
  else
    map_box_->setCurrentIndex(-1);
}

void AttentionHeadView::showCurrent() {
  const AttentionMapRef* m = currentMap();
  const bool hidden = m && m->kind == MapKind::Hidden;
  norm_box_->setEnabled(hidden);
  norm_box_->setToolTip(hidden || !m ? QString()
                                     : tr("Softmax attention is shown as probabilities."));
  title_->setText(chartTitle());
  image_->setVisible(m != nullptr);
  scale_->setVisible(m != nullptr);
  if (m) {
    const MapNorm mode = hidden ? norm_ : MapNorm::Raw;
    values_ = analysis::normalise_map(*m, mode);
    const analysis::MapValues& v = values_;
    const QCPColorGradient gradient = map_gradient(v);
    image_->setPixmap(map_pixmap(v));
    // Cell (t, s) spans [s − 0.5, s + 0.5] × [t − 0.5, t + 0.5]; query 0 at the top.
    image_->topLeft->setCoords(-0.5, -0.5);
    image_->bottomRight->setCoords(double(v.cols) - 0.5, double(v.rows) - 0.5);
    scale_->setGradient(gradient);
    scale_->setDataRange(QCPRange(v.lo, v.hi));
    scale_->axis()->setLabel(!hidden                      ? tr("attention probability")
                             : mode == MapNorm::Raw       ? tr("hidden attention α")
                             : mode == MapNorm::AbsMinMax ? tr("|α|, min–max scaled")
                                                          : tr("|α| / row sum"));
    plot_->xAxis->setRange(-0.5, double(m->S) - 0.5);
    plot_->yAxis->setRange(-0.5, double(m->T) - 0.5);
    QStringList keys = labels_;
    if (m->S > m->T) {  // keys of a cache prefix have no token label here
      keys.clear();
      for (int64_t s = 0; s < m->S; ++s)
        keys << (s >= m->S - m->T ? labels_.value(int(s - (m->S - m->T))) : QString::number(s));
    }
    key_labels_ = keys;
    ticked_ = -1;  // new labels: set the tickers again
    updateTickers();
    plot_->xAxis->setTickLabels(true);
    plot_->yAxis->setTickLabels(true);
    plot_->xAxis->setVisible(true);
    plot_->yAxis->setVisible(true);
  } else {
    values_ = analysis::MapValues{};
    plot_->xAxis->setTickLabels(false);
    plot_->yAxis->setTickLabels(false);
    plot_->xAxis->setVisible(false);
    plot_->yAxis->setVisible(false);
    plot_->xAxis->setRange(0, 1);
    plot_->yAxis->setRange(0, 1);
  }
  updateMessage();
  updateCursor();
  replot_when_visible(plot_);
}

void AttentionHeadView::updateTickers() {
  // As many token labels as fit the axes at their current size (every token when there is room).
  if (!currentMap()) return;
  const QFontMetrics fm(plot_->xAxis->tickLabelFont());
  // Measure each distinct label once: text shaping is ~2 µs a call, and 512 byte tokens have a
  // few dozen distinct labels.
  int widest = 0;
  const QSet<QString> distinct(key_labels_.begin(), key_labels_.end());
  for (const QString& l : distinct) widest = std::max(widest, fm.horizontalAdvance(l));
  // The axis rect's size from the last layout, or an estimate before the first one.
  const int w = rect_->width() > 50 ? rect_->width() : plot_->viewport().width() - 160;
  const int h = rect_->height() > 50 ? rect_->height() : plot_->viewport().height() - 90;
  // Before the widget is first laid out its size means nothing: use token_ticker's default.
  const bool sized = plot_->viewport().width() >= 200 && plot_->viewport().height() >= 150;
  const int x_ticks = sized ? std::max(2, w / (widest + 2)) : 40;
  const int y_ticks = sized ? std::max(2, h / (fm.height() + 2)) : 40;
  if (x_ticks == x_ticks_ && y_ticks == y_ticks_ && ticked_ == current_) return;
  x_ticks_ = x_ticks;
  y_ticks_ = y_ticks;
  ticked_ = current_;
  plot_->xAxis->setTicker(token_ticker(key_labels_, x_ticks));
  plot_->yAxis->setTicker(token_ticker(labels_, y_ticks));
}

void AttentionHeadView::updateMessage() {
  QString text;
  if (!trace_) {
    text = tr("No trace yet: run a model to see its attention.");
  } else if (!currentMap() && layer_ >= 0) {
    const MixerKind mixer = trace_->config.layer_map()[static_cast<size_t>(layer_)].mixer;
    text = mixer == MixerKind::Attention
               ? tr("The attention pattern of layer %1 was not recorded.").arg(layer_)
           : mixer == MixerKind::Mamba2
               ? tr("No hidden attention recorded for layer %1.\nChoose a head above to record it.")
                     .arg(layer_)
               : tr("No hidden attention recorded for layer %1.\nChoose a channel above to record "
                    "it.")
                     .arg(layer_);
  }
  message_->setText(text);
  message_->setVisible(!text.isEmpty());
  message_->setColor(palette().color(QPalette::Text));
}

void AttentionHeadView::updateCursor() {
  const AttentionMapRef* m = currentMap();
  const bool show = m && cursor_ >= 0 && cursor_ < m->T;
  cursor_row_->setVisible(show);
  cursor_col_->setVisible(show);
  if (!show) return;
  QColor edge = palette().color(QPalette::Highlight);
  QColor fill = edge;
  fill.setAlpha(45);
  const double key = double(cursor_ + (m->S - m->T));  // the cursor token as a key
  const double x0 = -0.5, x1 = double(m->S) - 0.5, y0 = -0.5, y1 = double(m->T) - 0.5;
  cursor_row_->topLeft->setCoords(x0, cursor_ - 0.5);
  cursor_row_->bottomRight->setCoords(x1, cursor_ + 0.5);
  cursor_col_->topLeft->setCoords(key - 0.5, y0);
  cursor_col_->bottomRight->setCoords(key + 0.5, y1);
  for (QCPItemRect* r : {cursor_row_, cursor_col_}) {
    r->setPen(QPen(edge, 1.5));
    r->setBrush(fill);
  }
}

void AttentionHeadView::onLayerActivated(int row) {
  const int layer = layer_box_->itemData(row).toInt();
  if (layer == layer_) return;
  layer_ = layer;
  current_ = static_cast<int>(analysis::first_map_of_layer(maps_, layer));
  fillMapBox();
  showCurrent();
  emit layerSelected(layer);
  if (const AttentionMapRef* m = currentMap())
    emit mapShown(static_cast<int>(m->layer), static_cast<int>(m->index));
}

void AttentionHeadView::onMapActivated(int row) {
  if (!trace_ || row < 0) return;
  const int64_t id = map_box_->itemData(row).toLongLong();
  if (!map_box_->itemData(row, kRecordedRole).toBool()) {
    // Not recorded yet: ask for a re-run with it, keep showing the current map meanwhile.
    std::vector<int64_t> channels = trace_->hidden_channels;
    if (std::find(channels.begin(), channels.end(), id) == channels.end()) channels.push_back(id);
    const AttentionMapRef* m = currentMap();
    map_box_->setCurrentIndex(m ? map_box_->findData(qlonglong(m->index)) : -1);
    pending_layer_ = layer_;
    pending_index_ = static_cast<int>(id);
    emit hiddenChannelsRequested(channels);
    return;
  }
  const int i = static_cast<int>(analysis::find_map(maps_, layer_, id));
  if (i < 0 || i == current_) return;
  current_ = i;
  showCurrent();
  emit mapShown(layer_, static_cast<int>(id));
}

void AttentionHeadView::onNormActivated(int row) {
  const auto mode = static_cast<MapNorm>(norm_box_->itemData(row).toInt());
  if (mode == norm_) return;
  norm_ = mode;
  showCurrent();
  emit normalisationChanged(mode);
}

void AttentionHeadView::onMouseMove(QMouseEvent* event) {
  const AttentionMapRef* m = currentMap();
  if (!m || !rect_->rect().contains(event->pos())) {
    QToolTip::hideText();
    setHovered(-1);
    return;
  }
  const int s = qRound(plot_->xAxis->pixelToCoord(event->pos().x()));
  const int t = qRound(plot_->yAxis->pixelToCoord(event->pos().y()));
  const QString tip = tooltipAt(t, s);
  if (tip.isEmpty()) {
    QToolTip::hideText();
    setHovered(-1);
    return;
  }
  QToolTip::showText(event->globalPosition().toPoint(), tip, plot_);
  setHovered(t);
}

void AttentionHeadView::setHovered(int t) {
  if (t == hovered_) return;
  hovered_ = t;
  emit tokenHovered(t);
}

bool AttentionHeadView::eventFilter(QObject* watched, QEvent* event) {
  if (watched == plot_ && event->type() == QEvent::Leave) setHovered(-1);
  return ChartView::eventFilter(watched, event);
}

void AttentionHeadView::changeEvent(QEvent* e) {
  if (e->type() == QEvent::PaletteChange) {
    apply_palette(plot_);
    updateMessage();
    updateCursor();
  } else if (e->type() == QEvent::LanguageChange) {
    retranslateNormBox();
    plot_->xAxis->setLabel(tr("key token (s)"));
    plot_->yAxis->setLabel(tr("query token (t)"));
    fillLayerBox();
    fillMapBox();
    showCurrent();
  }
  ChartView::changeEvent(e);
}

void link_attention_views(AttentionModelView* model, AttentionHeadView* head) {
  QObject::connect(model, &AttentionModelView::mapSelected, head, &AttentionHeadView::showMap);
  QObject::connect(head, &AttentionHeadView::mapShown, model, &AttentionModelView::selectMap);
  QObject::connect(head, &AttentionHeadView::normalisationChanged, model,
                   &AttentionModelView::setNormalisation);
  model->setNormalisation(head->normalisation());
}

}  // namespace seqlens::widgets
