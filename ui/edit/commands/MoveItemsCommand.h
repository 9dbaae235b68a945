#pragma once

#include <QHash>
#include <QPointF>
#include <QRectF>
#include <QUndoCommand>

namespace fb {

class Pipeline;

// Moves any number of nodes and annotations as one step: dragging a selection of 50 nodes is
// undone with one Ctrl+Z.
class MoveItemsCommand : public QUndoCommand
{
public:
    // Target positions; the current model positions are the ones undo goes back to.
    MoveItemsCommand(Pipeline *pipeline,
                     const QHash<int, QPointF> &nodePositions,
                     const QHash<int, QRectF> &annotationRects,
                     QUndoCommand *parent = nullptr);

    bool isEmpty() const { return m_nodesTo.isEmpty() && m_notesTo.isEmpty(); }
    void redo() override;
    void undo() override;

private:
    Pipeline *m_pipeline;
    QHash<int, QPointF> m_nodesFrom, m_nodesTo;
    QHash<int, QRectF> m_notesFrom, m_notesTo;
};

} // namespace fb
