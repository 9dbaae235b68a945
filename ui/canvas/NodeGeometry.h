#pragma once

#include "pipeline/PortType.h"

#include <QList>
#include <QPainterPath>
#include <QPointF>
#include <QStaticText>
#include <QRectF>
#include <QString>

namespace fb {

struct NodeType;

// Where a port sits on a node, in item coordinates.
struct PortGeometry
{
    QString name;
    QString doc;
    PortType type = PortType::Table;
    bool output = false;
    bool optional = false;
    QPointF center;   // on the node's left (inputs) or right (outputs) edge
    QRectF labelRect; // inside the node
    QStaticText label; // laid out once per node type; drawn at labelPos
    QPointF labelPos;
};

// The layout of a node of one type: body, header, icon, badges and ports, in item coordinates
// with (0, 0) at the node's top-left corner (= the position stored in the .flow file). It
// depends only on the node type, so one instance is shared by every node of that type; the
// painter and the hit tests read it, nothing here paints.
class NodeGeometry
{
public:
    static constexpr qreal width = 184;
    static constexpr qreal headerHeight = 46;
    static constexpr qreal rowHeight = 22;
    static constexpr qreal portRadius = 5.5;
    static constexpr qreal cornerRadius = 9;

    // Shared geometry for `type`; nullptr stands for an unknown type (a node from a newer
    // Flowbench or a plugin that is not loaded): no ports, generic look.
    static const NodeGeometry &forType(const NodeType *type);

    const NodeType *type() const { return m_type; }
    QRectF bodyRect() const { return m_body; }
    QRectF boundingRect() const { return m_bounds; }
    QRectF headerRect() const { return {0, 0, width, headerHeight}; }
    QRectF iconRect() const { return {10, 9, 28, 28}; }
    QRectF idRect() const { return {46, 7, width - 46 - 30, 18}; }
    QRectF titleRect() const { return {46, 25, width - 46 - 12, 15}; }
    QRectF stateBadgeRect() const { return {width - 23, 10, 13, 13}; }
    QRectF problemBadgeRect() const { return {width - 23, 10, 13, 13}; }
    QRectF progressRect() const
    {
        return {cornerRadius, m_body.bottom() - 4, width - 2 * cornerRadius, 3};
    }
    // Under the node, right-aligned: the run's elapsed time.
    QRectF footerRect() const { return {width / 2, m_body.bottom() + 2, width / 2 - 4, 15}; }

    // Paths built once per type: building a rounded path costs more than filling it.
    const QPainterPath &bodyPath() const { return m_bodyPath; }
    const QPainterPath &innerPath() const { return m_innerPath; }     // inside a 1-unit border
    const QPainterPath &selectedPath() const { return m_selectedPath; } // inside a 2-unit border
    const QPainterPath &headerPath() const { return m_headerPath; }
    const QPainterPath &shadowPath() const { return m_shadowPath; }

    const QList<PortGeometry> &inputs() const { return m_inputs; }
    const QList<PortGeometry> &outputs() const { return m_outputs; }
    const PortGeometry *port(const QString &name, bool output) const;
    // The port whose circle is within `tolerance` of `pos` (item coordinates), or nullptr.
    const PortGeometry *portAt(QPointF pos, qreal tolerance) const;

private:
    explicit NodeGeometry(const NodeType *type);

    const NodeType *m_type = nullptr;
    QRectF m_body;
    QRectF m_bounds;
    QPainterPath m_bodyPath, m_innerPath, m_selectedPath, m_headerPath, m_shadowPath;
    QList<PortGeometry> m_inputs;
    QList<PortGeometry> m_outputs;
};

} // namespace fb
