// The main window loads a default model and draws its first trace.
#include <gtest/gtest.h>

#include <QLabel>
#include <QSignalSpy>
#include <QStatusBar>
#include <QTest>

#include <qcustomplot.h>

#include "app/gui/main_window.h"
#include "tests/support/qt_app.h"
#include "widgets/heatmap_view.h"

namespace seqlens::app {
namespace {

TEST(MainWindow, ShowsTheAttentionPatternOfTheDefaultModel) {
  test::qt_app();
  Session session;
  MainWindow window(&session);
  window.setInputText("abcd");
  QSignalSpy traces(&session, &Session::traceReady);
  window.selectModel("llama-tiny");
  QTRY_VERIFY_WITH_TIMEOUT(session.trace() && session.trace()->tokens.size() == 4, 10000);
  auto* view = window.findChild<widgets::HeatmapView*>();
  ASSERT_NE(view, nullptr);
  auto* map = qobject_cast<QCPColorMap*>(view->plot()->plottable(0));
  ASSERT_NE(map, nullptr);
  EXPECT_EQ(map->data()->keySize(), 4);
  EXPECT_EQ(map->data()->valueSize(), 4);
  // Row 0 of a causal pattern is one-hot on key 0; above the diagonal is exactly zero.
  EXPECT_FLOAT_EQ(map->data()->cell(0, 0), 1.0);
  EXPECT_EQ(map->data()->cell(3, 0), 0.0);
  EXPECT_TRUE(window.statusBar()->currentMessage().contains("4"));
}

}  // namespace
}  // namespace seqlens::app
