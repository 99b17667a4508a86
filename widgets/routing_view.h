// The expert routing view of a Mixture-of-Experts model (Jamba): for one MoE layer, a tokens ×
// experts heat map of the router probabilities with the chosen top-k experts marked by rank, the
// per-expert load against the ideal even share, the routing entropy of every token, and the mean
// routing entropy of every MoE layer (the shown layer highlighted). All numbers come from
// core/analysis/routing; this widget only draws them.
#pragma once

#include <QPointer>
#include <QVector>

#include <memory>
#include <vector>

#include "core/analysis/routing.h"
#include "widgets/chart_view.h"

class QComboBox;
class QLabel;
class QCPAxisRect;
class QCPBars;
class QCPColorMap;
class QCPColorScale;
class QCPGraph;
class QCPItemRect;
class QCPItemStraightLine;
class QCPItemText;
class QCPTextElement;

namespace seqlens::widgets {

class RoutingView : public ChartView {
  Q_OBJECT
 public:
  explicit RoutingView(QWidget* parent = nullptr);

  QCustomPlot* plot() const override { return plot_; }
  QString exportName() const override { return QStringLiteral("routing"); }
  QString title() const override { return tr("Expert routing"); }

  // For tests and export: the shown MoE layer (-1 when none) and the pieces of the picture.
  int currentLayer() const { return layer_; }
  int tokenCursor() const { return cursor_; }
  const seqlens::analysis::LayerRouting* routing() const {
    return has_routing_ ? &routing_ : nullptr;
  }
  QCPColorMap* heatMap() const { return heat_; }
  QCPGraph* rankMarkers(int rank) const {
    return rank < markers_.size() ? markers_[rank] : nullptr;
  }
  QCPBars* loadBars() const { return load_bars_; }
  QCPBars* tokenEntropyBars() const { return token_entropy_; }
  QCPBars* layerEntropyBars() const { return layer_entropy_; }
  QCPBars* selectedLayerBar() const { return layer_selected_; }
  QCPAxisRect* heatRect() const { return heat_rect_; }
  QCPAxisRect* layerEntropyRect() const { return layer_rect_; }
  // The message shown instead of the charts ("no MoE", "nothing recorded"), empty otherwise.
  QString message() const { return message_; }
  QComboBox* layerSelector() const { return selector_; }
  // The tooltip at a point of plot() (token, expert, probability, chosen rank in the heat map;
  // entropy, load or layer elsewhere), and the token under it (-1 when none).
  QString toolTipAt(const QPoint& pos, int* token = nullptr) const;
  // The heat-map cells outlined for the token cursor: (token, expert) per chosen expert.
  QVector<QPoint> cursorCells() const;

 public slots:
  void setTrace(std::shared_ptr<const seqlens::ForwardTrace> trace) override;
  void selectLayer(int layer) override;  // follows only MoE layers; does not emit
  void setTokenCursor(int token) override;

 protected:
  void changeEvent(QEvent* e) override;
  bool eventFilter(QObject* watched, QEvent* e) override;

 private:
  // The plot for the current trace: the chart structure (axis rects, legend, markers, items) is
  // kept across traces with the same experts and top-k, and only rebuilt when they change, after
  // a message, or when `structure` is set (font change).
  void rebuild(bool structure = false);
  void buildMessage(const QString& text);
  void buildCharts();         // the structure for num_experts and top_k of trace_
  void fillCharts();          // what depends on the tokens and the MoE layers of trace_
  void showLayer(int layer);  // fills the per-layer charts
  void updateCursor();
  void fitToWidth();  // token tick density and the load axis title, from the plot's width
  void applyPalette();
  void onMouseMove(QMouseEvent* e);
  void onMousePress(QMouseEvent* e);
  void setHovered(int token);
  QString tokenLabel(int t) const;

  QComboBox* selector_;
  QLabel* selector_label_;
  QCustomPlot* plot_;

  std::shared_ptr<const seqlens::ForwardTrace> trace_;
  std::vector<seqlens::analysis::MoeLayerSummary> summary_;
  seqlens::analysis::LayerRouting routing_;
  bool has_routing_ = false;
  QStringList labels_;
  QString message_;
  int layer_ = -1;
  int cursor_ = -1;
  int hovered_ = -1;

  // Plot pieces; owned by plot_ and rebuilt with it (null in message mode), built for
  // built_experts_ experts and built_top_k_ choices (-1 when not built).
  int built_experts_ = -1;
  int built_top_k_ = -1;
  QCPTextElement* title_ = nullptr;
  QCPTextElement* subtitle_ = nullptr;
  QCPAxisRect* heat_rect_ = nullptr;
  QCPAxisRect* load_rect_ = nullptr;
  QCPAxisRect* token_rect_ = nullptr;
  QCPAxisRect* layer_rect_ = nullptr;
  QCPColorMap* heat_ = nullptr;
  QCPColorScale* scale_ = nullptr;
  QVector<QCPGraph*> markers_;  // [k] one scatter graph per rank
  QCPBars* load_bars_ = nullptr;
  QCPBars* load_chosen_ = nullptr;  // the experts chosen at the token cursor
  QCPItemStraightLine* ideal_line_ = nullptr;
  QCPItemText* ideal_text_ = nullptr;
  QCPBars* token_entropy_ = nullptr;
  QCPItemStraightLine* max_entropy_line_ = nullptr;
  QCPItemText* max_entropy_text_ = nullptr;
  QCPBars* layer_entropy_ = nullptr;
  QCPBars* layer_selected_ = nullptr;
  QCPItemStraightLine* layer_max_line_ = nullptr;
  QCPItemRect* cursor_column_ = nullptr;
  QVector<QCPItemRect*> cursor_cells_;  // [k]
  QCPItemStraightLine* cursor_line_ = nullptr;
};

}  // namespace seqlens::widgets
