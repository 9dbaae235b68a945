#include "AddNodeCommand.h"

#include "pipeline/Pipeline.h"

#include <QCoreApplication>

namespace fb {

AddNodeCommand::AddNodeCommand(Pipeline *pipeline, Node node, QUndoCommand *parent)
    : QUndoCommand(parent)
    , m_pipeline(pipeline)
    , m_node(std::move(node))
{
    setText(QCoreApplication::translate("fb::Commands", "Add %1")
                .arg(m_node.id.isEmpty() ? m_node.type : m_node.id));
}

void AddNodeCommand::redo()
{
    m_node.key = m_pipeline->insertNode(m_node);
    if (const Node *n = m_pipeline->data().node(m_node.key))
        m_node.id = n->id;
}

void AddNodeCommand::undo()
{
    m_pipeline->removeNode(m_node.key);
}

} // namespace fb
