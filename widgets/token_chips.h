// The input tokens as chips: rounded rectangles labelled like the chart axes
// (ByteTokenizer::sequence_labels: "␣" for a space, "⏎" for a newline, "·" for UTF-8
// continuation bytes), wrapped into lines, a new line after each newline token, scrolling when
// the text is long. Hovering a chip shares the token cursor with every view. Painted in one pass
// (no child widget per chip), so thousands of tokens stay cheap.
#pragma once

#include <QAbstractScrollArea>
#include <QHash>
#include <QPixmap>
#include <QRect>
#include <QStaticText>
#include <QStringList>

#include <cstdint>
#include <vector>

namespace seqlens::widgets {

class TokenChips : public QAbstractScrollArea {
  Q_OBJECT
 public:
  explicit TokenChips(QWidget* parent = nullptr);

  QSize sizeHint() const override;
  QSize minimumSizeHint() const override;

  int chipCount() const { return static_cast<int>(labels_.size()); }
  QString chipLabel(int i) const { return labels_.value(i); }
  // Chip `i` in viewport coordinates (after scrolling); empty for an unknown index.
  QRect chipRect(int i) const;
  // The chip under `pos` (viewport coordinates), or -1.
  int chipAt(const QPoint& pos) const;
  int tokenCursor() const { return cursor_; }
  int hoveredToken() const { return hovered_; }

 public slots:
  void setTokens(const std::vector<int32_t>& tokens);
  // Highlights token `t` (scrolling it into view); -1 clears. Does not emit tokenHovered.
  void setTokenCursor(int token);

 signals:
  void tokenHovered(int token);  // -1 when the pointer leaves the chips

 protected:
  void paintEvent(QPaintEvent* e) override;
  void resizeEvent(QResizeEvent* e) override;
  void mouseMoveEvent(QMouseEvent* e) override;
  void leaveEvent(QEvent* e) override;
  bool viewportEvent(QEvent* e) override;
  void changeEvent(QEvent* e) override;
  void scrollContentsBy(int dx, int dy) override;

 private:
  void relayout();
  void setHovered(int t);
  // A chip's background (antialiased rounded rect and border) of `size`, drawn once per size and
  // colours: stroking ~70 rounded rects took ~0.7 ms of every repaint.
  const QPixmap& chipBackground(QSize size, const QColor& fill, const QPen& pen);

  std::vector<int32_t> tokens_;
  QStringList labels_;
  std::vector<QRect> rects_;  // [T] chip rects in content coordinates
  // Laid-out (elided) text per distinct label and chip width, so a repaint draws glyphs without
  // shaping every chip's text again; rebuilt when the chips are laid out.
  QHash<QString, QStaticText> texts_;
  QHash<QString, QPixmap> backgrounds_;
  int content_height_ = 0;
  int cursor_ = -1;
  int hovered_ = -1;
};

}  // namespace seqlens::widgets
