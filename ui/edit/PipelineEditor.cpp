#include "PipelineEditor.h"

#include "commands/AddAnnotationCommand.h"
#include "commands/AddFragmentCommand.h"
#include "commands/AddLinkCommand.h"
#include "commands/AddNodeCommand.h"
#include "commands/EditAnnotationCommand.h"
#include "commands/GroupCommand.h"
#include "commands/MetadataCommand.h"
#include "commands/MoveItemsCommand.h"
#include "commands/RemoveItemsCommand.h"
#include "commands/RenameNodeCommand.h"
#include "commands/SetParamCommand.h"
#include "pipeline/NodeRegistry.h"
#include "pipeline/Pipeline.h"

#include <QUndoStack>

namespace fb {

PipelineEditor::PipelineEditor(Pipeline *pipeline, QUndoStack *stack, QObject *parent)
    : QObject(parent)
    , m_pipeline(pipeline)
    , m_stack(stack)
{}

Node PipelineEditor::newNode(const QString &type, QPointF position, const QString &id) const
{
    Node n;
    n.type = type;
    n.id = m_pipeline->data().uniqueId(id.isEmpty() ? type : id);
    n.position = position;
    return n;
}

int PipelineEditor::addNode(const QString &type, QPointF position, const QString &id)
{
    if (!m_pipeline->registry().find(type)) {
        Q_EMIT refused(tr("unknown node type '%1'").arg(type));
        return 0;
    }
    auto *cmd = new AddNodeCommand(m_pipeline, newNode(type, position, id));
    m_stack->push(cmd);
    return cmd->key();
}

bool PipelineEditor::insertPorts(const NodeType &type,
                                 PortType linkType,
                                 QString *inPort,
                                 QString *outPort)
{
    const PortSpec *in = nullptr;
    for (const PortSpec &p :
         type.inputs) // a required input first: optional ones rarely carry the main flow
        if (p.type == linkType && (!in || (in->optional && !p.optional)))
            in = &p;
    const PortSpec *out = nullptr;
    for (const PortSpec &p : type.outputs)
        if (p.type == linkType) {
            out = &p;
            break;
        }
    if (!in || !out)
        return false;
    *inPort = in->name;
    *outPort = out->name;
    return true;
}

QString PipelineEditor::portFor(const NodeType &type, const PendingLink &pending)
{
    const QList<PortSpec> &ports = pending.fromOutput ? type.inputs : type.outputs;
    for (const PortSpec &p : ports)
        if (p.type == pending.type && !p.optional)
            return p.name;
    for (const PortSpec &p : ports)
        if (p.type == pending.type)
            return p.name;
    return {};
}

int PipelineEditor::addNodeIntoLink(const QString &type, QPointF position, Link link)
{
    const NodeType *t = m_pipeline->registry().find(type);
    const Node *from = m_pipeline->data().node(link.fromNode);
    const NodeType *fromType = from ? m_pipeline->registry().find(from->type) : nullptr;
    const PortSpec *out = fromType ? fromType->output(link.fromPort) : nullptr;
    QString inPort, outPort;
    if (!t || !out || !m_pipeline->data().links().contains(link)
        || !insertPorts(*t, out->type, &inPort, &outPort))
        return addNode(type, position);
    m_stack->beginMacro(tr("Insert %1").arg(t->title));
    auto *add = new AddNodeCommand(m_pipeline, newNode(type, position, {}));
    m_stack->push(add);
    m_stack->push(new RemoveItemsCommand(m_pipeline, {}, {link}, {}));
    m_stack->push(
        new AddLinkCommand(m_pipeline, Link{link.fromNode, link.fromPort, add->key(), inPort}));
    m_stack->push(
        new AddLinkCommand(m_pipeline, Link{add->key(), outPort, link.toNode, link.toPort}));
    m_stack->endMacro();
    return add->key();
}

bool PipelineEditor::moveIntoLink(int key, QPointF position, Link link)
{
    const Node *n = m_pipeline->data().node(key);
    const Node *from = m_pipeline->data().node(link.fromNode);
    const NodeType *t = n ? m_pipeline->registry().find(n->type) : nullptr;
    const NodeType *fromType = from ? m_pipeline->registry().find(from->type) : nullptr;
    const PortSpec *out = fromType ? fromType->output(link.fromPort) : nullptr;
    QString inPort, outPort;
    if (!t || !out || !insertPorts(*t, out->type, &inPort, &outPort))
        return false;
    // Check both new links against the model as it will be (old link gone), so a cycle or an
    // occupied input is refused before anything changes.
    PipelineData future = m_pipeline->data();
    future.removeLink(link);
    const Link a{link.fromNode, link.fromPort, key, inPort};
    const Link b{key, outPort, link.toNode, link.toPort};
    LinkCheck c = checkLink(future, m_pipeline->registry(), a);
    if (c.ok()) {
        future.addLink(a);
        c = checkLink(future, m_pipeline->registry(), b);
    }
    if (!c.ok()) {
        Q_EMIT refused(c.reason);
        return false;
    }
    m_stack->beginMacro(tr("Insert %1").arg(n->id));
    auto *move = new MoveItemsCommand(m_pipeline, {{key, position}}, {});
    if (move->isEmpty())
        delete move;
    else
        m_stack->push(move);
    m_stack->push(new RemoveItemsCommand(m_pipeline, {}, {link}, {}));
    m_stack->push(new AddLinkCommand(m_pipeline, a));
    m_stack->push(new AddLinkCommand(m_pipeline, b));
    m_stack->endMacro();
    return true;
}

int PipelineEditor::addNodeAndConnect(const QString &type,
                                      QPointF position,
                                      const PendingLink &pending)
{
    const NodeType *t = m_pipeline->registry().find(type);
    const QString port = t ? portFor(*t, pending) : QString();
    if (!t || port.isEmpty())
        return addNode(type, position);
    m_stack->beginMacro(tr("Add %1 and connect").arg(t->title));
    auto *add = new AddNodeCommand(m_pipeline, newNode(type, position, {}));
    m_stack->push(add);
    const Link link = pending.fromOutput ? Link{pending.node, pending.port, add->key(), port}
                                         : Link{add->key(), port, pending.node, pending.port};
    if (pending.replaces)
        m_stack->push(new RemoveItemsCommand(m_pipeline, {}, {*pending.replaces}, {}));
    if (checkConnect(link).ok())
        m_stack->push(new AddLinkCommand(m_pipeline, link));
    m_stack->endMacro();
    return add->key();
}

LinkCheck PipelineEditor::checkConnect(const Link &link, const QList<Link> &replaces) const
{
    if (replaces.isEmpty())
        return m_pipeline->canLink(link);
    PipelineData future = m_pipeline->data();
    for (const Link &l : replaces)
        future.removeLink(l);
    LinkCheck c = checkLink(future, m_pipeline->registry(), link);
    if (c.ok() && future.links().contains(link))
        return {LinkCheck::InputOccupied, tr("these ports are already connected")};
    return c;
}

LinkCheck PipelineEditor::connectPorts(const Link &link, const QList<Link> &replaces)
{
    QList<Link> removed;
    for (const Link &l : replaces)
        if (!(l == link) && m_pipeline->data().links().contains(l))
            removed.append(l);
    if (replaces.contains(link) && m_pipeline->data().links().contains(link))
        return {}; // dropped back where it came from: nothing to do
    const LinkCheck c = checkConnect(link, removed);
    if (!c.ok()) {
        Q_EMIT refused(c.reason);
        return c;
    }
    if (removed.isEmpty()) {
        m_stack->push(new AddLinkCommand(m_pipeline, link));
    } else {
        m_stack->beginMacro(tr("Reconnect"));
        m_stack->push(new RemoveItemsCommand(m_pipeline, {}, removed, {}));
        m_stack->push(new AddLinkCommand(m_pipeline, link));
        m_stack->endMacro();
    }
    return c;
}

void PipelineEditor::removeItems(const QList<int> &nodeKeys,
                                 const QList<Link> &links,
                                 const QList<int> &annotationKeys)
{
    auto *cmd = new RemoveItemsCommand(m_pipeline, nodeKeys, links, annotationKeys);
    if (cmd->isEmpty()) {
        delete cmd;
        return;
    }
    m_stack->push(cmd);
}

void PipelineEditor::moveItems(const QHash<int, QPointF> &nodePositions,
                               const QHash<int, QRectF> &annotationRects)
{
    auto *cmd = new MoveItemsCommand(m_pipeline, nodePositions, annotationRects);
    if (cmd->isEmpty()) {
        delete cmd;
        return;
    }
    m_stack->push(cmd);
}

QString PipelineEditor::checkRename(int key, const QString &newId) const
{
    const Node *n = m_pipeline->data().node(key);
    if (!n)
        return tr("the node does not exist");
    if (n->id == newId)
        return {};
    if (!PipelineData::isValidId(newId)) {
        if (newId.isEmpty())
            return tr("the id cannot be empty");
        return tr("'%1' is not a valid id: use letters, digits, '_' or '-', starting with a letter "
                  "or '_' (at most 64 characters)")
            .arg(newId);
    }
    if (m_pipeline->data().nodeById(newId))
        return tr("another node is already called '%1'").arg(newId);
    return {};
}

QString PipelineEditor::renameNode(int key, const QString &newId)
{
    const QString reason = checkRename(key, newId);
    if (!reason.isEmpty()) {
        Q_EMIT refused(reason);
        return reason;
    }
    const Node *n = m_pipeline->data().node(key);
    if (n->id != newId)
        m_stack->push(new RenameNodeCommand(m_pipeline, key, n->id, newId));
    return {};
}

void PipelineEditor::setParam(int key, const QString &name, const QJsonValue &value)
{
    const Node *n = m_pipeline->data().node(key);
    if (!n)
        return;
    const QJsonValue current = n->params.contains(name) ? n->params.value(name)
                                                        : QJsonValue(QJsonValue::Undefined);
    if (current == value)
        return;
    m_stack->push(new SetParamCommand(m_pipeline, key, name, value));
}

void PipelineEditor::setNodeSettings(int key, const QString &field, const NodeSettings &settings)
{
    if (!m_pipeline->data().node(key)
        || NodeSettingsCommand::settingsOf(*m_pipeline, key) == settings)
        return;
    m_stack->push(new NodeSettingsCommand(m_pipeline, key, field, settings));
}

int PipelineEditor::addAnnotation(const QRectF &rect, const QString &text)
{
    auto *cmd = new AddAnnotationCommand(m_pipeline, Annotation{0, text, rect});
    m_stack->push(cmd);
    return cmd->key();
}

void PipelineEditor::editAnnotation(int key, const QString &text, const QRectF &rect)
{
    auto *cmd = new EditAnnotationCommand(m_pipeline, key, text, rect);
    if (cmd->isNoOp()) {
        delete cmd;
        return;
    }
    m_stack->push(cmd);
}

int PipelineEditor::groupNodes(const QList<int> &nodeKeys, const QString &title)
{
    QList<int> members;
    for (const Node &n : m_pipeline->data().nodes()) // model order
        if (nodeKeys.contains(n.key))
            members.append(n.key);
    if (members.isEmpty())
        return 0;
    m_stack->beginMacro(tr("Group %1 nodes").arg(members.size()));
    const QList<Group> groups = m_pipeline->data().groups();
    for (const Group &g : groups) {
        QList<int> rest = g.nodes;
        rest.removeIf([&members](int k) { return members.contains(k); });
        if (rest.size() == g.nodes.size())
            continue;
        if (rest.isEmpty())
            m_stack->push(new GroupCommand(m_pipeline, GroupCommand::Remove, g));
        else
            m_stack->push(new GroupCommand(m_pipeline, GroupCommand::Change, Group{g.key, g.title, rest}));
    }
    auto *add = new GroupCommand(m_pipeline, GroupCommand::Add, Group{0, title, members});
    m_stack->push(add);
    m_stack->endMacro();
    return add->key();
}

void PipelineEditor::ungroup(const QList<int> &groupKeys)
{
    QList<int> keys;
    for (int k : groupKeys)
        if (m_pipeline->data().group(k) && !keys.contains(k))
            keys.append(k);
    if (keys.isEmpty())
        return;
    if (keys.size() > 1)
        m_stack->beginMacro(tr("Ungroup"));
    for (int k : keys)
        m_stack->push(new GroupCommand(m_pipeline, GroupCommand::Remove, Group{k, {}, {}}));
    if (keys.size() > 1)
        m_stack->endMacro();
}

void PipelineEditor::setGroupTitle(int key, const QString &title)
{
    const Group *g = m_pipeline->data().group(key);
    if (!g || g->title == title)
        return;
    m_stack->push(new GroupCommand(m_pipeline, GroupCommand::Change, Group{key, title, g->nodes}));
}

void PipelineEditor::setPipelineName(const QString &name)
{
    if (name != m_pipeline->data().name)
        m_stack->push(new MetadataCommand(m_pipeline, MetadataCommand::Name, name));
}

void PipelineEditor::setPipelineDescription(const QString &description)
{
    if (description != m_pipeline->data().description)
        m_stack->push(new MetadataCommand(m_pipeline, MetadataCommand::Description, description));
}

QList<int> PipelineEditor::addFragment(const PipelineData &fragment,
                                       const QString &text,
                                       QList<int> *annotationKeys)
{
    if (fragment.nodes().isEmpty() && fragment.annotations().isEmpty())
        return {};
    auto *cmd = new AddFragmentCommand(m_pipeline, fragment, text);
    m_stack->push(cmd);
    if (annotationKeys)
        *annotationKeys = cmd->annotationKeys();
    return cmd->nodeKeys();
}

} // namespace fb
