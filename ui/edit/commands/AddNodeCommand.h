#pragma once

#include "pipeline/PipelineData.h"

#include <QUndoCommand>

namespace fb {

class Pipeline;

// Adds one node. The key and id chosen on the first redo are kept, so commands pushed after
// this one can refer to the node by key through any number of undo/redo cycles.
class AddNodeCommand : public QUndoCommand
{
public:
    AddNodeCommand(Pipeline *pipeline, Node node, QUndoCommand *parent = nullptr);

    int key() const { return m_node.key; }
    void redo() override;
    void undo() override;

private:
    Pipeline *m_pipeline;
    Node m_node;
};

} // namespace fb
