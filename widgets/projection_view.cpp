#include "widgets/projection_view.h"

#include <QEvent>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

#include <qcustomplot.h>

#include "widgets/plot_style.h"

namespace seqlens::widgets {

namespace {

// Okabe–Ito colours, one per published model (Llama, Mistral, Mixtral, Mamba, Jamba).
QColor model_colour(size_t i, bool dark) {
  static const QColor c[] = {QColor(213, 94, 0), QColor(230, 159, 0), QColor(204, 121, 167),
                             QColor(0, 114, 178), QColor(0, 158, 115)};
  const QColor base = c[i % 5];
  return dark ? base.lighter(135) : base;
}

QCPScatterStyle::ScatterShape model_shape(size_t i) {
  static const QCPScatterStyle::ScatterShape s[] = {
      QCPScatterStyle::ssDisc, QCPScatterStyle::ssSquare, QCPScatterStyle::ssDiamond,
      QCPScatterStyle::ssTriangle, QCPScatterStyle::ssTriangleInverted};
  return s[i % 5];
}

QString length_label(double n) {
  const qint64 v = qint64(std::llround(n));
  if (v >= 1024 && v % 1024 == 0) return QStringLiteral("%1K").arg(v >> 10);
  return QString::number(v);
}

bool is_dark(const QWidget* w) {
  return w->palette().color(QPalette::Base).lightness() < 128;
}

}  // namespace

ProjectionView::ProjectionView(QWidget* parent) : ChartView(parent) {
  plot_ = new QCustomPlot(this);
  setup_view_plot(plot_);
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(4, 4, 4, 4);
  layout->addWidget(plot_);
  ProjectionOptions o;
  threshold_ = o.threshold_bytes;
  projections_ = project_published(o);
  buildPlot();
  retranslate();
  applyPalette();
}

QString ProjectionView::title() const {
  return tr("Published models");
}

void ProjectionView::buildPlot() {
  plot_->plotLayout()->clear();
  plot_->setAutoAddPlottableToLegend(false);
  for (int c = 0; c < 2; ++c) {
    titles_[c] = new QCPTextElement(plot_, QString(), QFont(font().family(), 11, QFont::Bold));
    plot_->plotLayout()->addElement(0, c, titles_[c]);
    rects_[c] = new QCPAxisRect(plot_);
    plot_->plotLayout()->addElement(1, c, rects_[c]);
    legends_[c] = new QCPLegend;
    rects_[c]->insetLayout()->addElement(legends_[c], Qt::AlignTop | Qt::AlignLeft);
    legends_[c]->setLayer(QStringLiteral("legend"));
    QFont lf = font();
    lf.setPointSizeF(lf.pointSizeF() * 0.9);
    legends_[c]->setFont(lf);
  }
  plot_->plotLayout()->setColumnStretchFactor(0, 1.25);
  auto* group = new QCPMarginGroup(plot_);
  for (QCPAxisRect* r : rects_) r->setMarginGroup(QCP::msTop | QCP::msBottom, group);

  // Left: bytes kept per sequence against the context length, log–log.
  QCPAxisRect* mr = rects_[0];
  QCPAxis* x = mr->axis(QCPAxis::atBottom);
  QCPAxis* y = mr->axis(QCPAxis::atLeft);
  x->setScaleType(QCPAxis::stLogarithmic);
  y->setScaleType(QCPAxis::stLogarithmic);
  double xlo = 1e300, xhi = 0, ylo = 1e300, yhi = 0;
  for (size_t i = 0; i < projections_.size(); ++i) {
    const ModelProjection& p = projections_[i];
    const int64_t limit = p.model.max_context > 0 ? p.model.max_context : INT64_MAX;
    QVector<double> kx, ky, ex, ey;  // within the trained context / beyond it (dashed)
    for (const ProjectionPoint& q : p.points) {
      const double n = double(q.n), b = double(q.total());
      if (q.n <= limit) kx << n, ky << b;
      if (q.n >= limit) ex << n, ey << b;
      xlo = std::min(xlo, n), xhi = std::max(xhi, n);
      ylo = std::min(ylo, b), yhi = std::max(yhi, b);
    }
    QCPGraph* g = plot_->addGraph(x, y);
    g->setData(kx, ky, true);
    g->setScatterStyle(QCPScatterStyle(model_shape(i), 7));
    g->addToLegend(legends_[0]);
    lines_.push_back(g);
    QCPGraph* e = plot_->addGraph(x, y);
    e->setData(ex, ey, true);
    e->setProperty("extension", true);
    lines_ext_.push_back(e);
  }
  crossings_ = plot_->addGraph(x, y);
  crossings_->setLineStyle(QCPGraph::lsNone);
  crossings_->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssStar, 16));
  crossings_->addToLegend(legends_[0]);
  for (const ModelProjection& p : projections_)
    for (const ProjectionPoint& q : p.points)
      if (q.n == p.crossing_n) crossings_->addData(double(q.n), double(q.total()));

  x->setRange(xlo / 1.3, xhi * 1.3);
  QSharedPointer<QCPAxisTickerText> xt(new QCPAxisTickerText);
  for (double n = xlo; n <= xhi; n *= 2) xt->addTick(n, length_label(n));
  x->setTicker(xt);
  y->setRange(ylo / 3, yhi * 12);

  budget_line_ = new QCPItemStraightLine(plot_);
  budget_line_->setClipAxisRect(mr);
  budget_line_->point1->setAxes(x, y);
  budget_line_->point2->setAxes(x, y);
  budget_line_->point1->setCoords(1, double(threshold_));
  budget_line_->point2->setCoords(2, double(threshold_));
  budget_label_ = new QCPItemText(plot_);
  budget_label_->setClipAxisRect(mr);
  budget_label_->position->setAxes(x, y);
  budget_label_->position->setCoords(xhi * 1.25, double(threshold_));
  budget_label_->setPositionAlignment(Qt::AlignRight | Qt::AlignBottom);
  window_label_ = new QCPItemText(plot_);
  window_label_->setClipAxisRect(mr);
  window_label_->position->setAxes(x, y);
  window_label_->setPositionAlignment(Qt::AlignHCenter | Qt::AlignTop);
  window_label_->setVisible(false);
  for (const ModelProjection& p : projections_)
    if (p.model.sliding_window > 0 && !p.points.empty()) {
      window_label_->position->setCoords(std::sqrt(double(p.model.sliding_window) * xhi),
                                         double(p.points.back().total()) / 1.25);
      window_label_->setVisible(true);
    }

  // Right: parameters stored vs used per token, grouped bars.
  QCPAxisRect* pr = rects_[1];
  QCPAxis* bx = pr->axis(QCPAxis::atBottom);
  QCPAxis* by = pr->axis(QCPAxis::atLeft);
  total_ = new QCPBars(bx, by);
  active_ = new QCPBars(bx, by);
  auto* bars = new QCPBarsGroup(plot_);
  bars->setSpacingType(QCPBarsGroup::stAbsolute);
  bars->setSpacing(2);
  QSharedPointer<QCPAxisTickerText> bt(new QCPAxisTickerText);
  double top = 0;
  for (size_t i = 0; i < projections_.size(); ++i) {
    const ModelProjection& p = projections_[i];
    const double k = double(i + 1);
    total_->addData(k, double(p.params_total) / 1e9);
    active_->addData(k, double(p.params_active) / 1e9);
    bt->addTick(k, QString::fromStdString(p.model.name));
    top = std::max(top, double(p.params_total) / 1e9);
  }
  for (QCPBars* b : {total_, active_}) {
    b->setWidth(0.36);
    b->setBarsGroup(bars);
    b->addToLegend(legends_[1]);
  }
  // Values above the bars, so the exact sizes can be read.
  for (size_t i = 0; i < projections_.size(); ++i) {
    const ModelProjection& p = projections_[i];
    const double v[2] = {double(p.params_total) / 1e9, double(p.params_active) / 1e9};
    for (int j = 0; j < 2; ++j) {
      auto* t = new QCPItemText(plot_);
      t->setClipAxisRect(pr);
      t->position->setAxes(bx, by);
      t->position->setCoords(double(i + 1) + (j == 0 ? -0.19 : 0.19), v[j]);
      t->setPositionAlignment(Qt::AlignHCenter | Qt::AlignBottom);
      t->setText(QString::number(v[j], 'f', v[j] < 10 ? 2 : 1));
      value_labels_.push_back(t);
    }
  }
  bx->setTicker(bt);
  bx->setRange(0.4, double(projections_.size()) + 0.6);
  bx->grid()->setVisible(false);
  bx->setTickLabelRotation(-20);
  by->setRange(0, top * 1.3);
  legends_[1]->setWrap(0);
  legends_[1]->setFillOrder(QCPLayoutGrid::foColumnsFirst, true);
  pr->insetLayout()->setInsetAlignment(0, Qt::AlignTop | Qt::AlignHCenter);
}

