#pragma once

#include "NodeItem.h"
#include "PendingLink.h"
#include "pipeline/PipelineData.h"
#include "pipeline/Validation.h"

#include <QList>
#include <QPointF>
#include <QString>

class QGraphicsPathItem;

namespace fb {

class BubbleItem;
class CanvasScene;
class LinkItem;
class NodeItem;

// One link being dragged out of a port. While it lasts, every port that could take the link
// is highlighted, the others are dimmed, and the port (or node) under the cursor says whether
// it accepts the link and, if not, why - with the model's own reason. Holding Shift over an
// occupied input offers to replace its link.
class LinkDrag
{
public:
    enum class Outcome { Connected, Refused, DroppedOnEmpty, Nothing };

    LinkDrag(CanvasScene *scene, const PendingLink &origin, QPointF anchor);
    ~LinkDrag();

    const PendingLink &origin() const { return m_origin; }
    void moveTo(QPointF scenePos, bool replace);
    // Ends the drag at `scenePos`: connects through the editor when the target accepts.
    Outcome finish(QPointF scenePos, bool replace);
    QString message() const; // what the bubble says now
    QString refusal() const; // the reason of the last refused target
    bool targetAccepted() const { return m_target.node && m_target.check.ok(); }

private:
    struct Target
    {
        NodeItem *node = nullptr;
        QString port;
        LinkCheck check;
        QList<Link> replaces;
    };

    void markPorts();
    PortMark baseMark(int key, const QString &port) const;
    Link linkTo(int key, const QString &port) const;
    Target targetAt(QPointF scenePos, bool replace) const;
    void evaluate(Target &t, bool replace) const;
    void setTarget(const Target &t);

    CanvasScene *m_scene;
    PendingLink m_origin;
    QPointF m_anchor;
    PipelineData m_data; // the model without the link being re-routed
    QGraphicsPathItem *m_draft = nullptr;
    BubbleItem *m_bubble = nullptr;
    LinkItem *m_picked = nullptr;
    Target m_target;
    QString m_refusal;
};

} // namespace fb
