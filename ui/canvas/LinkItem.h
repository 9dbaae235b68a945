#pragma once

#include "pipeline/PipelineData.h"
#include "pipeline/PortType.h"

#include <QGraphicsItem>
#include <QPainterPath>

namespace fb {

class CanvasScene;

// A link between two ports, drawn as a horizontal-tangent cubic curve in the colour of its port
// type. It mirrors a Link of the model; the scene moves its ends when nodes move.
class LinkItem : public QGraphicsItem
{
public:
    enum { Type = QGraphicsItem::UserType + 2 };

    LinkItem(const Link &link, PortType portType);

    int type() const override { return Type; }
    const Link &link() const { return m_link; }
    PortType portType() const { return m_portType; }

    void setEnds(QPointF from, QPointF to);
    QPointF fromPos() const { return m_from; }
    QPointF toPos() const { return m_to; }
    // Highlighted while a dragged node would be inserted into this link on drop.
    void setInsertHighlight(bool on);
    bool isInsertHighlighted() const { return m_insertHighlight; }
    // Dimmed while the user drags its end to another port.
    void setPickedUp(bool on);

    // The curve from an output port at `from` to an input port at `to`.
    static QPainterPath curve(QPointF from, QPointF to);

    QRectF boundingRect() const override;
    QPainterPath shape() const override;
    void paint(QPainter *painter, const QStyleOptionGraphicsItem *option, QWidget *widget) override;

protected:
    void hoverEnterEvent(QGraphicsSceneHoverEvent *event) override;
    void hoverLeaveEvent(QGraphicsSceneHoverEvent *event) override;

private:
    Link m_link;
    PortType m_portType;
    QPointF m_from;
    QPointF m_to;
    QPainterPath m_path;
    mutable QPainterPath m_shape; // stroked outline for hit tests, built on demand
    QRectF m_bounds;
    bool m_hovered = false;
    bool m_insertHighlight = false;
    bool m_pickedUp = false;
};

} // namespace fb
