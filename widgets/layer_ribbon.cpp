#include "widgets/layer_ribbon.h"

#include <QHelpEvent>
#include <QMouseEvent>
#include <QPainter>
#include <QPainterPath>
#include <QToolTip>

#include <algorithm>
#include <cmath>

namespace seqlens::widgets {

namespace {

// A copy of `base` scaled by `factor` (fonts may be set in points or in pixels).
QFont scaled_font(const QFont& base, double factor) {
  QFont f = base;
  if (base.pointSizeF() > 0)
    f.setPointSizeF(std::max(6.0, base.pointSizeF() * factor));
  else if (base.pixelSize() > 0)
    f.setPixelSize(std::max(8, int(std::lround(base.pixelSize() * factor))));
  return f;
}

constexpr int kMaxBox = 34;  // preferred box side
constexpr int kMinBox = 14;  // below this the letters no longer fit
constexpr int kMargin = 6;
constexpr int kIndexH = 13;  // layer number above each box
constexpr int kMoeH = 11;    // MoE diamond below each box
constexpr int kLegendH = 18;

// Okabe–Ito colours: distinguishable with every common colour-vision deficiency.
QColor mixer_colour(MixerKind m) {
  switch (m) {
    case MixerKind::Attention:
      return QColor(0xE6, 0x9F, 0x00);  // orange
    case MixerKind::Mamba1:
      return QColor(0x56, 0xB4, 0xE9);  // sky blue
    case MixerKind::Mamba2:
      return QColor(0x00, 0x9E, 0x73);  // bluish green
  }
  return Qt::gray;
}

QPainterPath diamond(QPointF c, double r) {
  QPainterPath p;
  p.moveTo(c.x(), c.y() - r);
  p.lineTo(c.x() + r, c.y());
  p.lineTo(c.x(), c.y() + r);
  p.lineTo(c.x() - r, c.y());
  p.closeSubpath();
  return p;
}

}  // namespace

LayerRibbon::LayerRibbon(QWidget* parent) : QWidget(parent) {
  setMouseTracking(true);
  setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Fixed);
}

QSize LayerRibbon::sizeHint() const {
  const int n = std::max(1, layerCount());
  const int boxes = n * kMaxBox + (n - 1) * 4 + 2 * kMargin;
  const int legend = fontMetrics().horizontalAdvance(summaryText()) + 320;
  return {std::max(boxes, std::min(legend, 900)),
          kMargin + kIndexH + kMaxBox + kMoeH + kLegendH + kMargin};
}

QSize LayerRibbon::minimumSizeHint() const {
  const int n = std::max(1, layerCount());
  return {n * (kMinBox + 1) + 2 * kMargin,
          kMargin + kIndexH + kMinBox + kMoeH + kLegendH + kMargin};
}

LayerRibbon::Geometry LayerRibbon::geometry() const {
  Geometry g;
  const int n = std::max(1, layerCount());
  const int avail_w = width() - 2 * kMargin;
  const int avail_h = height() - 2 * kMargin - kIndexH - kMoeH - kLegendH;
  // Box plus gap: the gap is 1/8 of the box, at least 1 px.
  int box = std::min(kMaxBox, std::max(1, avail_h));
  box = std::min(box, std::max(4, (avail_w * 8) / (9 * n)));
  g.box = box;
  g.gap = std::max(1, box / 8);
  g.left = kMargin;
  g.top = kMargin + kIndexH;
  g.legend_y = g.top + box + kMoeH;
  return g;
}

QRect LayerRibbon::layerRect(int layer) const {
  if (layer < 0 || layer >= layerCount()) return {};
  const Geometry g = geometry();
  return {g.left + layer * (g.box + g.gap), g.top, g.box, g.box};
}

int LayerRibbon::layerAt(const QPoint& pos) const {
  for (int l = 0; l < layerCount(); ++l) {
    // The hit area also covers the number above and the MoE marker below the box.
    const QRect r = layerRect(l).adjusted(0, -kIndexH, 0, kMoeH);
    if (r.contains(pos)) return l;
  }
  return -1;
}

