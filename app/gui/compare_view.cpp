#include "app/gui/compare_view.h"

#include <QLabel>
#include <QSplitter>
#include <QVBoxLayout>

#include "widgets/attention_view.h"
#include "widgets/routing_view.h"
#include "widgets/ssm_state_view.h"

namespace seqlens::app {

namespace {

QWidget* column(const QString& heading, QWidget* view) {
  auto* w = new QWidget;
  auto* layout = new QVBoxLayout(w);
  layout->setContentsMargins(2, 2, 2, 2);
  auto* label = new QLabel(heading);
  QFont f = label->font();
  f.setBold(true);
  label->setFont(f);
  label->setAlignment(Qt::AlignCenter);
  layout->addWidget(label);
  layout->addWidget(view, 1);
  return w;
}

}  // namespace

CompareView::CompareView(QWidget* parent) : QWidget(parent) {
  transformer_ = new widgets::AttentionHeadView;
  mamba_ = new widgets::SsmStateView;
  hybrid_ = new widgets::RoutingView;
  transformer_->setExportPrefix(QStringLiteral("compare-transformer-"));
  mamba_->setExportPrefix(QStringLiteral("compare-mamba-"));
  hybrid_->setExportPrefix(QStringLiteral("compare-hybrid-"));
  // The attention map wants a square; the state and the routing want width, so they share the
  // right-hand column.
  auto* right = new QSplitter(Qt::Vertical);
  right->addWidget(column(tr("Mamba (mamba1-tiny): SSM state"), mamba_));
  right->addWidget(column(tr("Hybrid (jamba-tiny): expert routing"), hybrid_));
  auto* split = new QSplitter(Qt::Horizontal);
  split->addWidget(column(tr("Transformer (llama-tiny): attention"), transformer_));
  split->addWidget(right);
  split->setStretchFactor(0, 2);
  split->setStretchFactor(1, 3);
  // The first sizes too: the stretch factors share only the room beyond the panels' size hints,
  // and at 1400 px that left the state panel ~490 px, its charts overlapping.
  split->setSizes({2000, 3000});
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  auto* hint = new QLabel(tr("Hover a token in any panel: every panel shows the same token."));
  hint->setAlignment(Qt::AlignCenter);
  layout->addWidget(hint);
  layout->addWidget(split, 1);
  for (widgets::ChartView* v : views())
    connect(v, &widgets::ChartView::tokenHovered, this, [this](int t) {
      setTokenCursor(t);
      emit tokenHovered(t);
    });
}

QList<widgets::ChartView*> CompareView::views() const {
  return {transformer_, mamba_, hybrid_};
}

void CompareView::setTraces(const CompareTraces& traces) {
  if (traces.traces[0]) transformer_->setTrace(traces.traces[0]);
  if (traces.traces[1]) mamba_->setTrace(traces.traces[1]);
  if (traces.traces[2]) hybrid_->setTrace(traces.traces[2]);
}

void CompareView::setTokenCursor(int token) {
  if (in_cursor_) return;
  in_cursor_ = true;
  for (widgets::ChartView* v : views()) v->setTokenCursor(token);
  in_cursor_ = false;
}

}  // namespace seqlens::app
