// The SSM state view: for one Mamba layer, how the hidden state is written and decays over time.
// One QCustomPlot holds, on a shared time axis, the state heat map (state dims × tokens) of a
// chosen channel (Mamba-1) or head (Mamba-2), Δ_t and the B_t / C_t heat maps; beside them each
// unit's memory half-life (log axis) and one step of the recurrence split into the decayed old
// state and the newly written part. A play button and a time slider step through the tokens.
// All numbers come from core/analysis/ssm_analysis; this widget only draws them.
#pragma once

#include <QBrush>
#include <QStringList>

#include <memory>

#include "core/analysis/ssm_analysis.h"
#include "widgets/chart_view.h"

class QAbstractButton;
class QCheckBox;
class QComboBox;
class QLabel;
class QSlider;
class QSpinBox;
class QTimer;
class QCPAxisRect;
class QCPBars;
class QCPColorMap;
class QCPColorScale;
class QCPGraph;
class QCPItemStraightLine;
class QCPItemText;
class QMouseEvent;
class QCPLayoutGrid;
class QCPLegend;
class QCPTextElement;

namespace seqlens::widgets {

class WrappedText;

class SsmStateView : public ChartView {
  Q_OBJECT
 public:
  explicit SsmStateView(QWidget* parent = nullptr);
  ~SsmStateView() override;

  QCustomPlot* plot() const override { return plot_; }
  QString exportName() const override { return QStringLiteral("ssm-state"); }
  QString title() const override;

  // Current selection (-1 / empty when the trace has no SSM layer to show).
  int currentLayer() const { return layer_; }
  int currentUnit() const;     // channel (Mamba-1) or head (Mamba-2)
  int currentHeadDim() const;  // Mamba-2 p, or analysis::kRmsOverHeadDim; 0 for Mamba-1
  int currentStep() const;     // the animation step t (token index)
  bool isPlaying() const;
  bool showsSummary() const;
  // Non-empty when the plot shows a message instead of the charts.
  QString message() const { return message_; }

  void setUnit(int unit);
  void setHeadDim(int p);
  void setShowSummary(bool on);
  void setStep(int t);
  void play();
  void pause();

  // The drawn pieces, for tests.
  QCPColorMap* stateMap() const { return state_map_; }
  QCPColorMap* bMap() const { return b_map_; }
  QCPColorMap* cMap() const { return c_map_; }
  QCPGraph* deltaGraph() const { return delta_graph_; }
  QCPGraph* deltaMeanGraph() const { return delta_mean_graph_; }
  QCPBars* deltaFillBars() const { return delta_fill_; }  // Δ's fill when tokens are ≤ 2 px
  QCPBars* halfLifeBars() const { return hl_bars_; }
  QCPBars* halfLifeCappedBars() const { return hl_capped_bars_; }
  QCPBars* halfLifeHighlight() const { return hl_highlight_; }
  QCPBars* previousBars() const { return prev_bars_; }
  QCPBars* decayBars() const { return decay_bars_; }
  QCPBars* writeBars() const { return write_bars_; }
  QCPItemStraightLine* stepLine() const { return step_lines_.value(0); }
  QCPItemStraightLine* tokenCursorLine() const { return cursor_lines_.value(0); }
  QSlider* timeSlider() const { return slider_; }
  QAbstractButton* playButton() const { return play_; }
  QComboBox* layerCombo() const { return layer_combo_; }
  QSpinBox* unitSpin() const { return unit_spin_; }

 public slots:
  void setTrace(std::shared_ptr<const seqlens::ForwardTrace> trace) override;
  void selectLayer(int layer) override;
  void setTokenCursor(int token) override;

 protected:
  void changeEvent(QEvent* e) override;
  bool eventFilter(QObject* watched, QEvent* e) override;
  void resizeEvent(QResizeEvent* e) override;

 private:
  void buildPlot();
  void retranslate();
  void applyPalette();
  void showMessage(const QString& text);
  void showCharts();
  void fillLayerCombo();
  void onLayerChosen(int index);  // from the combo (user)
  void setLayerQuiet(int layer);  // from selectLayer or setTrace
  void refresh();                 // layer / unit / p / summary changed: recompute and redraw
  void refreshState();
  void refreshHalfLives();
  void refreshStep();  // step t: cursor, visible columns, decomposition
  void onMouseMove(QMouseEvent* e);
  void advance();
  // Before every replot: the column shares, the time axes' labels and Δ's fill for the plot's
  // current size.
  void prepareReplot();
  // The time column's width guessed from the plot's (before the first layout, and for Δ's fill).
  int timeColumnEstimate() const;
  // Thins the time axes' token labels to the state map's width (from the last layout); rebuilds
  // the ticker only when the count or the labels change.
  void updateTimeTicker();
  // The body's column widths for the plot's width: a narrow plot (the Compare tab) gives the side
  // charts a larger share.
  void updateColumns();
  void updateDeltaFill();  // polygon fill under Δ for few tokens, column bars for many
  void showStateTip(QMouseEvent* e, int token);

  std::shared_ptr<const ForwardTrace> trace_;
  int layer_ = -1;
  analysis::SsmLayerShape shape_;
  analysis::StateSlice slice_;
  analysis::SsmInputs inputs_;
  analysis::HalfLives half_lives_;
  QStringList labels_;
  QStringList ticked_labels_;  // the labels and count of the time axes' current ticker
  int time_ticks_ = -1;
  QString message_;
  int token_cursor_ = -1;
  int hovered_ = -1;
  bool summary_ = false;

  // Controls (outside the plot).
  QComboBox* layer_combo_;
  QLabel* unit_label_;
  QSpinBox* unit_spin_;
  QLabel* p_label_;
  QSpinBox* p_spin_;
  QCheckBox* summary_box_;
  QAbstractButton* play_;
  int play_icon_ = -1;  // which icon play_ shows: 0 play, 1 pause, -1 none yet
  QSlider* slider_;
  QLabel* step_label_;
  QTimer* timer_;

  // The plot and its pieces.
  QCustomPlot* plot_;
  QCPLayoutGrid* body_ = nullptr;
  QCPTextElement* title_el_ = nullptr;
  QCPTextElement* message_el_ = nullptr;
  QCPAxisRect *state_rect_ = nullptr, *delta_rect_ = nullptr, *b_rect_ = nullptr,
              *c_rect_ = nullptr, *hl_rect_ = nullptr, *step_rect_ = nullptr;
  QCPLegend* hl_legend_ = nullptr;
  QCPLegend* step_legend_ = nullptr;
  WrappedText *hl_title_ = nullptr, *step_title_ = nullptr;
  QCPColorScale *state_scale_ = nullptr, *bc_scale_ = nullptr;
  QCPColorMap *state_map_ = nullptr, *b_map_ = nullptr, *c_map_ = nullptr;
  QCPGraph *delta_graph_ = nullptr, *delta_mean_graph_ = nullptr;
  QCPBars* delta_fill_ = nullptr;  // Δ's fill as one column per token when tokens are ≤ 2 px
  QBrush delta_brush_;
  QCPBars *hl_bars_ = nullptr, *hl_capped_bars_ = nullptr, *hl_highlight_ = nullptr;
  QCPBars *prev_bars_ = nullptr, *decay_bars_ = nullptr, *write_bars_ = nullptr;
  QCPGraph* state_dots_ = nullptr;
  QCPItemStraightLine* hl_length_line_ = nullptr;
  QCPItemText* hl_length_text_ = nullptr;
  QList<QCPItemStraightLine*> step_lines_, cursor_lines_;  // one per time rect
};

}  // namespace seqlens::widgets
