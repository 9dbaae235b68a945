#include "BubbleItem.h"

#include "CanvasScene.h"
#include "style/CanvasStyle.h"

#include <QFontMetricsF>
#include <QPainter>

namespace fb {

namespace {
constexpr qreal maxWidth = 360;
constexpr qreal padding = 8;
} // namespace

BubbleItem::BubbleItem()
{
    setFlag(ItemIgnoresTransformations);
    setZValue(100);
    setAcceptedMouseButtons(Qt::NoButton);
}

void BubbleItem::setMessage(const QString &text, Kind kind)
{
    prepareGeometryChange();
    m_text = text;
    m_kind = kind;
    QFont font;
    if (auto *s = qobject_cast<CanvasScene *>(scene()))
        font = s->style().bubbleFont;
    const QRectF textRect = QFontMetricsF(font).boundingRect(QRectF(0, 0, maxWidth, 1000),
                                                             Qt::TextWordWrap,
                                                             text);
    // Offset right and below the cursor so the bubble never hides the port under it.
    m_rect = QRectF(16, 14, textRect.width() + 2 * padding, textRect.height() + 2 * padding);
    update();
}

QRectF BubbleItem::boundingRect() const
{
    return m_rect.adjusted(-2, -2, 2, 3);
}

void BubbleItem::paint(QPainter *painter, const QStyleOptionGraphicsItem *, QWidget *)
{
    auto *s = qobject_cast<CanvasScene *>(scene());
    if (!s || m_text.isEmpty())
        return;
    const CanvasStyle &style = s->style();
    const QColor edge = m_kind == Kind::Error ? style.refused : style.accent;
    painter->setRenderHint(QPainter::Antialiasing);
    painter->setPen(Qt::NoPen);
    painter->setBrush(style.nodeShadow);
    painter->drawRoundedRect(m_rect.translated(0, 1.5), 6, 6);
    painter->setBrush(CanvasStyle::mix(style.nodeFill, edge, style.dark ? 0.22 : 0.08));
    painter->setPen(QPen(edge, 1.2));
    painter->drawRoundedRect(m_rect, 6, 6);
    painter->setPen(style.text);
    painter->setFont(style.bubbleFont);
    painter->drawText(m_rect.adjusted(padding, padding, -padding, -padding),
                      Qt::TextWordWrap,
                      m_text);
}

} // namespace fb
