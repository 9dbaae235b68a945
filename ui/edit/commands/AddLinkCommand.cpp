#include "AddLinkCommand.h"

#include "pipeline/Pipeline.h"

#include <QCoreApplication>

namespace fb {

AddLinkCommand::AddLinkCommand(Pipeline *pipeline, const Link &link, QUndoCommand *parent)
    : QUndoCommand(parent)
    , m_pipeline(pipeline)
    , m_link(link)
{
    const PipelineData &d = pipeline->data();
    const Node *from = d.node(link.fromNode);
    const Node *to = d.node(link.toNode);
    setText(
        QCoreApplication::translate("fb::Commands", "Connect %1.%2 to %3.%4")
            .arg(from ? from->id : QString(), link.fromPort, to ? to->id : QString(), link.toPort));
}

void AddLinkCommand::redo()
{
    m_added = m_pipeline->addLink(m_link).ok();
}

void AddLinkCommand::undo()
{
    if (m_added)
        m_pipeline->removeLink(m_link);
}

} // namespace fb
