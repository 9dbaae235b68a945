#pragma once

#include "exec/TaskState.h"
#include "pipeline/PortType.h"

#include <QColor>
#include <QFont>
#include <QPalette>
#include <QString>

namespace fb {

// Colours, fonts and metrics of the canvas, derived from the application palette so the canvas
// follows the system's light or dark theme. Items never hard-code a colour: they ask the style
// of their scene, which is rebuilt when the palette changes.
class CanvasStyle
{
public:
    static CanvasStyle fromPalette(const QPalette &palette);

    bool dark = false;
    QColor background;
    QColor gridMinor;
    QColor gridMajor;
    QColor nodeFill;
    QColor nodeHeaderFill;
    QColor nodeBorder;
    QColor nodeShadow;
    QColor text;
    QColor mutedText;
    QColor accent;     // selection, compatible ports, the link being drawn
    QColor accentText; // text on the accent colour
    QColor refused;    // refused links and their reason
    QColor warning;    // problems badge
    QColor annotationFill;
    QColor annotationBorder;
    QColor annotationText;
    QColor rubberBand;
    QColor minimapBackground;
    QColor minimapViewport;

    QFont idFont;    // node id
    QFont titleFont; // node type title
    QFont portFont;  // port labels
    QFont noteFont;  // annotations
    QFont bubbleFont;

    QColor portColor(PortType type) const;
    QColor linkColor(PortType type) const;
    QColor categoryColor(const QString &category) const;
    QColor stateColor(TaskState state) const;

    // Mixes two colours: t = 0 gives a, t = 1 gives b.
    static QColor mix(const QColor &a, const QColor &b, qreal t);
};

} // namespace fb
