// expect_text_fits checks that every text element of a plot is laid out whole: its text fits the
// rect it was given, and that rect lies inside the plot. A title that asks for more width than its
// column has either overflows its rect or pushes its column out of the plot; both fail here.
#pragma once

#include <gtest/gtest.h>

#include <QFontMetrics>
#include <QTest>
#include <QWidget>

#include <qcustomplot.h>

namespace seqlens::test {

// Shows `w` and replots `plot` `replots` times: layouts that follow the last one's sizes (axis
// labels thinned to a rect's width) settle on the second. False if the window never appeared.
[[nodiscard]] inline bool show_laid_out(QWidget& w, QCustomPlot* plot, int replots) {
  w.show();
  if (!QTest::qWaitForWindowExposed(&w)) return false;
  for (int i = 0; i < replots; ++i) plot->replot();
  return true;
}

inline void expect_text_fits(QCustomPlot* plot) {
  const QRect vp = plot->viewport();
  int checked = 0;
  for (QCPLayoutElement* e : plot->plotLayout()->elements(true)) {
    auto* t = qobject_cast<QCPTextElement*>(e);
    if (!t || !t->visible() || t->text().isEmpty()) continue;
    const QRect r = t->rect();
    const QRect need = QFontMetrics(t->font()).boundingRect(r, t->textFlags(), t->text());
    EXPECT_LE(need.width(), r.width()) << t->text().toStdString();
    EXPECT_GE(t->outerRect().left(), vp.left()) << t->text().toStdString();
    EXPECT_LE(t->outerRect().right(), vp.right()) << t->text().toStdString();
    ++checked;
  }
  EXPECT_GT(checked, 0) << "no text element to check";
}

}  // namespace seqlens::test
