#include "widgets/heatmap_view.h"

#include <QEvent>
#include <QSharedPointer>
#include <QVBoxLayout>

#include <qcustomplot.h>

namespace seqlens::widgets {

HeatmapView::HeatmapView(QWidget* parent) : QWidget(parent), plot_(new QCustomPlot(this)) {
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
  // Viridis: perceptually uniform and colour-blind safe.
  QCPColorGradient g;
  g.clearColorStops();
  g.setColorStopAt(0.0, QColor(68, 1, 84));
  g.setColorStopAt(0.25, QColor(59, 82, 139));
  g.setColorStopAt(0.5, QColor(33, 145, 140));
  g.setColorStopAt(0.75, QColor(94, 201, 98));
  g.setColorStopAt(1.0, QColor(253, 231, 37));
  map_->setGradient(g);
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
  auto ticks = [](const QStringList& labels) {
    QSharedPointer<QCPAxisTickerText> t(new QCPAxisTickerText);
    const int step = std::max<qsizetype>(1, labels.size() / 40);
    for (int i = 0; i < labels.size(); i += step) t->addTick(i, labels[i]);
    return t;
  };
  if (!d.col_labels.isEmpty()) plot_->xAxis->setTicker(ticks(d.col_labels));
  if (!d.row_labels.isEmpty()) plot_->yAxis->setTicker(ticks(d.row_labels));
  plot_->xAxis->setLabel(d.x_title);
  plot_->yAxis->setLabel(d.y_title);
  scale_->axis()->setLabel(d.scale_title);
  plot_->xAxis->setRange(-0.5, d.cols - 0.5);
  plot_->yAxis->setRange(-0.5, d.rows - 0.5);
  title_->setText(d.title);
  plot_->replot(QCustomPlot::rpQueuedReplot);
}

void HeatmapView::changeEvent(QEvent* e) {
  if (e->type() == QEvent::PaletteChange) applyPalette();
  QWidget::changeEvent(e);
}

void HeatmapView::applyPalette() {
  // Follow the system palette, dark included.
  const QPalette p = palette();
  plot_->setBackground(p.color(QPalette::Base));
  for (QCPAxis* a : {plot_->xAxis, plot_->yAxis, scale_->axis()}) {
    a->setBasePen(QPen(p.color(QPalette::Text)));
    a->setTickPen(QPen(p.color(QPalette::Text)));
    a->setSubTickPen(QPen(p.color(QPalette::Text)));
    a->setTickLabelColor(p.color(QPalette::Text));
    a->setLabelColor(p.color(QPalette::Text));
  }
  title_->setTextColor(p.color(QPalette::Text));
  plot_->replot(QCustomPlot::rpQueuedReplot);
}

}  // namespace seqlens::widgets
