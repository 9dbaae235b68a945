#pragma once

#include <QPalette>
#include <QString>

namespace fb {

// Light or dark: by default Flowbench follows the system's palette; the user can force either
// (View > Theme, or --theme), which also helps on desktops without a Qt theme integration.
// Everything in the window derives its colours from the application palette, so switching
// repaints the canvas, icons and panels.
class Theme
{
public:
    enum class Mode { System, Light, Dark };

    static void apply(Mode mode);
    static Mode current();
    static Mode fromString(const QString &name); // "system" (default), "light", "dark"
    static QString toString(Mode mode);
    static QPalette darkPalette();
};

} // namespace fb
