// AttentionModelView: every attention map of a trace as a thumbnail grid (rows = layers).
#include <QEvent>
#include <QMouseEvent>
#include <QStaticText>
#include <QVBoxLayout>

#include <algorithm>
#include <vector>

#include <qcustomplot.h>

#include "core/common/error.h"
#include "widgets/attention_view.h"
#include "widgets/plot_style.h"

namespace seqlens::widgets {

using analysis::AttentionMapRef;
using analysis::MapKind;
using analysis::MapNorm;

namespace {

// Okabe–Ito orange and bluish green: tell the two kinds apart, colour-blind safe, readable on
// light and dark backgrounds.
const QColor kSoftmaxColour(230, 159, 0);
const QColor kHiddenColour(0, 158, 115);

QColor kind_colour(MapKind k) {
  return k == MapKind::Softmax ? kSoftmaxColour : kHiddenColour;
}

// The height under a thumbnail for its label, in `font`.
int label_height(const QFont& font) {
  return QFontMetrics(font).height() + 6;
}

}  // namespace

// A thumbnail's frame (its map's kind, or the selection) and its label under it, in one item that
// draws a rectangle and a pre-shaped text. Four visible axes per thumbnail did the same, laying
// out and shaping their label again at every replot: 0.64 of the 1.64 ms a replot of jamba-tiny's
// 32 thumbnails took.
class AttentionModelView::Frame : public QCPAbstractItem {
 public:
  Frame(QCustomPlot* plot, QCPAxisRect* rect) : QCPAbstractItem(plot), rect_(rect) {
    setClipToAxisRect(false);
    setSelectable(false);
    setAntialiased(false);  // crisp lines on the cell edges, as the axes drew them
  }
  void set(const QPen& pen, const QString& label, const QFont& font, const QColor& colour) {
    pen_ = pen;
    colour_ = colour;
    if (label != text_.text() || font != font_) {
      font_ = font;
      text_.setText(label);
      text_.setTextFormat(Qt::PlainText);
      text_.prepare(QTransform(), font_);
    }
  }
  const QPen& pen() const { return pen_; }
  double selectTest(const QPointF&, bool, QVariant*) const override { return -1; }

 protected:
  void draw(QCPPainter* painter) override {
    const QRect r = rect_->rect();
    painter->setBrush(Qt::NoBrush);
    painter->setPen(pen_);
    painter->drawRect(r);
    painter->setFont(font_);
    painter->setPen(colour_);
    const QSizeF size = text_.size();
    painter->drawStaticText(QPointF(r.left() + (r.width() - size.width()) / 2, r.bottom() + 3),
                            text_);
  }

