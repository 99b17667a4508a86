#include "widgets/routing_view.h"

#include <QComboBox>
#include <QEvent>
#include <QFontMetrics>
#include <QHBoxLayout>
#include <QLabel>
#include <QMouseEvent>
#include <QSignalBlocker>
#include <QToolTip>
#include <QVBoxLayout>

#include <algorithm>
#include <array>
#include <cmath>

#include <qcustomplot.h>

#include "core/model/tokenizer.h"
#include "widgets/plot_style.h"

namespace seqlens::widgets {

namespace {

// A copy of `base` scaled by `factor` (fonts may be set in points or in pixels).
QFont scaled_font(const QFont& base, double factor) {
  QFont f = base;
  if (base.pointSizeF() > 0)
    f.setPointSizeF(std::max(6.0, base.pointSizeF() * factor));
  else if (base.pixelSize() > 0)
    f.setPixelSize(std::max(8, int(std::lround(base.pixelSize() * factor))));
  return f;
}

// The chart columns' stretch factors: heat map and per-token entropy, load bars and per-layer
// entropy (fitToWidth sizes labels from them too).
constexpr double kHeatColumn = 0.74, kLoadColumn = 0.26;

// Okabe–Ito: colour-blind safe; the lighter variants read better on dark backgrounds.
QColor bar_colour(bool dark) {
  return dark ? QColor(0x56, 0xB4, 0xE9) : QColor(0x00, 0x72, 0xB2);
}
// `fg` drawn over the opaque `bg` (source-over), as one opaque colour.
QColor over(const QColor& fg, const QColor& bg) {
  const float a = fg.alphaF();
  return QColor::fromRgbF(fg.redF() * a + bg.redF() * (1 - a),
                          fg.greenF() * a + bg.greenF() * (1 - a),
                          fg.blueF() * a + bg.blueF() * (1 - a));
}
QColor accent_colour() {
  return QColor(0xE6, 0x9F, 0x00);
}

// Filled shapes with a dark edge read on every viridis colour; the shape encodes the rank.
QCPScatterStyle rank_style(int rank) {
  static const QCPScatterStyle::ScatterShape shapes[] = {
      QCPScatterStyle::ssCircle,  QCPScatterStyle::ssTriangle,         QCPScatterStyle::ssSquare,
      QCPScatterStyle::ssDiamond, QCPScatterStyle::ssTriangleInverted, QCPScatterStyle::ssStar};
  const auto shape = shapes[std::min(rank, 5)];
  const double size = rank == 0 ? 10 : 9;
  return QCPScatterStyle(shape, QPen(QColor(20, 20, 20), 1.2), QBrush(Qt::white), size);
}

// A scatter graph that stamps its symbol from small pre-rendered images when painting on screen:
// QCPGraph strokes every symbol's outline anew (about 5 µs a symbol; a 512-token heat map has
// 1024). The images are rendered at a quarter-pixel grid of offsets and composited in the same
// order, so the picture matches the drawn one to within an eighth of a pixel. Vector and scaled
// painting (PDF, SVG, scaled PNG export) draw the symbols as QCPGraph does.
class StampedScatterGraph : public QCPGraph {
 public:
  using QCPGraph::QCPGraph;

 protected:
  void drawScatterPlot(QCPPainter* painter, const QVector<QPointF>& scatters,
                       const QCPScatterStyle& style) const override {
    applyScattersAntialiasingHint(painter);
    QPaintEngine* engine = painter->paintEngine();
    if (!engine || engine->type() != QPaintEngine::Raster ||
        painter->transform().type() > QTransform::TxTranslate || scatters.size() < 16) {
      QCPGraph::drawScatterPlot(painter, scatters, style);
      return;
    }
    const double dpr = painter->device()->devicePixelRatioF();
    const bool aa = painter->testRenderHint(QPainter::Antialiasing);
    if (dpr != dpr_ || aa != aa_ || style.shape() != style_.shape() ||
        style.size() != style_.size() || style.pen() != style_.pen() ||
        style.brush() != style_.brush()) {
      for (QImage& s : stamps_) s = QImage();
      dpr_ = dpr;
      aa_ = aa;
      style_ = style;
    }
    const double dx = painter->transform().dx(), dy = painter->transform().dy();
    // Half the stamp, in device pixels: the symbol, its outline and the antialiasing fringe.
    const int half = int(std::ceil((style.size() / 2 + style.pen().widthF() + 2) * dpr));
    for (const QPointF& p : scatters) {
      // The symbol's centre in device pixels, split into a whole pixel and a quarter-pixel phase.
      const double x = (p.x() + dx) * dpr, y = (p.y() + dy) * dpr;
      double ix = std::floor(x), iy = std::floor(y);
      int fx = int(std::lround((x - ix) * 4)), fy = int(std::lround((y - iy) * 4));
      if (fx == 4) {
        fx = 0;
        ix += 1;
      }
      if (fy == 4) {
        fy = 0;
        iy += 1;
      }
      QImage& stamp = stamps_[size_t(fy * 4 + fx)];
      if (stamp.isNull()) {
        stamp = QImage(2 * half + 1, 2 * half + 1, QImage::Format_ARGB32_Premultiplied);
        stamp.fill(Qt::transparent);
        stamp.setDevicePixelRatio(dpr);
        QCPPainter sp(&stamp);
        sp.setRenderHint(QPainter::Antialiasing, aa);
        style.applyTo(&sp, mPen);
        style.drawShape(&sp, (half + fx / 4.0) / dpr, (half + fy / 4.0) / dpr);
      }
      painter->drawImage(QPointF((ix - half) / dpr - dx, (iy - half) / dpr - dy), stamp);
    }
  }

