#pragma once

#include "pipeline/PipelineData.h"

#include <QList>
#include <QUndoCommand>

namespace fb {

class Pipeline;

// Adds a fragment (pasted or duplicated nodes with the links among them, notes and groups).
// The fragment's ids must already be unique in the pipeline; keys are assigned on the first
// redo and kept afterwards.
class AddFragmentCommand : public QUndoCommand
{
public:
    AddFragmentCommand(Pipeline *pipeline,
                       const PipelineData &fragment,
                       const QString &text,
                       QUndoCommand *parent = nullptr);

    QList<int> nodeKeys() const;
    QList<int> annotationKeys() const;
    void redo() override;
    void undo() override;

private:
    Pipeline *m_pipeline;
    PipelineData m_fragment;
    bool m_done = false;
    QList<Node> m_nodes; // as inserted, with their keys
    QList<Link> m_links;
    QList<Annotation> m_annotations;
    QList<Group> m_groups;
};

} // namespace fb
