#include "Decimation.h"

#include <algorithm>
#include <cmath>

namespace fb {

QList<QPointF> decimateMinMax(const QVector<QPointF> &points, double xMin, double xMax, int buckets)
{
    const qsizetype n = points.size();
    if (buckets < 1 || n <= 4 * qsizetype(buckets) || !(xMax > xMin))
        return QList<QPointF>(points.cbegin(), points.cend());
    QList<QPointF> out;
    out.reserve(4 * buckets + 2);
    const double scale = buckets / (xMax - xMin);
    qsizetype i = 0;
    while (i < n) {
        const double bx = std::floor((points[i].x() - xMin) * scale);
        qsizetype first = i, lo = i, hi = i, last = i;
        for (++i; i < n && std::floor((points[i].x() - xMin) * scale) == bx; ++i) {
            if (points[i].y() < points[lo].y())
                lo = i;
            if (points[i].y() > points[hi].y())
                hi = i;
            last = i;
        }
        appendBucket(out, points, first, lo, hi, last);
    }
    return out;
}

void appendBucket(QList<QPointF> &out,
                  const QVector<QPointF> &points,
                  qsizetype first,
                  qsizetype lo,
                  qsizetype hi,
                  qsizetype last)
{
    // In x order so the polyline keeps its shape; repeated indices once.
    const qsizetype picks[4] = {first,
                                lo < 0 ? -1 : std::min(lo, hi),
                                lo < 0 ? -1 : std::max(lo, hi),
                                last};
    qsizetype previous = -1;
    for (qsizetype p : picks) {
        if (p >= 0 && p != previous) {
            out.append(points[p]);
            previous = p;
        }
    }
}

qsizetype nearestByX(const QVector<QPointF> &points, double x)
{
    if (points.isEmpty())
        return -1;
    auto it = std::lower_bound(points.cbegin(), points.cend(), x, [](const QPointF &p, double v) {
        return p.x() < v;
    });
    if (it == points.cend())
        return points.size() - 1;
    const qsizetype i = it - points.cbegin();
    if (i > 0 && std::abs(points[i - 1].x() - x) <= std::abs(points[i].x() - x))
        return i - 1;
    return i;
}

} // namespace fb
