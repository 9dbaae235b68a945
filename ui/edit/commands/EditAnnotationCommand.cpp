#include "EditAnnotationCommand.h"

#include "pipeline/Pipeline.h"

#include <QCoreApplication>

namespace fb {

EditAnnotationCommand::EditAnnotationCommand(
    Pipeline *pipeline, int key, const QString &text, const QRectF &rect, QUndoCommand *parent)
    : QUndoCommand(parent)
    , m_pipeline(pipeline)
    , m_key(key)
    , m_newText(text)
    , m_newRect(rect)
{
    if (const Annotation *a = pipeline->data().annotation(key)) {
        m_oldText = a->text;
        m_oldRect = a->rect;
    }
    setText(m_oldText != m_newText ? QCoreApplication::translate("fb::Commands", "Edit note")
                                   : QCoreApplication::translate("fb::Commands", "Resize note"));
}

void EditAnnotationCommand::redo()
{
    m_pipeline->setAnnotation(m_key, m_newText, m_newRect);
}

void EditAnnotationCommand::undo()
{
    m_pipeline->setAnnotation(m_key, m_oldText, m_oldRect);
}

} // namespace fb
