// replot_when_visible: a plot on screen replots on the next event-loop pass, together with the
// others queued; a hidden one (a view on another tab) does not replot at all until it is shown,
// and then replots once.
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

// Several plots queued in one event replot together, once each, in the next one; replot_queued
// makes them at once (so the window repaints them with everything else), and nothing is left for
// the next event pass to replot again.
TEST(ReplotWhenVisible, QueuedPlotsReplotTogetherAndOnce) {
  test::qt_app();
  QCustomPlot a, b;
  for (QCustomPlot* p : {&a, &b}) {
    p->resize(200, 150);
    p->show();
  }
  ASSERT_TRUE(test::wait_until([&] { return a.isVisible() && b.isVisible(); }));
  QApplication::processEvents();
  QSignalSpy ra(&a, &QCustomPlot::afterReplot), rb(&b, &QCustomPlot::afterReplot);
  replot_when_visible(&a);
  replot_when_visible(&b);
  replot_when_visible(&a);
  EXPECT_EQ(ra.count() + rb.count(), 0);  // queued, not drawn yet
  QApplication::processEvents();
  EXPECT_EQ(ra.count(), 1);
  EXPECT_EQ(rb.count(), 1);

  replot_when_visible(&b);
  replot_queued();
  EXPECT_EQ(rb.count(), 2);  // now, not in a later event
  QApplication::processEvents();
  QApplication::processEvents();
  EXPECT_EQ(rb.count(), 2);
  EXPECT_EQ(ra.count(), 1);
  replot_queued();  // nothing queued: nothing drawn
  EXPECT_EQ(ra.count() + rb.count(), 3);
}

// A long sentence over a chart wraps to the plot's width: it asks for a small minimum width (not
// its whole length, which would hold the window wide) and for more lines as the plot narrows.
TEST(WrappedText, WrapsToThePlotWidthInsteadOfWideningIt) {
  test::qt_app();
  QCustomPlot plot;
  const QString text = QStringLiteral(
      "Orange frames: softmax attention (probabilities) · green frames: Mamba hidden attention "
      "(row-normalised |α|) · click a map to inspect it");
  auto* wrapped = new WrappedText(&plot, text, plot.font());
  plot.plotLayout()->insertRow(0);
  plot.plotLayout()->addElement(0, 0, wrapped);
  const int one_line = QFontMetrics(plot.font()).boundingRect(text).width();

  plot.setViewport(QRect(0, 0, 2000, 400));
  const QSize wide = wrapped->minimumOuterSizeHint();
  plot.setViewport(QRect(0, 0, 300, 400));
  const QSize narrow = wrapped->minimumOuterSizeHint();
  EXPECT_LT(wide.width(), one_line / 2);
  EXPECT_EQ(narrow.width(), wide.width());
  EXPECT_GE(narrow.height(), 2 * wide.height() - wrapped->margins().top() -
                                 wrapped->margins().bottom());  // two lines or more
  EXPECT_EQ(wrapped->maximumOuterSizeHint().height(), narrow.height());
  EXPECT_EQ(wrapped->textFlags() & Qt::TextWordWrap, int(Qt::TextWordWrap));
}

}  // namespace
}  // namespace seqlens::widgets
