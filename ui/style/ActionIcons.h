#pragma once

#include <QColor>
#include <QIcon>
#include <QString>

namespace fb {

// Toolbar and menu icons from :/icons/actions/<name>.svg, tinted with a palette colour so
// they match the light or dark theme, rendered sharp for every size and device pixel ratio
// QIcon asks for (including a faded "disabled" look).
class ActionIcons
{
public:
    static QIcon icon(const QString &name, const QColor &color, const QColor &disabled);
};

} // namespace fb
