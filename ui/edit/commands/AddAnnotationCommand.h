#pragma once

#include "pipeline/PipelineData.h"

#include <QUndoCommand>

namespace fb {

class Pipeline;

// Adds a text note; its key is kept through undo/redo.
class AddAnnotationCommand : public QUndoCommand
{
public:
    AddAnnotationCommand(Pipeline *pipeline, Annotation annotation, QUndoCommand *parent = nullptr);

    int key() const { return m_annotation.key; }
    void redo() override;
    void undo() override;

private:
    Pipeline *m_pipeline;
    Annotation m_annotation;
};

} // namespace fb
