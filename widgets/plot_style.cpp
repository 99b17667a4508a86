#include "widgets/plot_style.h"

#include <QCoreApplication>
#include <QPalette>
#include <QPointer>

#include <algorithm>
#include <array>
#include <vector>

#include <qcustomplot.h>

#include "core/analysis/attention_maps.h"

namespace seqlens::widgets {

namespace {

// A gradient through five stops, with its colour table already computed: QCPColorGradient fills
// its table (350 levels) on first use, and every copy of a fresh gradient did that again (once per
// thumbnail of every trace). Copies share the table.
QCPColorGradient five_stop_gradient(const std::array<QColor, 5>& stops) {
  QCPColorGradient g;
  g.clearColorStops();
  for (size_t i = 0; i < stops.size(); ++i) g.setColorStopAt(0.25 * double(i), stops[i]);
  QRgb unused;
  const double x = 0;
  g.colorize(&x, QCPRange(0, 1), &unused, 1);
  return g;
}

}  // namespace

QCPColorGradient viridis() {
  static const QCPColorGradient g =
      five_stop_gradient({QColor(68, 1, 84), QColor(59, 82, 139), QColor(33, 145, 140),
                          QColor(94, 201, 98), QColor(253, 231, 37)});
  return g;
}

QCPColorGradient diverging() {
  static const QCPColorGradient g =
      five_stop_gradient({QColor(5, 48, 97), QColor(67, 147, 195), QColor(247, 247, 247),
                          QColor(214, 96, 77), QColor(103, 0, 31)});
  return g;
}

QPalette dark_palette() {
  QPalette p;
  const QColor window(37, 37, 38), base(30, 30, 30), text(230, 230, 230), mid(60, 60, 62);
  p.setColor(QPalette::Window, window);
  p.setColor(QPalette::WindowText, text);
  p.setColor(QPalette::Base, base);
  p.setColor(QPalette::AlternateBase, mid);
  p.setColor(QPalette::ToolTipBase, window);
  p.setColor(QPalette::ToolTipText, text);
  p.setColor(QPalette::Text, text);
  p.setColor(QPalette::Button, window);
  p.setColor(QPalette::ButtonText, text);
  p.setColor(QPalette::BrightText, Qt::white);
  p.setColor(QPalette::Highlight, QColor(0, 114, 178));
  p.setColor(QPalette::HighlightedText, Qt::white);
  p.setColor(QPalette::PlaceholderText, QColor(150, 150, 150));
  p.setColor(QPalette::Disabled, QPalette::Text, QColor(120, 120, 120));
  p.setColor(QPalette::Disabled, QPalette::ButtonText, QColor(120, 120, 120));
  p.setColor(QPalette::Disabled, QPalette::WindowText, QColor(120, 120, 120));
  return p;
}

void apply_palette(QCustomPlot* plot) {
  const QPalette p = plot->palette();
  const QColor text = p.color(QPalette::Text);
  const QColor base = p.color(QPalette::Base);
  plot->setBackground(base);
  QColor grid = text;
  grid.setAlpha(40);
  auto style_axis = [&](QCPAxis* a) {
    a->setBasePen(QPen(text));
    a->setTickPen(QPen(text));
    a->setSubTickPen(QPen(text));
    a->setTickLabelColor(text);
    a->setLabelColor(text);
    a->grid()->setPen(QPen(grid, 0, Qt::DotLine));
  };
  for (QCPAxisRect* r : plot->axisRects())
    for (QCPAxis* a : r->axes()) style_axis(a);
  // Every element, nested sub-layouts included (titles above axis rects, colour scales beside).
  for (QCPLayoutElement* e : plot->plotLayout()->elements(true)) {
    if (auto* t = qobject_cast<QCPTextElement*>(e)) t->setTextColor(text);
    if (auto* s = qobject_cast<QCPColorScale*>(e)) style_axis(s->axis());
    if (auto* l = qobject_cast<QCPLegend*>(e)) {
      l->setBrush(base);
      l->setTextColor(text);
      l->setBorderPen(QPen(grid));
    }
  }
  replot_when_visible(plot);
}

namespace {

// The plots waiting for a replot, replotted together: one posted event for all of them (or a
// direct call to replot_queued), so that their repaints and the window's other updates land in
// one paint pass and one flush to the screen. (QCustomPlot's own queued replot posts one event
// per plot, and the window painted after each.)
class ReplotQueue : public QObject {
 public:
  static ReplotQueue& instance() {
    static QPointer<ReplotQueue> queue;
    if (!queue) queue = new ReplotQueue(QCoreApplication::instance());
    return *queue;
  }
  void add(QCustomPlot* plot) {
    if (std::find(pending_.begin(), pending_.end(), plot) == pending_.end())
      pending_.push_back(plot);
    if (posted_) return;
    posted_ = true;
    QMetaObject::invokeMethod(this, &ReplotQueue::run, Qt::QueuedConnection);
  }
  void run() {
    posted_ = false;
    const std::vector<QPointer<QCustomPlot>> plots = std::move(pending_);
    pending_.clear();
    for (const QPointer<QCustomPlot>& plot : plots)
      if (plot) plot->replot(QCustomPlot::rpQueuedRefresh);  // draws now, repaints with the rest
  }

