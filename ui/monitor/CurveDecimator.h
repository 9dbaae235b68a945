#pragma once

#include <QList>
#include <QPointF>
#include <QVector>

namespace fb {

// The live form of decimateMinMax(): keeps the M4 buckets (first, lowest, highest and last
// point of each x bucket) of a growing curve and folds only the new points into them, so a
// 30 Hz redraw costs the same at 1,000 and at 1,000,000 points. The bucket grid starts at the
// first point's x with a power-of-two bucket width; when a point falls past the grid, adjacent
// buckets are merged pairwise and the width doubles (a min/max pyramid built from the bottom),
// so between 1/2 and all of the `capacity` buckets are in use. For the same grid and finite
// values the result is exactly what decimateMinMax(points, gridMin(), gridMax(), capacity)
// returns (here a NaN is never a bucket's lowest or highest). Also keeps the running x and y
// ranges (finite values only) for autoscaling without a rescan.
class CurveDecimator
{
public:
    explicit CurveDecimator(int capacity = 512);

    void clear();
    // Folds in points[consumed()..]: the caller passes the whole curve, which only grew.
    void update(const QVector<QPointF> &points);
    qsizetype consumed() const { return m_consumed; }

    // The curve to draw: the points themselves while there are at most 4 per bucket, the
    // buckets' M4 points in x order afterwards (at most 4 × capacity either way).
    QList<QPointF> points(const QVector<QPointF> &all) const;

    bool hasYRange() const { return m_yMin <= m_yMax; }
    double xMin() const { return m_xMin; }
    double xMax() const { return m_xMax; }
    double yMin() const { return m_yMin; }
    double yMax() const { return m_yMax; }
    int capacity() const { return m_capacity; }
    // The bucket grid (valid once decimating): [gridMin, gridMax) in `capacity` buckets.
    bool decimating() const { return !m_buckets.isEmpty(); }
    double gridMin() const { return m_origin; }
    double gridMax() const { return m_origin + m_width * m_capacity; }

private:
    struct Bucket
    {
        qsizetype first = -1, lo = -1, hi = -1, last = -1; // indices into the curve
    };
    void startGrid(const QVector<QPointF> &points);
    void fold(const QVector<QPointF> &points, qsizetype i);
    void halve(const QVector<QPointF> &points);

    int m_capacity;
    qsizetype m_consumed = 0;
    double m_origin = 0;
    double m_width = 1;
    QVector<Bucket> m_buckets; // empty while the curve is drawn as it is
    double m_xMin, m_xMax, m_yMin, m_yMax;
};

} // namespace fb