 private:
  mutable std::array<QImage, 16> stamps_;  // [4 y phases × 4 x phases]
  mutable QCPScatterStyle style_;
  mutable double dpr_ = 0;
  mutable bool aa_ = false;
};

void place_in(QCPAbstractItem* item, QCPAxisRect* rect) {
  item->setClipToAxisRect(true);
  item->setClipAxisRect(rect);
  for (QCPItemPosition* p : item->positions())
    p->setAxes(rect->axis(QCPAxis::atBottom), rect->axis(QCPAxis::atLeft));
}

}  // namespace

RoutingView::RoutingView(QWidget* parent)
    : ChartView(parent),
      selector_(new QComboBox(this)),
      selector_label_(new QLabel(tr("MoE layer:"), this)),
      plot_(new QCustomPlot(this)) {
  setup_view_plot(plot_);
  auto* controls = new QHBoxLayout;
  controls->setContentsMargins(6, 4, 6, 0);
  controls->addWidget(selector_label_);
  controls->addWidget(selector_);
  controls->addStretch(1);
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->setSpacing(2);
  layout->addLayout(controls);
  layout->addWidget(plot_, 1);
  selector_label_->setBuddy(selector_);
  selector_->setToolTip(tr("The Mixture-of-Experts layer whose routing is shown"));

  connect(selector_, &QComboBox::currentIndexChanged, this, [this](int index) {
    if (index < 0) return;
    const int l = selector_->itemData(index).toInt();
    if (l == layer_) return;
    showLayer(l);
    emit layerSelected(l);
  });
  connect(plot_, &QCustomPlot::mouseMove, this, &RoutingView::onMouseMove);
  connect(plot_, &QCustomPlot::mousePress, this, &RoutingView::onMousePress);
  plot_->installEventFilter(this);
  plot_->setMouseTracking(true);
  plot_->setAutoAddPlottableToLegend(false);
  rebuild();
}

void RoutingView::setTrace(std::shared_ptr<const ForwardTrace> trace) {
  trace_ = std::move(trace);
  summary_.clear();
  labels_.clear();
  if (trace_) {
    summary_ = analysis::routing_summary(*trace_);
    for (const std::string& s : ByteTokenizer::sequence_labels(trace_->tokens))
      labels_ << QString::fromStdString(s);
  }
  cursor_ = -1;
  hovered_ = -1;
  rebuild();
}

void RoutingView::rebuild(bool structure) {
  has_routing_ = false;
  // Keep the layer across traces when it is still an MoE layer with routing.
  const int keep = layer_;
  layer_ = -1;
  {
    const QSignalBlocker block(selector_);
    selector_->clear();
    for (const auto& s : summary_)
      selector_->addItem(tr("Layer %1").arg(s.layer), QVariant::fromValue(int(s.layer)));
  }
  selector_->setEnabled(!summary_.empty());

  if (!trace_) {
    buildMessage(tr("No trace yet: run the model on some text."));
  } else if (analysis::moe_layers(trace_->config).empty()) {
    buildMessage(tr("This model has no Mixture-of-Experts layers, so no token is routed.") +
                 QLatin1Char('\n') + tr("Load a Jamba model to see expert routing."));
  } else if (summary_.empty()) {
    buildMessage(tr("Routing was not recorded for this trace.") + QLatin1Char('\n') +
                 tr("Record the router probabilities and top-k choices to see it."));
  } else {
    if (structure || !heat_ || int(trace_->config.num_experts) != built_experts_ ||
        int(trace_->config.top_k) != built_top_k_)
      buildCharts();
    fillCharts();
    int l = int(summary_.front().layer);
    for (const auto& s : summary_)
      if (s.layer == keep) l = keep;
    {
      const QSignalBlocker block(selector_);
      selector_->setCurrentIndex(selector_->findData(l));
    }
    showLayer(l);
  }
}

void RoutingView::buildMessage(const QString& text) {
  // The same message again (every trace of a tab that does not record routing): nothing to
  // rebuild. Clearing and refilling the layout cost up to ~1 ms of each edit.
  const QFont title_font = scaled_font(font(), 1.1);
  if (!heat_ && title_ && message_ == text && title_->font() == title_font &&
      plot_->plotLayout()->elementCount() == 3)
    return;
  message_ = text;
  built_experts_ = built_top_k_ = -1;
  plot_->clearItems();
  plot_->clearPlottables();
  plot_->plotLayout()->clear();
  heat_rect_ = load_rect_ = token_rect_ = layer_rect_ = nullptr;
  heat_ = nullptr;
  scale_ = nullptr;
  markers_.clear();
  load_bars_ = load_chosen_ = token_entropy_ = layer_entropy_ = layer_selected_ = nullptr;
  ideal_line_ = max_entropy_line_ = layer_max_line_ = cursor_line_ = nullptr;
  ideal_text_ = max_entropy_text_ = nullptr;
  cursor_column_ = nullptr;
  cursor_cells_.clear();
  subtitle_ = nullptr;
  title_ = new QCPTextElement(plot_, text, title_font);
  // Centred vertically between two insets, the one layout element that grows freely.
  plot_->plotLayout()->addElement(0, 0, new QCPLayoutInset);
  plot_->plotLayout()->addElement(1, 0, title_);
  plot_->plotLayout()->addElement(2, 0, new QCPLayoutInset);
  plot_->plotLayout()->setRowStretchFactors({1.0, 0.001, 1.2});
  applyPalette();
  replot_when_visible(plot_);
}

void RoutingView::buildCharts() {
  plot_->clearItems();
  plot_->clearPlottables();
  plot_->plotLayout()->clear();
  markers_.clear();
  cursor_cells_.clear();
  const int E = int(trace_->config.num_experts);
  const int k = int(trace_->config.top_k);
  built_experts_ = E;
  built_top_k_ = k;

  // Rows: title, subtitle, the rank legend (centred between two empty spacers), the charts.
  auto* layout = plot_->plotLayout();
  QFont title_font = scaled_font(font(), 1.2);
  title_font.setBold(true);
  title_ = new QCPTextElement(plot_, QString(), title_font);
  subtitle_ = new WrappedText(plot_, QString(), font());
  layout->addElement(0, 0, title_);
  layout->addElement(1, 0, subtitle_);
  auto* legend_row = new QCPLayoutGrid;
  layout->addElement(2, 0, legend_row);
  auto* legend = new QCPLegend;
  // Empty text elements as springs: an empty grid cannot grow, a text element can.
  legend_row->addElement(0, 0, new QCPTextElement(plot_, QString()));
  legend_row->addElement(0, 1, legend);
  legend_row->addElement(0, 2, new QCPTextElement(plot_, QString()));
  legend_row->setColumnStretchFactors({1.0, 0.001, 1.0});
  legend->setFillOrder(QCPLayoutGrid::foColumnsFirst);
  legend->setWrap(8);
  legend->setLayer(QStringLiteral("legend"));
  legend->setIconSize(14, 12);
  legend->setFont(font());
  // Tight around its one row of entries: in the Compare tab's short panel the default margins
  // left the row cut at its bottom edge.
  legend->setMargins(QMargins(6, 2, 6, 2));
  legend->setRowSpacing(0);
  auto* grid = new QCPLayoutGrid;
  layout->addElement(3, 0, grid);
  layout->setRowStretchFactors({0.001, 0.001, 0.001, 1.0});
  layout->setRowSpacing(0);

  heat_rect_ = new QCPAxisRect(plot_);
  load_rect_ = new QCPAxisRect(plot_);
  scale_ = new QCPColorScale(plot_);
  token_rect_ = new QCPAxisRect(plot_);
  layer_rect_ = new QCPAxisRect(plot_);
  grid->addElement(0, 0, heat_rect_);
  grid->addElement(0, 1, load_rect_);
  grid->addElement(0, 2, scale_);
  grid->addElement(1, 0, token_rect_);
  grid->addElement(1, 1, layer_rect_);
  grid->setColumnStretchFactors({kHeatColumn, kLoadColumn, 0.001});
  grid->setRowStretchFactors({0.62, 0.38});
  grid->setColumnSpacing(8);
  grid->setRowSpacing(4);

  // Expert rows line up across the heat map, the load bars and the colour scale; token columns
  // line up between the heat map and the per-token entropy.
  auto* rows = new QCPMarginGroup(plot_);
  heat_rect_->setMarginGroup(QCP::msTop | QCP::msBottom, rows);
  load_rect_->setMarginGroup(QCP::msTop | QCP::msBottom, rows);
  scale_->setMarginGroup(QCP::msTop | QCP::msBottom, rows);
  auto* cols = new QCPMarginGroup(plot_);
  heat_rect_->setMarginGroup(QCP::msLeft | QCP::msRight, cols);
  token_rect_->setMarginGroup(QCP::msLeft | QCP::msRight, cols);
  auto* right = new QCPMarginGroup(plot_);
  load_rect_->setMarginGroup(QCP::msLeft | QCP::msRight, right);
  layer_rect_->setMarginGroup(QCP::msLeft | QCP::msRight, right);
  auto* bottom = new QCPMarginGroup(plot_);
  token_rect_->setMarginGroup(QCP::msBottom | QCP::msTop, bottom);
  layer_rect_->setMarginGroup(QCP::msBottom | QCP::msTop, bottom);

  const QFont tick_font = scaled_font(font(), 0.85);
  for (QCPAxisRect* r : {heat_rect_, load_rect_, token_rect_, layer_rect_})
    for (QCPAxis* a : r->axes()) a->setTickLabelFont(tick_font);

  // Expert axis ticker: "E0", "E1", ...
  QSharedPointer<QCPAxisTickerText> experts(new QCPAxisTickerText);
  for (int e = 0; e < E; ++e) experts->addTick(e, tr("E%1").arg(e));

  // Heat map: x = token, y = expert (expert 0 at the top).
  QCPAxis* hx = heat_rect_->axis(QCPAxis::atBottom);
  QCPAxis* hy = heat_rect_->axis(QCPAxis::atLeft);
  heat_ = new QCPColorMap(hx, hy);
  heat_->setColorScale(scale_);
  heat_->setGradient(viridis());
  heat_->setInterpolate(false);
  hx->grid()->setVisible(false);
  hx->setLabel(tr("token"));
  hy->setTicker(experts);
  hy->setRange(-0.5, E - 0.5);
  hy->setRangeReversed(true);
  hy->grid()->setVisible(false);
  hy->setLabel(tr("expert"));
  scale_->setType(QCPAxis::atRight);
  scale_->setBarWidth(10);
  scale_->axis()->setLabel(tr("router probability"));
  scale_->axis()->setTickLabelFont(tick_font);

  for (int j = 0; j < k; ++j) {
    auto* g = new StampedScatterGraph(hx, hy);
    g->setLineStyle(QCPGraph::lsNone);
    g->setScatterStyle(rank_style(j));
    g->setName(tr("top-%1 choice").arg(j + 1));
    g->addToLegend(legend);
    markers_ << g;
  }

  // Load bars: horizontal, one per expert row.
  QCPAxis* ly = load_rect_->axis(QCPAxis::atLeft);
  QCPAxis* lx = load_rect_->axis(QCPAxis::atBottom);
  load_bars_ = new QCPBars(ly, lx);
  load_bars_->setWidth(0.6);
  load_chosen_ = new QCPBars(ly, lx);
  load_chosen_->setWidth(0.6);
  load_chosen_->setName(tr("experts chosen at the token cursor"));
  ly->setTicker(experts);
  ly->setRange(-0.5, E - 0.5);
  ly->setRangeReversed(true);
  ly->grid()->setVisible(false);
  lx->setLabel(tr("load (share of top-k picks)"));
  ideal_line_ = new QCPItemStraightLine(plot_);
  place_in(ideal_line_, load_rect_);
  ideal_text_ = new QCPItemText(plot_);
  place_in(ideal_text_, load_rect_);
  ideal_text_->setClipToAxisRect(false);
  ideal_text_->setFont(tick_font);

  // Per-token entropy: bars under the heat-map columns.
  QCPAxis* tx = token_rect_->axis(QCPAxis::atBottom);
  QCPAxis* ty = token_rect_->axis(QCPAxis::atLeft);
  token_entropy_ = new QCPBars(tx, ty);
  token_entropy_->setWidth(0.8);
  // One bar per token: at a few pixels a bar, antialiased polygons cost milliseconds a repaint
  // (most of this view's replot at 512 tokens) and look no different from plain filled rects.
  token_entropy_->setAntialiased(false);
  tx->grid()->setVisible(false);
  tx->setLabel(tr("token"));
  const double hmax = std::log2(double(std::max(1, E)));
  ty->setRange(0, std::max(0.05, hmax * 1.08));
  ty->setLabel(tr("entropy (bits)"));
  max_entropy_line_ = new QCPItemStraightLine(plot_);
  place_in(max_entropy_line_, token_rect_);
  max_entropy_line_->point1->setCoords(-1, hmax);
  max_entropy_line_->point2->setCoords(1, hmax);
  auto* max_text = new QCPItemText(plot_);
  place_in(max_text, token_rect_);
  max_text->setClipToAxisRect(false);
  max_text->setFont(tick_font);
  max_text->setPositionAlignment(Qt::AlignRight | Qt::AlignBottom);
  max_text->position->setTypeX(QCPItemPosition::ptAxisRectRatio);
  max_text->position->setCoords(1.0, hmax * 1.075);
  max_text->setText(tr("maximum log₂ %1 = %2 bits").arg(E).arg(hmax, 0, 'f', 2));
  max_entropy_text_ = max_text;

  // Mean entropy per MoE layer.
  QCPAxis* mx = layer_rect_->axis(QCPAxis::atBottom);
  QCPAxis* my = layer_rect_->axis(QCPAxis::atLeft);
  layer_entropy_ = new QCPBars(mx, my);
  layer_entropy_->setWidth(0.7);
  layer_selected_ = new QCPBars(mx, my);
  layer_selected_->setWidth(0.7);
  mx->grid()->setVisible(false);
  mx->setLabel(tr("MoE layer"));
  my->setRange(0, std::max(0.05, hmax * 1.08));
  my->setLabel(tr("mean entropy (bits)"));
  layer_max_line_ = new QCPItemStraightLine(plot_);
  place_in(layer_max_line_, layer_rect_);
  layer_max_line_->point1->setCoords(-1, hmax);
  layer_max_line_->point2->setCoords(1, hmax);

  // Token cursor: the column, the chosen cells and a line through the entropy bars.
  cursor_column_ = new QCPItemRect(plot_);
  place_in(cursor_column_, heat_rect_);
  cursor_column_->setVisible(false);
  for (int j = 0; j < k; ++j) {
    auto* r = new QCPItemRect(plot_);
    place_in(r, heat_rect_);
    r->setVisible(false);
    cursor_cells_ << r;
  }
  cursor_line_ = new QCPItemStraightLine(plot_);
  place_in(cursor_line_, token_rect_);
  cursor_line_->setVisible(false);

  load_chosen_->addToLegend(legend);
  applyPalette();
}

void RoutingView::fillCharts() {
  message_.clear();
  const int E = built_experts_;
  const int T = int(trace_->tokens.size());
  heat_->data()->setSize(T, E);
  heat_->data()->setRange(QCPRange(0, std::max(0, T - 1)), QCPRange(0, std::max(0, E - 1)));
  heat_rect_->axis(QCPAxis::atBottom)->setRange(-0.5, T - 0.5);
  token_rect_->axis(QCPAxis::atBottom)->setRange(-0.5, T - 0.5);

  QSharedPointer<QCPAxisTickerText> layer_ticks(new QCPAxisTickerText);
  QVector<double> keys, values;
  for (const auto& s : summary_) {
    layer_ticks->addTick(double(s.layer), tr("L%1").arg(s.layer));
    keys << double(s.layer);
    values << double(s.mean_entropy_bits);
  }
  layer_entropy_->setData(keys, values, true);
  QCPAxis* mx = layer_rect_->axis(QCPAxis::atBottom);
  mx->setTicker(layer_ticks);
  mx->setRange(summary_.front().layer - 1.0, summary_.back().layer + 1.0);
  fitToWidth();
}

void RoutingView::showLayer(int layer) {
  if (!trace_ || !heat_) return;
  routing_ = analysis::layer_routing(*trace_, layer);
  has_routing_ = true;
  layer_ = layer;
  const int T = int(routing_.T), E = int(routing_.E), k = int(routing_.k);

  float pmax = 0;
  for (int t = 0; t < T; ++t)
    for (int e = 0; e < E; ++e) {
      const float p = routing_.probs[size_t(t) * E + e];
      heat_->data()->setCell(t, e, p);
      pmax = std::max(pmax, p);
    }
  // From zero, so colours mean the same thing across tokens; up to the layer's largest value.
  heat_->setDataRange(QCPRange(0, std::max(1e-3f, pmax)));

  for (int j = 0; j < k && j < markers_.size(); ++j) {
    QVector<double> x, y;
    for (int t = 0; t < T; ++t) {
      x << t;
      y << routing_.topk_idx[size_t(t) * k + j];
    }
    markers_[j]->setData(x, y, true);
  }

  QVector<double> keys, loads;
  for (int e = 0; e < E; ++e) {
    keys << e;
    loads << routing_.load[e];
  }
  load_bars_->setData(keys, loads, true);
  const double ideal = routing_.ideal_load();
  const double lmax = *std::max_element(loads.begin(), loads.end());
  load_rect_->axis(QCPAxis::atBottom)->setRange(0, std::max(lmax, ideal) * 1.15);
  ideal_line_->point1->setCoords(ideal, 0);
  ideal_line_->point2->setCoords(ideal, 1);
  ideal_text_->position->setType(QCPItemPosition::ptPlotCoords);
  ideal_text_->setPositionAlignment(Qt::AlignHCenter | Qt::AlignBottom);
  ideal_text_->position->setAxes(load_rect_->axis(QCPAxis::atBottom),
                                 load_rect_->axis(QCPAxis::atLeft));
  ideal_text_->position->setCoords(ideal, -0.5);
  ideal_text_->setText(tr("ideal 1/%1").arg(E));

  QVector<double> tk, th;
  for (int t = 0; t < T; ++t) {
    tk << t;
    th << routing_.entropy_bits[t];
  }
  token_entropy_->setData(tk, th, true);

  QVector<double> sk, sv;
  for (const auto& s : summary_)
    if (s.layer == layer) {
      sk << double(s.layer);
      sv << double(s.mean_entropy_bits);
    }
  layer_selected_->setData(sk, sv, true);

  const double hmax = std::log2(double(std::max(1, E)));
  title_->setText(tr("Expert routing, layer %1: %2 experts, top-%3").arg(layer).arg(E).arg(k));
  subtitle_->setText(
      tr("Mean routing entropy %1 bits (%2% of the maximum %3); busiest expert E%4 takes %5% "
         "of the picks (%6× the even share)")
          .arg(routing_.mean_entropy_bits, 0, 'f', 2)
          .arg(100.0 * routing_.mean_entropy_norm, 0, 'f', 0)
          .arg(hmax, 0, 'f', 2)
          .arg(routing_.busiest_expert())
          .arg(100.0 * lmax, 0, 'f', 0)
          .arg(routing_.imbalance(), 0, 'f', 2));
  updateCursor();
  replot_when_visible(plot_);
}

void RoutingView::selectLayer(int layer) {
  if (layer == layer_) return;
  for (const auto& s : summary_)
    if (s.layer == layer) {
      {
        const QSignalBlocker block(selector_);
        selector_->setCurrentIndex(selector_->findData(layer));
      }
      showLayer(layer);
      return;
    }
}

void RoutingView::setTokenCursor(int token) {
  const int T = trace_ ? int(trace_->tokens.size()) : 0;
  cursor_ = (token >= 0 && token < T) ? token : -1;
  updateCursor();
  replot_when_visible(plot_);
}

void RoutingView::updateCursor() {
  if (!has_routing_ || !cursor_column_) return;
  const int t = cursor_;
  const bool on = t >= 0 && t < routing_.T;
  const int E = int(routing_.E), k = int(routing_.k);
  cursor_column_->setVisible(on);
  cursor_line_->setVisible(on);
  QVector<double> keys, vals;
  for (int j = 0; j < cursor_cells_.size(); ++j) {
    cursor_cells_[j]->setVisible(on);
    if (!on) continue;
    const int e = routing_.topk_idx[size_t(t) * k + j];
    cursor_cells_[j]->topLeft->setCoords(t - 0.5, e - 0.5);
    cursor_cells_[j]->bottomRight->setCoords(t + 0.5, e + 0.5);
    keys << e;
    vals << routing_.load[e];
  }
  load_chosen_->setData(keys, vals);
  if (!on) return;
  cursor_column_->topLeft->setCoords(t - 0.5, -0.5);
  cursor_column_->bottomRight->setCoords(t + 0.5, E - 0.5);
  cursor_line_->point1->setCoords(t, 0);
  cursor_line_->point2->setCoords(t, 1);
}

QVector<QPoint> RoutingView::cursorCells() const {
  QVector<QPoint> cells;
  for (QCPItemRect* r : cursor_cells_)
    if (r->visible()) {
      const QPointF c = (r->topLeft->coords() + r->bottomRight->coords()) / 2.0;
      cells << QPoint(int(std::lround(c.x())), int(std::lround(c.y())));
    }
  return cells;
}

QString RoutingView::tokenLabel(int t) const {
  return labels_.value(t);
}

QString RoutingView::toolTipAt(const QPoint& pixel, int* token) const {
  if (token) *token = -1;
  if (!has_routing_) return {};
  const QPointF pos = pixel;
  const int T = int(routing_.T), E = int(routing_.E), k = int(routing_.k);
  auto token_at = [&](QCPAxisRect* r) {
    return int(std::lround(r->axis(QCPAxis::atBottom)->pixelToCoord(pos.x())));
  };
  int t = -1;
  QStringList tip;  // one translated line each
  if (heat_rect_->rect().contains(pos.toPoint())) {
    t = token_at(heat_rect_);
    const int ex = int(std::lround(heat_rect_->axis(QCPAxis::atLeft)->pixelToCoord(pos.y())));
    if (t >= 0 && t < T && ex >= 0 && ex < E) {
      const int rank = routing_.rank[size_t(t) * E + ex];
      tip << tr("Token %1 “%2”, expert E%3").arg(t).arg(tokenLabel(t)).arg(ex)
          << tr("probability %1").arg(routing_.probs[size_t(t) * E + ex], 0, 'f', 3)
          << (rank >= 0 ? tr("chosen: top-%1, weight %2")
                              .arg(rank + 1)
                              .arg(routing_.topk_weight[size_t(t) * k + rank], 0, 'f', 3)
                        : tr("not chosen"));
    }
  } else if (token_rect_->rect().contains(pos.toPoint())) {
    t = token_at(token_rect_);
    if (t >= 0 && t < T)
      tip << tr("Token %1 “%2”").arg(t).arg(tokenLabel(t))
          << tr("routing entropy %1 bits (%2% of the maximum)")
                 .arg(routing_.entropy_bits[t], 0, 'f', 3)
                 .arg(100.0 * routing_.entropy_norm[t], 0, 'f', 0);
  } else if (load_rect_->rect().contains(pos.toPoint())) {
    const int ex = int(std::lround(load_rect_->axis(QCPAxis::atLeft)->pixelToCoord(pos.y())));
    if (ex >= 0 && ex < E)
      tip << tr("Expert E%1").arg(ex)
          << tr("load %1% of the top-k picks (ideal %2%)")
                 .arg(100.0 * routing_.load[ex], 0, 'f', 1)
                 .arg(100.0 * routing_.ideal_load(), 0, 'f', 1)
          << tr("mean probability %1").arg(routing_.mean_prob[ex], 0, 'f', 3);
  } else if (layer_rect_->rect().contains(pos.toPoint())) {
    const int l = int(std::lround(layer_rect_->axis(QCPAxis::atBottom)->pixelToCoord(pos.x())));
    for (const auto& s : summary_)
      if (s.layer == l)
        tip << tr("Layer %1").arg(l)
            << tr("mean routing entropy %1 bits").arg(s.mean_entropy_bits, 0, 'f', 3)
            << tr("load imbalance %1× (max load / ideal)").arg(s.imbalance, 0, 'f', 2);
  }
  if (token) *token = (t >= 0 && t < T) ? t : -1;
  return tip.join(QLatin1Char('\n'));
}

void RoutingView::onMouseMove(QMouseEvent* e) {
  if (!has_routing_) return;
  int t = -1;
  const QString tip = toolTipAt(e->position().toPoint(), &t);
  if (tip.isEmpty())
    QToolTip::hideText();
  else
    QToolTip::showText(e->globalPosition().toPoint(), tip, plot_);
  setHovered(t);
}

void RoutingView::onMousePress(QMouseEvent* e) {
  if (!has_routing_ || e->button() != Qt::LeftButton) return;
  if (!layer_rect_->rect().contains(e->position().toPoint())) return;
  const int l =
      int(std::lround(layer_rect_->axis(QCPAxis::atBottom)->pixelToCoord(e->position().x())));
  for (const auto& s : summary_)
    if (s.layer == l && l != layer_) {
      {
        const QSignalBlocker block(selector_);
        selector_->setCurrentIndex(selector_->findData(l));
      }
      showLayer(l);
      emit layerSelected(l);
    }
}

void RoutingView::setHovered(int token) {
  if (token == hovered_) return;
  hovered_ = token;
  // The pointer is the cursor here too; other views follow through the signal.
  cursor_ = token;
  updateCursor();
  replot_when_visible(plot_);
  emit tokenHovered(token);
}

bool RoutingView::eventFilter(QObject* watched, QEvent* e) {
  if (watched == plot_ && e->type() == QEvent::Leave) setHovered(-1);
  // The plot's own palette event: the view's arrives before its children have the new palette.
  if (watched == plot_ && e->type() == QEvent::PaletteChange) applyPalette();
  if (watched == plot_ && e->type() == QEvent::Resize) fitToWidth();
  return ChartView::eventFilter(watched, e);
}

void RoutingView::changeEvent(QEvent* e) {
  if (e->type() == QEvent::FontChange) rebuild(true);
  ChartView::changeEvent(e);
}

void RoutingView::fitToWidth() {
  if (!heat_rect_) return;
  // The widget's width, not the plot's viewport: on a resize the view hears of it first, before
  // the plot has moved its viewport to the new size.
  const int plot_w = plot_->width();
  // About one label per 9 px of token axis, so short inputs show every token.
  // The heat map's column less its expert labels and the colour scale's share.
  const int width = std::max(100, int(plot_w * (kHeatColumn - 0.12)));
  const auto ticks = token_ticker(labels_, std::max(8, width / 9));
  heat_rect_->axis(QCPAxis::atBottom)->setTicker(ticks);
  token_rect_->axis(QCPAxis::atBottom)->setTicker(ticks);
  // The load chart's axis title, short when the chart is narrow (the Compare tab's panel): the
  // whole title ran into the entropy-by-layer chart's axis title below it.
  QCPAxis* load_axis = load_rect_->axis(QCPAxis::atBottom);
  // Its column's share of the plot, less the expert labels left of it (the rect's last layout is
  // the previous size's when the plot has just been resized).
  const int load_w = int(plot_w * kLoadColumn) - 40;
  const QString full = tr("load (share of top-k picks)");
  const int need = QFontMetrics(load_axis->labelFont()).horizontalAdvance(full);
  load_axis->setLabel(need <= load_w + 24 ? full : tr("load"));
  replot_when_visible(plot_);
}

void RoutingView::applyPalette() {
  apply_palette(plot_);
  const QPalette pal = plot_->palette();
  const QColor text = pal.color(QPalette::Text);
  const bool dark = pal.color(QPalette::Base).lightness() < 128;
  const QColor bars = bar_colour(dark);
  QColor muted = text;
  muted.setAlpha(150);
  auto style_bars = [&](QCPBars* b, const QColor& c) {
    if (!b) return;
    b->setPen(QPen(c.darker(dark ? 100 : 125), 1));
    b->setBrush(c);
  };
  style_bars(load_bars_, bars);
  style_bars(load_chosen_, accent_colour());
  QColor soft = bars;
  soft.setAlpha(170);
  style_bars(token_entropy_, soft);
  // The same colour as the translucent fill over the background, but opaque: the raster engine
  // hands every translucent fill of more than a few rows to its thread pool, some 50 µs a bar,
  // so 512 token bars took 25 ms. Only the background, the faint grid and the inner ticks lie
  // under these bars; they no longer show through.
  if (token_entropy_) {
    token_entropy_->setBrush(over(soft, pal.color(QPalette::Base)));
    // Filled without an outline: a stroked polygon per bar was ~40 % of this view's replot at
    // 512 tokens, and at a few pixels a bar the outline is not visible anyway.
    token_entropy_->setPen(Qt::NoPen);
  }
  QColor faded = bars;
  faded.setAlpha(130);
  style_bars(layer_entropy_, faded);
  style_bars(layer_selected_, accent_colour());
  const QPen dashed(muted, 1.4, Qt::DashLine);
  for (QCPItemStraightLine* l : {ideal_line_, max_entropy_line_, layer_max_line_})
    if (l) l->setPen(dashed);
  if (ideal_text_) ideal_text_->setColor(text);
  if (max_entropy_text_) max_entropy_text_->setColor(muted);
  if (subtitle_) subtitle_->setTextColor(muted);
  // The cursor must stand out on viridis (dark purple to yellow) and on the bars.
  const QColor cursor = text;
  if (cursor_column_) {
    cursor_column_->setPen(QPen(cursor, 2));
    cursor_column_->setBrush(Qt::NoBrush);
  }
  for (QCPItemRect* r : cursor_cells_) {
    r->setPen(QPen(accent_colour(), 2.5));
    r->setBrush(Qt::NoBrush);
  }
  if (cursor_line_) cursor_line_->setPen(QPen(cursor, 1.5));
  replot_when_visible(plot_);
}

}  // namespace seqlens::widgets
