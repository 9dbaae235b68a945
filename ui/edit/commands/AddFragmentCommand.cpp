#include "AddFragmentCommand.h"

#include "pipeline/Pipeline.h"

#include <QHash>

namespace fb {

AddFragmentCommand::AddFragmentCommand(Pipeline *pipeline,
                                       const PipelineData &fragment,
                                       const QString &text,
                                       QUndoCommand *parent)
    : QUndoCommand(parent)
    , m_pipeline(pipeline)
    , m_fragment(fragment)
{
    setText(text);
}

QList<int> AddFragmentCommand::nodeKeys() const
{
    QList<int> keys;
    for (const Node &n : m_nodes)
        keys.append(n.key);
    return keys;
}

QList<int> AddFragmentCommand::annotationKeys() const
{
    QList<int> keys;
    for (const Annotation &a : m_annotations)
        keys.append(a.key);
    return keys;
}

void AddFragmentCommand::redo()
{
    if (m_done) {
        // Again exactly as the first time: same keys, same ids, same order.
        for (const Node &n : m_nodes)
            m_pipeline->insertNode(n);
        for (const Link &l : m_links)
            m_pipeline->addLink(l);
        for (const Annotation &a : m_annotations)
            m_pipeline->addAnnotation(a);
        for (const Group &g : m_groups)
            m_pipeline->addGroup(g);
        return;
    }
    QHash<int, int> keyMap; // fragment key -> pipeline key
    for (Node n : m_fragment.nodes()) {
        const int fragmentKey = n.key;
        n.key = 0;
        n.key = m_pipeline->insertNode(n);
        n.id = m_pipeline->data().node(n.key)->id;
        keyMap.insert(fragmentKey, n.key);
        m_nodes.append(n);
    }
    for (Link l : m_fragment.links()) {
        if (!keyMap.contains(l.fromNode) || !keyMap.contains(l.toNode))
            continue;
        l.fromNode = keyMap.value(l.fromNode);
        l.toNode = keyMap.value(l.toNode);
        if (m_pipeline->addLink(l).ok())
            m_links.append(l);
    }
    for (Annotation a : m_fragment.annotations()) {
        a.key = 0;
        a.key = m_pipeline->addAnnotation(a);
        m_annotations.append(a);
    }
    for (Group g : m_fragment.groups()) {
        QList<int> members;
        for (int k : g.nodes)
            if (keyMap.contains(k))
                members.append(keyMap.value(k));
        if (members.isEmpty())
            continue;
        g.key = 0;
        g.nodes = members;
        g.key = m_pipeline->addGroup(g);
        m_groups.append(g);
    }
    m_done = true;
}

void AddFragmentCommand::undo()
{
    for (auto it = m_groups.crbegin(); it != m_groups.crend(); ++it)
        m_pipeline->removeGroup(it->key);
    for (auto it = m_annotations.crbegin(); it != m_annotations.crend(); ++it)
        m_pipeline->removeAnnotation(it->key);
    for (auto it = m_links.crbegin(); it != m_links.crend(); ++it)
        m_pipeline->removeLink(*it);
    for (auto it = m_nodes.crbegin(); it != m_nodes.crend(); ++it)
        m_pipeline->removeNode(it->key);
}

} // namespace fb
