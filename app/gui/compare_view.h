// The three architectures side by side on the same input with one token cursor: the
// Transformer's attention (the hovered token's row), the Mamba layer's state (at the hovered
// step) and the hybrid's expert routing (the experts chosen for the hovered token).
#pragma once

#include <QList>
#include <QWidget>

#include "app/gui/session.h"

namespace seqlens::widgets {
class ChartView;
class AttentionHeadView;
class SsmStateView;
class RoutingView;
}  // namespace seqlens::widgets

namespace seqlens::app {

class CompareView : public QWidget {
  Q_OBJECT
 public:
  explicit CompareView(QWidget* parent = nullptr);

  void setTraces(const CompareTraces& traces);
  // The three panels, exported as compare-transformer-…, compare-mamba-…, compare-hybrid-….
  QList<widgets::ChartView*> views() const;

 public slots:
  void setTokenCursor(int token);

 signals:
  void tokenHovered(int token);

 private:
  widgets::AttentionHeadView* transformer_;
  widgets::SsmStateView* mamba_;
  widgets::RoutingView* hybrid_;
  bool in_cursor_ = false;
};

}  // namespace seqlens::app
