// The SSM state view, chart building: the one QCustomPlot's layout (time column: state map, Δ,
// B, C; side column: half-lives and the step split), its plottables, cursor lines and colours,
// built once per view and reused for every trace; the message that replaces the charts; palette.
// Filling the charts with a trace's numbers lives in ssm_state_view.cpp.
#include <qcustomplot.h>

#include "widgets/plot_style.h"
#include "widgets/ssm_state_view.h"

namespace seqlens::widgets {

namespace {

QCPAxis* bottom(QCPAxisRect* r) {
  return r->axis(QCPAxis::atBottom);
}
QCPAxis* left(QCPAxisRect* r) {
  return r->axis(QCPAxis::atLeft);
}

QCPAxisRect* make_rect(QCustomPlot* p) {
  auto* r = new QCPAxisRect(p);
  r->setRangeDrag(Qt::Orientations());
  r->setRangeZoom(Qt::Orientations());
  r->setMinimumMargins(QMargins(8, 4, 8, 4));
  return r;
}

QCPLegend* make_legend(QCPAxisRect* r) {
  auto* l = new QCPLegend;
  r->insetLayout()->addElement(l, Qt::AlignTop | Qt::AlignRight);
  l->setLayer(QStringLiteral("legend"));
  QFont f = l->font();
  f.setPointSizeF(f.pointSizeF() * 0.85);
  l->setFont(f);
  l->setIconSize(14, 8);
  l->setRowSpacing(-2);
  l->setMargins(QMargins(5, 2, 5, 2));
  return l;
}

QCPItemStraightLine* make_vline(QCPAxisRect* r, const QPen& pen) {
  auto* line = new QCPItemStraightLine(r->parentPlot());
  line->setClipAxisRect(r);
  line->setClipToAxisRect(true);
  line->point1->setAxes(bottom(r), left(r));
  line->point2->setAxes(bottom(r), left(r));
  line->setPen(pen);
  line->setLayer(QStringLiteral("overlay"));
  line->setSelectable(false);
  line->setVisible(false);
  return line;
}

// A graph whose legend icon shows `legend_fill` under its line even when the graph itself draws
// no fill (Δ's fill is then drawn by column bars, see SsmStateView::updateDeltaFill).
class FilledIconGraph : public QCPGraph {
 public:
  FilledIconGraph(QCPAxis* key, QCPAxis* value, const QBrush& legend_fill)
      : QCPGraph(key, value), legend_fill_(legend_fill) {}

 protected:
  void drawLegendIcon(QCPPainter* painter, const QRectF& rect) const override {
    if (brush().style() == Qt::NoBrush) {
      applyFillAntialiasingHint(painter);
      painter->fillRect(
          QRectF(rect.left(), rect.top() + rect.height() / 2.0, rect.width(), rect.height() / 3.0),
          legend_fill_);
    }
    QCPGraph::drawLegendIcon(painter, rect);
  }

