// How time and memory grow with the input length: two log–log charts side by side (time per
// forward pass, peak working memory) with one series per architecture, its fitted slope in the
// legend, dashed O(n) and O(n²) guides and a vertical line at the current input's length.
// The view never measures: the app runs core's measure_scaling through its job runner and feeds
// points (live) and the final result here.
#pragma once

#include <QMetaType>

#include <array>
#include <memory>

#include "core/analysis/scaling.h"
#include "widgets/chart_view.h"

class QComboBox;
class QLabel;
class QProgressBar;
class QPushButton;
class QCPAxisRect;
class QCPGraph;
class QCPItemStraightLine;
class QCPItemText;
class QCPLegend;
class QCPTextElement;

Q_DECLARE_METATYPE(seqlens::ScalingPoint)
Q_DECLARE_METATYPE(std::shared_ptr<const seqlens::ScalingResult>)

namespace seqlens::widgets {

class ScalingView : public ChartView {
  Q_OBJECT
 public:
  enum Chart { TimeChart = 0, MemoryChart = 1 };

  explicit ScalingView(QWidget* parent = nullptr);

  QCustomPlot* plot() const override { return plot_; }
  QString exportName() const override { return QStringLiteral("scaling"); }
  QString title() const override;

  // The lengths the selector offers (tokens); the default is 16384.
  static QList<int> maxLengthChoices();
  int maxLength() const;

  // For tests and the app: what is drawn.
  QCPGraph* graph(Chart chart, ScalingArch arch) const;
  QCPGraph* guide(Chart chart, int slope) const;  // slope 1 or 2
  QCPItemStraightLine* lengthMarker(Chart chart) const;
  QPushButton* measureButton() const { return button_; }
  QComboBox* maxLengthBox() const { return max_box_; }
  QProgressBar* progressBar() const { return progress_; }
  QString legendText(Chart chart, ScalingArch arch) const;
  std::shared_ptr<const ScalingResult> result() const { return result_; }
  bool isRunning() const { return running_; }

 public slots:
  void setProgress(double fraction);
  // A point measured just now; `arch` indexes ScalingOptions' default order (= ScalingArch).
  void addPoint(int arch, const seqlens::ScalingPoint& point);
  // The finished measurement: replaces the live points and adds the fitted slopes.
  void setResult(std::shared_ptr<const seqlens::ScalingResult> result);
  void setRunning(bool running);
  // The current input's length; <= 0 hides the marker.
  void setCurrentLength(int n);
  // Empties both charts (e.g. when a new measurement starts).
  void clear();

 signals:
  void measureRequested(int maxLength);
  void cancelRequested();

 protected:
  void changeEvent(QEvent* e) override;

 private:
  void buildPlot();
  void onButton();
  void updateLegend();
  void updateGuides();
  void updateAxes();
  void updateMarker();
  void applyPalette();
  void retranslate();
  QString archName(ScalingArch a) const;
  QString stopText(const ScalingSeries& s) const;

  QCustomPlot* plot_;
  QPushButton* button_;
  QComboBox* max_box_;
  QProgressBar* progress_;
  QLabel* status_;
  QLabel* max_label_;
  std::array<QCPAxisRect*, 2> rects_{};
  std::array<QCPTextElement*, 2> titles_{};
  std::array<QCPLegend*, 2> legends_{};
  std::array<std::array<QCPGraph*, kScalingArchCount>, 2> graphs_{};
  std::array<std::array<QCPGraph*, 2>, 2> guides_{};  // [chart][O(n), O(n²)]
  std::array<QCPItemStraightLine*, 2> markers_{};
  std::array<QCPItemText*, 2> marker_labels_{};
  std::shared_ptr<const ScalingResult> result_;
  bool running_ = false;
  int current_length_ = 0;
};

}  // namespace seqlens::widgets