void ProjectionView::retranslate() {
  titles_[0]->setText(tr("Memory per sequence: KV cache vs SSM state (bf16)"));
  titles_[1]->setText(tr("Parameters stored vs used per token"));
  QCPAxis* x = rects_[0]->axis(QCPAxis::atBottom);
  QCPAxis* y = rects_[0]->axis(QCPAxis::atLeft);
  x->setLabel(tr("Context length (tokens); dashed beyond the model's trained context"));
  y->setLabel(tr("Bytes kept per sequence"));
  QSharedPointer<QCPAxisTickerText> yt(new QCPAxisTickerText);
  for (int e = 20; e <= 44; e += 2) {
    const double b = std::ldexp(1.0, e);
    const QString label = e < 30   ? tr("%1 MiB").arg(1 << (e - 20))
                          : e < 40 ? tr("%1 GiB").arg(1 << (e - 30))
                                   : tr("%1 TiB").arg(1 << (e - 40));
    yt->addTick(b, label);
  }
  y->setTicker(yt);
  for (size_t i = 0; i < projections_.size(); ++i) {
    const ModelProjection& p = projections_[i];
    QString name = QString::fromStdString(p.model.name);
    if (p.kv_bytes_per_token == 0)
      name = tr("%1 (constant state)").arg(name);
    else if (p.ssm_bytes > 0)
      name = tr("%1 (KV + state)").arg(name);
    lines_[i]->setName(name);
  }
  crossings_->setName(tr("outgrows %1 GiB").arg(threshold_ >> 30));
  budget_label_->setText(tr("%1 GiB GPU").arg(threshold_ >> 30));
  for (const ModelProjection& p : projections_)
    if (p.model.sliding_window > 0)
      window_label_->setText(tr("%1: sliding window, the cache stops at %2 tokens")
                                 .arg(QString::fromStdString(p.model.name))
                                 .arg(p.model.sliding_window));
  QCPAxis* by = rects_[1]->axis(QCPAxis::atLeft);
  by->setLabel(tr("Parameters (billions)"));
  total_->setName(tr("Total (stored)"));
  active_->setName(tr("Active per token"));
  replot_when_visible(plot_);
}