QString LayerRibbon::mixerName(MixerKind m) const {
  switch (m) {
    case MixerKind::Attention:
      return tr("attention");
    case MixerKind::Mamba1:
      return tr("Mamba-1");
    case MixerKind::Mamba2:
      return tr("Mamba-2");
  }
  return {};
}

QString LayerRibbon::mixerLetter(MixerKind m) const {
  switch (m) {
    case MixerKind::Attention:
      return tr("A");
    case MixerKind::Mamba1:
      return tr("M1");
    case MixerKind::Mamba2:
      return tr("M2");
  }
  return {};
}

QString LayerRibbon::describeLayer(int layer) const {
  if (layer < 0 || layer >= layerCount()) return {};
  const auto& l = data_.layers[static_cast<size_t>(layer)];
  const QString mixer = mixerName(l.mixer);
  switch (l.ffn) {
    case FfnKind::MoE:
      return tr("Layer %1: %2 + MoE").arg(layer).arg(mixer);
    case FfnKind::Dense:
      return tr("Layer %1: %2 + dense MLP").arg(layer).arg(mixer);
    case FfnKind::None:
      return tr("Layer %1: %2 (no MLP)").arg(layer).arg(mixer);
  }
  return {};
}

QString LayerRibbon::summaryText() const {
  if (data_.layers.empty()) return tr("No model");
  QStringList parts;
  if (data_.hybrid()) {
    parts << tr("%1 attention : %2 Mamba").arg(data_.ratio_attention).arg(data_.ratio_mamba);
  }
  parts << tr("%1 layers").arg(layerCount());
  if (data_.moe > 0) parts << tr("%1 MoE").arg(data_.moe);
  return parts.join(QStringLiteral(" · "));
}

void LayerRibbon::setConfig(const ModelConfig& config) {
  data_ = analysis::layer_ribbon(config);
  if (selected_ >= layerCount()) selected_ = -1;
  hovered_ = -1;
  updateGeometry();
  update();
}

void LayerRibbon::selectLayer(int layer) {
  const int l = (layer >= 0 && layer < layerCount()) ? layer : -1;
  if (l == selected_) return;
  selected_ = l;
  update();
}

void LayerRibbon::mousePressEvent(QMouseEvent* e) {
  if (e->button() != Qt::LeftButton) return QWidget::mousePressEvent(e);
  const int l = layerAt(e->position().toPoint());
  if (l < 0) return;
  selected_ = l;
  update();
  emit layerSelected(l);
}

void LayerRibbon::mouseMoveEvent(QMouseEvent* e) {
  const int l = layerAt(e->position().toPoint());
  if (l != hovered_) {
    hovered_ = l;
    setCursor(l >= 0 ? Qt::PointingHandCursor : Qt::ArrowCursor);
    update();
  }
  QWidget::mouseMoveEvent(e);
}

void LayerRibbon::leaveEvent(QEvent* e) {
  hovered_ = -1;
  update();
  QWidget::leaveEvent(e);
}

bool LayerRibbon::event(QEvent* e) {
  if (e->type() == QEvent::ToolTip) {
    auto* he = static_cast<QHelpEvent*>(e);
    const int l = layerAt(he->pos());
    if (l >= 0)
      QToolTip::showText(he->globalPos(), describeLayer(l), this, layerRect(l));
    else
      QToolTip::hideText();
    return true;
  }
  return QWidget::event(e);
}

