#include "NodeItem.h"

#include "CanvasScene.h"
#include "NodeGeometry.h"
#include "NodePainter.h"
#include "pipeline/NodeType.h"
#include "style/NodeIcons.h"

#include <QFontMetricsF>
#include <QGraphicsSceneHoverEvent>
#include <QPainter>
#include <QStyleOptionGraphicsItem>

namespace fb {

NodeItem::NodeItem(int key, const NodeType *type, const QString &typeName)
    : m_key(key)
    , m_type(type)
    , m_typeName(typeName)
    , m_geometry(&NodeGeometry::forType(type))
{
    setFlags(ItemIsSelectable | ItemIsMovable | ItemSendsGeometryChanges);
    setAcceptHoverEvents(true);
    setZValue(0);
    m_glyph = type ? NodeIcons::resourceFor(*type) : NodeIcons::resourceFor(QString(), QString());
    QFont font;
    font.setPixelSize(11);
    m_elidedTitle = QFontMetricsF(font).elidedText(title(), Qt::ElideRight, m_geometry->titleRect().width());
    m_titleText.setText(m_elidedTitle);
    m_titleText.setTextFormat(Qt::PlainText);
    m_titleText.prepare(QTransform(), font);
}

QString NodeItem::title() const
{
    return m_type ? m_type->title : QStringLiteral("Unknown type '%1'").arg(m_typeName);
}

QString NodeItem::category() const
{
    return m_type ? m_type->category : QString();
}

CanvasScene *NodeItem::canvas() const
{
    return qobject_cast<CanvasScene *>(scene());
}

void NodeItem::setNodeId(const QString &id)
{
    if (id == m_id)
        return;
    m_id = id;
    // Elide once here, not on every paint; ids are up to 64 characters.
    QFont font;
    font.setPixelSize(13);
    font.setWeight(QFont::DemiBold);
    if (CanvasScene *s = canvas())
        font = s->style().idFont;
    m_elidedId = QFontMetricsF(font).elidedText(id, Qt::ElideRight, m_geometry->idRect().width());
    m_idText.setText(m_elidedId);
    m_idText.setTextFormat(Qt::PlainText);
    m_idText.prepare(QTransform(), font);
    updateToolTip();
    update();
}

void NodeItem::setRunState(TaskState state)
{
    if (state == m_state)
        return;
    m_state = state;
    if (state != TaskState::Running && state != TaskState::Queued)
        m_progress = -1.0;
    updateToolTip();
    update();
}

void NodeItem::setProgress(double fraction)
{
    fraction = fraction < 0 ? -1.0 : std::min(fraction, 1.0);
    if (fraction == m_progress)
        return;
    m_progress = fraction;
    update(m_geometry->progressRect().adjusted(-1, -1, 1, 1));
}

void NodeItem::setElapsedMs(qint64 ms)
{
    if (ms == m_elapsedMs)
        return;
    m_elapsedMs = ms;
    updateToolTip();
    update(m_geometry->footerRect());
}

void NodeItem::setStatusText(const QString &text)
{
    m_statusText = text;
    updateToolTip();
}

// Kept in the item's data slot rather than a member, so the item's layout stays as it was.
constexpr int cachedDataKey = 0x4643; // "FC"

bool NodeItem::isCached() const
{
    return data(cachedDataKey).toBool();
}

void NodeItem::setCached(bool cached)
{
    if (cached == isCached())
        return;
    setData(cachedDataKey, cached);
    updateToolTip();
    update();
}

void NodeItem::clearRunState()
{
    m_state = TaskState::None;
    setData(cachedDataKey, false);
    m_progress = -1.0;
    m_elapsedMs = -1;
    m_statusText.clear();
    updateToolTip();
    update();
}

void NodeItem::setProblems(const QStringList &problems)
{
    if (problems == m_problems)
        return;
    m_problems = problems;
    updateToolTip();
    update(m_geometry->headerRect());
}

QString NodeItem::portKey(const QString &port, bool output)
{
    return (output ? QStringLiteral("o:") : QStringLiteral("i:")) + port;
}

void NodeItem::setPortMark(const QString &port, bool output, PortMark mark)
{
    const QString k = portKey(port, output);
    if (m_marks.value(k, PortMark::None) == mark)
        return;
    if (mark == PortMark::None)
        m_marks.remove(k);
    else
        m_marks.insert(k, mark);
    update();
}

PortMark NodeItem::portMark(const QString &port, bool output) const
{
    return m_marks.value(portKey(port, output), PortMark::None);
}

void NodeItem::clearPortMarks()
{
    if (m_marks.isEmpty())
        return;
    m_marks.clear();
    update();
}

void NodeItem::setPortConnected(const QString &port, bool output, bool connected)
{
    const QString k = portKey(port, output);
    if (connected == m_connected.contains(k))
        return;
    if (connected)
        m_connected.insert(k);
    else
        m_connected.remove(k);
    update();
}

bool NodeItem::isPortConnected(const QString &port, bool output) const
{
    return m_connected.contains(portKey(port, output));
}

QPointF NodeItem::portScenePos(const QString &port, bool output) const
{
    if (const PortGeometry *p = m_geometry->port(port, output))
        return mapToScene(p->center);
    // A port the type does not have (unknown type, renamed port): the middle of the edge.
    const QRectF body = m_geometry->bodyRect();
    return mapToScene(QPointF(output ? body.right() : body.left(), body.center().y()));
}

const PortGeometry *NodeItem::portAtScene(QPointF scenePos, qreal tolerance) const
{
    return m_geometry->portAt(mapFromScene(scenePos), tolerance);
}

void NodeItem::setPosFromModel(QPointF pos)
{
    m_positionFromModel = true;
    setPos(pos);
    m_positionFromModel = false;
}

QRectF NodeItem::boundingRect() const
{
    return m_geometry->boundingRect();
}

QPainterPath NodeItem::shape() const
{
    QPainterPath path;
    path.addRoundedRect(m_geometry->bodyRect(),
                        NodeGeometry::cornerRadius,
                        NodeGeometry::cornerRadius);
    // Port circles stick out of the body and must be hit too.
    for (const auto *list : {&m_geometry->inputs(), &m_geometry->outputs()})
        for (const PortGeometry &p : *list)
            path.addEllipse(p.center, NodeGeometry::portRadius + 3, NodeGeometry::portRadius + 3);
    return path;
}

void NodeItem::paint(QPainter *painter, const QStyleOptionGraphicsItem *option, QWidget *)
{
    CanvasScene *s = canvas();
    if (!s)
        return;
    const qreal lod = QStyleOptionGraphicsItem::levelOfDetailFromTransform(
        painter->worldTransform());
    NodePainter::paint(painter, *this, s->style(), lod, option->state & QStyle::State_Selected);
}

QVariant NodeItem::itemChange(GraphicsItemChange change, const QVariant &value)
{
    if (change == ItemPositionChange && !m_positionFromModel) {
        if (CanvasScene *s = canvas())
            return s->snapNodePosition(value.toPointF());
    } else if (change == ItemPositionHasChanged) {
        if (CanvasScene *s = canvas())
            s->nodeItemMoved(this);
    } else if (change == ItemSelectedHasChanged) {
        setZValue(value.toBool() ? 1 : 0);
    }
    return QGraphicsItem::itemChange(change, value);
}

void NodeItem::hoverEnterEvent(QGraphicsSceneHoverEvent *event)
{
    m_hovered = true;
    update();
    hoverMoveEvent(event);
}

void NodeItem::hoverMoveEvent(QGraphicsSceneHoverEvent *event)
{
    const PortGeometry *port = m_geometry->portAt(event->pos(), NodeGeometry::portRadius + 4);
    if (port != m_hoveredPort) {
        m_hoveredPort = port;
        setCursor(port ? Qt::CrossCursor : Qt::ArrowCursor);
        updateToolTip();
        update();
    }
}

void NodeItem::hoverLeaveEvent(QGraphicsSceneHoverEvent *)
{
    m_hovered = false;
    m_hoveredPort = nullptr;
    unsetCursor();
    updateToolTip();
    update();
}

void NodeItem::updateToolTip()
{
    if (m_hoveredPort) {
        const PortGeometry &p = *m_hoveredPort;
        setToolTip(QStringLiteral("<b>%1</b> — %2 %3%4<br>%5")
                       .arg(p.name.toHtmlEscaped(),
                            portTypeName(p.type),
                            p.output ? QStringLiteral("output") : QStringLiteral("input"),
                            p.optional ? QStringLiteral(" (optional)") : QString(),
                            p.doc.toHtmlEscaped()));
        return;
    }
    QString tip = QStringLiteral("<b>%1</b> · %2").arg(m_id.toHtmlEscaped(), title().toHtmlEscaped());
    if (m_type && !m_type->doc.isEmpty())
        tip += QStringLiteral("<br>%1").arg(m_type->doc.toHtmlEscaped());
    if (m_state != TaskState::None) {
        tip += QStringLiteral("<br><br>State: <b>%1</b>").arg(taskStateName(m_state));
        if (isCached())
            tip += QStringLiteral(" (cached)");
        else if (m_elapsedMs >= 0)
            tip += QStringLiteral(" · %1 s").arg(m_elapsedMs / 1000.0, 0, 'f', 2);
    }
    if (!m_statusText.isEmpty())
        tip += QStringLiteral("<br>%1").arg(m_statusText.toHtmlEscaped());
    if (!m_problems.isEmpty()) {
        tip += QStringLiteral("<br><br><b>Cannot run yet:</b>");
        for (const QString &p : m_problems)
            tip += QStringLiteral("<br>• %1").arg(p.toHtmlEscaped());
    }
    setToolTip(tip);
}

} // namespace fb
