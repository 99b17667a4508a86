// A heat map of one [rows, cols] matrix with token labels on the axes (QCustomPlot colour map).
// It draws exactly the values it is given; any normalisation happens in core before.
#pragma once

#include <QStringList>
#include <QWidget>

#include <vector>

class QCustomPlot;
class QCPColorMap;
class QCPColorScale;
class QCPTextElement;

namespace seqlens::widgets {

struct HeatmapData {
  int rows = 0, cols = 0;
  std::vector<float> values;  // row-major [rows, cols]
  QStringList row_labels, col_labels;
  QString title, x_title, y_title, scale_title;
};

class HeatmapView : public QWidget {
  Q_OBJECT
 public:
  explicit HeatmapView(QWidget* parent = nullptr);
  void setData(const HeatmapData& data);
  QCustomPlot* plot() const { return plot_; }

 protected:
  void changeEvent(QEvent* e) override;

 private:
  void applyPalette();

  QCustomPlot* plot_;
  QCPColorMap* map_;
  QCPColorScale* scale_;
  QCPTextElement* title_;
};

}  // namespace seqlens::widgets
