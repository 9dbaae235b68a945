#include "PipelineData.h"

#include <QRegularExpression>
#include <QSet>

#include <algorithm>

namespace fb {

const Node *PipelineData::node(int key) const
{
    const qsizetype i = indexOf(key);
    return i < 0 ? nullptr : &m_nodes.at(i);
}

Node *PipelineData::node(int key)
{
    const qsizetype i = indexOf(key);
    return i < 0 ? nullptr : &m_nodes[i];
}

const Node *PipelineData::nodeById(const QString &id) const
{
    for (const Node &n : m_nodes)
        if (n.id == id)
            return &n;
    return nullptr;
}

int PipelineData::keyOf(const QString &id) const
{
    const Node *n = nodeById(id);
    return n ? n->key : 0;
}

qsizetype PipelineData::indexOf(int key) const
{
    return m_index.value(key, -1);
}

int PipelineData::takeKey(int wanted)
{
    if (wanted > 0 && !m_index.contains(wanted)) {
        m_nextKey = std::max(m_nextKey, wanted + 1);
        return wanted;
    }
    return m_nextKey++;
}

int PipelineData::addNode(Node node)
{
    node.key = takeKey(node.key);
    m_index.insert(node.key, m_nodes.size());
    m_nodes.append(std::move(node));
    return m_nodes.last().key;
}

int PipelineData::insertNodeAt(qsizetype index, Node node)
{
    node.key = takeKey(node.key);
    const int key = node.key;
    m_nodes.insert(std::clamp<qsizetype>(index, 0, m_nodes.size()), std::move(node));
    reindex();
    return key;
}

void PipelineData::reindex()
{
    m_index.clear();
    for (qsizetype i = 0; i < m_nodes.size(); ++i)
        m_index.insert(m_nodes.at(i).key, i);
}

void PipelineData::removeNode(int key)
{
    const qsizetype i = indexOf(key);
    if (i < 0)
        return;
    m_nodes.removeAt(i);
    reindex();
    m_links.removeIf([key](const Link &l) { return l.fromNode == key || l.toNode == key; });
    for (Group &g : m_groups)
        g.nodes.removeAll(key);
}

void PipelineData::addLink(const Link &link)
{
    m_links.append(link);
}

void PipelineData::insertLinkAt(qsizetype index, const Link &link)
{
    m_links.insert(std::clamp<qsizetype>(index, 0, m_links.size()), link);
}

bool PipelineData::removeLink(const Link &link)
{
    return m_links.removeOne(link);
}

qsizetype PipelineData::linkIndex(const Link &link) const
{
    return m_links.indexOf(link);
}

int PipelineData::addAnnotation(Annotation a)
{
    if (a.key <= 0 || annotation(a.key))
        a.key = m_nextKey++;
    else
        m_nextKey = std::max(m_nextKey, a.key + 1);
    m_annotations.append(std::move(a));
    return m_annotations.last().key;
}

int PipelineData::insertAnnotationAt(qsizetype index, Annotation a)
{
    if (a.key <= 0 || annotation(a.key))
        a.key = m_nextKey++;
    else
        m_nextKey = std::max(m_nextKey, a.key + 1);
    const int key = a.key;
    m_annotations.insert(std::clamp<qsizetype>(index, 0, m_annotations.size()), std::move(a));
    return key;
}

const Annotation *PipelineData::annotation(int key) const
{
    for (const Annotation &a : m_annotations)
        if (a.key == key)
            return &a;
    return nullptr;
}

qsizetype PipelineData::annotationIndex(int key) const
{
    for (qsizetype i = 0; i < m_annotations.size(); ++i)
        if (m_annotations.at(i).key == key)
            return i;
    return -1;
}

void PipelineData::removeAnnotation(int key)
{
    m_annotations.removeIf([key](const Annotation &a) { return a.key == key; });
}

Annotation *PipelineData::annotation(int key)
{
    for (Annotation &a : m_annotations)
        if (a.key == key)
            return &a;
    return nullptr;
}

int PipelineData::addGroup(Group g)
{
    if (g.key <= 0 || group(g.key))
        g.key = m_nextKey++;
    else
        m_nextKey = std::max(m_nextKey, g.key + 1);
    m_groups.append(std::move(g));
    return m_groups.last().key;
}

int PipelineData::insertGroupAt(qsizetype index, Group g)
{
    if (g.key <= 0 || group(g.key))
        g.key = m_nextKey++;
    else
        m_nextKey = std::max(m_nextKey, g.key + 1);
    const int key = g.key;
    m_groups.insert(std::clamp<qsizetype>(index, 0, m_groups.size()), std::move(g));
    return key;
}

qsizetype PipelineData::groupIndex(int key) const
{
    for (qsizetype i = 0; i < m_groups.size(); ++i)
        if (m_groups.at(i).key == key)
            return i;
    return -1;
}

void PipelineData::removeGroup(int key)
{
    m_groups.removeIf([key](const Group &g) { return g.key == key; });
}

Group *PipelineData::group(int key)
{
    for (Group &g : m_groups)
        if (g.key == key)
            return &g;
    return nullptr;
}

const Group *PipelineData::group(int key) const
{
    for (const Group &g : m_groups)
        if (g.key == key)
            return &g;
    return nullptr;
}

QList<Link> PipelineData::linksTo(int key) const
{
    QList<Link> out;
    for (const Link &l : m_links)
        if (l.toNode == key)
            out.append(l);
    return out;
}

QList<Link> PipelineData::linksFrom(int key) const
{
    QList<Link> out;
    for (const Link &l : m_links)
        if (l.fromNode == key)
            out.append(l);
    return out;
}

const Link *PipelineData::linkInto(int key, const QString &port) const
{
    for (const Link &l : m_links)
        if (l.toNode == key && l.toPort == port)
            return &l;
    return nullptr;
}

bool PipelineData::reaches(int from, int to) const
{
    if (from == to)
        return true;
    QHash<int, QList<int>> next;
    for (const Link &l : m_links)
        next[l.fromNode].append(l.toNode);
    QList<int> stack{from};
    QSet<int> seen{from};
    while (!stack.isEmpty()) {
        const int k = stack.takeLast();
        for (int n : next.value(k)) {
            if (n == to)
                return true;
            if (!seen.contains(n)) {
                seen.insert(n);
                stack.append(n);
            }
        }
    }
    return false;
}

bool PipelineData::isValidId(const QString &id)
{
    // Also valid as an Airflow task_id and unambiguous in --set ID.PARAM=VALUE.
    static const QRegularExpression re(QStringLiteral("^[A-Za-z_][A-Za-z0-9_-]{0,63}$"));
    return re.match(id).hasMatch();
}

QString PipelineData::uniqueId(const QString &base) const
{
    QString stem = base;
    stem.replace(QRegularExpression(QStringLiteral("[^A-Za-z0-9_-]")), QStringLiteral("_"));
    if (stem.isEmpty() || !(stem.at(0).isLetter() || stem.at(0) == u'_'))
        stem.prepend(u'n');
    stem.truncate(56);
    // "train_3" copied again becomes "train_4", not "train_3_2".
    static const QRegularExpression suffix(QStringLiteral("^(.*)_(\\d+)$"));
    const auto m = suffix.match(stem);
    const QString root = m.hasMatch() ? m.captured(1) : stem;
    if (!nodeById(stem))
        return stem;
    QSet<QString> used;
    for (const Node &n : m_nodes)
        used.insert(n.id);
    for (int i = 2;; ++i) {
        const QString candidate = root + u'_' + QString::number(i);
        if (!used.contains(candidate))
            return candidate;
    }
}

bool PipelineData::operator==(const PipelineData &other) const
{
    return name == other.name && description == other.description && m_nodes == other.m_nodes
           && m_links == other.m_links && m_annotations == other.m_annotations
           && m_groups == other.m_groups;
}

} // namespace fb
