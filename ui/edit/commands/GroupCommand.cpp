#include "GroupCommand.h"

#include "pipeline/Pipeline.h"

#include <QCoreApplication>

namespace fb {

GroupCommand::GroupCommand(Pipeline *pipeline, Kind kind, const Group &group, QUndoCommand *parent)
    : QUndoCommand(parent)
    , m_pipeline(pipeline)
    , m_kind(kind)
{
    const auto tr = [](const char *s) { return QCoreApplication::translate("fb::Commands", s); };
    if (kind == Add) {
        m_after = group;
        setText(tr("Group %1 nodes").arg(group.nodes.size()));
        return;
    }
    if (const Group *g = pipeline->data().group(group.key)) {
        m_before = *g;
        m_index = pipeline->data().groupIndex(group.key);
    }
    if (kind == Change) {
        m_after = group;
        setText(m_before.title != group.title ? tr("Rename group") : tr("Change group"));
    } else {
        setText(tr("Ungroup"));
    }
}

void GroupCommand::redo()
{
    switch (m_kind) {
    case Add:
        m_after.key = m_pipeline->addGroup(m_after);
        break;
    case Remove:
        m_pipeline->removeGroup(m_before.key);
        break;
    case Change:
        m_pipeline->setGroup(m_after.key, m_after.title, m_after.nodes);
        break;
    }
}

void GroupCommand::undo()
{
    switch (m_kind) {
    case Add:
        m_pipeline->removeGroup(m_after.key);
        break;
    case Remove:
        m_pipeline->insertGroupAt(m_index, m_before);
        break;
    case Change:
        m_pipeline->setGroup(m_before.key, m_before.title, m_before.nodes);
        break;
    }
}

} // namespace fb
