// Shared look of every chart: colour maps, palette following (dark mode), token tick labels.
#pragma once

#include <QSharedPointer>
#include <QStringList>

#include <qcustomplot.h>

class QPalette;

namespace seqlens::analysis {
struct MapValues;
}

namespace seqlens::widgets {

// Viridis: perceptually uniform, colour-blind safe, readable in grey. For magnitudes.
QCPColorGradient viridis();
// Blue–white–red (ColorBrewer RdBu, colour-blind safe): for signed values centred on zero.
QCPColorGradient diverging();

// Re-colours every axis, legend, title and background of `plot` from the widget palette,
// so dark palettes work; call from changeEvent(QEvent::PaletteChange) and after building.
void apply_palette(QCustomPlot* plot);

// Tick labels for a token axis, thinned to at most `max_ticks` labels.
// The app's dark theme (View ▸ Theme ▸ Dark): enough contrast for a projector. The charts
// re-colour from whatever palette they get; tests draw with this one to see what users see.
QPalette dark_palette();

// Queues a replot when the plot is on screen; a hidden one (a view on another tab) is only marked
// and replots when it is next shown. Every view replots through this, so an edit pays only for
// the views the user can see. Exports are unaffected: they draw the plot's current data directly.
// Queued replots are made together, in one event after the one that queued them.
void replot_when_visible(QCustomPlot* plot);
// Makes the queued replots now (a window that has just updated its views calls this, so that
// the plots and the rest of the window repaint in the same pass).
void replot_queued();

// Gives `map` a rows × cols grid (row-major `values`, row = value axis) spanning `keys` × `rows`
// cell centres, in one pass: setCell per cell costs ~3 ns and a 512 × 512 map has 262,144.
void fill_color_map(QCPColorMap* map, const float* values, int cols, int rows, QCPRange keys,
                    QCPRange value_range);

// The rows × cols grid of row-major `values` coloured by `gradient` over `range`, one pixel per
// cell (row 0 at the top), with the colours QCPColorMap would give the same cells.
QImage colour_image(const float* values, int cols, int rows, QCPColorGradient gradient,
                    QCPRange range);

// The gradient a map's values are drawn in (diverging for signed values, viridis otherwise), and
// the values as colour_image over [lo, hi] in it: what the attention views draw.
QCPColorGradient map_gradient(const analysis::MapValues& values);
QPixmap map_pixmap(const analysis::MapValues& values);

// A map's image of one pixel per cell, stretched over its coordinates without smoothing. On screen
// and in raster exports the painter scales it while it draws (QCPItemPixmap scales a copy first,
// again after every new image: ~1 ms per trace for a head view and 32 thumbnails). PDF and SVG
// get QCPItemPixmap's pre-scaled copy, so that viewers show sharp cells, not interpolated ones.
class CellImage : public QCPItemPixmap {
 public:
  explicit CellImage(QCustomPlot* plot);

 protected:
  void draw(QCPPainter* painter) override;
};

QSharedPointer<QCPAxisTickerText> token_ticker(const QStringList& labels, int max_ticks = 40);

// A QCustomPlot asks for the minimum width of its widest element (a long caption, a legend, the
// margins that centre a grid) and so would lock the window wider than a laptop screen. Every
// view's plot takes this minimum instead; below its own layout's minimum a chart is cut at its
// edge rather than the window at the screen's.
inline constexpr int kPlotMinWidth = 280;
inline constexpr int kPlotMinHeight = 180;
// Sets up a view's plot: that minimum, and one paint buffer instead of two. QCustomPlot keeps the
// "overlay" layer in a buffer of its own for fast redraws of that layer alone; no view redraws a
// layer alone, and a second buffer costs a clear and a blend of the whole plot on every replot.
void setup_view_plot(QCustomPlot* plot);

// A sentence over or under a chart: it wraps to the width it has instead of asking for its whole
// length as the plot's minimum width (QCPTextElement's default). By default it spans the plot;
// inside a sub-grid, `share` is its column's part of the plot's width (the column's stretch factor
// over their sum) after `reserve` pixels of spacing.
class WrappedText : public QCPTextElement {
 public:
  WrappedText(QCustomPlot* plot, const QString& text, const QFont& font, double share = 1.0,
              int reserve = 0);
  QSize minimumOuterSizeHint() const override;
  QSize maximumOuterSizeHint() const override;
  void setShare(double share) { share_ = share; }

 private:
  int wrappedHeight() const;
  double share_;
  int reserve_;
};

}  // namespace seqlens::widgets
