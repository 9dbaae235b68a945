#pragma once

#include "pipeline/PipelineData.h"

#include <QUndoCommand>

namespace fb {

class Pipeline;

// Adds one link (checked by the model; the editor only pushes links the model accepts).
class AddLinkCommand : public QUndoCommand
{
public:
    AddLinkCommand(Pipeline *pipeline, const Link &link, QUndoCommand *parent = nullptr);

    void redo() override;
    void undo() override;

private:
    Pipeline *m_pipeline;
    Link m_link;
    bool m_added = false;
};

} // namespace fb