 private:
  using QObject::QObject;
  std::vector<QPointer<QCustomPlot>> pending_;
  bool posted_ = false;
};

// Replots a plot that was marked stale while hidden, once it is shown again.
class ReplotOnShow : public QObject {
 public:
  using QObject::QObject;
  static constexpr const char* kStale = "seqlens_replot_on_show";
  static constexpr const char* kInstalled = "seqlens_replot_on_show_filter";
  bool eventFilter(QObject* watched, QEvent* event) override {
    if (event->type() == QEvent::Show && watched->property(kStale).toBool()) {
      watched->setProperty(kStale, false);
      ReplotQueue::instance().add(static_cast<QCustomPlot*>(watched));
    }
    return false;
  }
};

// QCPColorMapData with a bulk fill: its grid and bounds are protected members.
class BulkColorMapData : public QCPColorMapData {
 public:
  using QCPColorMapData::QCPColorMapData;
  void fill(const float* values) {
    const qsizetype n = qsizetype(mKeySize) * mValueSize;
    if (n == 0) return;
    double lo = values[0], hi = values[0];
    for (qsizetype i = 0; i < n; ++i) {
      const double v = values[i];
      mData[i] = v;  // mData[value index · key count + key index]: row-major, rows = values
      lo = std::min(lo, v);
      hi = std::max(hi, v);
    }
    mDataBounds = QCPRange(lo, hi);
    mDataModified = true;
  }
};

}  // namespace

void fill_color_map(QCPColorMap* map, const float* values, int cols, int rows, QCPRange keys,
                    QCPRange value_range) {
  BulkColorMapData data(cols, rows, keys, value_range);
  data.fill(values);
  map->setData(&data, true);  // one block copy of the grid (the map keeps its own data object)
}

QImage colour_image(const float* values, int cols, int rows, QCPColorGradient gradient,
                    QCPRange range) {
  // Opaque (the gradients are): no alpha scan when it becomes a pixmap, no blending when drawn.
  QImage img(std::max(cols, 0), std::max(rows, 0), QImage::Format_RGB32);
  // QCPColorMap's mapping, one level per cell: level = ⌊(v − lower)·(levels − 1)/size⌋ clamped
  // to the gradient's levels, in double. The levels' colours are read once through colorize
  // (at their centres), and each cell is looked up without converting its row to doubles and
  // going through colorize's per-call checks (~0.6 ms for a 512 × 512 map).
  const int levels = gradient.levelCount();
  const double factor = (levels - 1) / range.size();
  std::vector<QRgb> lut(static_cast<size_t>(levels));
  for (int i = 0; i < levels; ++i) {
    const double centre = range.lower + (i + 0.5) / factor;
    gradient.colorize(&centre, range, &lut[size_t(i)], 1);
  }
  const double lower = range.lower;
  for (int r = 0; r < rows; ++r) {
    const float* in = values + size_t(r) * size_t(cols);
    auto* out = reinterpret_cast<QRgb*>(img.scanLine(r));
    for (int c = 0; c < cols; ++c) {
      const double level = (double(in[c]) - lower) * factor;  // NaN (an empty range): level 0
      out[c] = lut[level >= 0 ? size_t(std::min(level, double(levels - 1))) : 0];
    }
  }
  return img;
}

QCPColorGradient map_gradient(const analysis::MapValues& values) {
  return values.diverging ? diverging() : viridis();
}

QPixmap map_pixmap(const analysis::MapValues& v) {
  return QPixmap::fromImage(colour_image(v.values.data(), static_cast<int>(v.cols),
                                         static_cast<int>(v.rows), map_gradient(v),
                                         QCPRange(v.lo, v.hi)));
}

CellImage::CellImage(QCustomPlot* plot) : QCPItemPixmap(plot) {
  setScaled(true, Qt::IgnoreAspectRatio, Qt::FastTransformation);
  setPen(Qt::NoPen);
  setSelectable(false);
}

void CellImage::draw(QCPPainter* painter) {
  bool flip_h = false, flip_v = false;
  const QRect rect = getFinalRect(&flip_h, &flip_v);
  if (painter->modes().testFlag(QCPPainter::pmVectorized) || flip_h || flip_v ||
      mainPen().style() != Qt::NoPen) {
    QCPItemPixmap::draw(painter);
    return;
  }
  if (!rect.intersects(clipRect()) || mPixmap.isNull()) return;
  const bool smooth = painter->testRenderHint(QPainter::SmoothPixmapTransform);
  painter->setRenderHint(QPainter::SmoothPixmapTransform, false);
  painter->drawPixmap(rect, mPixmap, mPixmap.rect());
  painter->setRenderHint(QPainter::SmoothPixmapTransform, smooth);
}

void replot_when_visible(QCustomPlot* plot) {
  if (plot->isVisible()) {
    ReplotQueue::instance().add(plot);
    return;
  }
  if (!plot->property(ReplotOnShow::kInstalled).toBool()) {
    plot->installEventFilter(new ReplotOnShow(plot));
    plot->setProperty(ReplotOnShow::kInstalled, true);
  }
  plot->setProperty(ReplotOnShow::kStale, true);
}

void replot_queued() {
  ReplotQueue::instance().run();
}

QSharedPointer<QCPAxisTickerText> token_ticker(const QStringList& labels, int max_ticks) {
  QSharedPointer<QCPAxisTickerText> t(new QCPAxisTickerText);
  const qsizetype step = std::max<qsizetype>(1, (labels.size() + max_ticks - 1) / max_ticks);
  for (qsizetype i = 0; i < labels.size(); i += step) t->addTick(double(i), labels[i]);
  return t;
}

void setup_view_plot(QCustomPlot* plot) {
  plot->setMinimumSize(kPlotMinWidth, kPlotMinHeight);
  if (QCPLayer* overlay = plot->layer(QStringLiteral("overlay")))
    overlay->setMode(QCPLayer::lmLogical);
}

WrappedText::WrappedText(QCustomPlot* plot, const QString& text, const QFont& font, double share,
                         int reserve)
    : QCPTextElement(plot, text, font), share_(share), reserve_(reserve) {
  setTextFlags(Qt::AlignCenter | Qt::TextWordWrap);
}

int WrappedText::wrappedHeight() const {
  // Wrap at the viewport's width (current at every replot, unlike the rect of the previous layout
  // pass) or the column's share of it, less the margins around the element.
  const QMargins m = margins();
  const int plot_width = mParentPlot ? mParentPlot->viewport().width() : 0;
  const int width = std::max(kPlotMinWidth / 4,
                             int(share_ * (plot_width - reserve_)) - m.left() - m.right() - 2 * 6);
  return QFontMetrics(mFont).boundingRect(QRect(0, 0, width, 1 << 20), mTextFlags, mText).height();
}

QSize WrappedText::minimumOuterSizeHint() const {
  const QMargins m = margins();
  return {kPlotMinWidth / 4 + m.left() + m.right(), wrappedHeight() + m.top() + m.bottom()};
}

QSize WrappedText::maximumOuterSizeHint() const {
  const QMargins m = margins();
  return {QWIDGETSIZE_MAX, wrappedHeight() + m.top() + m.bottom()};
}

}  // namespace seqlens::widgets
