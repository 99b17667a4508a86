#include "widgets/token_chips.h"

#include <QHash>
#include <QHelpEvent>
#include <QMouseEvent>
#include <QPainter>
#include <QScrollBar>
#include <QToolTip>

#include <algorithm>

#include "core/model/tokenizer.h"

namespace seqlens::widgets {

namespace {

constexpr int kPadX = 5;    // text padding inside a chip
constexpr int kGap = 3;     // between chips
constexpr int kMargin = 4;  // around the whole flow
constexpr int kMinChipW = 18;

bool is_whitespace_label(const QString& s) {
  return s == QStringLiteral("␣") || s == QStringLiteral("⏎") || s == QStringLiteral("<09>") ||
         s == QStringLiteral("<0d>");
}

}  // namespace

TokenChips::TokenChips(QWidget* parent) : QAbstractScrollArea(parent) {
  setMouseTracking(true);
  viewport()->setMouseTracking(true);
  setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
  setVerticalScrollBarPolicy(Qt::ScrollBarAsNeeded);
  setFrameShape(QFrame::NoFrame);
  setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Preferred);
}

QSize TokenChips::sizeHint() const {
  const int line = fontMetrics().height() + 6 + kGap;
  // Narrow by preference: the chips wrap to any width, and the dock they sit in should leave
  // the room to the charts.
  return {280, 3 * line + 2 * kMargin};
}

QSize TokenChips::minimumSizeHint() const {
  const int line = fontMetrics().height() + 6 + kGap;
  return {120, line + 2 * kMargin};
}

void TokenChips::setTokens(const std::vector<int32_t>& tokens) {
  tokens_ = tokens;
  labels_.clear();
  labels_.reserve(static_cast<qsizetype>(tokens.size()));
  for (const std::string& s : ByteTokenizer::sequence_labels(tokens))
    labels_ << QString::fromStdString(s);
  if (cursor_ >= chipCount()) cursor_ = -1;
  hovered_ = -1;
  relayout();
}

const QPixmap& TokenChips::chipBackground(QSize size, const QColor& fill, const QPen& pen) {
  const QString key = QStringLiteral("%1x%2 %3 %4 %5")
                          .arg(size.width())
                          .arg(size.height())
                          .arg(fill.rgba())
                          .arg(pen.color().rgba())
                          .arg(pen.widthF());
  auto it = backgrounds_.find(key);
  if (it != backgrounds_.end()) return *it;
  if (backgrounds_.size() > 256) backgrounds_.clear();  // palettes and fonts come and go
  const qreal dpr = devicePixelRatioF();
  QPixmap pm(size * dpr);
  pm.setDevicePixelRatio(dpr);
  pm.fill(Qt::transparent);
  QPainter q(&pm);
  q.setRenderHint(QPainter::Antialiasing);
  q.setPen(pen);
  q.setBrush(fill);
  const QRectF r = QRectF(QPointF(0, 0), QSizeF(size)).adjusted(0.5, 0.5, -0.5, -0.5);
  const qreal radius = r.width() < 12 ? 3 : 5;
  q.drawRoundedRect(r, radius, radius);
  return *backgrounds_.insert(key, pm);
}

void TokenChips::relayout() {
  const QFontMetrics fm(font());
  const int h = fm.height() + 6;
  const int w_avail = std::max(kMinChipW, viewport()->width() - 2 * kMargin);
  rects_.assign(static_cast<size_t>(chipCount()), QRect());
  texts_.clear();
  // Each distinct label is measured once (text shaping costs microseconds a call; a 512-token
  // input has a few dozen distinct byte labels).
  QHash<QString, int> advance;
  auto width_of = [&](const QString& label) {
    auto it = advance.find(label);
    if (it == advance.end()) it = advance.insert(label, fm.horizontalAdvance(label));
    return *it;
  };
  int x = kMargin, y = kMargin;
  for (int i = 0; i < chipCount(); ++i) {
    // UTF-8 continuation bytes ("·") get slim chips, so a Cyrillic word stays compact.
    const bool cont = labels_[i] == QStringLiteral("·");
    const int w =
        cont ? 9 : std::min(w_avail, std::max(kMinChipW, width_of(labels_[i]) + 2 * kPadX));
    if (x > kMargin && x + w > kMargin + w_avail) {
      x = kMargin;
      y += h + kGap;
    }
    rects_[static_cast<size_t>(i)] = QRect(x, y, w, h);
    x += w + kGap;
    // Follow the text: a newline token ends its line.
    if (labels_[i] == QStringLiteral("⏎")) {
      x = kMargin;
      y += h + kGap;
    }
  }
  content_height_ = chipCount() > 0 ? rects_.back().bottom() + 1 + kMargin : 0;
  QScrollBar* sb = verticalScrollBar();
  sb->setRange(0, std::max(0, content_height_ - viewport()->height()));
  sb->setPageStep(viewport()->height());
  sb->setSingleStep(h + kGap);
  viewport()->update();
}

QRect TokenChips::chipRect(int i) const {
  if (i < 0 || i >= chipCount() || static_cast<size_t>(i) >= rects_.size()) return {};
  return rects_[static_cast<size_t>(i)].translated(0, -verticalScrollBar()->value());
}

int TokenChips::chipAt(const QPoint& pos) const {
  const QPoint c = pos + QPoint(0, verticalScrollBar()->value());
  // Rects are in reading order and rows grow downward: binary search the first chip whose row
  // ends below the point, then scan that row.
  auto it = std::lower_bound(rects_.begin(), rects_.end(), c.y(),
                             [](const QRect& r, int y) { return r.bottom() < y; });
  for (; it != rects_.end() && it->top() <= c.y(); ++it)
    if (it->contains(c)) return static_cast<int>(it - rects_.begin());
  return -1;
}

