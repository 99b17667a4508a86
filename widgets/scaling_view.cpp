#include "widgets/scaling_view.h"

#include <QComboBox>
#include <QEvent>
#include <QHBoxLayout>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>
#include <limits>

#include <qcustomplot.h>

#include "widgets/plot_style.h"

namespace seqlens::widgets {

namespace {

constexpr double kMiB = 1024.0 * 1024.0;

// Okabe–Ito colours (colour-blind safe) and one marker shape per architecture.
QColor arch_colour(ScalingArch a, bool dark) {
  static const QColor c[] = {QColor(213, 94, 0), QColor(0, 114, 178), QColor(0, 158, 115),
                             QColor(204, 121, 167)};
  const QColor base = c[static_cast<int>(a)];
  return dark ? base.lighter(135) : base;
}

QCPScatterStyle::ScatterShape arch_shape(ScalingArch a) {
  static const QCPScatterStyle::ScatterShape s[] = {
      QCPScatterStyle::ssDisc, QCPScatterStyle::ssSquare, QCPScatterStyle::ssTriangle,
      QCPScatterStyle::ssDiamond};
  return s[static_cast<int>(a)];
}

// "64", "512", "1K", "16K", "1M": token counts as people say them.
QString length_label(double n) {
  const qint64 v = qint64(std::llround(n));
  if (v >= (1 << 20) && v % (1 << 20) == 0) return QStringLiteral("%1M").arg(v >> 20);
  if (v >= 1024 && v % 1024 == 0) return QStringLiteral("%1K").arg(v >> 10);
  return QString::number(v);
}

// Powers of two across [lo, hi]; every second one when the range spans many octaves.
QSharedPointer<QCPAxisTickerText> length_ticker(double lo, double hi) {
  QSharedPointer<QCPAxisTickerText> t(new QCPAxisTickerText);
  const int e0 = int(std::ceil(std::log2(std::max(lo, 1.0))));
  const int e1 = int(std::floor(std::log2(std::max(hi, 1.0))));
  const int step = e1 - e0 > 10 ? 2 : 1;
  for (int e = e0; e <= e1; ++e)
    if ((e - e0) % step == 0) t->addTick(std::ldexp(1.0, e), length_label(std::ldexp(1.0, e)));
  return t;
}

bool is_dark(const QWidget* w) {
  return w->palette().color(QPalette::Base).lightness() < 128;
}

}  // namespace

ScalingView::ScalingView(QWidget* parent) : ChartView(parent) {
  plot_ = new QCustomPlot(this);
  setup_view_plot(plot_);
  button_ = new QPushButton(this);
  max_box_ = new QComboBox(this);
  for (int n : maxLengthChoices()) max_box_->addItem(length_label(n), n);
  max_box_->setCurrentIndex(int(maxLengthChoices().indexOf(16384)));
  progress_ = new QProgressBar(this);
  progress_->setRange(0, 1000);
  progress_->setValue(0);
  progress_->setTextVisible(false);
  progress_->setMaximumHeight(14);
  status_ = new QLabel(this);
  status_->setWordWrap(true);
  max_label_ = new QLabel(this);
  max_label_->setBuddy(max_box_);

  auto* controls = new QHBoxLayout;
  controls->addWidget(max_label_);
  controls->addWidget(max_box_);
  controls->addWidget(button_);
  controls->addWidget(progress_, 1);
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(4, 4, 4, 4);
  layout->addLayout(controls);
  layout->addWidget(status_);
  layout->addWidget(plot_, 1);

  connect(button_, &QPushButton::clicked, this, &ScalingView::onButton);
  buildPlot();
  retranslate();
  applyPalette();
  updateAxes();
}

QString ScalingView::title() const {
  return tr("Scaling");
}

QList<int> ScalingView::maxLengthChoices() {
  return {1024, 4096, 16384, 65536, 262144};
}

int ScalingView::maxLength() const {
  return max_box_->currentData().toInt();
}

void ScalingView::buildPlot() {
  plot_->plotLayout()->clear();  // also deletes the default legend
  plot_->setAutoAddPlottableToLegend(false);
  for (int c = 0; c < 2; ++c) {
    titles_[c] = new QCPTextElement(plot_, QString(), QFont(font().family(), 11, QFont::Bold));
    plot_->plotLayout()->addElement(0, c, titles_[c]);
    auto* r = new QCPAxisRect(plot_);
    rects_[c] = r;
    plot_->plotLayout()->addElement(1, c, r);
    QCPAxis* x = r->axis(QCPAxis::atBottom);
    QCPAxis* y = r->axis(QCPAxis::atLeft);
    x->setScaleType(QCPAxis::stLogarithmic);
    y->setScaleType(QCPAxis::stLogarithmic);
    QSharedPointer<QCPAxisTickerLog> log(new QCPAxisTickerLog);
    log->setLogBase(10);
    log->setSubTickCount(8);
    y->setTicker(log);
    y->setNumberFormat(QStringLiteral("gb"));
    x->grid()->setVisible(true);
    y->grid()->setSubGridVisible(false);

    legends_[c] = new QCPLegend;
    r->insetLayout()->addElement(legends_[c], Qt::AlignTop | Qt::AlignLeft);
    legends_[c]->setLayer(QStringLiteral("legend"));
    legends_[c]->setIconSize(28, 12);
    QFont lf = font();
    lf.setPointSizeF(lf.pointSizeF() * 0.9);
    legends_[c]->setFont(lf);

    for (int a = 0; a < kScalingArchCount; ++a) {
      QCPGraph* g = plot_->addGraph(x, y);
      g->setScatterStyle(QCPScatterStyle(arch_shape(ScalingArch(a)), 7));
      g->addToLegend(legends_[c]);
      graphs_[c][a] = g;
    }
    for (int k = 0; k < 2; ++k) {
      QCPGraph* g = plot_->addGraph(x, y);
      g->addToLegend(legends_[c]);
      guides_[c][k] = g;
    }
    auto* m = new QCPItemStraightLine(plot_);
    m->setClipAxisRect(r);
    m->point1->setAxes(x, y);
    m->point2->setAxes(x, y);
    m->setVisible(false);
    markers_[c] = m;
    auto* label = new QCPItemText(plot_);
    label->setClipAxisRect(r);
    label->position->setAxes(x, y);
    label->position->setAxisRect(r);
    label->position->setTypeX(QCPItemPosition::ptPlotCoords);
    label->position->setTypeY(QCPItemPosition::ptAxisRectRatio);
    label->setPositionAlignment(Qt::AlignRight | Qt::AlignBottom);
    label->setPadding(QMargins(2, 2, 4, 4));
    label->setVisible(false);
    marker_labels_[c] = label;
  }
  // Both charts share the margins, so their plotting areas line up.
  auto* group = new QCPMarginGroup(plot_);
  for (QCPAxisRect* r : rects_) r->setMarginGroup(QCP::msTop | QCP::msBottom, group);
}

void ScalingView::retranslate() {
  max_label_->setText(tr("Up to:"));
  max_box_->setToolTip(tr("Longest input measured (tokens); doubling from 64"));
  button_->setText(running_ ? tr("Cancel") : tr("Measure"));
  button_->setToolTip(running_ ? tr("Stop the measurement")
                               : tr("Run every architecture on random tokens of doubling length"));
  titles_[TimeChart]->setText(tr("Time per forward pass"));
  titles_[MemoryChart]->setText(tr("Peak working memory"));
  for (QCPAxisRect* r : rects_) r->axis(QCPAxis::atBottom)->setLabel(tr("Input length n (tokens)"));
  rects_[TimeChart]->axis(QCPAxis::atLeft)->setLabel(tr("Time (ms)"));
  rects_[MemoryChart]->axis(QCPAxis::atLeft)->setLabel(tr("Peak memory (MiB)"));
  for (int c = 0; c < 2; ++c) {
    guides_[c][0]->setName(tr("O(n) guide"));
    guides_[c][1]->setName(tr("O(n²) guide"));
  }
  updateLegend();
  updateMarker();
  if (!running_ && !result_)
    status_->setText(
        tr("Measures Transformer, Mamba-1, Mamba-2 and Jamba "
           "of the current model's width and depth."));
  replot_when_visible(plot_);
}

QString ScalingView::archName(ScalingArch a) const {
  switch (a) {
    case ScalingArch::Transformer:
      return tr("Transformer");
    case ScalingArch::Mamba1:
      return tr("Mamba-1");
    case ScalingArch::Mamba2:
      return tr("Mamba-2");
    case ScalingArch::Jamba:
      return tr("Jamba hybrid");
  }
  return {};
}

QString ScalingView::stopText(const ScalingSeries& s) const {
  const QString last = s.points.empty() ? QStringLiteral("0") : length_label(s.points.back().n);
  switch (s.stop) {
    case ScalingStop::MaxLength:
      return {};
    case ScalingStop::MemoryBudget:
      return tr("%1 stopped after %2 tokens: the next length exceeds the memory budget")
          .arg(archName(s.arch), last);
    case ScalingStop::TimeBudget:
      return tr("%1 stopped after %2 tokens: the last pass exceeded the time budget")
          .arg(archName(s.arch), last);
    case ScalingStop::TotalBudget:
      return tr("%1 stopped after %2 tokens: the total time budget was spent")
          .arg(archName(s.arch), last);
  }
  return {};
}

QCPGraph* ScalingView::graph(Chart chart, ScalingArch arch) const {
  return graphs_[chart][static_cast<int>(arch)];
}

QCPGraph* ScalingView::guide(Chart chart, int slope) const {
  return slope == 2 ? guides_[chart][1] : guides_[chart][0];
}

QCPItemStraightLine* ScalingView::lengthMarker(Chart chart) const {
  return markers_[chart];
}

QString ScalingView::legendText(Chart chart, ScalingArch arch) const {
  return graph(chart, arch)->name();
}

void ScalingView::setProgress(double fraction) {
  progress_->setValue(int(std::lround(std::clamp(fraction, 0.0, 1.0) * 1000)));
}

void ScalingView::addPoint(int arch, const ScalingPoint& p) {
  if (arch < 0 || arch >= kScalingArchCount || p.n <= 0) return;
  graphs_[TimeChart][arch]->addData(double(p.n), p.ms);
  graphs_[MemoryChart][arch]->addData(double(p.n), double(p.peak_bytes) / kMiB);
  status_->setText(tr("Measured %1 at %2 tokens: %3 ms")
                       .arg(archName(ScalingArch(arch)), length_label(double(p.n)))
                       .arg(p.ms, 0, 'f', p.ms < 10 ? 2 : 0));
  updateGuides();
  updateAxes();
  replot_when_visible(plot_);
}

void ScalingView::clear() {
  result_.reset();
  for (auto& chart : graphs_)
    for (QCPGraph* g : chart) g->data()->clear();
  updateLegend();
  updateGuides();
  updateAxes();
  replot_when_visible(plot_);
}

void ScalingView::setResult(std::shared_ptr<const ScalingResult> result) {
  for (auto& chart : graphs_)
    for (QCPGraph* g : chart) g->data()->clear();
  result_ = std::move(result);
  QStringList notes;
  if (result_) {
    for (const ScalingSeries& s : result_->series) {
      const int a = static_cast<int>(s.arch);
      for (const ScalingPoint& p : s.points) {
        graphs_[TimeChart][a]->addData(double(p.n), p.ms);
        graphs_[MemoryChart][a]->addData(double(p.n), double(p.peak_bytes) / kMiB);
      }
      if (const QString t = stopText(s); !t.isEmpty()) notes << t;
    }
    if (!result_->series.empty() && result_->series.front().fit_max_n > 0) {
      const ScalingSeries& s = result_->series.front();
      notes.prepend(tr("Slopes fitted on log–log axes over n = %1 … %2 tokens.")
                        .arg(length_label(double(s.fit_min_n)), length_label(double(s.fit_max_n))));
    }
  }
  status_->setText(notes.join(QLatin1Char(' ')));
  updateLegend();
  updateGuides();
  updateAxes();
  replot_when_visible(plot_);
}

void ScalingView::setRunning(bool running) {
  running_ = running;
  max_box_->setEnabled(!running);
  if (running) {
    progress_->setValue(0);
    status_->setText(tr("Measuring…"));
  }
  retranslate();
}

void ScalingView::setCurrentLength(int n) {
  current_length_ = std::max(0, n);
  updateMarker();
  updateAxes();
  replot_when_visible(plot_);
}

void ScalingView::onButton() {
  if (running_)
    emit cancelRequested();
  else
    emit measureRequested(maxLength());
}

void ScalingView::updateLegend() {
  for (int a = 0; a < kScalingArchCount; ++a) {
    const ScalingSeries* s = nullptr;
    if (result_)
      for (const ScalingSeries& x : result_->series)
        if (static_cast<int>(x.arch) == a) s = &x;
    const QString name = archName(ScalingArch(a));
    const LogLogFit* fits[2] = {s ? &s->time_fit : nullptr, s ? &s->memory_fit : nullptr};
    for (int c = 0; c < 2; ++c)
      graphs_[c][a]->setName(fits[c] && fits[c]->ok
                                 ? tr("%1 — slope %2").arg(name).arg(fits[c]->slope, 0, 'f', 2)
                                 : name);
  }
}

void ScalingView::updateGuides() {
  for (int c = 0; c < 2; ++c) {
    // Anchor both guides at the lowest point of the shortest length, spanning all lengths.
    double x0 = std::numeric_limits<double>::infinity(), x1 = 0, y0 = 0;
    for (QCPGraph* g : graphs_[c])
      for (auto it = g->data()->constBegin(); it != g->data()->constEnd(); ++it) {
        if (it->key < x0 || (it->key == x0 && it->value < y0)) x0 = it->key, y0 = it->value;
        x1 = std::max(x1, it->key);
      }
    for (int k = 0; k < 2; ++k) {
      guides_[c][k]->data()->clear();
      if (x1 > x0 && y0 > 0) {
        const std::vector<double> xs = {x0, x1};
        const std::vector<double> ys = power_law(x0, y0, double(k + 1), xs);
        guides_[c][k]->setData(QVector<double>(xs.begin(), xs.end()),
                               QVector<double>(ys.begin(), ys.end()), true);
      }
    }
  }
}

void ScalingView::updateAxes() {
  for (int c = 0; c < 2; ++c) {
    double xlo = std::numeric_limits<double>::infinity(), xhi = 0;
    double ylo = std::numeric_limits<double>::infinity(), yhi = 0;
    for (QCPGraph* g : graphs_[c])
      for (auto it = g->data()->constBegin(); it != g->data()->constEnd(); ++it) {
        xlo = std::min(xlo, it->key), xhi = std::max(xhi, it->key);
        if (it->value > 0) ylo = std::min(ylo, it->value), yhi = std::max(yhi, it->value);
      }
    if (xhi <= 0) xlo = 64, xhi = std::max(128, maxLength());
    if (current_length_ >= 8) {
      xlo = std::min(xlo, double(current_length_));
      xhi = std::max(xhi, double(current_length_));
    }
    if (yhi <= 0) ylo = 0.1, yhi = 1000;
    QCPAxis* x = rects_[c]->axis(QCPAxis::atBottom);
    QCPAxis* y = rects_[c]->axis(QCPAxis::atLeft);
    x->setRange(xlo / 1.5, xhi * 1.5);
    x->setTicker(length_ticker(xlo / 1.5, xhi * 1.5));
    // Room above for the legend.
    y->setRange(ylo / 2.0, yhi * 6.0);
  }
  updateMarker();
}

void ScalingView::updateMarker() {
  for (int c = 0; c < 2; ++c) {
    const bool on = current_length_ > 0;
    markers_[c]->setVisible(on);
    marker_labels_[c]->setVisible(on);
    if (!on) continue;
    const double n = double(current_length_);
    markers_[c]->point1->setCoords(n, 1.0);
    markers_[c]->point2->setCoords(n, 10.0);
    marker_labels_[c]->position->setCoords(n, 1.0);
    marker_labels_[c]->setText(tr("your input: %1 tokens").arg(current_length_));
    // The label sits left of the line, unless the line is in the left part of the chart (a short
    // input, below the first measured length): then right of it, so it is never clipped.
    const QCPRange xr = rects_[c]->axis(QCPAxis::atBottom)->range();
    const double frac = xr.lower > 0 && xr.upper > xr.lower && n > 0
                            ? std::log(n / xr.lower) / std::log(xr.upper / xr.lower)
                            : 0.5;
    const bool right_of_line = frac < 0.35;
    marker_labels_[c]->setPositionAlignment((right_of_line ? Qt::AlignLeft : Qt::AlignRight) |
                                            Qt::AlignBottom);
    marker_labels_[c]->setPadding(right_of_line ? QMargins(4, 2, 2, 4) : QMargins(2, 2, 4, 4));
  }
}

void ScalingView::applyPalette() {
  // Qt tells the parent before its children: hand the plot the new palette first.
  plot_->setPalette(palette());
  apply_palette(plot_);
  const bool dark = is_dark(this);
  const QColor text = palette().color(QPalette::Text);
  for (int c = 0; c < 2; ++c) {
    for (int a = 0; a < kScalingArchCount; ++a) {
      const QColor col = arch_colour(ScalingArch(a), dark);
      QCPGraph* g = graphs_[c][a];
      g->setPen(QPen(col, 2.0));
      QCPScatterStyle ss = g->scatterStyle();
      ss.setPen(QPen(col, 1.5));
      ss.setBrush(col);
      g->setScatterStyle(ss);
    }
    QColor guide = text;
    guide.setAlpha(120);
    guides_[c][0]->setPen(QPen(guide, 1.2, Qt::DashLine));
    guides_[c][1]->setPen(QPen(guide, 1.2, Qt::DashDotLine));
    QColor mark = text;
    mark.setAlpha(170);
    markers_[c]->setPen(QPen(mark, 1.5, Qt::DotLine));
    marker_labels_[c]->setColor(text);
    QFont f = font();
    f.setPointSizeF(f.pointSizeF() * 0.85);
    marker_labels_[c]->setFont(f);
    QColor lb = palette().color(QPalette::Base);
    lb.setAlpha(220);
    legends_[c]->setBrush(lb);
  }
  replot_when_visible(plot_);
}

void ScalingView::changeEvent(QEvent* e) {
  ChartView::changeEvent(e);
  if (e->type() == QEvent::PaletteChange) applyPalette();
  if (e->type() == QEvent::LanguageChange) retranslate();
}

}  // namespace seqlens::widgets