 private:
  QCPAxisRect* rect_;
  QPen pen_;
  QColor colour_;
  QFont font_;
  QStaticText text_;
};

namespace {

// Text in the thumbnail grid that does not cap its row's height (a QCPTextElement's maximum height
// is its text's, and a grid row takes the smallest maximum of its cells).
class GridText : public QCPTextElement {
 public:
  using QCPTextElement::QCPTextElement;
  QSize maximumOuterSizeHint() const override {
    QSize s = QCPTextElement::maximumOuterSizeHint();
    s.setHeight(QWIDGETSIZE_MAX);
    return s;
  }
};

}  // namespace

AttentionModelView::AttentionModelView(QWidget* parent)
    : ChartView(parent), plot_(new QCustomPlot(this)) {
  setup_view_plot(plot_);
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addWidget(plot_);
  plot_->setNoAntialiasingOnDrag(true);
  connect(plot_, &QCustomPlot::mousePress, this, &AttentionModelView::onMousePress);
  connect(plot_, &QCustomPlot::beforeReplot, this, &AttentionModelView::fitThumbnails);
  rebuild();
}

QString AttentionModelView::title() const {
  return tr("Attention maps (model)");
}

QCPAxisRect* AttentionModelView::thumbnailRect(int i) const {
  return i >= 0 && i < thumbnailCount() ? thumbs_[static_cast<size_t>(i)].rect : nullptr;
}

QPen AttentionModelView::thumbnailFrame(int i) const {
  return i >= 0 && i < thumbnailCount() ? thumbs_[static_cast<size_t>(i)].frame->pen() : QPen();
}

QCPItemPixmap* AttentionModelView::thumbnailImage(int i) const {
  return i >= 0 && i < thumbnailCount() ? thumbs_[static_cast<size_t>(i)].image : nullptr;
}

QCPItemStraightLine* AttentionModelView::thumbnailCursor(int i) const {
  return i >= 0 && i < thumbnailCount() ? thumbs_[static_cast<size_t>(i)].cursor : nullptr;
}

analysis::MapValues AttentionModelView::thumbnailValues(int i) const {
  return i >= 0 && i < thumbnailCount() && shown_ ? shown_->maps[static_cast<size_t>(i)].values
                                                  : analysis::MapValues{};
}

QString AttentionModelView::thumbnailLabel(int i) const {
  if (i < 0 || i >= static_cast<int>(maps_.size())) return {};
  const AttentionMapRef& m = maps_[static_cast<size_t>(i)];
  if (m.kind == MapKind::Softmax) return tr("L%1 H%2").arg(m.layer).arg(m.index);
  if (m.mixer == MixerKind::Mamba2) return tr("L%1 h%2").arg(m.layer).arg(m.index);
  return tr("L%1 ch %2").arg(m.layer).arg(m.index);
}

void AttentionModelView::setTrace(std::shared_ptr<const ForwardTrace> trace) {
  int keep_layer = -1, keep_index = -1;
  if (selected_ >= 0) {
    keep_layer = static_cast<int>(maps_[static_cast<size_t>(selected_)].layer);
    keep_index = static_cast<int>(maps_[static_cast<size_t>(selected_)].index);
  }
  const std::vector<LayerKind> old_kinds =
      trace_ ? trace_->config.layer_map() : std::vector<LayerKind>{};
  const std::vector<AttentionMapRef> old_maps = std::move(maps_);
  trace_ = std::move(trace);
  maps_.clear();
  if (trace_) {
    try {
      maps_ = analysis::enumerate_attention_maps(*trace_);
    } catch (const Error&) {
      maps_.clear();  // a malformed trace shows as one without maps
    }
  }
  selected_ = static_cast<int>(analysis::find_map(maps_, keep_layer, keep_index));
  // Same layers and maps as before (a new text, say): keep the grid, refill the thumbnails.
  bool same = trace_ && !thumbs_.empty() && trace_->config.layer_map() == old_kinds &&
              old_maps.size() == maps_.size();
  for (size_t i = 0; same && i < maps_.size(); ++i)
    same = maps_[i].layer == old_maps[i].layer && maps_[i].index == old_maps[i].index;
  if (!same) {
    rebuild();
    return;
  }
  fillThumbnails();
  updateFrames();
  updateCursor();  // a shorter input may no longer have the cursor's token
  replot_when_visible(plot_);
}

void AttentionModelView::selectLayer(int layer) {
  if (selected_ >= 0 && maps_[static_cast<size_t>(selected_)].layer == layer) return;
  selected_ = static_cast<int>(analysis::first_map_of_layer(maps_, layer));
  updateFrames();
  replot_when_visible(plot_);
}

void AttentionModelView::selectMap(int layer, int index) {
  const int i = static_cast<int>(analysis::find_map(maps_, layer, index));
  if (i == selected_) return;
  selected_ = i;
  updateFrames();
  replot_when_visible(plot_);
}

void AttentionModelView::setNormalisation(MapNorm mode) {
  if (mode == norm_) return;
  norm_ = mode;
  rebuild();  // the caption and the colour-scale legend change with the mode
}

bool AttentionModelView::any_of_kind(MapKind kind) const {
  for (const AttentionMapRef& m : maps_)
    if (m.kind == kind) return true;
  return false;
}

QString AttentionModelView::captionText() const {
  if (!trace_) return QString();
  if (maps_.empty())
    return tr("Record attention patterns or hidden-attention channels to see maps here.");
  QStringList parts;
  if (any_of_kind(MapKind::Softmax))
    parts << tr("orange frames: softmax attention (probabilities)");
  if (any_of_kind(MapKind::Hidden))
    parts << tr("green frames: Mamba hidden attention (%1)")
                 .arg(norm_ == MapNorm::Raw         ? tr("raw α, each map on its own scale")
                      : norm_ == MapNorm::AbsMinMax ? tr("|α| min–max")
                                                    : tr("row-normalised |α|"));
  parts << tr("click a map to inspect it");
  QString text = parts.join(QStringLiteral(" · "));
  text[0] = text[0].toUpper();
  return text;
}

void AttentionModelView::rebuild() {
  plot_->clearPlottables();
  plot_->clearItems();
  plot_->plotLayout()->clear();
  thumbs_.clear();
  row_labels_.clear();

  QFont title_font = font();
  title_font.setPointSizeF(title_font.pointSizeF() * 1.15);
  title_font.setBold(true);
  title_ = new QCPTextElement(plot_, tr("Attention maps by layer"), title_font);
  plot_->plotLayout()->addElement(0, 0, title_);
  // Body: the thumbnail grid, and beside it the colour scales that explain it.
  body_ = new QCPLayoutGrid;
  QCPLayoutGrid* body = body_;
  plot_->plotLayout()->addElement(1, 0, body);
  grid_ = new QCPLayoutGrid;
  body->addElement(0, 0, grid_);
  grid_->setColumnSpacing(6);
  grid_->setRowSpacing(2);
  legend_ = nullptr;
  QFont small = font();
  small.setPointSizeF(small.pointSizeF() * 0.85);
  thumb_font_ = small;
  caption_ = new WrappedText(plot_, captionText(), small);
  plot_->plotLayout()->addElement(2, 0, caption_);

  columns_ = rows_ = 0;
  if (trace_ && !maps_.empty()) {
    legend_ = new QCPLayoutGrid;
    legend_measured_ = false;
    body->addElement(0, 1, legend_);
    body->setColumnStretchFactor(1, 0.01);
    auto add_scale = [&](int row, const QCPColorGradient& g, QCPRange range, const QString& label) {
      auto* scale = new QCPColorScale(plot_);
      scale->setGradient(g);
      scale->setDataRange(range);
      scale->setBarWidth(10);
      scale->axis()->setLabel(label);
      scale->axis()->setLabelFont(small);
      scale->axis()->setTickLabelFont(small);
      scale->axis()->ticker()->setTickCount(3);
      legend_->addElement(row, 0, scale);
    };
    const bool softmax = any_of_kind(MapKind::Softmax), hidden = any_of_kind(MapKind::Hidden);
    const bool hidden_raw = hidden && norm_ == MapNorm::Raw;
    int row = 0;
    if (softmax || !hidden_raw)
      add_scale(row++, viridis(), QCPRange(0, 1),
                !hidden      ? tr("probability")
                : !softmax   ? tr("normalised |α|")
                : hidden_raw ? tr("probability")
                             : tr("probability · normalised |α|"));
    if (hidden_raw) add_scale(row++, diverging(), QCPRange(-1, 1), tr("α ÷ max |α| of its map"));
    // An empty row below keeps the scales short.
    legend_->addElement(row, 0, new GridText(plot_, QString()));
    legend_->setRowStretchFactor(row, 3 - row);
  }
  if (!trace_) {
    grid_->addElement(0, 0,
                      new QCPTextElement(plot_, tr("No trace yet: run a model to see the "
                                                   "attention maps of every layer.")));
    apply_palette(plot_);
    return;
  }
  const std::vector<LayerKind> kinds = trace_->config.layer_map();
  rows_ = static_cast<int>(kinds.size());
  std::vector<int> per_layer(kinds.size(), 0);
  for (const AttentionMapRef& m : maps_) ++per_layer[static_cast<size_t>(m.layer)];
  columns_ = std::max(1, *std::max_element(per_layer.begin(), per_layer.end()));

  QFont label_font = small;
  label_font.setBold(true);
  for (int l = 0; l < rows_; ++l) {
    const MixerKind mixer = kinds[static_cast<size_t>(l)].mixer;
    const QString kind = mixer == MixerKind::Attention ? tr("attention")
                         : mixer == MixerKind::Mamba2  ? tr("Mamba-2")
                                                       : tr("Mamba");
    auto* label = new GridText(plot_, tr("L%1\n%2").arg(l).arg(kind), label_font);
    label->setProperty("attention", mixer == MixerKind::Attention);
    grid_->addElement(l, 0, label);
    row_labels_.push_back(label);
    if (per_layer[static_cast<size_t>(l)] == 0) {
      const QString why = mixer == MixerKind::Attention
                              ? tr("attention pattern not recorded")
                              : tr("hidden attention not recorded: pick a channel in the head "
                                   "view to record it");
      grid_->addElement(l, 1, new GridText(plot_, why, small));
    }
  }
  std::vector<int> column(kinds.size(), 0);
  for (size_t i = 0; i < maps_.size(); ++i) {
    const AttentionMapRef& m = maps_[i];
    auto* rect = new QCPAxisRect(plot_, true);
    // No axis is drawn: the frame draws the edges and the label. The margins are the ones
    // fitThumbnails counts with: one pixel of frame on every side, the label's height below.
    for (QCPAxis* a : rect->axes()) a->setVisible(false);
    rect->setAutoMargins(QCP::msNone);
    rect->setMargins(QMargins(1, 1, 1, label_height(small) + 1));
    rect->axis(QCPAxis::atLeft)->setRangeReversed(true);  // query 0 at the top, as in a matrix
    grid_->addElement(static_cast<int>(m.layer), 1 + column[static_cast<size_t>(m.layer)]++, rect);
    // One pixel per cell, scaled to the rect without smoothing when drawn: a QCPColorMap would
    // colour the cells again and oversample them threefold on every replot.
    auto* image = new CellImage(plot_);
    image->setClipAxisRect(rect);
    for (QCPItemPosition* p : {image->topLeft, image->bottomRight}) {
      p->setAxisRect(rect);
      p->setAxes(rect->axis(QCPAxis::atBottom), rect->axis(QCPAxis::atLeft));
    }
    auto* cursor = new QCPItemStraightLine(plot_);
    cursor->setClipAxisRect(rect);
    for (QCPItemPosition* p : {cursor->point1, cursor->point2}) {
      p->setAxisRect(rect);
      p->setAxes(rect->axis(QCPAxis::atBottom), rect->axis(QCPAxis::atLeft));
    }
    cursor->setSelectable(false);
    cursor->setVisible(false);
    thumbs_.push_back({rect, image, cursor, new Frame(plot_, rect)});
  }
  // Label column narrow, thumbnail columns equal.
  grid_->setColumnStretchFactor(0, 0.01);
  fillThumbnails();
  apply_palette(plot_);
  updateFrames();
  updateCursor();
  replot_when_visible(plot_);
}

void AttentionModelView::setTokenCursor(int token) {
  if (token == cursor_) return;
  cursor_ = token;
  updateCursor();
  replot_when_visible(plot_);
}

void AttentionModelView::updateCursor() {
  const QColor edge = palette().color(QPalette::Highlight);
  for (size_t i = 0; i < thumbs_.size(); ++i) {
    QCPItemStraightLine* line = thumbs_[i].cursor;
    const AttentionMapRef& m = maps_[i];
    const bool show = cursor_ >= 0 && cursor_ < m.T;
    line->setVisible(show);
    if (!show) continue;
    line->point1->setCoords(-0.5, cursor_);
    line->point2->setCoords(double(m.S) - 0.5, cursor_);
    line->setPen(QPen(edge, 1.5));
  }
}

void AttentionModelView::setThumbnails(std::shared_ptr<const analysis::AttentionThumbnails> t) {
  reduced_ = std::move(t);
}

void AttentionModelView::fillThumbnails() {
  const size_t n = thumbs_.size();
  auto fits = [&](const std::shared_ptr<const analysis::AttentionThumbnails>& t) {
    return t && t->trace == trace_ && t->cells == kThumbnailCells && t->hidden_mode == norm_ &&
           t->maps.size() == n;
  };
  // The worker's, or (a trace from elsewhere, another mode just chosen) reduced here once. The
  // reductions read every map whole (32 maps of 512 × 512 are 32 MB for jamba-tiny).
  if (!fits(reduced_) && !fits(own_))
    own_ = std::make_shared<const analysis::AttentionThumbnails>(
        analysis::attention_thumbnails(trace_, kThumbnailCells, norm_));
  shown_ = fits(reduced_) ? reduced_ : own_;
  for (size_t i = 0; i < n; ++i) {
    const AttentionMapRef& ref = maps_[i];
    // Softmax maps are probabilities in every mode: drawn as they are (Raw).
    QCPItemPixmap* image = thumbs_[i].image;
    image->setPixmap(map_pixmap(shown_->maps[i].values));
    // The cells span every token: −0.5 to T − 0.5 (query 0 at the top, the axis is reversed).
    image->topLeft->setCoords(-0.5, -0.5);
    image->bottomRight->setCoords(double(ref.S) - 0.5, double(ref.T) - 0.5);
    // The axes are hidden; the image and the cursor are placed on the bottom and left ones.
    thumbs_[i].rect->axis(QCPAxis::atBottom)->setRange(-0.5, ref.S - 0.5);
    thumbs_[i].rect->axis(QCPAxis::atLeft)->setRange(-0.5, ref.T - 0.5);
  }
}

void AttentionModelView::updateFrames() {
  const QColor highlight = palette().color(QPalette::Highlight);
  const QColor text = palette().color(QPalette::Text);
  for (size_t i = 0; i < thumbs_.size(); ++i) {
    const bool selected = static_cast<int>(i) == selected_;
    const QPen pen = selected ? QPen(highlight, 3.5) : QPen(kind_colour(maps_[i].kind), 1.5);
    QFont f = thumb_font_;
    f.setBold(selected);
    thumbs_[i].frame->set(pen, thumbnailLabel(static_cast<int>(i)), f, selected ? highlight : text);
  }
  for (QCPTextElement* label : row_labels_)
    label->setTextColor(label->property("attention").toBool() ? kSoftmaxColour : kHiddenColour);
}

void AttentionModelView::fitThumbnails() {
  // Square thumbnails: the largest side that fits every row and column; the body's margins
  // centre the block of thumbnails and colour scales horizontally and keep it at the top.
  if (!body_) return;
  const QRect vp = plot_->viewport();  // the screen's, or a picture's while it is exported
  body_->setAutoMargins(QCP::msNone);
  body_->setMargins(QMargins());
  auto hint = [](const QCPLayoutElement* e) { return e->minimumOuterSizeHint(); };
  if (rows_ == 0) return;
  if (thumbs_.empty()) {  // only notes: a compact block in the middle, rows of text height
    const int w = std::min(vp.width(), 720), h = std::min(vp.height() - 60, rows_ * 44);
    const int side = std::max(0, (vp.width() - w) / 2);
    body_->setMargins(QMargins(side, 8, side, std::max(0, vp.height() - 60 - h)));
    return;
  }
  const int label_h = label_height(thumb_font_);  // the label under each thumbnail
  const int spacing_v = plot_->plotLayout()->rowSpacing();
  const int avail_h = vp.height() - hint(title_).height() - hint(caption_).height() - 2 * spacing_v;
  int label_w = 0;
  for (QCPTextElement* l : row_labels_) label_w = std::max(label_w, hint(l).width());
  if (legend_ && !legend_measured_) {
    // The colour scales' widths include their axes' margins, which the layout computes: before
    // the first layout they are only the bars', and the block of thumbnails came out too wide
    // for the panel by the scales' tick labels.
    legend_->update(QCPLayoutElement::upPreparation);
    legend_->update(QCPLayoutElement::upMargins);
    legend_measured_ = true;
  }
  const int legend_w = legend_ ? hint(legend_).width() + body_->columnSpacing() + 8 : 0;
  const int gap_h = grid_->columnSpacing(), gap_v = grid_->rowSpacing();
  const int frame = 2;  // minimum margins left and right / top of each thumbnail
  const int side_w = (vp.width() - legend_w - label_w - gap_h * columns_) / columns_ - frame;
  const int side_h = (avail_h - gap_v * (rows_ - 1)) / rows_ - label_h - frame;
  const int side = std::max(6, std::min(side_w, side_h));
  const int used_w = label_w + gap_h * columns_ + columns_ * (side + frame) + legend_w;
  const int used_h = rows_ * (side + label_h + frame) + gap_v * (rows_ - 1);
  // Exactly square: left to the grid's stretch factors, the thumbnails took the width that the
  // labels' and scales' columns should have had, and came out wider than tall.
  for (const Thumb& t : thumbs_) {
    t.rect->setMinimumSize(side, side);
    t.rect->setMaximumSize(side, side);
  }
  const int left = std::max(0, (vp.width() - used_w) / 2);
  const int right = std::max(0, vp.width() - used_w - left);
  body_->setMargins(QMargins(left, 0, right, std::max(0, avail_h - used_h)));
}

void AttentionModelView::onMousePress(QMouseEvent* event) {
  QCPAxisRect* rect = plot_->axisRectAt(event->pos());
  for (size_t i = 0; i < thumbs_.size(); ++i) {
    if (thumbs_[i].rect != rect || !rect->rect().contains(event->pos())) continue;
    selected_ = static_cast<int>(i);
    updateFrames();
    replot_when_visible(plot_);
    const AttentionMapRef& m = maps_[i];
    emit mapSelected(static_cast<int>(m.layer), static_cast<int>(m.index));
    emit layerSelected(static_cast<int>(m.layer));
    return;
  }
}

void AttentionModelView::changeEvent(QEvent* e) {
  if (e->type() == QEvent::PaletteChange) {
    apply_palette(plot_);
    updateFrames();
    updateCursor();
  } else if (e->type() == QEvent::LanguageChange) {
    rebuild();
  }
  ChartView::changeEvent(e);
}

void AttentionModelView::resizeEvent(QResizeEvent* e) {
  ChartView::resizeEvent(e);
  replot_when_visible(plot_);
}

}  // namespace seqlens::widgets