void LayerRibbon::paintEvent(QPaintEvent*) {
  QPainter p(this);
  p.setRenderHint(QPainter::Antialiasing);
  const QPalette pal = palette();
  const QColor text = pal.color(QPalette::WindowText);
  QColor dim = text;
  dim.setAlphaF(0.6);
  const Geometry g = geometry();

  const QFont small = scaled_font(font(), 0.8);
  QFont letter = font();
  letter.setBold(true);
  letter.setPixelSize(std::max(7, g.box * 2 / 5));

  for (int l = 0; l < layerCount(); ++l) {
    const auto& layer = data_.layers[static_cast<size_t>(l)];
    const QRectF r = QRectF(layerRect(l)).adjusted(0.5, 0.5, -0.5, -0.5);
    const QColor fill = mixer_colour(layer.mixer);
    QColor body = fill;
    if (l == hovered_) body = body.lighter(112);
    p.setPen(QPen(fill.darker(140), 1));
    p.setBrush(body);
    p.drawRoundedRect(r, 4, 4);

    // Letters are dark on all three light fills: readable in colour and in grey.
    if (g.box >= kMinBox) {
      p.setFont(letter);
      p.setPen(QColor(20, 20, 20));
      p.drawText(r, Qt::AlignCenter, mixerLetter(layer.mixer));
    }
    // Layer number above the box (every other one when boxes are narrow).
    const int every = g.box >= 18 ? 1 : (g.box >= 10 ? 2 : 4);
    if (l % every == 0 || l == selected_) {
      p.setFont(small);
      p.setPen(l == selected_ ? text : dim);
      p.drawText(QRectF(r.left() - 6, r.top() - kIndexH, r.width() + 12, kIndexH),
                 Qt::AlignHCenter | Qt::AlignBottom, QString::number(l));
    }
    if (layer.ffn == FfnKind::MoE) {
      p.setPen(Qt::NoPen);
      p.setBrush(text);
      p.drawPath(diamond(QPointF(r.center().x(), r.bottom() + kMoeH / 2.0 + 1), 3.5));
    }
    if (l == selected_) {
      p.setBrush(Qt::NoBrush);
      p.setPen(QPen(pal.color(QPalette::Highlight), 2.5));
      p.drawRoundedRect(r.adjusted(-2, -2, 2, 2), 5, 5);
      p.setPen(QPen(text, 1));
      p.drawRoundedRect(r.adjusted(-3.5, -3.5, 3.5, 3.5), 6, 6);
    }
  }

  // Legend: a swatch + letter per mixer present, the MoE diamond, then the counts.
  p.setFont(small);
  const QFontMetrics fm(small);
  int x = g.left;
  const int sw = 12;
  const int cy = g.legend_y + kLegendH / 2;
  auto swatch = [&](MixerKind m, int64_t count) {
    if (count == 0) return;
    const QRectF s(x, cy - sw / 2.0, sw, sw);
    p.setPen(QPen(mixer_colour(m).darker(140), 1));
    p.setBrush(mixer_colour(m));
    p.drawRoundedRect(s, 2, 2);
    x += sw + 4;
    const QString label = tr("%1 = %2 (%3)").arg(mixerLetter(m), mixerName(m)).arg(count);
    p.setPen(text);
    p.drawText(QRect(x, cy - kLegendH / 2, fm.horizontalAdvance(label) + 2, kLegendH),
               Qt::AlignVCenter | Qt::AlignLeft, label);
    x += fm.horizontalAdvance(label) + 12;
  };
  swatch(MixerKind::Attention, data_.attention);
  swatch(MixerKind::Mamba1, data_.mamba1);
  swatch(MixerKind::Mamba2, data_.mamba2);
  if (data_.moe > 0) {
    p.setPen(Qt::NoPen);
    p.setBrush(text);
    p.drawPath(diamond(QPointF(x + 4, cy), 3.5));
    x += 12;
    const QString label = tr("MoE");
    p.setPen(text);
    p.drawText(QRect(x, cy - kLegendH / 2, fm.horizontalAdvance(label) + 2, kLegendH),
               Qt::AlignVCenter | Qt::AlignLeft, label);
    x += fm.horizontalAdvance(label) + 12;
  }
  p.setPen(dim);
  p.drawText(QRect(x, cy - kLegendH / 2, std::max(0, width() - x - kMargin), kLegendH),
             Qt::AlignVCenter | Qt::AlignLeft,
             fm.elidedText(summaryText(), Qt::ElideRight, std::max(0, width() - x - kMargin)));
}

}  // namespace seqlens::widgets
