#include "NodeGeometry.h"

#include "pipeline/NodeType.h"

#include <QFont>
#include <QHash>

#include <cmath>
#include <limits>

#include <memory>

namespace fb {

const NodeGeometry &NodeGeometry::forType(const NodeType *type)
{
    // Node types live as long as their registry (the built-in one lives forever); the cache is
    // GUI-thread only.
    static QHash<const NodeType *, std::shared_ptr<NodeGeometry>> cache;
    auto &slot = cache[type];
    if (!slot)
        slot.reset(new NodeGeometry(type));
    return *slot;
}

NodeGeometry::NodeGeometry(const NodeType *type)
    : m_type(type)
{
    const qsizetype rows = type ? std::max(type->inputs.size(), type->outputs.size()) : 0;
    const qreal top = headerHeight + 5;
    const qreal height = rows ? top + rows * rowHeight + 7 : headerHeight + 4;
    m_body = QRectF(0, 0, width, height);
    // Ports stick out by their radius; the hover ring and the shadow need a little more.
    m_bounds = m_body.adjusted(-portRadius - 4, -4, portRadius + 4, 18);
    auto rounded = [](const QRectF &r, qreal radius) {
        QPainterPath p;
        p.addRoundedRect(r, radius, radius);
        return p;
    };
    m_bodyPath = rounded(m_body, cornerRadius);
    m_innerPath = rounded(m_body.adjusted(1, 1, -1, -1), cornerRadius - 1);
    m_selectedPath = rounded(m_body.adjusted(2, 2, -2, -2), cornerRadius - 2);
    m_shadowPath = rounded(m_body.adjusted(-0.5, 1.5, 0.5, 3), cornerRadius + 1);
    // The header: the inner body's rounded top corners, square at the bottom.
    const QRectF h(1, 1, width - 2, headerHeight - 1);
    const qreal r = cornerRadius - 1;
    m_headerPath.moveTo(h.left(), h.bottom());
    m_headerPath.lineTo(h.left(), h.top() + r);
    m_headerPath.arcTo(QRectF(h.left(), h.top(), 2 * r, 2 * r), 180, -90);
    m_headerPath.lineTo(h.right() - r, h.top());
    m_headerPath.arcTo(QRectF(h.right() - 2 * r, h.top(), 2 * r, 2 * r), 90, -90);
    m_headerPath.lineTo(h.right(), h.bottom());
    m_headerPath.closeSubpath();
    if (!type)
        return;
    QFont portFont;
    portFont.setPixelSize(11);
    auto layout = [&](const QList<PortSpec> &specs, bool output, QList<PortGeometry> &out) {
        for (qsizetype i = 0; i < specs.size(); ++i) {
            const PortSpec &s = specs.at(i);
            PortGeometry g;
            g.name = s.name;
            g.doc = s.doc;
            g.type = s.type;
            g.output = output;
            g.optional = s.optional;
            const qreal y = top + (i + 0.5) * rowHeight;
            g.center = QPointF(output ? width : 0, y);
            const qreal labelWidth = width / 2 - 14;
            g.labelRect = output ? QRectF(width - 14 - labelWidth,
                                          y - rowHeight / 2,
                                          labelWidth,
                                          rowHeight)
                                 : QRectF(14, y - rowHeight / 2, labelWidth, rowHeight);
            QFont f = portFont;
            f.setItalic(s.optional); // optional inputs: the node runs without them
            g.label.setText(s.name);
            g.label.setTextFormat(Qt::PlainText);
            g.label.prepare(QTransform(), f);
            const QSizeF size = g.label.size();
            g.labelPos = QPointF(output ? g.labelRect.right() - size.width() : g.labelRect.left(),
                                 y - size.height() / 2);
            out.append(g);
        }
    };
    layout(type->inputs, false, m_inputs);
    layout(type->outputs, true, m_outputs);
}

const PortGeometry *NodeGeometry::port(const QString &name, bool output) const
{
    for (const PortGeometry &p : output ? m_outputs : m_inputs)
        if (p.name == name)
            return &p;
    return nullptr;
}

const PortGeometry *NodeGeometry::portAt(QPointF pos, qreal tolerance) const
{
    const PortGeometry *best = nullptr;
    qreal bestDistance = std::numeric_limits<qreal>::max();
    for (const QList<PortGeometry> *list : {&m_inputs, &m_outputs}) {
        for (const PortGeometry &p : *list) {
            const QPointF d = pos - p.center;
            const qreal dist = std::hypot(d.x(), d.y());
            // Ports are small targets: a strip along the edge on the port's row counts too.
            const qreal inward = p.output ? -d.x() : d.x();
            const bool inStrip = std::abs(d.y()) <= rowHeight / 2 && inward >= -tolerance
                                 && inward <= 14;
            if ((dist <= tolerance || inStrip) && dist < bestDistance) {
                bestDistance = dist;
                best = &p;
            }
        }
    }
    return best;
}

} // namespace fb
