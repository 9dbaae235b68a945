#include "CanvasScene.h"

#include "AnnotationItem.h"
#include "BubbleItem.h"
#include "GroupItem.h"
#include "LinkDrag.h"
#include "LinkItem.h"
#include "NodeGeometry.h"
#include "NodeItem.h"
#include "edit/PipelineEditor.h"
#include "pipeline/NodeRegistry.h"
#include "pipeline/Pipeline.h"

#include <QGraphicsSceneMouseEvent>
#include <QGraphicsView>
#include <QKeyEvent>
#include <QTimer>

#include <cmath>

namespace fb {

CanvasScene::CanvasScene(Pipeline *pipeline, PipelineEditor *editor, QObject *parent)
    : QGraphicsScene(parent)
    , m_pipeline(pipeline)
    , m_editor(editor)
    , m_style(CanvasStyle::fromPalette(QPalette()))
{
    // Items move and appear all the time; the BSP index is rebuilt lazily and pays off for
    // hit tests and culling on large pipelines.
    setItemIndexMethod(BspTreeIndex);

    m_validateTimer = new QTimer(this);
    m_validateTimer->setSingleShot(true);
    m_validateTimer->setInterval(0);
    connect(m_validateTimer, &QTimer::timeout, this, &CanvasScene::validate);
    m_flashTimer = new QTimer(this);
    m_flashTimer->setSingleShot(true);
    m_flashTimer->setInterval(3500);
    connect(m_flashTimer, &QTimer::timeout, this, [this] {
        if (m_flash)
            m_flash->hide();
    });

    connect(pipeline, &Pipeline::reset, this, &CanvasScene::rebuild);
    connect(pipeline, &Pipeline::nodeAdded, this, [this](int key) {
        if (const Node *n = m_pipeline->data().node(key))
            addNodeItem(*n);
    });
    connect(pipeline, &Pipeline::nodeAboutToBeRemoved, this, [this](int) { cancelLinkDrag(); });
    connect(pipeline, &Pipeline::nodeRemoved, this, [this](int key) {
        NodeItem *item = m_nodes.take(key);
        if (!item)
            return;
        if (m_dropPreview)
            setDropPreview(nullptr);
        m_keysById.remove(item->nodeId());
        m_linksOfNode.remove(key);
        m_dragNodesFrom.remove(key);
        delete item;
    });
    connect(pipeline,
            &Pipeline::nodeRenamed,
            this,
            [this](int key, const QString &oldId, const QString &newId) {
                if (NodeItem *item = m_nodes.value(key)) {
                    m_keysById.remove(oldId);
                    m_keysById.insert(newId, key);
                    item->setNodeId(newId);
                }
            });
    connect(pipeline, &Pipeline::nodeMoved, this, [this](int key, QPointF pos) {
        if (NodeItem *item = m_nodes.value(key))
            item->setPosFromModel(pos);
    });
    connect(pipeline, &Pipeline::linkAdded, this, [this](const Link &l) { addLinkItem(l); });
    connect(pipeline, &Pipeline::linkRemoved, this, [this](const Link &l) { removeLinkItem(l); });
    connect(pipeline, &Pipeline::annotationAdded, this, [this](int key) {
        if (const Annotation *a = std::as_const(*m_pipeline).data().annotation(key))
            addAnnotationItem(*a);
    });
    connect(pipeline, &Pipeline::annotationChanged, this, [this](int key) {
        const Annotation *a = m_pipeline->data().annotation(key);
        if (AnnotationItem *item = m_annotations.value(key); item && a)
            item->setFromModel(a->text, a->rect);
    });
    connect(pipeline, &Pipeline::annotationRemoved, this, [this](int key) {
        m_dragNotesFrom.remove(key);
        delete m_annotations.take(key);
    });
    connect(pipeline, &Pipeline::groupAdded, this, [this](int key) {
        if (const Group *g = m_pipeline->data().group(key))
            addGroupItem(*g);
    });
    connect(pipeline, &Pipeline::groupChanged, this, [this](int key) {
        if (const Group *g = m_pipeline->data().group(key); g && m_groups.contains(key)) {
            m_groups.value(key)->setTitle(g->title);
            updateGroupFrame(key);
        }
    });
    connect(pipeline, &Pipeline::groupRemoved, this, [this](int key) {
        if (m_groupDrag == key)
            m_groupDrag = 0;
        delete m_groups.take(key);
    });
    connect(pipeline, &Pipeline::changed, this, &CanvasScene::scheduleValidation);
    connect(this, &QGraphicsScene::selectionChanged, this, &CanvasScene::selectionModelChanged);
    rebuild();
}

CanvasScene::~CanvasScene()
{
    m_linkDrag.reset();
    // Deleting the items changes the selection; nobody should hear about it any more.
    blockSignals(true);
    clear();
}

void CanvasScene::setStyle(const CanvasStyle &style)
{
    m_style = style;
    for (NodeItem *n : std::as_const(m_nodes)) {
        const QString id = n->nodeId();
        n->setNodeId(QString()); // re-elide with the new font
        n->setNodeId(id);
    }
    update();
}

NodeItem *CanvasScene::nodeItemById(const QString &id) const
{
    return m_nodes.value(m_keysById.value(id));
}

void CanvasScene::rebuild()
{
    m_rebuilding = true;
    m_linkDrag.reset();
    m_dropPreview = nullptr;
    m_itemDrag = false;
    m_dragNodesFrom.clear();
    m_dragNotesFrom.clear();
    clear(); // deletes every item
    m_flash = nullptr;
    m_nodes.clear();
    m_keysById.clear();
    m_links.clear();
    m_linksOfNode.clear();
    m_annotations.clear();
    m_groups.clear();
    m_groupDrag = 0;
    const PipelineData &data = m_pipeline->data();
    m_nodes.reserve(data.nodes().size());
    for (const Node &n : data.nodes())
        addNodeItem(n);
    for (const Link &l : data.links())
        addLinkItem(l);
    for (const Annotation &a : data.annotations())
        addAnnotationItem(a);
    for (const Group &g : data.groups())
        addGroupItem(g);
    m_rebuilding = false;
    scheduleValidation();
}

void CanvasScene::addNodeItem(const Node &node)
{
    auto *item = new NodeItem(node.key, m_pipeline->registry().find(node.type), node.type);
    addItem(item);
    item->setNodeId(node.id);
    item->setPosFromModel(node.position);
    m_nodes.insert(node.key, item);
    m_keysById.insert(node.id, node.key);
}

void CanvasScene::addLinkItem(const Link &link)
{
    NodeItem *from = m_nodes.value(link.fromNode);
    NodeItem *to = m_nodes.value(link.toNode);
    if (!from || !to || m_links.contains(link))
        return;
    PortType type = PortType::Table;
    if (const NodeType *t = from->nodeType())
        if (const PortSpec *p = t->output(link.fromPort))
            type = p->type;
    auto *item = new LinkItem(link, type);
    item->setToolTip(
        QStringLiteral("%1.%2 → %3.%4 (%5)")
            .arg(from->nodeId(), link.fromPort, to->nodeId(), link.toPort, portTypeName(type)));
    addItem(item);
    m_links.insert(link, item);
    m_linksOfNode[link.fromNode].append(item);
    m_linksOfNode[link.toNode].append(item);
    from->setPortConnected(link.fromPort, true, true);
    to->setPortConnected(link.toPort, false, true);
    updateLinkEnds(item);
}

void CanvasScene::removeLinkItem(const Link &link)
{
    LinkItem *item = m_links.take(link);
    if (!item)
        return;
    if (item == m_dropPreview)
        m_dropPreview = nullptr;
    m_linksOfNode[link.fromNode].removeOne(item);
    m_linksOfNode[link.toNode].removeOne(item);
    const PipelineData &d = m_pipeline->data();
    if (NodeItem *from = m_nodes.value(link.fromNode)) {
        bool stillUsed = false;
        for (const Link &l : d.linksFrom(link.fromNode))
            stillUsed |= l.fromPort == link.fromPort;
        from->setPortConnected(link.fromPort, true, stillUsed);
    }
    if (NodeItem *to = m_nodes.value(link.toNode))
        to->setPortConnected(link.toPort, false, d.linkInto(link.toNode, link.toPort) != nullptr);
    delete item;
}

void CanvasScene::updateLinkEnds(LinkItem *item)
{
    const Link &l = item->link();
    NodeItem *from = m_nodes.value(l.fromNode);
    NodeItem *to = m_nodes.value(l.toNode);
    if (from && to)
        item->setEnds(from->portScenePos(l.fromPort, true), to->portScenePos(l.toPort, false));
}

void CanvasScene::addAnnotationItem(const Annotation &a)
{
    auto *item = new AnnotationItem(a.key);
    addItem(item);
    item->setFromModel(a.text, a.rect);
    m_annotations.insert(a.key, item);
}

void CanvasScene::addGroupItem(const Group &g)
{
    auto *item = new GroupItem(g.key);
    addItem(item);
    item->setTitle(g.title);
    m_groups.insert(g.key, item);
    updateGroupFrame(g.key);
}

void CanvasScene::updateGroupFrame(int key)
{
    GroupItem *item = m_groups.value(key);
    const Group *g = m_pipeline->data().group(key);
    if (!item || !g)
        return;
    QRectF members;
    for (int k : g->nodes)
        if (NodeItem *n = m_nodes.value(k))
            members |= n->mapRectToScene(n->geometry().bodyRect());
    item->setMembersRect(members);
}

void CanvasScene::nodeItemMoved(NodeItem *item)
{
    for (LinkItem *l : m_linksOfNode.value(item->key()))
        updateLinkEnds(l);
    if (!m_groups.isEmpty() && !m_rebuilding)
        for (const Group &g : m_pipeline->data().groups())
            if (g.nodes.contains(item->key()))
                updateGroupFrame(g.key);
}

QRectF CanvasScene::contentRect() const
{
    QRectF r;
    for (const NodeItem *n : m_nodes)
        r |= n->sceneBoundingRect();
    for (const AnnotationItem *a : m_annotations)
        r |= a->sceneBoundingRect();
    for (const GroupItem *g : m_groups)
        r |= g->frame();
    return r;
}

QList<int> CanvasScene::selectedNodeKeys() const
{
    QList<int> keys;
    for (QGraphicsItem *item : selectedItems())
        if (item->type() == NodeItem::Type)
            keys.append(static_cast<NodeItem *>(item)->key());
    // Model order, so that copy, delete and the inspector see a stable order.
    const PipelineData &d = m_pipeline->data();
    std::sort(keys.begin(), keys.end(), [&d](int a, int b) { return d.indexOf(a) < d.indexOf(b); });
    return keys;
}

QList<Link> CanvasScene::selectedLinks() const
{
    QList<Link> links;
    for (QGraphicsItem *item : selectedItems())
        if (item->type() == LinkItem::Type)
            links.append(static_cast<LinkItem *>(item)->link());
    return links;
}

QList<int> CanvasScene::selectedAnnotationKeys() const
{
    QList<int> keys;
    for (QGraphicsItem *item : selectedItems())
        if (item->type() == AnnotationItem::Type)
            keys.append(static_cast<AnnotationItem *>(item)->key());
    std::sort(keys.begin(), keys.end());
    return keys;
}

QList<int> CanvasScene::selectedGroupKeys() const
{
    QList<int> keys;
    for (QGraphicsItem *item : selectedItems())
        if (item->type() == GroupItem::Type)
            keys.append(static_cast<GroupItem *>(item)->key());
    std::sort(keys.begin(), keys.end());
    return keys;
}

void CanvasScene::selectOnly(const QList<int> &nodeKeys, const QList<int> &annotationKeys)
{
    // One selectionChanged for the whole operation, not one per item.
    QSignalBlocker blocker(this);
    clearSelection();
    for (int k : nodeKeys)
        if (NodeItem *n = m_nodes.value(k))
            n->setSelected(true);
    for (int k : annotationKeys)
        if (AnnotationItem *a = m_annotations.value(k))
            a->setSelected(true);
    blocker.unblock();
    Q_EMIT selectionChanged();
}

QPointF CanvasScene::snapNodePosition(QPointF pos) const
{
    if (!m_snap)
        return pos;
    return QPointF(std::round(pos.x() / gridSize) * gridSize,
                   std::round(pos.y() / gridSize) * gridSize);
}

void CanvasScene::clearRunStates()
{
    for (NodeItem *n : std::as_const(m_nodes))
        n->clearRunState();
}

qreal CanvasScene::viewScale() const
{
    const QList<QGraphicsView *> v = views();
    return v.isEmpty() ? 1.0 : std::max(0.01, v.first()->transform().m11());
}

void CanvasScene::scheduleValidation()
{
    if (!m_rebuilding)
        m_validateTimer->start();
}

void CanvasScene::validate()
{
    QHash<QString, QStringList> problems;
    for (const Problem &p : validatePipeline(m_pipeline->data(), m_pipeline->registry())) {
        if (p.nodeId.isEmpty())
            continue;
        problems[p.nodeId].append(
            p.field.isEmpty() ? p.message : QStringLiteral("%1: %2").arg(p.field, p.message));
    }
    for (NodeItem *n : std::as_const(m_nodes))
        n->setProblems(problems.value(n->nodeId()));
}

LinkItem *CanvasScene::insertableLinkAt(const QRectF &nodeSceneRect, const NodeType &type) const
{
    const QPointF center = nodeSceneRect.center();
    LinkItem *best = nullptr;
    qreal bestDistance = std::numeric_limits<qreal>::max();
    for (QGraphicsItem *item : items(nodeSceneRect)) {
        if (item->type() != LinkItem::Type)
            continue;
        auto *link = static_cast<LinkItem *>(item);
        QString in, out;
        if (!PipelineEditor::insertPorts(type, link->portType(), &in, &out))
            continue;
        // The node must actually lie on the curve, not only on its bounding box.
        if (!link->shape().intersects(
                link->mapRectFromScene(nodeSceneRect.adjusted(10, 10, -10, -10))))
            continue;
        const QPointF mid = (link->fromPos() + link->toPos()) / 2;
        const qreal d = QLineF(mid, center).length();
        if (d < bestDistance) {
            bestDistance = d;
            best = link;
        }
    }
    return best;
}

void CanvasScene::setDropPreview(LinkItem *link)
{
    if (link == m_dropPreview)
        return;
    if (m_dropPreview)
        m_dropPreview->setInsertHighlight(false);
    m_dropPreview = link;
    if (link)
        link->setInsertHighlight(true);
}

QString CanvasScene::linkDragMessage() const
{
    return m_linkDrag ? m_linkDrag->message() : QString();
}

void CanvasScene::cancelLinkDrag()
{
    m_linkDrag.reset();
}

void CanvasScene::flashMessage(QPointF scenePos, const QString &text, bool error)
{
    if (!m_flash) {
        m_flash = new BubbleItem;
        addItem(m_flash);
    }
    m_flash->setMessage(text, error ? BubbleItem::Kind::Error : BubbleItem::Kind::Info);
    m_flash->setPos(scenePos);
    m_flash->show();
    m_flashTimer->start();
}

QString CanvasScene::flashedMessage() const
{
    return m_flash && m_flash->isVisible() ? m_flash->text() : QString();
}

NodeItem *CanvasScene::nodeItemAt(QPointF scenePos) const
{
    const qreal tolerance = std::max(NodeGeometry::portRadius + 3, 8.0 / viewScale());
    const QRectF probe(scenePos - QPointF(tolerance, tolerance),
                       QSizeF(2 * tolerance, 2 * tolerance));
    for (QGraphicsItem *item : items(probe)) // topmost first
        if (item->type() == NodeItem::Type)
            return static_cast<NodeItem *>(item);
    return nullptr;
}

void CanvasScene::mousePressEvent(QGraphicsSceneMouseEvent *event)
{
    if (m_flash)
        m_flash->hide();
    if (event->button() == Qt::LeftButton && m_editor && !m_linkDrag) {
        const qreal tolerance = std::max(NodeGeometry::portRadius + 3, 8.0 / viewScale());
        NodeItem *node = nodeItemAt(event->scenePos());
        const PortGeometry *port = node ? node->portAtScene(event->scenePos(), tolerance) : nullptr;
        if (port) {
            PendingLink pending;
            pending.type = port->type;
            QPointF anchor;
            const Link *existing = port->output
                                       ? nullptr
                                       : m_pipeline->data().linkInto(node->key(), port->name);
            if (existing) {
                // Grabbing a connected input picks up its link: drop it elsewhere to re-route.
                pending.node = existing->fromNode;
                pending.port = existing->fromPort;
                pending.fromOutput = true;
                pending.replaces = *existing;
                anchor = m_nodes.value(existing->fromNode)->portScenePos(existing->fromPort, true);
            } else {
                pending.node = node->key();
                pending.port = port->name;
                pending.fromOutput = port->output;
                anchor = node->portScenePos(port->name, port->output);
            }
            m_linkDrag = std::make_unique<LinkDrag>(this, pending, anchor);
            m_linkDrag->moveTo(event->scenePos(), event->modifiers() & Qt::ShiftModifier);
            event->accept();
            return;
        }
    }
    if (event->button() == Qt::LeftButton && m_editor) {
        // A group's title bar drags the whole group.
        for (QGraphicsItem *item : items(event->scenePos())) {
            if (item->type() != GroupItem::Type)
                continue;
            auto *g = static_cast<GroupItem *>(item);
            if (!g->titleBar().contains(event->scenePos()) || g->isEditing())
                break;
            const Group *group = m_pipeline->data().group(g->key());
            if (!group)
                break;
            if (!(event->modifiers() & Qt::ControlModifier) && !g->isSelected())
                clearSelection();
            g->setSelected(true);
            m_groupDrag = g->key();
            m_groupDragStart = event->scenePos();
            m_groupDragFrom.clear();
            for (int k : group->nodes)
                if (NodeItem *n = m_nodes.value(k))
                    m_groupDragFrom.insert(k, n->pos());
            event->accept();
            return;
        }
    }
    QGraphicsScene::mousePressEvent(event);
    if (event->button() == Qt::LeftButton && m_editor && mouseGrabberItem()
        && (mouseGrabberItem()->type() == NodeItem::Type
            || mouseGrabberItem()->type() == AnnotationItem::Type))
        beginItemDrag();
}

void CanvasScene::beginItemDrag()
{
    m_itemDrag = true;
    m_dragNodesFrom.clear();
    m_dragNotesFrom.clear();
    for (QGraphicsItem *item : selectedItems()) {
        if (item->type() == NodeItem::Type)
            m_dragNodesFrom.insert(static_cast<NodeItem *>(item)->key(), item->pos());
        else if (item->type() == AnnotationItem::Type)
            m_dragNotesFrom.insert(static_cast<AnnotationItem *>(item)->key(),
                                   static_cast<AnnotationItem *>(item)->noteRect());
    }
}

void CanvasScene::updateItemDragInsert()
{
    // Dragging one unconnected node over a link offers to splice it in.
    LinkItem *candidate = nullptr;
    if (m_dragNodesFrom.size() == 1 && m_dragNotesFrom.isEmpty()) {
        const int key = m_dragNodesFrom.begin().key();
        NodeItem *n = m_nodes.value(key);
        if (n && n->nodeType() && m_linksOfNode.value(key).isEmpty()
            && n->pos() != m_dragNodesFrom.value(key))
            candidate = insertableLinkAt(n->mapRectToScene(n->geometry().bodyRect()),
                                         *n->nodeType());
    }
    setDropPreview(candidate);
}

void CanvasScene::endItemDrag()
{
    m_itemDrag = false;
    LinkItem *insertInto = m_dropPreview;
    setDropPreview(nullptr);
    QHash<int, QPointF> nodes;
    for (auto it = m_dragNodesFrom.begin(); it != m_dragNodesFrom.end(); ++it)
        if (NodeItem *n = m_nodes.value(it.key()); n && n->pos() != it.value())
            nodes.insert(it.key(), n->pos());
    QHash<int, QRectF> notes;
    for (auto it = m_dragNotesFrom.begin(); it != m_dragNotesFrom.end(); ++it)
        if (AnnotationItem *a = m_annotations.value(it.key()); a && a->noteRect() != it.value())
            notes.insert(it.key(), a->noteRect());
    m_dragNodesFrom.clear();
    m_dragNotesFrom.clear();
    if (nodes.isEmpty() && notes.isEmpty())
        return;
    if (insertInto && nodes.size() == 1) {
        const int key = nodes.begin().key();
        const Link link = insertInto->link();
        if (m_editor->moveIntoLink(key, nodes.value(key), link))
            return;
    }
    m_editor->moveItems(nodes, notes);
}

void CanvasScene::moveGroupMembers(QPointF scenePos)
{
    QPointF delta = scenePos - m_groupDragStart;
    if (m_snap) // the members keep their places relative to each other and to the grid
        delta = QPointF(std::round(delta.x() / gridSize) * gridSize, std::round(delta.y() / gridSize) * gridSize);
    for (auto it = m_groupDragFrom.cbegin(); it != m_groupDragFrom.cend(); ++it)
        if (NodeItem *n = m_nodes.value(it.key()))
            n->setPosFromModel(it.value() + delta);
}

void CanvasScene::mouseMoveEvent(QGraphicsSceneMouseEvent *event)
{
    if (m_linkDrag) {
        m_linkDrag->moveTo(event->scenePos(), event->modifiers() & Qt::ShiftModifier);
        event->accept();
        return;
    }
    if (m_groupDrag) {
        moveGroupMembers(event->scenePos());
        event->accept();
        return;
    }
    QGraphicsScene::mouseMoveEvent(event);
    if (m_itemDrag && (event->buttons() & Qt::LeftButton))
        updateItemDragInsert();
}

void CanvasScene::mouseReleaseEvent(QGraphicsSceneMouseEvent *event)
{
    if (m_linkDrag && event->button() == Qt::LeftButton) {
        const QPointF pos = event->scenePos();
        const LinkDrag::Outcome outcome = m_linkDrag->finish(pos,
                                                             event->modifiers() & Qt::ShiftModifier);
        const PendingLink pending = m_linkDrag->origin();
        const QString refusal = m_linkDrag->refusal();
        m_linkDrag.reset();
        event->accept();
        if (outcome == LinkDrag::Outcome::Refused) {
            m_lastRefusal = refusal;
            flashMessage(pos, tr("Cannot connect: %1").arg(refusal), true);
            Q_EMIT message(tr("Cannot connect: %1").arg(refusal));
        } else if (outcome == LinkDrag::Outcome::DroppedOnEmpty) {
            Q_EMIT quickAddRequested(pos, pending);
        }
        return;
    }
    if (m_groupDrag && event->button() == Qt::LeftButton) {
        moveGroupMembers(event->scenePos());
        QHash<int, QPointF> moved;
        for (auto it = m_groupDragFrom.cbegin(); it != m_groupDragFrom.cend(); ++it)
            if (NodeItem *n = m_nodes.value(it.key()); n && n->pos() != it.value())
                moved.insert(it.key(), n->pos());
        m_groupDrag = 0;
        m_groupDragFrom.clear();
        if (!moved.isEmpty())
            m_editor->moveItems(moved, {});
        event->accept();
        return;
    }
    QGraphicsScene::mouseReleaseEvent(event);
    if (m_itemDrag && event->button() == Qt::LeftButton)
        endItemDrag();
}

void CanvasScene::mouseDoubleClickEvent(QGraphicsSceneMouseEvent *event)
{
    if (event->button() != Qt::LeftButton) {
        QGraphicsScene::mouseDoubleClickEvent(event);
        return;
    }
    QGraphicsItem *item = itemAt(event->scenePos(), QTransform());
    if (item && item->type() == GroupItem::Type && m_editor) {
        auto *g = static_cast<GroupItem *>(item);
        if (g->titleBar().contains(event->scenePos())) {
            g->startEditing();
            event->accept();
            return;
        }
    }
    if (item && item->type() == NodeItem::Type) {
        auto *node = static_cast<NodeItem *>(item);
        const QRectF idArea = node->geometry().idRect().adjusted(-4, -4, 4, 4);
        if (idArea.contains(node->mapFromScene(event->scenePos())))
            Q_EMIT renameRequested(node->key());
        else
            Q_EMIT nodeActivated(node->key());
        event->accept();
        return;
    }
    if (!item && m_editor) {
        Q_EMIT quickAddRequested(event->scenePos(), PendingLink{});
        event->accept();
        return;
    }
    QGraphicsScene::mouseDoubleClickEvent(event);
}

void CanvasScene::keyPressEvent(QKeyEvent *event)
{
    if (m_linkDrag && event->key() == Qt::Key_Escape) {
        m_linkDrag.reset();
        event->accept();
        return;
    }
    QGraphicsScene::keyPressEvent(event);
}

} // namespace fb
