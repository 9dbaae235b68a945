#include "RemoveItemsCommand.h"

#include "pipeline/Pipeline.h"

#include <QCoreApplication>
#include <QSet>

#include <algorithm>

namespace fb {

RemoveItemsCommand::RemoveItemsCommand(Pipeline *pipeline,
                                       const QList<int> &nodeKeys,
                                       const QList<Link> &links,
                                       const QList<int> &annotationKeys,
                                       QUndoCommand *parent)
    : QUndoCommand(parent)
    , m_pipeline(pipeline)
{
    const PipelineData &data = pipeline->data();
    const QSet<int> keys(nodeKeys.begin(), nodeKeys.end());
    for (int key : keys)
        if (const Node *n = data.node(key))
            m_nodes.append({data.indexOf(key), *n});
    for (qsizetype i = 0; i < data.links().size(); ++i) {
        const Link &l = data.links().at(i);
        if (keys.contains(l.fromNode) || keys.contains(l.toNode) || links.contains(l))
            m_links.append({i, l});
    }
    const QSet<int> notes(annotationKeys.begin(), annotationKeys.end());
    for (int key : notes)
        if (const Annotation *a = data.annotation(key))
            m_annotations.append({data.annotationIndex(key), *a});
    for (const Group &g : data.groups())
        for (int member : g.nodes)
            if (keys.contains(member)) {
                m_groups.append(g);
                break;
            }
    auto byIndex = [](const auto &a, const auto &b) { return a.first < b.first; };
    std::sort(m_nodes.begin(), m_nodes.end(), byIndex);
    std::sort(m_annotations.begin(), m_annotations.end(), byIndex);

    const auto tr = [](const char *s) { return QCoreApplication::translate("fb::Commands", s); };
    if (m_nodes.size() == 1 && m_annotations.isEmpty())
        setText(tr("Delete %1").arg(m_nodes.first().second.id));
    else if (!m_nodes.isEmpty())
        setText(tr("Delete %1 nodes").arg(m_nodes.size()));
    else if (!m_annotations.isEmpty())
        setText(tr("Delete note"));
    else
        setText(m_links.size() == 1 ? tr("Delete link") : tr("Delete links"));
}

void RemoveItemsCommand::redo()
{
    for (auto it = m_links.crbegin(); it != m_links.crend(); ++it)
        m_pipeline->removeLink(it->second);
    for (auto it = m_nodes.crbegin(); it != m_nodes.crend(); ++it)
        m_pipeline->removeNode(it->second.key);
    for (auto it = m_annotations.crbegin(); it != m_annotations.crend(); ++it)
        m_pipeline->removeAnnotation(it->second.key);
}

void RemoveItemsCommand::undo()
{
    for (const auto &[index, node] : m_nodes)
        m_pipeline->insertNodeAt(index, node);
    for (const auto &[index, link] : m_links)
        m_pipeline->insertLinkAt(index, link);
    for (const auto &[index, note] : m_annotations)
        m_pipeline->insertAnnotationAt(index, note);
    for (const Group &g : m_groups)
        m_pipeline->setGroup(g.key, g.title, g.nodes);
}

} // namespace fb
