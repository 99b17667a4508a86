// TokenChips: one chip per token labelled like the chart axes, hover shares the token cursor
// (and -1 on leaving), wrapping and scrolling keep every chip reachable.
#include <gtest/gtest.h>

#include <QPainter>

#include <QScrollBar>
#include <QSignalSpy>
#include <QTest>

#include <cstdlib>
#include <set>

#include "core/model/tokenizer.h"
#include "tests/support/qt_app.h"
#include "widgets/plot_style.h"
#include "widgets/token_chips.h"

namespace seqlens::widgets {
namespace {

TEST(TokenChips, OneChipPerTokenWithTheAxisLabels) {
  test::qt_app();
  TokenChips chips;
  chips.resize(500, 120);
  const auto tokens = ByteTokenizer::encode("a b\nПри");
  chips.setTokens(tokens);
  ASSERT_EQ(chips.chipCount(), int(tokens.size()));
  const auto labels = ByteTokenizer::sequence_labels(tokens);
  for (int i = 0; i < chips.chipCount(); ++i)
    EXPECT_EQ(chips.chipLabel(i), QString::fromStdString(labels[size_t(i)]));
  EXPECT_EQ(chips.chipLabel(1), QStringLiteral("␣"));
  EXPECT_EQ(chips.chipLabel(3), QStringLiteral("⏎"));
  // The newline ends its line: the next chip starts a new row at the left.
  EXPECT_GT(chips.chipRect(4).top(), chips.chipRect(3).bottom());
  EXPECT_LT(chips.chipRect(4).left(), chips.chipRect(3).left());
}

TEST(TokenChips, HoverEmitsTheTokenAndLeavingEmitsMinusOne) {
  test::qt_app();
  TokenChips chips;
  chips.resize(400, 200);
  chips.show();
  chips.setTokens(ByteTokenizer::encode("Hello, chips!"));
  QSignalSpy spy(&chips, &TokenChips::tokenHovered);
  QTest::mouseMove(chips.viewport(), chips.chipRect(4).center());
  ASSERT_GE(spy.count(), 1);
  EXPECT_EQ(spy.last().at(0).toInt(), 4);
  EXPECT_EQ(chips.hoveredToken(), 4);
  QTest::mouseMove(chips.viewport(), chips.chipRect(9).center());
  EXPECT_EQ(spy.last().at(0).toInt(), 9);
  QEvent leave(QEvent::Leave);
  QApplication::sendEvent(chips.viewport(), &leave);
  EXPECT_EQ(spy.last().at(0).toInt(), -1);
}

TEST(TokenChips, CursorHighlightsWithoutEmitting) {
  test::qt_app();
  TokenChips chips;
  chips.setTokens(ByteTokenizer::encode("abc"));
  QSignalSpy spy(&chips, &TokenChips::tokenHovered);
  chips.setTokenCursor(2);
  EXPECT_EQ(chips.tokenCursor(), 2);
  chips.setTokenCursor(-1);
  EXPECT_EQ(chips.tokenCursor(), -1);
  chips.setTokenCursor(3);  // out of range clears
  EXPECT_EQ(chips.tokenCursor(), -1);
  EXPECT_EQ(spy.count(), 0);
}

TEST(TokenChips, LongInputsWrapAndScrollToTheCursor) {
  test::qt_app();
  TokenChips chips;
  chips.resize(300, 100);
  chips.show();
  std::string text;
  while (text.size() < 2048) text += "The state space keeps a summary of the past. ";
  text.resize(2048);
  chips.setTokens(ByteTokenizer::encode(text));
  ASSERT_EQ(chips.chipCount(), 2048);
  EXPECT_GT(chips.verticalScrollBar()->maximum(), 0);
  // Reading order: every chip is right of its predecessor or on a lower line; none overlap.
  for (int i = 1; i < chips.chipCount(); ++i) {
    const QRect a = chips.chipRect(i - 1), b = chips.chipRect(i);
    EXPECT_TRUE(b.left() > a.right() || b.top() > a.bottom()) << "chip " << i;
  }
  chips.setTokenCursor(2000);
  EXPECT_TRUE(chips.viewport()->rect().contains(chips.chipRect(2000)))
      << "cursor scrolled into view";
  EXPECT_EQ(chips.chipAt(chips.chipRect(2000).center()), 2000);
}

// Chip backgrounds are drawn once and reused: each repaint shows the same rounded rect, border
// and fill as drawing it directly would (checked in the chip's corners, clear of its text, to
// within the rounding of the antialiased edge).
TEST(TokenChips, CachedBackgroundsMatchADirectDrawing) {
  test::qt_app();
  TokenChips chips;
  chips.resize(400, 120);
  chips.setTokens(ByteTokenizer::encode("ab cd"));
  chips.show();
  const QImage first = chips.viewport()->grab().toImage();
  const QImage again = chips.viewport()->grab().toImage();  // from the cache
  EXPECT_EQ(first, again);
  const QPalette pal = chips.palette();
  auto mix = [](const QColor& a, const QColor& b, double t) {
    return QColor::fromRgbF(a.redF() * (1 - t) + b.redF() * t,
                            a.greenF() * (1 - t) + b.greenF() * t,
                            a.blueF() * (1 - t) + b.blueF() * t);
  };
  const QColor base = pal.color(QPalette::Base), text = pal.color(QPalette::Text);
  const QRect r = chips.chipRect(1);  // 'b'
  ASSERT_FALSE(r.isEmpty());
  QImage want(first.size(), first.format());
  want.setDevicePixelRatio(first.devicePixelRatio());
  want.fill(base);
  {
    QPainter p(&want);
    p.setRenderHint(QPainter::Antialiasing);
    p.setPen(QPen(mix(base, text, 0.25), 1));
    p.setBrush(mix(base, text, 0.09));
    const QRectF f = QRectF(r).adjusted(0.5, 0.5, -0.5, -0.5);
    p.drawRoundedRect(f, f.width() < 12 ? 3 : 5, f.width() < 12 ? 3 : 5);
  }
  for (const QPoint corner : {r.topLeft(), r.bottomRight() - QPoint(3, 3)})
    for (int dy = 0; dy < 4; ++dy)
      for (int dx = 0; dx < 4; ++dx) {
        // Blending the antialiased edge into a transparent pixmap first rounds by at most 1.
        const QPoint at = corner + QPoint(dx, dy);
        const QColor got = first.pixelColor(at), exp = want.pixelColor(at);
        EXPECT_LE(std::abs(got.red() - exp.red()) + std::abs(got.green() - exp.green()) +
                      std::abs(got.blue() - exp.blue()),
                  3)
            << at.x() << "," << at.y();
      }
}

TEST(TokenChips, RendersInLightAndDarkPalettes) {
  test::qt_app();
  TokenChips chips;
  chips.resize(640, 120);
  chips.setTokens(ByteTokenizer::encode("Mamba reads one byte at a time.\nПривет, мир!"));
  chips.setTokenCursor(6);
  for (bool dark : {false, true}) {
    if (dark) chips.setPalette(dark_palette());
    const QImage img = chips.grab().toImage();
    std::set<QRgb> colours;
    for (int y = 0; y < img.height(); ++y)
      for (int x = 0; x < img.width(); ++x) colours.insert(img.pixel(x, y));
    EXPECT_GT(colours.size(), 10u);
    EXPECT_EQ(img.pixelColor(img.width() - 3, img.height() - 3).lightness() < 128, dark);
    const QByteArray dir = qgetenv("SEQLENS_RENDER_DIR");
    if (!dir.isEmpty())
      img.save(QString::fromUtf8(dir) + (dark ? "/chips-dark.png" : "/chips-light.png"));
  }
}

}  // namespace
}  // namespace seqlens::widgets