 private:
  QBrush legend_fill_;
};

const QColor kDeltaColor(31, 119, 180);
const QColor kMeanColor(127, 127, 127);
const QColor kDecayColor(67, 147, 195);
const QColor kWriteColor(230, 115, 30);
const QColor kHighlight(214, 39, 40);
// The body's two columns: charts over time, and the side charts (half-lives, one step). Below
// kNarrowPlot pixels the side column's share grows, so its charts keep a usable width.
constexpr double kTimeStretch = 2.4, kTimeStretchNarrow = 1.5, kSideStretch = 1.0;
constexpr int kColumnSpacing = 12;
constexpr int kNarrowPlot = 900;

}  // namespace

void SsmStateView::buildPlot() {
  plot_->plotLayout()->clear();
  time_ticks_ = -1;  // new axes: their ticker is set again
  plot_->setAutoAddPlottableToLegend(false);
  title_el_ = new QCPTextElement(plot_, QString(),
                                 QFont(font().family(), font().pointSize() + 1, QFont::DemiBold));
  plot_->plotLayout()->addElement(0, 0, title_el_);
  message_el_ =
      new QCPTextElement(plot_, QString(), QFont(font().family(), font().pointSize() + 2));
  // A text element is as tall as its text unless it has an explicit maximum: let the message
  // fill the chart area so it sits in the middle.
  message_el_->setMaximumSize(1 << 20, 1 << 20);
  // message_el_ is shown only in place of the charts (showMessage), so it starts outside the
  // layout.

  body_ = new QCPLayoutGrid;
  plot_->plotLayout()->addElement(1, 0, body_);
  plot_->plotLayout()->setRowStretchFactors({0.01, 1.0});
  auto* time_grid = new QCPLayoutGrid;
  auto* side_grid = new QCPLayoutGrid;
  body_->addElement(0, 0, time_grid);
  body_->addElement(0, 1, side_grid);
  body_->setColumnSpacing(kColumnSpacing);

  // Left: the state heat map, Δ, B and C on one time axis.
  state_rect_ = make_rect(plot_);
  delta_rect_ = make_rect(plot_);
  b_rect_ = make_rect(plot_);
  c_rect_ = make_rect(plot_);
  state_scale_ = new QCPColorScale(plot_);
  bc_scale_ = new QCPColorScale(plot_);
  time_grid->addElement(0, 0, state_rect_);
  time_grid->addElement(0, 1, state_scale_);
  time_grid->addElement(1, 0, delta_rect_);
  time_grid->addElement(2, 0, b_rect_);
  time_grid->addElement(2, 1, bc_scale_);
  time_grid->addElement(3, 0, c_rect_);
  time_grid->setRowStretchFactors({3.0, 1.3, 1.0, 1.0});
  time_grid->setColumnStretchFactors({1.0, 0.01});
  time_grid->setRowSpacing(2);
  for (QCPColorScale* s : {state_scale_, bc_scale_}) {
    s->setBarWidth(10);
    s->setRangeDrag(false);
    s->setRangeZoom(false);
  }
  auto* time_group = new QCPMarginGroup(plot_);
  for (QCPAxisRect* r : {state_rect_, delta_rect_, b_rect_, c_rect_})
    r->setMarginGroup(QCP::msLeft | QCP::msRight, time_group);
  auto* state_row = new QCPMarginGroup(plot_);
  state_rect_->setMarginGroup(QCP::msTop | QCP::msBottom, state_row);
  state_scale_->setMarginGroup(QCP::msTop | QCP::msBottom, state_row);
  auto* b_row = new QCPMarginGroup(plot_);
  b_rect_->setMarginGroup(QCP::msTop | QCP::msBottom, b_row);
  bc_scale_->setMarginGroup(QCP::msTop | QCP::msBottom, b_row);

  state_map_ = new QCPColorMap(bottom(state_rect_), left(state_rect_));
  b_map_ = new QCPColorMap(bottom(b_rect_), left(b_rect_));
  c_map_ = new QCPColorMap(bottom(c_rect_), left(c_rect_));
  state_map_->setColorScale(state_scale_);
  b_map_->setColorScale(bc_scale_);
  c_map_->setColorScale(bc_scale_);
  for (QCPColorMap* m : {state_map_, b_map_, c_map_}) {
    m->setInterpolate(false);
    m->setTightBoundary(false);
    m->setGradient(diverging());
  }
  for (QCPAxisRect* r : {state_rect_, b_rect_, c_rect_}) {
    left(r)->setRangeReversed(true);  // state dim 0 at the top, as in a matrix
    left(r)->grid()->setVisible(false);
    bottom(r)->grid()->setVisible(false);
  }
  for (QCPAxisRect* r : {state_rect_, delta_rect_, b_rect_}) bottom(r)->setTickLabels(false);

  QColor fill = kDeltaColor;
  fill.setAlpha(40);
  delta_brush_ = fill;
  // Created first, so it lies under the line.
  delta_fill_ = new QCPBars(bottom(delta_rect_), left(delta_rect_));
  delta_fill_->setWidth(1.0);
  delta_fill_->setPen(Qt::NoPen);
  delta_fill_->setBrush(fill);
  delta_fill_->setAntialiased(false);  // adjacent columns meet without seams or overlaps
  delta_fill_->setVisible(false);
  delta_fill_->setSelectable(QCP::stNone);
  delta_graph_ = new FilledIconGraph(bottom(delta_rect_), left(delta_rect_), fill);
  delta_mean_graph_ = plot_->addGraph(bottom(delta_rect_), left(delta_rect_));
  // Δ is jagged (one point per token, spikes every few tokens), and at T = 512 its line and fill
  // were most of the replot: a 1.6 px polyline is stroked as one self-overlapping path, so draw it
  // segment by segment (phFastPolylines; vector export keeps the polyline); the fill polygon with
  // hundreds of spikes costs several ms to rasterise, so when tokens are ≤ 2 px wide it is drawn
  // as one column per token (delta_fill_, updateDeltaFill), which looks the same at that width;
  // the polygon fill skips antialiasing (the line covers its top edge); the dashed mean stays at
  // 1 px, which Qt draws with its fast cosmetic stroker.
  plot_->setPlottingHint(QCP::phFastPolylines, true);
  delta_graph_->setPen(QPen(kDeltaColor, 1.6));
  delta_graph_->setBrush(fill);
  delta_graph_->setAntialiasedFill(false);
  delta_mean_graph_->setPen(QPen(kMeanColor, 1.0, Qt::DashLine));
  QCPLegend* delta_legend = make_legend(delta_rect_);
  delta_graph_->addToLegend(delta_legend);
  delta_mean_graph_->addToLegend(delta_legend);

  // Right: half-lives per unit (log axis) and one step of the recurrence.
  hl_rect_ = make_rect(plot_);
  step_rect_ = make_rect(plot_);
  const QFont small_bold(font().family(), font().pointSize(), QFont::DemiBold);
  // Titles wrap at the side column's width (updateColumns sets their share).
  hl_title_ = new WrappedText(plot_, QString(), small_bold, 1.0, kColumnSpacing);
  step_title_ = new WrappedText(plot_, QString(), small_bold, 1.0, kColumnSpacing);
  side_grid->addElement(0, 0, hl_title_);
  side_grid->addElement(1, 0, hl_rect_);
  side_grid->addElement(2, 0, step_title_);
  side_grid->addElement(3, 0, step_rect_);
  side_grid->setRowStretchFactors({0.01, 1.0, 0.01, 1.2});
  auto* side_group = new QCPMarginGroup(plot_);
  hl_rect_->setMarginGroup(QCP::msLeft | QCP::msRight, side_group);
  step_rect_->setMarginGroup(QCP::msLeft | QCP::msRight, side_group);

  QCPAxis* hl_y = left(hl_rect_);
  hl_y->setScaleType(QCPAxis::stLogarithmic);
  hl_y->setTicker(QSharedPointer<QCPAxisTickerLog>(new QCPAxisTickerLog));
  hl_y->setNumberFormat(QStringLiteral("eb"));
  hl_y->setNumberPrecision(0);
  bottom(hl_rect_)->grid()->setVisible(false);
  hl_bars_ = new QCPBars(bottom(hl_rect_), hl_y);
  hl_capped_bars_ = new QCPBars(bottom(hl_rect_), hl_y);
  hl_highlight_ = new QCPBars(bottom(hl_rect_), hl_y);
  for (QCPBars* b : {hl_bars_, hl_capped_bars_, hl_highlight_}) {
    b->setWidth(0.9);
    b->setPen(Qt::NoPen);
  }
  hl_bars_->setBrush(QColor(94, 140, 190));
  hl_capped_bars_->setBrush(QColor(170, 170, 170));
  hl_highlight_->setBrush(kHighlight);
  hl_legend_ = make_legend(hl_rect_);
  hl_highlight_->addToLegend(hl_legend_);

  // The input's length as a reference: memories above it outlast what the model has read.
  hl_length_line_ = new QCPItemStraightLine(plot_);
  hl_length_line_->setClipAxisRect(hl_rect_);
  hl_length_line_->point1->setAxes(bottom(hl_rect_), hl_y);
  hl_length_line_->point2->setAxes(bottom(hl_rect_), hl_y);
  hl_length_text_ = new QCPItemText(plot_);
  hl_length_text_->setClipAxisRect(hl_rect_);
  hl_length_text_->position->setAxisRect(hl_rect_);
  hl_length_text_->position->setAxes(bottom(hl_rect_), hl_y);
  hl_length_text_->position->setTypeX(QCPItemPosition::ptAxisRectRatio);
  hl_length_text_->position->setTypeY(QCPItemPosition::ptPlotCoords);
  hl_length_text_->setPositionAlignment(Qt::AlignLeft | Qt::AlignBottom);
  QFont note = font();
  note.setPointSizeF(note.pointSizeF() * 0.85);
  hl_length_text_->setFont(note);
  hl_length_text_->setLayer(QStringLiteral("overlay"));
  hl_length_line_->setLayer(QStringLiteral("overlay"));

  QCPAxis* sx = bottom(step_rect_);
  QCPAxis* sy = left(step_rect_);
  sx->grid()->setVisible(false);
  prev_bars_ = new QCPBars(sx, sy);
  decay_bars_ = new QCPBars(sx, sy);
  write_bars_ = new QCPBars(sx, sy);
  for (QCPBars* b : {prev_bars_, decay_bars_, write_bars_}) b->setWidth(0.4);
  prev_bars_->setPen(QPen(kDecayColor.darker(150), 1.0));
  prev_bars_->setBrush(Qt::NoBrush);
  decay_bars_->setPen(Qt::NoPen);
  decay_bars_->setBrush(kDecayColor);
  write_bars_->setPen(Qt::NoPen);
  write_bars_->setBrush(kWriteColor);
  state_dots_ = plot_->addGraph(sx, sy);
  state_dots_->setLineStyle(QCPGraph::lsNone);
  state_dots_->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDiamond, 6));
  step_legend_ = make_legend(step_rect_);
  QCPLegend* step_legend = step_legend_;
  for (QCPAbstractPlottable* p : std::initializer_list<QCPAbstractPlottable*>{
           prev_bars_, decay_bars_, write_bars_, state_dots_})
    p->addToLegend(step_legend);

  // Cursor lines: the animation step (solid) and the shared token cursor (dashed).
  for (QCPAxisRect* r : {state_rect_, delta_rect_, b_rect_, c_rect_}) {
    step_lines_.append(make_vline(r, QPen(kHighlight, 1.5)));
    cursor_lines_.append(make_vline(r, QPen(Qt::gray, 1.0, Qt::DashLine)));
  }
  applyPalette();
}

