#include "LinkDrag.h"

#include "BubbleItem.h"
#include "CanvasScene.h"
#include "LinkItem.h"
#include "NodeGeometry.h"
#include "NodeItem.h"
#include "edit/PipelineEditor.h"
#include "pipeline/NodeRegistry.h"
#include "pipeline/Pipeline.h"

#include <QCoreApplication>
#include <QGraphicsPathItem>
#include <QPen>

namespace fb {

namespace {
QString tr(const char *text)
{
    return QCoreApplication::translate("fb::LinkDrag", text);
}
} // namespace

LinkDrag::LinkDrag(CanvasScene *scene, const PendingLink &origin, QPointF anchor)
    : m_scene(scene)
    , m_origin(origin)
    , m_anchor(anchor)
    , m_data(scene->pipeline()->data())
{
    if (origin.replaces) {
        m_data.removeLink(*origin.replaces);
        m_picked = scene->linkItem(*origin.replaces);
        if (m_picked)
            m_picked->setPickedUp(true);
    }
    m_draft = new QGraphicsPathItem;
    m_draft->setZValue(50);
    scene->addItem(m_draft);
    m_bubble = new BubbleItem;
    scene->addItem(m_bubble);
    m_bubble->hide();
    markPorts();
    moveTo(anchor, false);
}

LinkDrag::~LinkDrag()
{
    for (NodeItem *n : m_scene->nodeItems())
        n->clearPortMarks();
    if (m_picked && m_scene->linkItem(*m_origin.replaces) == m_picked)
        m_picked->setPickedUp(false);
    delete m_draft;
    delete m_bubble;
}

Link LinkDrag::linkTo(int key, const QString &port) const
{
    return m_origin.fromOutput ? Link{m_origin.node, m_origin.port, key, port}
                               : Link{key, port, m_origin.node, m_origin.port};
}

PortMark LinkDrag::baseMark(int key, const QString &port) const
{
    const Link l = linkTo(key, port);
    const LinkCheck c = checkLink(m_data, m_scene->pipeline()->registry(), l);
    return c.ok() && !m_data.links().contains(l) ? PortMark::Compatible : PortMark::Incompatible;
}

void LinkDrag::markPorts()
{
    for (NodeItem *n : m_scene->nodeItems()) {
        const NodeGeometry &g = n->geometry();
        for (const PortGeometry &p : m_origin.fromOutput ? g.inputs() : g.outputs())
            n->setPortMark(p.name, p.output, baseMark(n->key(), p.name));
    }
}

void LinkDrag::evaluate(Target &t, bool replace) const
{
    const NodeRegistry &registry = m_scene->pipeline()->registry();
    const Link l = linkTo(t.node->key(), t.port);
    t.check = checkLink(m_data, registry, l);
    if (t.check.ok() && m_data.links().contains(l))
        t.check = {LinkCheck::InputOccupied, tr("these ports are already connected")};
    if (t.check.code == LinkCheck::InputOccupied && replace) {
        // Shift: the link now in that input goes, this one takes its place.
        if (const Link *existing = m_data.linkInto(l.toNode, l.toPort)) {
            PipelineData future = m_data;
            const Link old = *existing;
            future.removeLink(old);
            const LinkCheck again = checkLink(future, registry, l);
            if (again.ok()) {
                t.check = again;
                t.replaces = {old};
            }
        }
    }
}

LinkDrag::Target LinkDrag::targetAt(QPointF scenePos, bool replace) const
{
    Target t;
    const qreal tolerance = std::max(NodeGeometry::portRadius + 4, 10.0 / m_scene->viewScale());
    // Ports first (they stick out of their node), then the node under the cursor.
    const QRectF probe(scenePos - QPointF(tolerance, tolerance),
                       QSizeF(2 * tolerance, 2 * tolerance));
    NodeItem *node = nullptr;
    const PortGeometry *port = nullptr;
    for (QGraphicsItem *item : m_scene->items(probe)) {
        if (item->type() != NodeItem::Type)
            continue;
        auto *n = static_cast<NodeItem *>(item);
        const PortGeometry *p = n->portAtScene(scenePos, tolerance);
        if (p && p->output != m_origin.fromOutput) {
            node = n;
            port = p;
            break;
        }
        if (!node && n->sceneBoundingRect().contains(scenePos)
            && n->shape().contains(n->mapFromScene(scenePos)))
            node = n;
    }
    if (!node)
        return t;
    t.node = node;
    if (port) {
        t.port = port->name;
        evaluate(t, replace);
        return t;
    }
    // Over the body: the first port that accepts; else the one whose refusal says most (same
    // type first), so the user learns why this node cannot take the link.
    const NodeGeometry &g = node->geometry();
    const QList<PortGeometry> &ports = m_origin.fromOutput ? g.inputs() : g.outputs();
    if (ports.isEmpty()) {
        t.check = {LinkCheck::UnknownPort,
                   m_origin.fromOutput ? tr("%1 has no inputs").arg(node->nodeId())
                                       : tr("%1 has no outputs").arg(node->nodeId())};
        return t;
    }
    Target best;
    for (const PortGeometry &p : ports) {
        Target candidate = t;
        candidate.port = p.name;
        evaluate(candidate, replace);
        if (candidate.check.ok())
            return candidate;
        const bool sameType = p.type == m_origin.type;
        if (!best.node || (sameType && best.check.code == LinkCheck::TypeMismatch))
            best = candidate;
    }
    return best;
}

void LinkDrag::setTarget(const Target &t)
{
    if (m_target.node && !m_target.port.isEmpty()
        && (m_target.node != t.node || m_target.port != t.port))
        m_target.node->setPortMark(m_target.port,
                                   !m_origin.fromOutput,
                                   baseMark(m_target.node->key(), m_target.port));
    m_target = t;
    if (t.node && !t.port.isEmpty())
        t.node->setPortMark(t.port,
                            !m_origin.fromOutput,
                            t.check.ok() ? PortMark::TargetOk : PortMark::TargetRefused);
    if (t.node && !t.check.ok()) {
        m_refusal = t.check.reason;
        QString text = tr("Cannot connect: %1").arg(t.check.reason);
        if (t.check.code == LinkCheck::InputOccupied
            && t.check.reason.startsWith(QLatin1String("input")))
            text += tr(". Hold Shift to replace it.");
        m_bubble->setMessage(text, BubbleItem::Kind::Error);
        m_bubble->show();
    } else if (t.node && !t.replaces.isEmpty()) {
        const Link &old = t.replaces.first();
        const Node *src = m_data.node(old.fromNode);
        m_bubble->setMessage(tr("Replaces the link from %1.%2")
                                 .arg(src ? src->id : QString(), old.fromPort),
                             BubbleItem::Kind::Info);
        m_bubble->show();
    } else {
        m_bubble->hide();
    }
}

void LinkDrag::moveTo(QPointF scenePos, bool replace)
{
    setTarget(targetAt(scenePos, replace));
    QPointF end = scenePos;
    if (m_target.node && m_target.check.ok() && !m_target.port.isEmpty())
        end = m_target.node->portScenePos(m_target.port, m_origin.fromOutput ? false : true);
    const bool refused = m_target.node && !m_target.check.ok();
    const CanvasStyle &style = m_scene->style();
    QPen pen(refused ? style.refused : style.portColor(m_origin.type), 2.5);
    pen.setCapStyle(Qt::RoundCap);
    if (refused || !m_target.node)
        pen.setDashPattern({4, 3});
    m_draft->setPen(pen);
    m_draft->setPath(m_origin.fromOutput ? LinkItem::curve(m_anchor, end)
                                         : LinkItem::curve(end, m_anchor));
    m_bubble->setPos(scenePos);
}

LinkDrag::Outcome LinkDrag::finish(QPointF scenePos, bool replace)
{
    moveTo(scenePos, replace);
    if (!m_target.node)
        return Outcome::DroppedOnEmpty;
    if (!m_target.check.ok())
        return Outcome::Refused;
    PipelineEditor *editor = m_scene->editor();
    if (!editor)
        return Outcome::Nothing;
    QList<Link> replaces = m_target.replaces;
    if (m_origin.replaces)
        replaces.append(*m_origin.replaces);
    const LinkCheck c = editor->connectPorts(linkTo(m_target.node->key(), m_target.port), replaces);
    if (!c.ok()) {
        m_refusal = c.reason;
        return Outcome::Refused;
    }
    return Outcome::Connected;
}

QString LinkDrag::message() const
{
    return m_bubble->isVisible() ? m_bubble->text() : QString();
}

QString LinkDrag::refusal() const
{
    return m_refusal;
}

} // namespace fb
