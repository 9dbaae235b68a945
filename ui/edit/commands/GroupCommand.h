#pragma once

#include "pipeline/PipelineData.h"

#include <QList>
#include <QUndoCommand>

namespace fb {

class Pipeline;

// Adds, removes (ungroups) or changes a group of nodes. Removal puts the group back at its
// old index with its old key, so undo restores the saved file exactly.
class GroupCommand : public QUndoCommand
{
public:
    enum Kind { Add, Remove, Change };

    // Add: `group` is the new group (key 0). Remove: `group.key` is the group to remove.
    // Change: `group` holds the key and the new title and members.
    GroupCommand(Pipeline *pipeline, Kind kind, const Group &group, QUndoCommand *parent = nullptr);

    int key() const { return m_after.key ? m_after.key : m_before.key; }
    void redo() override;
    void undo() override;

private:
    Pipeline *m_pipeline;
    Kind m_kind;
    Group m_before; // Remove/Change: as it was
    Group m_after;  // Add/Change: as it becomes
    qsizetype m_index = -1;
};

} // namespace fb
