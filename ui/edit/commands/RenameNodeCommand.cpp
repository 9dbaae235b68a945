#include "RenameNodeCommand.h"

#include "pipeline/Pipeline.h"

#include <QCoreApplication>

namespace fb {

RenameNodeCommand::RenameNodeCommand(
    Pipeline *pipeline, int key, const QString &oldId, const QString &newId, QUndoCommand *parent)
    : QUndoCommand(parent)
    , m_pipeline(pipeline)
    , m_key(key)
    , m_oldId(oldId)
    , m_newId(newId)
{
    setText(QCoreApplication::translate("fb::Commands", "Rename %1 to %2").arg(oldId, newId));
}

void RenameNodeCommand::redo()
{
    m_pipeline->renameNode(m_key, m_newId);
}

void RenameNodeCommand::undo()
{
    m_pipeline->renameNode(m_key, m_oldId);
}

} // namespace fb
