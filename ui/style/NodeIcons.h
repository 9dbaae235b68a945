#pragma once

#include <QColor>
#include <QHash>
#include <QIcon>
#include <QPixmap>
#include <QString>

namespace fb {

struct NodeType;

// Node-type glyphs (white SVG strokes, drawn on a tile of the category's colour). Lookup falls
// back from :/icons/nodes/<icon>.svg to the category's glyph and then to a generic one, so a
// node type added later without an icon still looks at home. Pixmaps are rendered from the SVG
// at the device pixel ratio (sharp on HiDPI) and cached.
class NodeIcons
{
public:
    static QString resourceFor(const QString &icon, const QString &category);
    static QString resourceFor(const NodeType &type);

    // The glyph alone, `logicalSize` pixels square, rendered for `dpr`.
    static QPixmap glyph(const QString &resource, int logicalSize, qreal dpr);
    // The glyph on a rounded tile of `tile` colour, as the palette and quick-add list show it.
    static QIcon tileIcon(const NodeType &type, const QColor &tile);
    static QPixmap tilePixmap(const QString &resource,
                              const QColor &tile,
                              int logicalSize,
                              qreal dpr);
};

} // namespace fb
