#include "MoveItemsCommand.h"

#include "pipeline/Pipeline.h"

#include <QCoreApplication>

namespace fb {

MoveItemsCommand::MoveItemsCommand(Pipeline *pipeline,
                                   const QHash<int, QPointF> &nodePositions,
                                   const QHash<int, QRectF> &annotationRects,
                                   QUndoCommand *parent)
    : QUndoCommand(parent)
    , m_pipeline(pipeline)
{
    const PipelineData &data = pipeline->data();
    for (auto it = nodePositions.begin(); it != nodePositions.end(); ++it) {
        const Node *n = data.node(it.key());
        if (n && n->position != it.value()) {
            m_nodesFrom.insert(it.key(), n->position);
            m_nodesTo.insert(it.key(), it.value());
        }
    }
    for (auto it = annotationRects.begin(); it != annotationRects.end(); ++it) {
        const Annotation *a = data.annotation(it.key());
        if (a && a->rect != it.value()) {
            m_notesFrom.insert(it.key(), a->rect);
            m_notesTo.insert(it.key(), it.value());
        }
    }
    const qsizetype count = m_nodesTo.size() + m_notesTo.size();
    if (count == 1 && m_nodesTo.size() == 1)
        setText(QCoreApplication::translate("fb::Commands", "Move %1")
                    .arg(data.node(m_nodesTo.begin().key())->id));
    else
        setText(QCoreApplication::translate("fb::Commands", "Move %1 items").arg(count));
}

void MoveItemsCommand::redo()
{
    for (auto it = m_nodesTo.begin(); it != m_nodesTo.end(); ++it)
        m_pipeline->moveNode(it.key(), it.value());
    for (auto it = m_notesTo.begin(); it != m_notesTo.end(); ++it)
        if (const Annotation *a = m_pipeline->data().annotation(it.key()))
            m_pipeline->setAnnotation(it.key(), a->text, it.value());
}

void MoveItemsCommand::undo()
{
    for (auto it = m_nodesFrom.begin(); it != m_nodesFrom.end(); ++it)
        m_pipeline->moveNode(it.key(), it.value());
    for (auto it = m_notesFrom.begin(); it != m_notesFrom.end(); ++it)
        if (const Annotation *a = m_pipeline->data().annotation(it.key()))
            m_pipeline->setAnnotation(it.key(), a->text, it.value());
}

} // namespace fb
