#pragma once

#include "pipeline/PipelineData.h"

#include <QList>
#include <QUndoCommand>

namespace fb {

class Pipeline;

// Removes nodes (with every link touching them), links and annotations. Undo puts each back
// at its old index, with its old key, and restores group memberships, so the model - and
// the saved file - is exactly what it was.
class RemoveItemsCommand : public QUndoCommand
{
public:
    RemoveItemsCommand(Pipeline *pipeline,
                       const QList<int> &nodeKeys,
                       const QList<Link> &links,
                       const QList<int> &annotationKeys,
                       QUndoCommand *parent = nullptr);

    bool isEmpty() const
    {
        return m_nodes.isEmpty() && m_links.isEmpty() && m_annotations.isEmpty();
    }
    void redo() override;
    void undo() override;

private:
    Pipeline *m_pipeline;
    QList<QPair<qsizetype, Node>> m_nodes; // by ascending index
    QList<QPair<qsizetype, Link>> m_links;
    QList<QPair<qsizetype, Annotation>> m_annotations;
    QList<Group> m_groups; // groups that lose members, as they were
};

} // namespace fb
