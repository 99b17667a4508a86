// A thin main window: creates the docks, views and actions and connects the session to the
// views. Every view is a widgets::ChartView; the window forwards the shared selection (layer,
// token cursor) between them and owns no numerics.
#pragma once

#include <QList>
#include <QMainWindow>

#include <memory>

#include "app/gui/latency.h"
#include "app/gui/session.h"
#include "core/analysis/scaling.h"

class QLabel;
class QProgressBar;
class QTabWidget;
class QTimer;
class QToolButton;

namespace seqlens::widgets {
class ChartView;
class AttentionModelView;
class AttentionHeadView;
class SsmStateView;
class RoutingView;
class ScalingView;
class ProjectionView;
class LayerRibbon;
}  // namespace seqlens::widgets

namespace seqlens::app {

class CompareView;
class InputPanel;
class ModelPanel;

class MainWindow : public QMainWindow {
  Q_OBJECT
 public:
  explicit MainWindow(Session* session, QWidget* parent = nullptr);

  void setInputText(const QString& text);
  // Selects a preset or opens a model directory, as the model panel does.
  void selectModel(const QString& presetOrDir);
  // A model built from an edited config (the model panel's), remembered for the next start.
  void selectConfig(const ModelConfig& config, uint64_t seed);
  // Rebuilds the custom model the settings remember; false when there is none usable.
  bool restoreConfig();
  // Every exportable view, in menu order (the compare view's three panels included).
  QList<const widgets::ChartView*> views() const;
  // The views a user sees as tabs (for "export current view").
  widgets::ChartView* currentView() const;
  QTabWidget* tabs() const { return tabs_; }
  QWidget* scalingView() const;
  // Starts a scaling measurement up to `maxLength` tokens (the Scaling tab's Measure button).
  void measureScaling(int maxLength);

 signals:
  void languageRequested(const QString& language);  // "en" / "ru"
  void presenterModeRequested(bool on);
  void themeRequested(const QString& theme);  // "system" / "light" / "dark"

 protected:
  void closeEvent(QCloseEvent* e) override;

 private:
  void buildMenus();
  void showTrace(std::shared_ptr<const ForwardTrace> trace);
  // The latency benchmark stamps a trace's arrival before the window starts drawing it.
  friend std::vector<LatencySample> measure_edit_latency(MainWindow*, Session*, int, int);
  void showCompare();
  void openModelDirectory();
  void exportView(widgets::ChartView* view);
  void exportAll();
  void exportTrace();
  void exportScaling();
  void exportProfile();
  void attachContextMenu(widgets::ChartView* view);
  void setTokenCursor(int token);
  void selectLayer(int layer);
  void modelChanged();
  void updateSites();

  Session* session_;
  ModelPanel* model_panel_;
  InputPanel* input_panel_;
  widgets::LayerRibbon* ribbon_;
  QTabWidget* tabs_;
  widgets::AttentionModelView* attn_model_;
  widgets::AttentionHeadView* attn_head_;
  widgets::SsmStateView* ssm_;
  widgets::RoutingView* routing_;
  widgets::ScalingView* scaling_view_;
  widgets::ProjectionView* projection_;
  CompareView* compare_;
  QList<widgets::ChartView*> linked_;  // views sharing layer and token cursor
  QLabel* status_;
  QProgressBar* progress_;
  QToolButton* cancel_;
  QTimer* progress_delay_;  // shows progress_ once a job has run this long
  static constexpr int kProgressDelayMs = 200;
  std::shared_ptr<const ScalingResult> scaling_;
  int scaling_max_ = 0;         // the last measurement's longest input; 0 until one was requested
  bool scaling_stale_ = false;  // the architecture changed since the last measurement
  bool in_cursor_ = false;
  bool in_layer_ = false;
};

}  // namespace seqlens::app
