#pragma once

#include <QString>
#include <QUndoCommand>

namespace fb {

class Pipeline;

// Renames a node's id (validated by the editor before it is pushed).
class RenameNodeCommand : public QUndoCommand
{
public:
    RenameNodeCommand(Pipeline *pipeline,
                      int key,
                      const QString &oldId,
                      const QString &newId,
                      QUndoCommand *parent = nullptr);

    void redo() override;
    void undo() override;

private:
    Pipeline *m_pipeline;
    int m_key;
    QString m_oldId;
    QString m_newId;
};

} // namespace fb
