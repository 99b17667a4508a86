// What long contexts cost in published models, from their configs alone (core/analysis/
// projection): left, the bytes a model must keep per sequence — a KV cache that grows with the
// context (flat after Mistral's sliding window) against Mamba's constant state — with a marker
// where it outgrows a 16 GiB GPU; right, parameters stored versus used per token (sparse experts).
// Static data: the view computes it once through core, no job needed.
#pragma once

#include <array>
#include <vector>

#include "core/analysis/projection.h"
#include "widgets/chart_view.h"

class QCPAxisRect;
class QCPBars;
class QCPGraph;
class QCPItemStraightLine;
class QCPItemText;
class QCPLegend;
class QCPTextElement;

namespace seqlens::widgets {

class ProjectionView : public ChartView {
  Q_OBJECT
 public:
  explicit ProjectionView(QWidget* parent = nullptr);

  QCustomPlot* plot() const override { return plot_; }
  QString exportName() const override { return QStringLiteral("projection"); }
  QString title() const override;

  // For tests: the data behind the charts.
  const std::vector<ModelProjection>& projections() const { return projections_; }
  // Points within the model's trained context / beyond it (dashed; shares the boundary point).
  QCPGraph* memoryGraph(int model) const { return lines_.at(size_t(model)); }
  QCPGraph* extensionGraph(int model) const { return lines_ext_.at(size_t(model)); }
  QCPGraph* crossingGraph() const { return crossings_; }
  QCPBars* totalBars() const { return total_; }
  QCPBars* activeBars() const { return active_; }

 protected:
  void changeEvent(QEvent* e) override;

 private:
  void buildPlot();
  void applyPalette();
  void retranslate();

  QCustomPlot* plot_;
  std::vector<ModelProjection> projections_;
  std::array<QCPAxisRect*, 2> rects_{};
  std::array<QCPTextElement*, 2> titles_{};
  std::array<QCPLegend*, 2> legends_{};
  std::vector<QCPGraph*> lines_;
  std::vector<QCPGraph*> lines_ext_;  // dashed continuation past the trained context
  std::vector<QCPItemText*> value_labels_;
  QCPGraph* crossings_ = nullptr;
  QCPItemStraightLine* budget_line_ = nullptr;
  QCPItemText* budget_label_ = nullptr;
  QCPItemText* window_label_ = nullptr;
  QCPBars* total_ = nullptr;
  QCPBars* active_ = nullptr;
  int64_t threshold_ = 0;
};

}  // namespace seqlens::widgets
