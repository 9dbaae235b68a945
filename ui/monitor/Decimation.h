#pragma once

#include <QList>
#include <QPointF>
#include <QVector>

namespace fb {

// Reduces a curve to what a plot `buckets` pixels wide can show: for every pixel column of
// [xMin, xMax] the first, lowest, highest and last point, in x order (the "M4" scheme of
// Jugel et al., VLDB 2014). Drawn as a line, the result is pixel-identical to the full curve,
// so 100,000 points cost ~4 per pixel. `points` must be sorted by x (steps are). Curves with at
// most 4 points per bucket are returned unchanged.
QList<QPointF> decimateMinMax(const QVector<QPointF> &points, double xMin, double xMax, int buckets);

// Appends one bucket's M4 points — first, lowest, highest, last (indices into `points`; lowest
// and highest -1 when the bucket has no finite value) — in x order, each index once.
void appendBucket(QList<QPointF> &out,
                  const QVector<QPointF> &points,
                  qsizetype first,
                  qsizetype lo,
                  qsizetype hi,
                  qsizetype last);

// Index of the point whose x is nearest to `x` in a curve sorted by x; -1 when empty.
qsizetype nearestByX(const QVector<QPointF> &points, double x);

} // namespace fb
