// The common face of every view: one QCustomPlot that holds all of the view's charts (so export
// renders exactly what is on screen), a file stem and a translated title for menus and export,
// and the shared selection — the current trace, the selected layer and the token under the cursor.
// A view draws what the core recorded and reduced; it computes nothing numerical itself.
#pragma once

#include <QString>
#include <QWidget>

#include <memory>

#include "core/instrument/trace.h"

class QCustomPlot;

namespace seqlens::widgets {

class ChartView : public QWidget {
  Q_OBJECT
 public:
  using QWidget::QWidget;

  // The picture that export writes (PNG/SVG/PDF): every chart of the view, no controls.
  virtual QCustomPlot* plot() const = 0;
  // File stem for exports: "attention", "ssm-state", "routing", ...
  virtual QString exportName() const = 0;
  // Translated name for tabs, docks and menus.
  virtual QString title() const = 0;
  // The file stem actually used: a prefix (e.g. "compare-transformer-") plus exportName(), so
  // several instances of one view export side by side.
  QString exportStem() const { return export_prefix_ + exportName(); }
  void setExportPrefix(const QString& prefix) { export_prefix_ = prefix; }

 public slots:
  virtual void setTrace(std::shared_ptr<const seqlens::ForwardTrace> trace) { Q_UNUSED(trace); }
  // A layer chosen anywhere (layer ribbon, model view); views that show one layer follow it.
  virtual void selectLayer(int layer) { Q_UNUSED(layer); }
  // The shared token cursor: -1 clears it.
  virtual void setTokenCursor(int token) { Q_UNUSED(token); }

 signals:
  void layerSelected(int layer);
  void tokenHovered(int token);  // -1 when the pointer leaves

 private:
  QString export_prefix_;
};

}  // namespace seqlens::widgets
