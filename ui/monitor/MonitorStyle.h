#pragma once

#include <QColor>
#include <QPalette>

class QChart;

namespace fb {

// Colours of the run views, derived from the application palette like the canvas style, so
// charts and the timeline follow the light or dark theme.
namespace MonitorStyle {

// A distinct colour per series index (Tableau 10, readable on light and dark backgrounds).
QColor seriesColor(int index, const QPalette &palette);
QColor mutedColor(const QPalette &palette);
QColor gridColor(const QPalette &palette);
bool isDark(const QPalette &palette);
// Chart background, text, grid and axis colours from the palette.
void applyTo(QChart *chart, const QPalette &palette);

} // namespace MonitorStyle

} // namespace fb
