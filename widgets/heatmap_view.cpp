#include "widgets/heatmap_view.h"

#include <QEvent>
#include <QSharedPointer>
#include <QVBoxLayout>

#include <qcustomplot.h>

#include "widgets/plot_style.h"

namespace seqlens::widgets {

HeatmapView::HeatmapView(QWidget* parent) : QWidget(parent), plot_(new QCustomPlot(this)) {
  setup_view_plot(plot_);
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addWidget(plot_);
  map_ = new QCPColorMap(plot_->xAxis, plot_->yAxis);
  scale_ = new QCPColorScale(plot_);
  plot_->plotLayout()->addElement(0, 1, scale_);
  plot_->plotLayout()->insertRow(0);
  title_ = new QCPTextElement(plot_, QString());
  plot_->plotLayout()->addElement(0, 0, title_);
  map_->setColorScale(scale_);
  map_->setGradient(viridis());
  map_->setInterpolate(false);
  plot_->yAxis->setRangeReversed(true);  // row 0 at the top, as in a matrix
  applyPalette();
}

void HeatmapView::setData(const HeatmapData& d) {
  map_->data()->setSize(d.cols, d.rows);
  map_->data()->setRange(QCPRange(0, std::max(0, d.cols - 1)),
                         QCPRange(0, std::max(0, d.rows - 1)));
  for (int r = 0; r < d.rows; ++r)
    for (int c = 0; c < d.cols; ++c)
      map_->data()->setCell(c, r, d.values[static_cast<size_t>(r) * d.cols + c]);
  map_->rescaleDataRange(true);
  if (!d.col_labels.isEmpty()) plot_->xAxis->setTicker(token_ticker(d.col_labels));
  if (!d.row_labels.isEmpty()) plot_->yAxis->setTicker(token_ticker(d.row_labels));
  plot_->xAxis->setLabel(d.x_title);
  plot_->yAxis->setLabel(d.y_title);
  scale_->axis()->setLabel(d.scale_title);
  plot_->xAxis->setRange(-0.5, d.cols - 0.5);
  plot_->yAxis->setRange(-0.5, d.rows - 0.5);
  title_->setText(d.title);
  replot_when_visible(plot_);
}

void HeatmapView::changeEvent(QEvent* e) {
  if (e->type() == QEvent::PaletteChange) applyPalette();
  QWidget::changeEvent(e);
}

void HeatmapView::applyPalette() {
  apply_palette(plot_);
}

}  // namespace seqlens::widgets
