#pragma once

#include <QtGlobal>

class QPainter;

namespace fb {

class CanvasStyle;
class NodeItem;

// Paints a node from its item state, geometry and the canvas style. Separate from the item so
// that the look can change without touching interaction code. Three levels of detail keep a
// zoomed-out 1,000-node canvas cheap to paint: full (text, icons, port labels), reduced (no
// port labels, no title) and overview (coloured blocks only).
class NodePainter
{
public:
    static void paint(QPainter *painter,
                      const NodeItem &item,
                      const CanvasStyle &style,
                      qreal lod,
                      bool selected);
};

} // namespace fb