void TokenChips::setTokenCursor(int token) {
  const int t = (token >= 0 && token < chipCount()) ? token : -1;
  if (t == cursor_) return;
  cursor_ = t;
  // Bring it into view unless the pointer is over the chips (the user is pointing at it here).
  if (t >= 0 && !underMouse()) {
    const QRect r = rects_[static_cast<size_t>(t)];
    QScrollBar* sb = verticalScrollBar();
    if (r.top() < sb->value())
      sb->setValue(r.top() - kMargin);
    else if (r.bottom() > sb->value() + viewport()->height())
      sb->setValue(r.bottom() + kMargin - viewport()->height());
  }
  viewport()->update();
}

void TokenChips::setHovered(int t) {
  if (t == hovered_) return;
  hovered_ = t;
  viewport()->update();
  emit tokenHovered(t);
}

void TokenChips::mouseMoveEvent(QMouseEvent* e) {
  setHovered(chipAt(e->position().toPoint()));
  QAbstractScrollArea::mouseMoveEvent(e);
}

void TokenChips::leaveEvent(QEvent* e) {
  setHovered(-1);
  QAbstractScrollArea::leaveEvent(e);
}

bool TokenChips::viewportEvent(QEvent* e) {
  if (e->type() == QEvent::ToolTip) {
    auto* he = static_cast<QHelpEvent*>(e);
    const int i = chipAt(he->pos());
    if (i >= 0) {
      const int32_t id = tokens_[static_cast<size_t>(i)];
      QToolTip::showText(he->globalPos(), tr("Token %1: %2 (id %3)").arg(i).arg(labels_[i]).arg(id),
                         viewport(), chipRect(i));
    } else {
      QToolTip::hideText();
    }
    return true;
  }
  if (e->type() == QEvent::Leave) setHovered(-1);
  return QAbstractScrollArea::viewportEvent(e);
}

void TokenChips::resizeEvent(QResizeEvent* e) {
  QAbstractScrollArea::resizeEvent(e);
  relayout();
}

void TokenChips::changeEvent(QEvent* e) {
  if (e->type() == QEvent::FontChange) relayout();
  if (e->type() == QEvent::PaletteChange) viewport()->update();
  QAbstractScrollArea::changeEvent(e);
}

void TokenChips::scrollContentsBy(int, int) {
  viewport()->update();
}

void TokenChips::paintEvent(QPaintEvent* e) {
  QPainter p(viewport());
  p.setRenderHint(QPainter::Antialiasing);
  const QPalette pal = palette();
  p.fillRect(viewport()->rect(), pal.color(QPalette::Base));
  const QColor text = pal.color(QPalette::Text);
  const QColor base = pal.color(QPalette::Base);
  const QColor highlight = pal.color(QPalette::Highlight);
  // Chip fill: the text colour faded into the base, so it works on light and dark palettes.
  auto mix = [](const QColor& a, const QColor& b, double t) {
    return QColor::fromRgbF(a.redF() * (1 - t) + b.redF() * t,
                            a.greenF() * (1 - t) + b.greenF() * t,
                            a.blueF() * (1 - t) + b.blueF() * t);
  };
  const QColor chip = mix(base, text, 0.09);
  const QColor chip_ws = mix(base, text, 0.04);
  const QColor border = mix(base, text, 0.25);
  const QColor dim = mix(base, text, 0.5);
  const QColor hover = mix(base, highlight, 0.3);

  const int dy = verticalScrollBar()->value();
  const QRect visible = e->rect().translated(0, dy);
  auto first = std::lower_bound(rects_.begin(), rects_.end(), visible.top(),
                                [](const QRect& r, int y) { return r.bottom() < y; });
  for (auto it = first; it != rects_.end() && it->top() <= visible.bottom(); ++it) {
    const int i = static_cast<int>(it - rects_.begin());
    const QRectF r = QRectF(it->translated(0, -dy)).adjusted(0.5, 0.5, -0.5, -0.5);
    const bool ws = is_whitespace_label(labels_[i]) || labels_[i] == QStringLiteral("·");
    QColor fill = ws ? chip_ws : chip;
    QColor fg = ws ? dim : text;
    QPen pen(border, 1);
    if (i == hovered_) fill = hover;
    if (i == cursor_) {
      fill = highlight;
      fg = pal.color(QPalette::HighlightedText);
      pen = QPen(highlight.darker(130), 1.5);
    }
    p.drawPixmap(it->translated(0, -dy).topLeft(), chipBackground(it->size(), fill, pen));
    p.setPen(fg);
    const int text_w = int(r.width()) - 2;
    const QString key = labels_[i] + QChar(0) + QString::number(text_w);
    auto text = texts_.find(key);
    if (text == texts_.end()) {
      QStaticText st(p.fontMetrics().elidedText(labels_[i], Qt::ElideRight, text_w));
      st.setTextFormat(Qt::PlainText);
      st.prepare(QTransform(), p.font());
      text = texts_.insert(key, st);
    }
    const QSizeF size = text->size();
    p.drawStaticText(r.center() - QPointF(size.width() / 2, size.height() / 2), *text);
  }
  if (chipCount() == 0) {
    p.setPen(dim);
    p.drawText(viewport()->rect(), Qt::AlignCenter, tr("No tokens"));
  }
}

}  // namespace seqlens::widgets
