// ScalingView draws exactly the points it is given, names each series with its fitted slope,
// shows the O(n) / O(n²) guides and the current-length marker, and asks (never runs) for a
// measurement through its signals.
#include <gtest/gtest.h>

#include <QApplication>
#include <QComboBox>
#include <QProgressBar>
#include <QPushButton>
#include <QSignalSpy>
#include <QTest>

#include <cmath>

#include <qcustomplot.h>

#include "core/model/presets.h"
#include "tests/support/qt_app.h"
#include "widgets/plot_style.h"
#include "widgets/scaling_view.h"

namespace seqlens::widgets {
namespace {

ScalingPoint point(int64_t n, double ms, int64_t peak) {
  ScalingPoint p;
  p.n = n;
  p.ms = ms;
  p.runs = 1;
  p.peak_bytes = peak;
  return p;
}

// Hand-made result: time ∝ n² for the Transformer, ∝ n for Mamba-1; memory ∝ n for both.
std::shared_ptr<const ScalingResult> made_result() {
  auto r = std::make_shared<ScalingResult>();
  for (ScalingArch a : {ScalingArch::Transformer, ScalingArch::Mamba1}) {
    ScalingSeries s;
    s.arch = a;
    for (int64_t n = 64; n <= 1024; n *= 2) {
      const double ms = a == ScalingArch::Transformer ? double(n) * double(n) / 4096.0 : n / 64.0;
      s.points.push_back(point(n, ms, n * 1024 * 1024 / 64));
    }
    if (a == ScalingArch::Transformer) s.stop = ScalingStop::MemoryBudget;
    fit_series(s, 2048, 3);
    r->series.push_back(s);
  }
  return r;
}

TEST(ScalingView, GraphsHoldExactlyThePointsGiven) {
  test::qt_app();
  ScalingView v;
  v.addPoint(1, point(64, 2.5, 3 * 1024 * 1024));
  v.addPoint(1, point(128, 4.0, 5 * 1024 * 1024));
  v.addPoint(3, point(64, 7.0, 1024 * 1024));
  QCPGraph* t = v.graph(ScalingView::TimeChart, ScalingArch::Mamba1);
  QCPGraph* m = v.graph(ScalingView::MemoryChart, ScalingArch::Mamba1);
  ASSERT_EQ(t->dataCount(), 2);
  EXPECT_DOUBLE_EQ(t->data()->at(0)->key, 64);
  EXPECT_DOUBLE_EQ(t->data()->at(0)->value, 2.5);
  EXPECT_DOUBLE_EQ(t->data()->at(1)->key, 128);
  EXPECT_DOUBLE_EQ(t->data()->at(1)->value, 4.0);
  ASSERT_EQ(m->dataCount(), 2);
  EXPECT_DOUBLE_EQ(m->data()->at(0)->value, 3.0);  // MiB
  EXPECT_DOUBLE_EQ(m->data()->at(1)->value, 5.0);
  EXPECT_EQ(v.graph(ScalingView::TimeChart, ScalingArch::Jamba)->dataCount(), 1);
  EXPECT_EQ(v.graph(ScalingView::TimeChart, ScalingArch::Transformer)->dataCount(), 0);
  EXPECT_EQ(v.graph(ScalingView::TimeChart, ScalingArch::Mamba2)->dataCount(), 0);
  v.addPoint(7, point(64, 1, 1));  // no such architecture: ignored
  v.clear();
  EXPECT_EQ(t->dataCount(), 0);
}

TEST(ScalingView, ResultReplacesLivePointsAndPutsSlopesInTheLegend) {
  test::qt_app();
  ScalingView v;
  v.addPoint(2, point(64, 1, 1 << 20));  // a stale live point of an architecture not in the result
  const auto r = made_result();
  v.setResult(r);
  EXPECT_EQ(v.result(), r);
  EXPECT_EQ(v.graph(ScalingView::TimeChart, ScalingArch::Mamba2)->dataCount(), 0);
  for (const ScalingSeries& s : r->series) {
    QCPGraph* g = v.graph(ScalingView::TimeChart, s.arch);
    ASSERT_EQ(g->dataCount(), int(s.points.size()));
    for (int i = 0; i < g->dataCount(); ++i) {
      EXPECT_DOUBLE_EQ(g->data()->at(i)->key, double(s.points[size_t(i)].n));
      EXPECT_DOUBLE_EQ(g->data()->at(i)->value, s.points[size_t(i)].ms);
    }
  }
  EXPECT_EQ(v.legendText(ScalingView::TimeChart, ScalingArch::Transformer),
            QStringLiteral("Transformer — slope 2.00"));
  EXPECT_EQ(v.legendText(ScalingView::TimeChart, ScalingArch::Mamba1),
            QStringLiteral("Mamba-1 — slope 1.00"));
  EXPECT_EQ(v.legendText(ScalingView::MemoryChart, ScalingArch::Mamba1),
            QStringLiteral("Mamba-1 — slope 1.00"));
  // No fit for an architecture without points: the bare name.
  EXPECT_EQ(v.legendText(ScalingView::TimeChart, ScalingArch::Jamba),
            QStringLiteral("Jamba hybrid"));
}

TEST(ScalingView, GuideLinesHaveSlopesOneAndTwo) {
  test::qt_app();
  ScalingView v;
  EXPECT_EQ(v.guide(ScalingView::TimeChart, 1)->dataCount(), 0);  // nothing to anchor yet
  v.setResult(made_result());
  for (auto chart : {ScalingView::TimeChart, ScalingView::MemoryChart}) {
    for (int k : {1, 2}) {
      QCPGraph* g = v.guide(chart, k);
      ASSERT_EQ(g->dataCount(), 2);
      const auto a = g->data()->at(0), b = g->data()->at(1);
      EXPECT_DOUBLE_EQ(a->key, 64);
      EXPECT_DOUBLE_EQ(b->key, 1024);
      EXPECT_NEAR(std::log(b->value / a->value) / std::log(b->key / a->key), double(k), 1e-9);
      EXPECT_TRUE(g->pen().style() != Qt::SolidLine);
      EXPECT_FALSE(g->name().isEmpty());
    }
  }
  // Anchored at the lowest first point: Mamba-1's 1 ms at n = 64.
  EXPECT_DOUBLE_EQ(v.guide(ScalingView::TimeChart, 1)->data()->at(0)->value, 1.0);
}

TEST(ScalingView, SetCurrentLengthMovesTheMarker) {
  test::qt_app();
  ScalingView v;
  v.setResult(made_result());
  for (auto chart : {ScalingView::TimeChart, ScalingView::MemoryChart})
    EXPECT_FALSE(v.lengthMarker(chart)->visible());
  v.setCurrentLength(300);
  for (auto chart : {ScalingView::TimeChart, ScalingView::MemoryChart}) {
    QCPItemStraightLine* m = v.lengthMarker(chart);
    EXPECT_TRUE(m->visible());
    EXPECT_DOUBLE_EQ(m->point1->coords().x(), 300);
    EXPECT_DOUBLE_EQ(m->point2->coords().x(), 300);
  }
  v.setCurrentLength(5000);  // beyond the measured lengths: the axis widens to show it
  EXPECT_DOUBLE_EQ(v.lengthMarker(ScalingView::TimeChart)->point1->coords().x(), 5000);
  EXPECT_GT(v.plot()->axisRect(0)->axis(QCPAxis::atBottom)->range().upper, 5000);
  v.setCurrentLength(-1);
  EXPECT_FALSE(v.lengthMarker(ScalingView::TimeChart)->visible());
}

// A short input sits left of the first measured length: its label goes right of the line, so it
// stays inside the chart instead of being clipped at the left edge; a long one stays left of it.
TEST(ScalingView, TheInputLabelStaysInsideTheChart) {
  test::qt_app();
  ScalingView v;
  v.resize(900, 600);
  v.show();
  QApplication::processEvents();  // lay the plot out at its size
  v.setResult(made_result());
  QCPItemText* label = nullptr;
  for (int i = 0; i < v.plot()->itemCount(); ++i)
    if (auto* t = qobject_cast<QCPItemText*>(v.plot()->item(i));
        t && t->clipAxisRect() == v.plot()->axisRect(0) &&
        t->position->typeX() == QCPItemPosition::ptPlotCoords)
      label = t;
  ASSERT_NE(label, nullptr);
  for (int n : {20, 300, 1000}) {
    v.setCurrentLength(n);
    v.plot()->replot();
    const QRect area = v.plot()->axisRect(0)->rect();
    EXPECT_TRUE(label->text().contains(QString::number(n)));
    EXPECT_GE(label->topLeft->pixelPosition().x(), area.left()) << n;
    EXPECT_LE(label->bottomRight->pixelPosition().x(), area.right() + 1) << n;
  }
}

TEST(ScalingView, ButtonAsksForAMeasurementThenForCancelling) {
  test::qt_app();
  ScalingView v;
  QSignalSpy measure(&v, &ScalingView::measureRequested);
  QSignalSpy cancel(&v, &ScalingView::cancelRequested);
  const int i = v.maxLengthBox()->findData(4096);
  ASSERT_GE(i, 0);
  v.maxLengthBox()->setCurrentIndex(i);
  QTest::mouseClick(v.measureButton(), Qt::LeftButton);
  ASSERT_EQ(measure.count(), 1);
  EXPECT_EQ(measure.at(0).at(0).toInt(), 4096);
  EXPECT_EQ(cancel.count(), 0);

  v.setRunning(true);  // the app started the job
  EXPECT_EQ(v.measureButton()->text(), QStringLiteral("Cancel"));
  EXPECT_FALSE(v.maxLengthBox()->isEnabled());
  QTest::mouseClick(v.measureButton(), Qt::LeftButton);
  EXPECT_EQ(cancel.count(), 1);
  EXPECT_EQ(measure.count(), 1);
  v.setProgress(0.5);
  EXPECT_EQ(v.progressBar()->value(), v.progressBar()->maximum() / 2);
  v.setRunning(false);
  EXPECT_EQ(v.measureButton()->text(), QStringLiteral("Measure"));
  EXPECT_TRUE(v.maxLengthBox()->isEnabled());
}

TEST(ScalingView, DefaultsAndNames) {
  test::qt_app();
  ScalingView v;
  EXPECT_EQ(v.exportName(), QStringLiteral("scaling"));
  EXPECT_EQ(v.maxLength(), 16384);
  EXPECT_EQ(v.plot()->axisRectCount(), 2);
}

TEST(ScalingView, PaletteChangeRecoloursThePlot) {
  test::qt_app();
  ScalingView v;
  QPalette p = v.palette();
  p.setColor(QPalette::Base, QColor(30, 30, 30));
  p.setColor(QPalette::Text, QColor(230, 230, 230));
  v.setPalette(p);
  EXPECT_EQ(v.plot()->axisRect(0)->axis(QCPAxis::atBottom)->tickLabelColor(),
            QColor(230, 230, 230));
}

// Renders the view from a real measurement (jamba-tiny base, up to 4096 tokens) when
// SEQLENS_RENDER_DIR names a folder: for looking at the chart, not a check.
TEST(ScalingView, RenderRealMeasurement) {
  const QByteArray dir = qgetenv("SEQLENS_RENDER_DIR");
  if (dir.isEmpty()) GTEST_SKIP() << "set SEQLENS_RENDER_DIR to render";
  test::qt_app();
  ScalingOptions o;
  o.max_length = 4096;
  auto r = std::make_shared<const ScalingResult>(measure_scaling(preset_config("jamba-tiny"), o));
  for (bool dark : {false, true}) {
    ScalingView v;
    if (dark) v.setPalette(dark_palette());
    v.resize(1200, 640);
    v.setResult(r);
    v.setCurrentLength(700);
    v.show();
    QApplication::processEvents();
    v.grab().save(QString::fromUtf8(dir) + (dark ? "/scaling-dark.png" : "/scaling-light.png"));
  }
}

}  // namespace
}  // namespace seqlens::widgets
