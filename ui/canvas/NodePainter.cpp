#include "NodePainter.h"

#include "NodeGeometry.h"
#include "NodeItem.h"
#include "style/CanvasStyle.h"
#include "style/NodeIcons.h"

#include <QPaintDevice>
#include <QPainter>
#include <QPainterPath>

#include <cmath>

namespace fb {

namespace {

constexpr qreal fullDetail = 0.55;
constexpr qreal reducedDetail = 0.28;

// Glyph pixmaps are rendered for the on-screen size (zoom x device pixel ratio), quantised so
// that zooming does not fill the cache with one pixmap per wheel step.
qreal glyphScale(QPainter *painter, qreal lod)
{
    const qreal dpr = painter->device() ? painter->device()->devicePixelRatioF() : 1.0;
    const qreal s = lod * dpr;
    static const qreal steps[] = {1.0, 1.5, 2.0, 3.0, 4.0, 6.0};
    for (qreal step : steps)
        if (s <= step)
            return step;
    return 8.0;
}

void paintStateBadge(QPainter *p, const QRectF &r, TaskState state, const CanvasStyle &style)
{
    const QColor c = style.stateColor(state);
    const QPointF center = r.center();
    const qreal radius = r.width() / 2;
    QPen pen(c, 2.0);
    pen.setCapStyle(Qt::RoundCap);
    switch (state) {
    case TaskState::Queued:
        p->setPen(pen);
        p->setBrush(Qt::NoBrush);
        p->drawEllipse(center, radius - 1, radius - 1);
        return;
    case TaskState::Running: {
        p->setPen(QPen(CanvasStyle::mix(c, style.nodeFill, 0.7), 2.0));
        p->setBrush(Qt::NoBrush);
        p->drawEllipse(center, radius - 1, radius - 1);
        p->setPen(pen);
        p->drawArc(r.adjusted(1, 1, -1, -1), 90 * 16, -120 * 16);
        return;
    }
    default:
        break;
    }
    p->setPen(Qt::NoPen);
    p->setBrush(c);
    p->drawEllipse(center, radius, radius);
    QPen mark(style.nodeFill, 1.7);
    mark.setCapStyle(Qt::RoundCap);
    mark.setJoinStyle(Qt::RoundJoin);
    p->setPen(mark);
    p->setBrush(Qt::NoBrush);
    const qreal k = radius * 0.45;
    if (state == TaskState::Success) {
        const QPointF pts[] = {center + QPointF(-k, 0),
                               center + QPointF(-k * 0.2, k * 0.8),
                               center + QPointF(k * 1.1, -k * 0.8)};
        p->drawPolyline(pts, 3);
    } else if (state == TaskState::Failed || state == TaskState::UpstreamFailed) {
        p->drawLine(center + QPointF(-k, -k), center + QPointF(k, k));
        p->drawLine(center + QPointF(-k, k), center + QPointF(k, -k));
    } else {
        p->drawLine(center + QPointF(-k, 0), center + QPointF(k, 0));
    }
}

void paintProblemBadge(QPainter *p, const QRectF &r, const CanvasStyle &style)
{
    QPainterPath tri;
    tri.moveTo(r.center().x(), r.top());
    tri.lineTo(r.right() + 0.5, r.bottom());
    tri.lineTo(r.left() - 0.5, r.bottom());
    tri.closeSubpath();
    p->setPen(QPen(style.warning, 1.5, Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin));
    p->setBrush(style.warning);
    p->drawPath(tri);
    p->setPen(QPen(style.nodeFill, 1.6, Qt::SolidLine, Qt::RoundCap));
    const qreal x = r.center().x();
    p->drawLine(QPointF(x, r.top() + r.height() * 0.38), QPointF(x, r.top() + r.height() * 0.68));
    p->drawPoint(QPointF(x, r.top() + r.height() * 0.86));
}

QString elapsedText(qint64 ms)
{
    if (ms < 1000)
        return QStringLiteral("%1 ms").arg(ms);
    if (ms < 60000)
        return QStringLiteral("%1 s").arg(ms / 1000.0, 0, 'f', ms < 10000 ? 1 : 0);
    return QStringLiteral("%1:%2").arg(ms / 60000).arg((ms / 1000) % 60, 2, 10, QLatin1Char('0'));
}

void paintOverview(QPainter *p, const NodeItem &item, const CanvasStyle &style, bool selected)
{
    // Far out, a node is a block with its category (or run state) colour on top: thousands of
    // them paint in a few milliseconds and the structure of the pipeline stays readable.
    const NodeGeometry &g = item.geometry();
    const QRectF body = g.bodyRect();
    p->setPen(Qt::NoPen);
    p->fillRect(body, selected ? style.accent : style.nodeBorder);
    p->fillRect(body.adjusted(3, 3, -3, -3), style.nodeFill);
    const QColor top = item.runState() != TaskState::None ? style.stateColor(item.runState())
                                                          : style.categoryColor(item.category());
    p->fillRect(QRectF(body.left() + 3, body.top() + 3, body.width() - 6, g.headerHeight - 6), top);
}

} // namespace

void NodePainter::paint(QPainter *p, const NodeItem &item, const CanvasStyle &style, qreal lod,
                        bool selected)
{
    if (lod < reducedDetail) {
        paintOverview(p, item, style, selected);
        return;
    }
    // Fills only, no strokes for the body: an antialiased stroke of a rounded path costs
    // several fills. The border is the body path filled in the border colour with the inner
    // path filled on top.
    const NodeGeometry &g = item.geometry();
    const bool full = lod >= fullDetail;
    const TaskState state = item.runState();
    p->setRenderHint(QPainter::Antialiasing, true);
    p->setPen(Qt::NoPen);
    if (full) {
        p->setBrush(style.nodeShadow);
        p->drawPath(g.shadowPath());
    }

    QColor border = style.nodeBorder;
    bool thick = false;
    if (selected) {
        border = style.accent;
        thick = true;
    } else if (state != TaskState::None && state != TaskState::Queued) {
        border = style.stateColor(state);
        thick = true;
    } else if (item.isHovered()) {
        border = CanvasStyle::mix(style.nodeBorder, style.accent, 0.55);
    }
    p->setBrush(border);
    p->drawPath(g.bodyPath());
    p->setBrush(style.nodeFill);
    p->drawPath(thick ? g.selectedPath() : g.innerPath());
    if (!thick) {
        p->setBrush(style.nodeHeaderFill);
        p->drawPath(g.headerPath());
    }
    if (!g.inputs().isEmpty() || !g.outputs().isEmpty()) {
        p->setRenderHint(QPainter::Antialiasing, false);
        p->setPen(QPen(CanvasStyle::mix(style.nodeBorder, style.nodeFill, 0.4), 0));
        p->drawLine(QPointF(g.bodyRect().left() + 2, g.headerHeight), QPointF(g.bodyRect().right() - 2, g.headerHeight));
        p->setRenderHint(QPainter::Antialiasing, true);
        p->setPen(Qt::NoPen);
    }

    // Icon tile with the type's glyph.
    const QRectF tile = g.iconRect();
    p->setBrush(style.categoryColor(item.category()));
    p->drawRoundedRect(tile, 7, 7);
    if (full) {
        const QRectF glyphRect = tile.adjusted(5, 5, -5, -5);
        const qreal scale = glyphScale(p, lod);
        p->drawPixmap(glyphRect, NodeIcons::glyph(item.glyphResource(), int(glyphRect.width()), scale),
                      QRectF(QPointF(0, 0), glyphRect.size() * scale));
    }

    // Id and type title (laid out once, drawn as static text).
    p->setPen(style.text);
    p->setFont(style.idFont);
    const QRectF idRect = g.idRect();
    p->drawStaticText(QPointF(idRect.left(), idRect.center().y() - item.idText().size().height() / 2), item.idText());
    if (full) {
        p->setPen(style.mutedText);
        p->setFont(style.titleFont);
        const QRectF titleRect = g.titleRect();
        p->drawStaticText(QPointF(titleRect.left(), titleRect.center().y() - item.titleText().size().height() / 2),
                          item.titleText());
        if (item.isCached()) {
            p->setPen(style.stateColor(TaskState::Success));
            p->drawText(g.footerRect(), Qt::AlignRight | Qt::AlignVCenter, QStringLiteral("cached"));
        } else if (item.elapsedMs() >= 0) {
            p->setPen(state == TaskState::Running ? style.stateColor(state) : style.mutedText);
            p->drawText(g.footerRect(), Qt::AlignRight | Qt::AlignVCenter, elapsedText(item.elapsedMs()));
        }
    }

    // Badges: run state in the corner; problems next to it (or in the corner when idle).
    QRectF badge = g.stateBadgeRect();
    if (state != TaskState::None) {
        paintStateBadge(p, badge, state, style);
        badge.translate(-18, 0);
    }
    if (!item.problems().isEmpty() && (state == TaskState::None || full))
        paintProblemBadge(p, badge, style);

    // Progress along the bottom edge while running.
    if (item.progress() >= 0) {
        const QRectF track = g.progressRect();
        p->setPen(Qt::NoPen);
        p->setBrush(CanvasStyle::mix(style.nodeFill, style.stateColor(TaskState::Running), 0.2));
        p->drawRoundedRect(track, 1.5, 1.5);
        p->setBrush(style.stateColor(TaskState::Running));
        p->drawRoundedRect(QRectF(track.topLeft(), QSizeF(track.width() * item.progress(), track.height())), 1.5, 1.5);
    }

    // Ports: a ring (open) or a disc (connected) in the port type's colour.
    const PortGeometry *hovered = item.hoveredPort();
    QFont labelFont = style.portFont;
    if (full)
        p->setFont(labelFont);
    for (const auto *list : {&g.inputs(), &g.outputs()}) {
        for (const PortGeometry &port : *list) {
            const PortMark mark = item.portMark(port.name, port.output);
            const QColor c = style.portColor(port.type);
            const bool connected = item.isPortConnected(port.name, port.output);
            qreal radius = NodeGeometry::portRadius;
            if (&port == hovered || mark == PortMark::TargetOk || mark == PortMark::TargetRefused)
                radius += 1.5;
            if (mark == PortMark::Compatible || mark == PortMark::TargetOk) {
                QColor halo = style.accent;
                halo.setAlpha(mark == PortMark::TargetOk ? 110 : 60);
                p->setPen(Qt::NoPen);
                p->setBrush(halo);
                p->drawEllipse(port.center, radius + 5, radius + 5);
            } else if (mark == PortMark::TargetRefused) {
                p->setPen(QPen(style.refused, 2.0));
                p->setBrush(Qt::NoBrush);
                p->drawEllipse(port.center, radius + 4, radius + 4);
            }
            QColor fill = connected ? c : style.nodeFill;
            QColor ring = c;
            if (mark == PortMark::Incompatible) {
                fill = CanvasStyle::mix(fill, style.nodeFill, 0.7);
                ring = CanvasStyle::mix(ring, style.nodeFill, 0.7);
            }
            p->setPen(Qt::NoPen);
            p->setBrush(ring);
            p->drawEllipse(port.center, radius, radius);
            if (!connected || mark == PortMark::Incompatible) {
                p->setBrush(fill);
                p->drawEllipse(port.center, radius - 2, radius - 2);
            }

            if (full) {
                QColor label = port.optional ? style.mutedText : CanvasStyle::mix(style.text, style.mutedText, 0.3);
                if (mark == PortMark::Incompatible)
                    label = CanvasStyle::mix(label, style.nodeFill, 0.6);
                p->setPen(label);
                if (labelFont.italic() != port.optional) {
                    labelFont.setItalic(port.optional);
                    p->setFont(labelFont);
                }
                p->drawStaticText(port.labelPos, port.label);
            }
        }
    }
}

} // namespace fb