void ProjectionView::applyPalette() {
  // Qt tells the parent before its children: hand the plot the new palette first.
  plot_->setPalette(palette());
  apply_palette(plot_);
  const bool dark = is_dark(this);
  const QColor text = palette().color(QPalette::Text);
  for (size_t i = 0; i < lines_.size(); ++i) {
    const QColor col = model_colour(i, dark);
    lines_[i]->setPen(QPen(col, 2.2));
    QCPScatterStyle ss = lines_[i]->scatterStyle();
    ss.setPen(QPen(col, 1.5));
    ss.setBrush(col);
    lines_[i]->setScatterStyle(ss);
    lines_ext_[i]->setPen(QPen(col, 1.6, Qt::DashLine));
  }
  crossings_->setScatterStyle(
      QCPScatterStyle(QCPScatterStyle::ssStar, QPen(text, 2), Qt::NoBrush, 16));
  QColor guide = text;
  guide.setAlpha(140);
  budget_line_->setPen(QPen(guide, 1.2, Qt::DashLine));
  budget_label_->setColor(text);
  window_label_->setColor(text);
  QFont small = font();
  small.setPointSizeF(small.pointSizeF() * 0.85);
  budget_label_->setFont(small);
  window_label_->setFont(small);
  // One hue: muted for what is stored, strong for the part a token uses (either background).
  const QColor tot = dark ? QColor(52, 100, 130) : QColor(150, 205, 240);
  const QColor act = dark ? QColor(86, 180, 233) : QColor(0, 114, 178);
  total_->setPen(QPen(tot.darker(130)));
  total_->setBrush(tot);
  active_->setPen(QPen(act.darker(130)));
  active_->setBrush(act);
  for (QCPItemText* t : value_labels_) {
    t->setColor(text);
    t->setFont(small);
  }
  QColor lb = palette().color(QPalette::Base);
  lb.setAlpha(220);
  for (QCPLegend* l : legends_) l->setBrush(lb);
  replot_when_visible(plot_);
}

void ProjectionView::changeEvent(QEvent* e) {
  ChartView::changeEvent(e);
  if (e->type() == QEvent::PaletteChange) applyPalette();
  if (e->type() == QEvent::LanguageChange) retranslate();
}

}  // namespace seqlens::widgets
