#include "AddAnnotationCommand.h"

#include "pipeline/Pipeline.h"

#include <QCoreApplication>

namespace fb {

AddAnnotationCommand::AddAnnotationCommand(Pipeline *pipeline,
                                           Annotation annotation,
                                           QUndoCommand *parent)
    : QUndoCommand(parent)
    , m_pipeline(pipeline)
    , m_annotation(std::move(annotation))
{
    setText(QCoreApplication::translate("fb::Commands", "Add note"));
}

void AddAnnotationCommand::redo()
{
    m_annotation.key = m_pipeline->addAnnotation(m_annotation);
}

void AddAnnotationCommand::undo()
{
    m_pipeline->removeAnnotation(m_annotation.key);
}

} // namespace fb
