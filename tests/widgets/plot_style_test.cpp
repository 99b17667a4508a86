// replot_when_visible: a plot on screen replots on the next event-loop pass; a hidden one (a view
// on another tab) does not replot at all until it is shown, and then replots once.
#include <gtest/gtest.h>

#include <QApplication>
#include <QSignalSpy>

#include <qcustomplot.h>

#include "tests/support/qt_app.h"
#include "widgets/plot_style.h"

namespace seqlens::widgets {
namespace {

TEST(ReplotWhenVisible, HiddenPlotsWaitUntilShown) {
  test::qt_app();
  QCustomPlot plot;
  plot.resize(200, 150);
  QApplication::processEvents();  // whatever the plot queued while being built
  QSignalSpy replots(&plot, &QCustomPlot::afterReplot);

  replot_when_visible(&plot);  // never shown yet
  replot_when_visible(&plot);
  QApplication::processEvents();
  EXPECT_EQ(replots.count(), 0);

  plot.show();
  ASSERT_TRUE(test::wait_until([&] { return replots.count() >= 1; }));
  QApplication::processEvents();
  const int after_show = replots.count();

  replot_when_visible(&plot);  // visible: replots
  ASSERT_TRUE(test::wait_until([&] { return replots.count() > after_show; }));

  plot.hide();
  QApplication::processEvents();
  const int hidden = replots.count();
  replot_when_visible(&plot);
  QApplication::processEvents();
  EXPECT_EQ(replots.count(), hidden);
  plot.show();
  ASSERT_TRUE(test::wait_until([&] { return replots.count() > hidden; }));
}

}  // namespace
}  // namespace seqlens::widgets
