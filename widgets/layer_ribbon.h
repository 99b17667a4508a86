// A strip of boxes, one per layer, that shows what a model is made of: the mixer of each layer
// (attention, Mamba-1, Mamba-2) as colour *and* letter (readable in greyscale and for colour-blind
// readers), a diamond under the layers whose FFN is a Mixture of Experts, the selected layer
// outlined, and a one-line legend with the counts. Clicking a box selects that layer everywhere.
// Drawn with QPainter: it is a navigation strip, not a chart.
#pragma once

#include <QRect>
#include <QWidget>

#include "core/analysis/layers.h"

namespace seqlens::widgets {

class LayerRibbon : public QWidget {
  Q_OBJECT
 public:
  explicit LayerRibbon(QWidget* parent = nullptr);

  QSize sizeHint() const override;
  QSize minimumSizeHint() const override;

  int selectedLayer() const { return selected_; }
  int layerCount() const { return static_cast<int>(data_.layers.size()); }
  // The box of `layer` in widget coordinates (empty for an unknown layer).
  QRect layerRect(int layer) const;
  // The layer whose box contains `pos`, or -1.
  int layerAt(const QPoint& pos) const;
  // Words for one layer, e.g. "Layer 2: attention + MoE" (the tooltip).
  QString describeLayer(int layer) const;
  // The legend's summary, e.g. "2 attention : 6 Mamba-1 · 4 MoE".
  QString summaryText() const;

 public slots:
  void setConfig(const seqlens::ModelConfig& config);
  // Follows a selection made elsewhere; does not emit layerSelected. -1 clears.
  void selectLayer(int layer);

 signals:
  void layerSelected(int layer);

 protected:
  void paintEvent(QPaintEvent* e) override;
  void mousePressEvent(QMouseEvent* e) override;
  void mouseMoveEvent(QMouseEvent* e) override;
  void leaveEvent(QEvent* e) override;
  bool event(QEvent* e) override;

 private:
  struct Geometry {
    int box = 0, gap = 0, left = 0, top = 0, legend_y = 0;
  };
  Geometry geometry() const;
  QString mixerName(seqlens::MixerKind m) const;
  QString mixerLetter(seqlens::MixerKind m) const;

  seqlens::analysis::LayerRibbonData data_;
  int selected_ = -1;
  int hovered_ = -1;
};

}  // namespace seqlens::widgets
