#pragma once

#include <QString>

class QWidget;

namespace fb {

// Saves what a chart widget shows: SVG (vector, through QSvgGenerator) when `path` ends in
// .svg, otherwise a PNG at the screen's resolution. Returns false and sets *error on failure.
bool exportChart(QWidget *chart, const QString &path, QString *error);

// Asks for a file name (PNG or SVG) and exports; returns the chosen path or empty.
QString exportChartInteractively(QWidget *chart, const QString &suggestedName);

} // namespace fb
