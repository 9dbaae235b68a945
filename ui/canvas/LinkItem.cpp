#include "LinkItem.h"

#include "CanvasScene.h"
#include "style/CanvasStyle.h"

#include <QPainter>
#include <QPainterPathStroker>
#include <QStyleOptionGraphicsItem>

#include <cmath>

namespace fb {

LinkItem::LinkItem(const Link &link, PortType portType)
    : m_link(link)
    , m_portType(portType)
{
    setFlags(ItemIsSelectable);
    setAcceptHoverEvents(true);
    setZValue(-1); // under the nodes: ports stay clickable
}

QPainterPath LinkItem::curve(QPointF from, QPointF to)
{
    const qreal dx = to.x() - from.x();
    const qreal dy = std::abs(to.y() - from.y());
    // Forward links bend gently; backward ones loop out wide enough not to hide their nodes.
    qreal handle = dx >= 0 ? std::max(dx * 0.5, 40.0)
                           : std::min(80.0 + std::abs(dx) * 0.3 + dy * 0.1, 260.0);
    handle = std::min(handle, 400.0);
    QPainterPath path(from);
    path.cubicTo(from + QPointF(handle, 0), to - QPointF(handle, 0), to);
    return path;
}

void LinkItem::setEnds(QPointF from, QPointF to)
{
    if (from == m_from && to == m_to && !m_path.isEmpty())
        return;
    prepareGeometryChange();
    m_from = from;
    m_to = to;
    m_path = curve(from, to);
    m_shape = QPainterPath();
    m_bounds = m_path.controlPointRect().adjusted(-6, -6, 6, 6);
}

void LinkItem::setInsertHighlight(bool on)
{
    if (on == m_insertHighlight)
        return;
    m_insertHighlight = on;
    update();
}

void LinkItem::setPickedUp(bool on)
{
    if (on == m_pickedUp)
        return;
    m_pickedUp = on;
    update();
}

QRectF LinkItem::boundingRect() const
{
    return m_bounds;
}

QPainterPath LinkItem::shape() const
{
    if (m_shape.isEmpty() && !m_path.isEmpty()) {
        QPainterPathStroker stroker;
        stroker.setWidth(12);
        stroker.setCapStyle(Qt::RoundCap);
        m_shape = stroker.createStroke(m_path);
    }
    return m_shape;
}

void LinkItem::paint(QPainter *painter, const QStyleOptionGraphicsItem *option, QWidget *)
{
    auto *s = qobject_cast<CanvasScene *>(scene());
    if (!s)
        return;
    const CanvasStyle &style = s->style();
    const qreal lod = QStyleOptionGraphicsItem::levelOfDetailFromTransform(
        painter->worldTransform());
    const bool selected = option->state & QStyle::State_Selected;
    QColor color = style.linkColor(m_portType);
    qreal width = 2.0;
    if (selected || m_insertHighlight) {
        color = style.accent;
        width = 3.0;
    } else if (m_hovered) {
        color = style.portColor(m_portType);
        width = 3.0;
    }
    if (m_pickedUp)
        color.setAlpha(70);
    QPen pen(color, width);
    pen.setCapStyle(Qt::RoundCap);
    if (m_insertHighlight)
        pen.setStyle(Qt::DashLine);
    if (width * lod < 1.0) { // never thinner than one device pixel
        pen.setCosmetic(true);
        pen.setWidthF(1.0);
    }
    painter->setRenderHint(QPainter::Antialiasing, true);
    if (selected && lod >= 0.28) {
        QColor glow = style.accent;
        glow.setAlpha(60);
        QPen halo(glow, width + 5);
        halo.setCapStyle(Qt::RoundCap);
        painter->setPen(halo);
        painter->drawPath(m_path);
    }
    painter->setPen(pen);
    painter->setBrush(Qt::NoBrush);
    painter->drawPath(m_path);
}

void LinkItem::hoverEnterEvent(QGraphicsSceneHoverEvent *)
{
    m_hovered = true;
    update();
}

void LinkItem::hoverLeaveEvent(QGraphicsSceneHoverEvent *)
{
    m_hovered = false;
    update();
}

} // namespace fb