void SsmStateView::showMessage(const QString& text) {
  message_ = text;
  message_el_->setText(text);
  message_el_->setVisible(true);
  title_el_->setText(QString());
  if (plot_->plotLayout()->hasElement(1, 0) && plot_->plotLayout()->element(1, 0) == body_) {
    plot_->plotLayout()->take(body_);
    plot_->plotLayout()->addElement(1, 0, message_el_);
  }
  body_->setVisible(false);
  for (QCPItemStraightLine* l : step_lines_ + cursor_lines_) l->setVisible(false);
  replot_when_visible(plot_);
}

void SsmStateView::showCharts() {
  message_.clear();
  if (plot_->plotLayout()->element(1, 0) == message_el_) {
    plot_->plotLayout()->take(message_el_);
    plot_->plotLayout()->addElement(1, 0, body_);
    applyPalette();  // the palette may have changed while the charts were out of the layout
  }
  body_->setVisible(true);
  message_el_->setVisible(false);
}

void SsmStateView::applyPalette() {
  apply_palette(plot_);
  const QColor text = palette().color(QPalette::Text);
  message_el_->setTextColor(text);
  QColor cursor = text;
  cursor.setAlpha(150);
  for (QCPItemStraightLine* l : cursor_lines_) l->setPen(QPen(cursor, 1.0, Qt::DashLine));
  hl_length_line_->setPen(QPen(cursor, 1.0, Qt::DashLine));
  hl_length_text_->setColor(text);
  state_dots_->setPen(QPen(text));
  state_dots_->setScatterStyle(
      QCPScatterStyle(QCPScatterStyle::ssDiamond, QPen(text), QBrush(text), 6));
  QColor band = palette().color(QPalette::Base);
  band.setAlpha(200);
  for (QCPLayoutElement* e : plot_->plotLayout()->elements(true))
    if (auto* l = qobject_cast<QCPLegend*>(e)) l->setBrush(band);
  hl_length_text_->setBrush(band);
  hl_length_text_->setPadding(QMargins(3, 1, 3, 1));
  replot_when_visible(plot_);
}

void SsmStateView::updateColumns() {
  if (!body_) return;
  const double time = plot_->viewport().width() < kNarrowPlot ? kTimeStretchNarrow : kTimeStretch;
  body_->setColumnStretchFactors({time, kSideStretch});
  const double side_share = kSideStretch / (time + kSideStretch);
  for (WrappedText* t : {hl_title_, step_title_}) t->setShare(side_share);
  // On a short step chart the legend would hide the bars: leave it out there (the rect's height is
  // the last layout's; 0 before the first).
  const int h = step_rect_->height();
  step_legend_->setVisible(h <= 0 || h >= 2 * step_legend_->minimumOuterSizeHint().height());
}

}  // namespace seqlens::widgets
