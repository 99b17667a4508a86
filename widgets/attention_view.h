// The attention views: softmax attention of attention layers beside the implicit ("hidden")
// attention of Mamba layers.
//  - AttentionModelView: every map of the trace as a thumbnail, rows = layers, columns = heads
//    (attention) or recorded channels / heads (Mamba); click one to inspect it.
//  - AttentionHeadView: one map large, with token labels, colour scale, normalisation and
//    channel selectors, hover tooltips and the shared token cursor.
// Every number they draw comes from core/analysis/attention_maps (normalisation, downsampling,
// cell look-ups); these classes only place and colour it.
#pragma once

#include <QPen>
#include <QPointer>
#include <QStringList>

#include <memory>
#include <vector>

#include "core/analysis/attention_maps.h"
#include "widgets/chart_view.h"

class QComboBox;
class QLabel;
class QMouseEvent;
class QCPAxisRect;
class QCPColorScale;
class QCPItemPixmap;
class QCPItemRect;
class QCPItemStraightLine;
class QCPItemText;
class QCPLayoutGrid;
class QCPTextElement;

namespace seqlens::widgets {

class AttentionModelView : public ChartView {
  Q_OBJECT
 public:
  // Thumbnails are drawn from maps downsampled to at most this many cells per side.
  static constexpr int kThumbnailCells = 48;

  explicit AttentionModelView(QWidget* parent = nullptr);

  QCustomPlot* plot() const override { return plot_; }
  QString exportName() const override { return QStringLiteral("attention-model"); }
  QString title() const override;

  // The maps shown, one thumbnail each, in the order of analysis::enumerate_attention_maps.
  const std::vector<analysis::AttentionMapRef>& maps() const { return maps_; }
  int thumbnailCount() const { return static_cast<int>(thumbs_.size()); }
  QCPAxisRect* thumbnailRect(int i) const;
  QPen thumbnailFrame(int i) const;  // the pen of its frame (kind colour, or the selection)
  QCPItemPixmap* thumbnailImage(int i) const;         // one pixel per cell of thumbnailValues(i)
  QCPItemStraightLine* thumbnailCursor(int i) const;  // the token cursor's row in thumbnail i
  // The values thumbnail i draws (the reduction of map i in its mode); empty when out of range.
  analysis::MapValues thumbnailValues(int i) const;
  QString thumbnailLabel(int i) const;
  int selectedMap() const { return selected_; }  // -1: none
  analysis::MapNorm normalisation() const { return norm_; }

 public slots:
  void setTrace(std::shared_ptr<const seqlens::ForwardTrace> trace) override;
  void selectLayer(int layer) override;
  // Marks query row `token` in every thumbnail (-1 clears), as the head view marks its row.
  void setTokenCursor(int token) override;
  // Highlights the map (layer, index) without emitting anything (the head view drives this).
  void selectMap(int layer, int index);
  // Hidden-attention thumbnails follow the head view's normalisation.
  void setNormalisation(seqlens::analysis::MapNorm mode);
  // Thumbnails reduced on the worker. Used for the trace they were made from when it is shown
  // (with kThumbnailCells cells, in the mode shown); otherwise the maps are reduced here.
  void setThumbnails(std::shared_ptr<const seqlens::analysis::AttentionThumbnails> thumbnails);

 signals:
  // The user clicked the thumbnail of map (layer, index); layerSelected(layer) follows.
  void mapSelected(int layer, int index);

 protected:
  void changeEvent(QEvent* e) override;
  void resizeEvent(QResizeEvent* e) override;

 private:
  class Frame;
  struct Thumb {
    QCPAxisRect* rect = nullptr;
    QCPItemPixmap* image = nullptr;
    QCPItemStraightLine* cursor = nullptr;  // the token cursor's query row
    Frame* frame = nullptr;                 // its edges and label
  };
  void rebuild();
  QString captionText() const;
  bool any_of_kind(analysis::MapKind kind) const;
  void fillThumbnails();
  void updateFrames();
  void updateCursor();
  void fitThumbnails();
  void onMousePress(QMouseEvent* event);

  QCustomPlot* plot_;
  QCPTextElement* title_ = nullptr;
  QCPTextElement* caption_ = nullptr;
  QCPLayoutGrid* body_ = nullptr;  // thumbnail grid and legend
  QCPLayoutGrid* grid_ = nullptr;
  QCPLayoutGrid* legend_ = nullptr;  // colour scales beside the grid
  bool legend_measured_ = false;     // its axes' margins computed (fitThumbnails)
  std::shared_ptr<const ForwardTrace> trace_;
  std::shared_ptr<const analysis::AttentionThumbnails> reduced_;  // from setThumbnails
  std::shared_ptr<const analysis::AttentionThumbnails> own_;      // reduced here, when it had to
  std::shared_ptr<const analysis::AttentionThumbnails> shown_;    // one of the two: what is drawn
  std::vector<analysis::AttentionMapRef> maps_;
  std::vector<Thumb> thumbs_;
  std::vector<QCPTextElement*> row_labels_;
  QFont thumb_font_;  // the thumbnails' labels
  int columns_ = 0, rows_ = 0;
  int selected_ = -1;
  int cursor_ = -1;
  analysis::MapNorm norm_ = analysis::MapNorm::RowNormalised;
};

class AttentionHeadView : public ChartView {
  Q_OBJECT
 public:
  explicit AttentionHeadView(QWidget* parent = nullptr);

