// The main window: every view draws the session's trace, the views share the token cursor and
// the selected layer, and the status bar says what the pass cost.
#include <gtest/gtest.h>

#include <QComboBox>
#include <QLabel>
#include <QProgressBar>
#include <QSettings>
#include <QSignalSpy>
#include <QStatusBar>
#include <QTabWidget>
#include <QTest>

#include <atomic>
#include <chrono>
#include <thread>

#include <qcustomplot.h>

#include "app/gui/main_window.h"
#include "core/model/presets.h"
#include "tests/support/qt_app.h"
#include "widgets/attention_view.h"
#include "widgets/chart_view.h"

namespace seqlens::app {
namespace {

// The first colour map of a view's plot.
QCPColorMap* first_map(const widgets::ChartView* v) {
  for (int i = 0; i < v->plot()->plottableCount(); ++i)
    if (auto* m = qobject_cast<QCPColorMap*>(v->plot()->plottable(i))) return m;
  return nullptr;
}

const widgets::ChartView* view_named(const MainWindow& w, const QString& stem) {
  for (const widgets::ChartView* v : w.views())
    if (v->exportStem() == stem) return v;
  return nullptr;
}

TEST(MainWindow, EveryViewDrawsTheTraceOfTheCurrentModel) {
  test::qt_app();
  Session session;
  MainWindow window(&session);
  window.setInputText("abcd");
  window.selectModel("jamba-tiny");
  ASSERT_TRUE(test::wait_until(
      [&] { return bool(session.trace() && session.trace()->tokens.size() == 4); }, 10000));
  QTest::qWait(50);

  // The head view shows a 4×4 causal map (jamba-tiny: attention at layer 2).
  const widgets::ChartView* head = view_named(window, "attention-head");
  ASSERT_NE(head, nullptr);
  auto* head_view = dynamic_cast<const widgets::AttentionHeadView*>(head);
  ASSERT_NE(head_view, nullptr);
  EXPECT_EQ(head_view->shownValues().cols, 4);
  EXPECT_EQ(head_view->shownValues().rows, 4);
  EXPECT_EQ(head_view->mapImage()->pixmap().size(), QSize(4, 4));
  // The attention tab records what it draws, not the state or the routing.
  EXPECT_FALSE(session.trace()->find("blocks.1.moe.router_probs"));
  EXPECT_TRUE(session.trace()->find("blocks.0.ssm.hidden_attn"));

  // Routing tab: the trace is recomputed with the router's sites; tokens × experts (4 experts).
  window.tabs()->setCurrentIndex(2);
  ASSERT_TRUE(test::wait_until(
      [&] { return bool(session.trace()->find("blocks.1.moe.router_probs")); }, 10000));
  QTest::qWait(50);
  const widgets::ChartView* routing = view_named(window, "routing");
  ASSERT_NE(routing, nullptr);
  QCPColorMap* probs = first_map(routing);
  ASSERT_NE(probs, nullptr);
  EXPECT_EQ(probs->data()->keySize() * probs->data()->valueSize(), 16);
  // SSM tab: the state of a Mamba layer.
  window.tabs()->setCurrentIndex(1);
  ASSERT_TRUE(
      test::wait_until([&] { return bool(session.trace()->find("blocks.0.ssm.state")); }, 10000));
  QTest::qWait(50);
  const widgets::ChartView* ssm = view_named(window, "ssm-state");
  ASSERT_NE(ssm, nullptr);
  QCPColorMap* state = first_map(ssm);
  ASSERT_NE(state, nullptr);
  EXPECT_EQ(state->data()->keySize(), 4);  // one column per token
  // It records the state of the layer it shows only; choosing another Mamba layer records that.
  EXPECT_FALSE(session.trace()->find("blocks.1.ssm.state"));
  QComboBox* layer_box = nullptr;
  for (QComboBox* b : const_cast<widgets::ChartView*>(ssm)->findChildren<QComboBox*>())
    if (b->count() > 0 && b->itemText(0).startsWith("Layer")) layer_box = b;
  ASSERT_NE(layer_box, nullptr);
  const int layer3 = layer_box->findData(3);
  ASSERT_GE(layer3, 0);
  layer_box->setCurrentIndex(layer3);
  emit layer_box->activated(layer3);  // as a user's pick
  ASSERT_TRUE(
      test::wait_until([&] { return bool(session.trace()->find("blocks.3.ssm.state")); }, 10000));
  EXPECT_FALSE(session.trace()->find("blocks.0.ssm.state"));
  QTest::qWait(50);
  EXPECT_EQ(first_map(ssm)->data()->keySize(), 4);

  EXPECT_TRUE(window.statusBar()->findChild<QLabel*>()->text().contains("4"));
  // Every exportable view has a distinct file stem.
  QSet<QString> stems;
  for (const widgets::ChartView* v : window.views()) stems.insert(v->exportStem());
  EXPECT_EQ(stems.size(), window.views().size());
}

// Progress appears only for work that lasts: a job just started shows nothing (an edit's pass is
// over in tens of milliseconds), one still running a moment later shows the bar, and the bar
// goes when the job ends.
// A long chart caption, a wide legend or a long status line must not hold the window wider or
// taller than a 1280 × 720 screen (a projector, a small laptop), on any tab, with every view
// drawing a trace (their texts are longest then), in English and in Russian.
TEST(MainWindow, FitsA1280By720Screen) {
  test::qt_app();
  Session session;
  MainWindow window(&session);
  window.setInputText(QStringLiteral("The quick brown fox jumps over the lazy dog. Съешь же ещё."));
  window.selectModel("jamba-tiny");
  window.show();
  for (int tab = 0; tab < window.tabs()->count(); ++tab) {
    window.tabs()->setCurrentIndex(tab);
    ASSERT_TRUE(test::wait_until([&] { return bool(session.trace()); }, 10000));
    session.waitForIdle();
    QTest::qWait(30);
    const QSize min = window.minimumSizeHint();
    EXPECT_LE(min.width(), 1280) << "tab " << tab;
    EXPECT_LE(min.height(), 720) << "tab " << tab;
  }
}

TEST(MainWindow, EveryPlotDrawsIntoOnePaintBuffer) {
  // Each lmBuffered layer has a paint buffer of its own, cleared and blended on every replot.
  test::qt_app();
  Session session;
  MainWindow window(&session);
  const QList<QCustomPlot*> plots = window.findChildren<QCustomPlot*>();
  ASSERT_GE(plots.size(), window.views().size());
  for (const QCustomPlot* plot : plots)
    for (int i = 0; i < plot->layerCount(); ++i)
      EXPECT_EQ(plot->layer(i)->mode(), QCPLayer::lmLogical)
          << plot->parent()->metaObject()->className() << " layer "
          << plot->layer(i)->name().toStdString();
}

TEST(MainWindow, TheWorkerReducesThumbnailsInTheNormalisationOnScreen) {
  test::qt_app();
  Session session;
  MainWindow window(&session);
  window.setInputText(QStringLiteral("Hidden attention, normalised as the user chose."));
  window.selectModel("mamba1-tiny");
  window.tabs()->setCurrentIndex(0);
  ASSERT_TRUE(test::wait_until([&] { return bool(session.thumbnails()); }, 10000));
  session.waitForIdle();
  EXPECT_NE(session.thumbnails()->find(0, analysis::MapNorm::RowNormalised), nullptr);
  widgets::AttentionHeadView* head = nullptr;  // the Attention tab's (Compare has one too)
  for (auto* v : window.findChildren<widgets::AttentionHeadView*>())
    if (v->exportName() == "attention-head") head = v;
  ASSERT_NE(head, nullptr);
  QComboBox* box = head->normalisationSelector();
  const int row = box->findData(int(analysis::MapNorm::AbsMinMax));
  ASSERT_GE(row, 0);
  box->setCurrentIndex(row);
  emit box->activated(row);  // as when the user picks it
  session.recompute();
  session.waitForIdle();
  ASSERT_TRUE(session.thumbnails());
  EXPECT_NE(session.thumbnails()->find(0, analysis::MapNorm::AbsMinMax), nullptr);
  EXPECT_EQ(session.thumbnails()->find(0, analysis::MapNorm::RowNormalised), nullptr);
}

TEST(MainWindow, ProgressShowsOnlyForWorkThatLasts) {
  test::qt_app();
  Session session;
  MainWindow window(&session);
  window.show();
  auto* bar = window.statusBar()->findChild<QProgressBar*>();
  ASSERT_NE(bar, nullptr);
  std::atomic<bool> release{false};
  session.runner().submit<int>(
      Lane::Export,
      [&](JobContext&) {
        while (!release) std::this_thread::sleep_for(std::chrono::milliseconds(1));
        return 0;
      },
      [](int) {});
  QApplication::processEvents();
  EXPECT_FALSE(bar->isVisible());  // the delay has not passed: no flash for short jobs
  ASSERT_TRUE(test::wait_until([&] { return bar->isVisible(); }));
  release = true;
  ASSERT_TRUE(test::wait_until([&] { return !bar->isVisible(); }));
}

TEST(MainWindow, CompareTabRunsTheThreeArchitecturesOnTheSameInput) {
  test::qt_app();
  Session session;
  MainWindow window(&session);
  window.setInputText("hello");
  window.selectModel("mamba2-tiny");
  QSignalSpy compared(&session, &Session::compareReady);
  window.tabs()->setCurrentIndex(window.tabs()->count() - 1);  // Compare
  ASSERT_TRUE(compared.wait(10000));
  for (const auto& t : session.compare().traces) {
    ASSERT_NE(t, nullptr);
    EXPECT_EQ(t->tokens.size(), 5u);
  }
  EXPECT_EQ(session.compare().traces[0]->config.family, Family::Llama);
  EXPECT_EQ(session.compare().traces[1]->config.family, Family::Mamba1);
  EXPECT_EQ(session.compare().traces[2]->config.family, Family::Jamba);
}

TEST(MainWindow, AnEditedModelIsRememberedForTheNextStart) {
  test::qt_app();
  QSettings().clear();
  ModelConfig c = preset_config("mamba2-tiny");
  c.n_layers = 2;
  {
    Session session;
    MainWindow window(&session);
    window.selectConfig(c, 77);
    EXPECT_EQ(QSettings().value("model").toString(), QString("custom"));
  }
  Session session;
  MainWindow window(&session);
  ASSERT_TRUE(window.restoreConfig());
  session.recompute();
  ASSERT_TRUE(test::wait_until([&] { return session.model() != nullptr; }, 10000));
  EXPECT_EQ(session.model()->config().family, Family::Mamba2);
  EXPECT_EQ(session.model()->config().n_layers, 2);
  EXPECT_EQ(session.seed(), 77u);
  // A config the session refuses is not remembered.
  ModelConfig bad = c;
  bad.ssm_heads = 7;  // 7 heads × 32 ≠ d_inner 256
  window.selectConfig(bad, 1);
  EXPECT_EQ(QSettings().value("custom_seed").toULongLong(), 77u);
  QSettings().clear();
}

}  // namespace
}  // namespace seqlens::app
