#include "Pipeline.h"

#include "NodeRegistry.h"

namespace fb {

Pipeline::Pipeline(const NodeRegistry &registry, QObject *parent)
    : QObject(parent)
    , m_registry(registry)
{}

void Pipeline::setData(PipelineData data)
{
    m_data = std::move(data);
    Q_EMIT reset();
    Q_EMIT changed();
}

int Pipeline::addNode(const QString &type, const QString &id, QPointF position)
{
    const NodeType *t = m_registry.find(type);
    if (!t)
        return 0;
    Node n;
    n.type = type;
    n.id = m_data.uniqueId(id.isEmpty() ? type : id);
    n.position = position;
    return insertNode(std::move(n));
}

int Pipeline::insertNode(Node node)
{
    if (node.id.isEmpty() || m_data.nodeById(node.id))
        node.id = m_data.uniqueId(node.id.isEmpty() ? node.type : node.id);
    const int key = m_data.addNode(std::move(node));
    Q_EMIT nodeAdded(key);
    Q_EMIT changed();
    return key;
}

int Pipeline::insertNodeAt(qsizetype index, Node node)
{
    if (node.id.isEmpty() || m_data.nodeById(node.id))
        node.id = m_data.uniqueId(node.id.isEmpty() ? node.type : node.id);
    const int key = m_data.insertNodeAt(index, std::move(node));
    Q_EMIT nodeAdded(key);
    Q_EMIT changed();
    return key;
}

void Pipeline::removeNode(int key)
{
    if (!m_data.node(key))
        return;
    Q_EMIT nodeAboutToBeRemoved(key);
    const QList<Link> touching = m_data.linksTo(key) + m_data.linksFrom(key);
    for (const Link &l : touching) {
        m_data.removeLink(l);
        Q_EMIT linkRemoved(l);
    }
    QList<int> groupsTouched;
    for (const Group &g : m_data.groups())
        if (g.nodes.contains(key))
            groupsTouched.append(g.key);
    m_data.removeNode(key);
    Q_EMIT nodeRemoved(key);
    for (int g : groupsTouched)
        Q_EMIT groupChanged(g);
    Q_EMIT changed();
}

QString Pipeline::renameNode(int key, const QString &newId)
{
    Node *n = m_data.node(key);
    if (!n)
        return QStringLiteral("the node does not exist");
    if (n->id == newId)
        return {};
    if (!PipelineData::isValidId(newId))
        return QStringLiteral("'%1' is not a valid id: use letters, digits, '_' or '-', starting "
                              "with a letter or '_'")
            .arg(newId);
    if (m_data.nodeById(newId))
        return QStringLiteral("another node is already called '%1'").arg(newId);
    const QString old = n->id;
    n->id = newId;
    Q_EMIT nodeRenamed(key, old, newId);
    Q_EMIT changed();
    return {};
}

void Pipeline::moveNode(int key, QPointF position)
{
    Node *n = m_data.node(key);
    if (!n || n->position == position)
        return;
    n->position = position;
    Q_EMIT nodeMoved(key, position);
    Q_EMIT changed();
}

void Pipeline::setParam(int key, const QString &name, const QJsonValue &value)
{
    Node *n = m_data.node(key);
    if (!n)
        return;
    if (value.isUndefined()) {
        if (!n->params.contains(name))
            return;
        n->params.remove(name);
    } else {
        if (n->params.value(name) == value)
            return;
        n->params.insert(name, value);
    }
    Q_EMIT paramChanged(key, name);
    Q_EMIT changed();
}

void Pipeline::setExecutionSettings(int key, int retries, double retryDelaySeconds, double timeoutSeconds)
{
    Node *n = m_data.node(key);
    if (!n)
        return;
    n->retries = retries;
    n->retryDelaySeconds = retryDelaySeconds;
    n->timeoutSeconds = timeoutSeconds;
    Q_EMIT executionSettingsChanged(key);
    Q_EMIT changed();
}

void Pipeline::setComment(int key, const QString &comment)
{
    Node *n = m_data.node(key);
    if (!n || n->comment == comment)
        return;
    n->comment = comment;
    Q_EMIT executionSettingsChanged(key);
    Q_EMIT changed();
}

LinkCheck Pipeline::canLink(const Link &link) const
{
    LinkCheck c = checkLink(m_data, m_registry, link);
    if (c.ok() && m_data.links().contains(link))
        return {LinkCheck::InputOccupied, QStringLiteral("these ports are already connected")};
    return c;
}

LinkCheck Pipeline::addLink(const Link &link)
{
    const LinkCheck c = canLink(link);
    if (!c.ok())
        return c;
    m_data.addLink(link);
    Q_EMIT linkAdded(link);
    Q_EMIT changed();
    return c;
}

LinkCheck Pipeline::insertLinkAt(qsizetype index, const Link &link)
{
    const LinkCheck c = canLink(link);
    if (!c.ok())
        return c;
    m_data.insertLinkAt(index, link);
    Q_EMIT linkAdded(link);
    Q_EMIT changed();
    return c;
}

void Pipeline::removeLink(const Link &link)
{
    if (!m_data.removeLink(link))
        return;
    Q_EMIT linkRemoved(link);
    Q_EMIT changed();
}

int Pipeline::addAnnotation(Annotation a)
{
    const int key = m_data.addAnnotation(std::move(a));
    Q_EMIT annotationAdded(key);
    Q_EMIT changed();
    return key;
}

int Pipeline::insertAnnotationAt(qsizetype index, Annotation a)
{
    const int key = m_data.insertAnnotationAt(index, std::move(a));
    Q_EMIT annotationAdded(key);
    Q_EMIT changed();
    return key;
}

void Pipeline::removeAnnotation(int key)
{
    if (!m_data.annotation(key))
        return;
    m_data.removeAnnotation(key);
    Q_EMIT annotationRemoved(key);
    Q_EMIT changed();
}

void Pipeline::setAnnotation(int key, const QString &text, const QRectF &rect)
{
    Annotation *a = m_data.annotation(key);
    if (!a || (a->text == text && a->rect == rect))
        return;
    a->text = text;
    a->rect = rect;
    Q_EMIT annotationChanged(key);
    Q_EMIT changed();
}

int Pipeline::addGroup(Group g)
{
    const int key = m_data.addGroup(std::move(g));
    Q_EMIT groupAdded(key);
    Q_EMIT changed();
    return key;
}

int Pipeline::insertGroupAt(qsizetype index, Group g)
{
    const int key = m_data.insertGroupAt(index, std::move(g));
    Q_EMIT groupAdded(key);
    Q_EMIT changed();
    return key;
}

void Pipeline::removeGroup(int key)
{
    if (!m_data.group(key))
        return;
    m_data.removeGroup(key);
    Q_EMIT groupRemoved(key);
    Q_EMIT changed();
}

void Pipeline::setGroup(int key, const QString &title, const QList<int> &nodes)
{
    Group *g = m_data.group(key);
    if (!g)
        return;
    g->title = title;
    g->nodes = nodes;
    Q_EMIT groupChanged(key);
    Q_EMIT changed();
}

void Pipeline::setName(const QString &name)
{
    if (m_data.name == name)
        return;
    m_data.name = name;
    Q_EMIT metadataChanged();
    Q_EMIT changed();
}

void Pipeline::setDescription(const QString &description)
{
    if (m_data.description == description)
        return;
    m_data.description = description;
    Q_EMIT metadataChanged();
    Q_EMIT changed();
}

} // namespace fb
