#pragma once

#include <QRectF>
#include <QString>
#include <QUndoCommand>

namespace fb {

class Pipeline;

// Changes a note's text and/or its rectangle (resize).
class EditAnnotationCommand : public QUndoCommand
{
public:
    EditAnnotationCommand(Pipeline *pipeline,
                          int key,
                          const QString &text,
                          const QRectF &rect,
                          QUndoCommand *parent = nullptr);

    bool isNoOp() const { return m_oldText == m_newText && m_oldRect == m_newRect; }
    void redo() override;
    void undo() override;

private:
    Pipeline *m_pipeline;
    int m_key;
    QString m_oldText, m_newText;
    QRectF m_oldRect, m_newRect;
};

} // namespace fb