  QCustomPlot* plot() const override { return plot_; }
  QString exportName() const override { return QStringLiteral("attention-head"); }
  QString title() const override;

  // The map shown (null when there is none) and how it is normalised.
  const analysis::AttentionMapRef* currentMap() const;
  analysis::MapNorm normalisation() const { return norm_; }
  // The chart title, e.g. "Layer 3, channel 2 — hidden attention (row-normalised)".
  QString chartTitle() const;
  // Tooltip text for the cell (query t, key s) of the current map; empty when out of range.
  QString tooltipAt(int t, int s) const;

  QComboBox* layerSelector() const { return layer_box_; }
  QComboBox* mapSelector() const { return map_box_; }
  QComboBox* normalisationSelector() const { return norm_box_; }
  // The values drawn (the current map in its mode; empty without a map) and their image: one
  // pixel per cell, query rows from the top, coloured over [lo, hi] like the colour scale.
  const analysis::MapValues& shownValues() const { return values_; }
  QCPItemPixmap* mapImage() const { return image_; }
  QCPColorScale* colorScale() const { return scale_; }
  QCPAxisRect* mapRect() const { return rect_; }
  // The token cursor: a band over query row t and one over key column t (hidden when cleared).
  QCPItemRect* cursorRow() const { return cursor_row_; }
  QCPItemRect* cursorColumn() const { return cursor_col_; }

 public slots:
  void setTrace(std::shared_ptr<const seqlens::ForwardTrace> trace) override;
  void selectLayer(int layer) override;
  void setTokenCursor(int token) override;
  // Shows map (layer, index) if the trace holds it; does not emit.
  void showMap(int layer, int index);
  void setNormalisation(seqlens::analysis::MapNorm mode);

 signals:
  // The user chose Mamba channels (Mamba-2: heads) that are not recorded yet: the app re-runs the
  // trace recording `channels` (those already recorded plus the new one).
  void hiddenChannelsRequested(std::vector<int64_t> channels);
  // The user picked another map or normalisation here (the model view follows).
  void mapShown(int layer, int index);
  void normalisationChanged(seqlens::analysis::MapNorm mode);

 protected:
  void changeEvent(QEvent* e) override;
  bool eventFilter(QObject* watched, QEvent* event) override;

 private:
  void fillLayerBox();
  void fillMapBox();
  void showCurrent();
  void updateCursor();
  void updateMessage();
  void updateTickers();
  void retranslateNormBox();
  void onLayerActivated(int row);
  void onMapActivated(int row);
  void onNormActivated(int row);
  void onMouseMove(QMouseEvent* event);
  void setHovered(int t);

  QCustomPlot* plot_;
  QComboBox* layer_box_;
  QComboBox* map_box_;
  QLabel* map_label_;
  QComboBox* norm_box_;
  QCPTextElement* title_;
  QCPAxisRect* rect_;
  QCPItemPixmap* image_;
  analysis::MapValues values_;
  QCPColorScale* scale_;
  QCPItemRect* cursor_row_;
  QCPItemRect* cursor_col_;
  QCPItemText* message_;
  std::shared_ptr<const ForwardTrace> trace_;
  std::vector<analysis::AttentionMapRef> maps_;
  QStringList labels_;                           // query tokens
  QStringList key_labels_;                       // key tokens (numbers for a cache prefix)
  int x_ticks_ = 0, y_ticks_ = 0, ticked_ = -1;  // what updateTickers last set
  int layer_ = -1;    // layer shown (may have no map: then a message explains)
  int current_ = -1;  // index into maps_
  int cursor_ = -1;
  int hovered_ = -1;
  int pending_layer_ = -1, pending_index_ = -1;  // asked for by hiddenChannelsRequested
  analysis::MapNorm norm_ = analysis::MapNorm::RowNormalised;
};

// Connects the two views to each other: a thumbnail click shows that map large, the head view's
// choices (map, normalisation) are mirrored in the model view. The main window still connects
// layerSelected / tokenHovered of both to the other views like every ChartView.
void link_attention_views(AttentionModelView* model, AttentionHeadView* head);

}  // namespace seqlens::widgets
