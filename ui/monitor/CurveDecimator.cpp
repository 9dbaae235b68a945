#include "CurveDecimator.h"

#include "Decimation.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace fb {

CurveDecimator::CurveDecimator(int capacity)
    : m_capacity(std::max(2, capacity + (capacity & 1))) // even: buckets merge in pairs
{
    clear();
}

void CurveDecimator::clear()
{
    m_consumed = 0;
    m_origin = 0;
    m_width = 1;
    m_buckets.clear();
    m_xMin = m_yMin = std::numeric_limits<double>::infinity();
    m_xMax = m_yMax = -std::numeric_limits<double>::infinity();
}

void CurveDecimator::update(const QVector<QPointF> &points)
{
    const qsizetype n = points.size();
    if (n < m_consumed) { // the curve was replaced, not extended: start over
        clear();
    }
    for (qsizetype i = m_consumed; i < n; ++i) {
        const QPointF &p = points[i];
        if (std::isfinite(p.x())) {
            m_xMin = std::min(m_xMin, p.x());
            m_xMax = std::max(m_xMax, p.x());
        }
        if (std::isfinite(p.y())) {
            m_yMin = std::min(m_yMin, p.y());
            m_yMax = std::max(m_yMax, p.y());
        }
        if (!m_buckets.isEmpty())
            fold(points, i);
    }
    m_consumed = n;
    // Same threshold as decimateMinMax(): up to 4 points per bucket are drawn as they are.
    if (m_buckets.isEmpty() && n > 4 * qsizetype(m_capacity) && m_xMax > m_xMin)
        startGrid(points);
}

void CurveDecimator::startGrid(const QVector<QPointF> &points)
{
    // A power-of-two width keeps (x - origin) / width exact for step-like x, so doubling the
    // width puts every point in the bucket a full recomputation would.
    m_origin = m_xMin;
    const double span = m_xMax - m_origin;
    int exponent = 0;
    std::frexp(span / m_capacity, &exponent);
    m_width = std::ldexp(1.0, exponent);
    while (span >= m_width * m_capacity)
        m_width *= 2;
    m_buckets = QVector<Bucket>(m_capacity);
    for (qsizetype i = 0; i < m_consumed; ++i)
        fold(points, i);
}

void CurveDecimator::fold(const QVector<QPointF> &points, qsizetype i)
{
    const QPointF &p = points[i];
    if (!std::isfinite(p.x()))
        return;
    // Steps arrive in order; an earlier x (not expected) joins the first bucket.
    double b = std::floor((p.x() - m_origin) * (1.0 / m_width));
    while (b >= m_capacity) {
        halve(points);
        b = std::floor((p.x() - m_origin) * (1.0 / m_width));
    }
    Bucket &k = m_buckets[qsizetype(std::max(0.0, b))];
    if (k.first < 0)
        k.first = i;
    k.last = i;
    // Lowest and highest finite value; the first of equal ones, as the full scan keeps.
    if (std::isfinite(p.y())) {
        if (k.lo < 0 || p.y() < points[k.lo].y())
            k.lo = i;
        if (k.hi < 0 || p.y() > points[k.hi].y())
            k.hi = i;
    }
}

void CurveDecimator::halve(const QVector<QPointF> &points)
{
    const qsizetype half = m_capacity / 2;
    for (qsizetype k = 0; k < half; ++k) {
        const Bucket a = m_buckets[2 * k];
        const Bucket b = m_buckets[2 * k + 1];
        Bucket m = a.first < 0 ? b : a;
        if (a.first >= 0 && b.first >= 0) {
            m.last = b.last;
            if (b.lo >= 0 && (m.lo < 0 || points[b.lo].y() < points[m.lo].y()))
                m.lo = b.lo;
            if (b.hi >= 0 && (m.hi < 0 || points[b.hi].y() > points[m.hi].y()))
                m.hi = b.hi;
        }
        m_buckets[k] = m;
    }
    std::fill(m_buckets.begin() + half, m_buckets.end(), Bucket{});
    m_width *= 2;
}

QList<QPointF> CurveDecimator::points(const QVector<QPointF> &all) const
{
    if (m_buckets.isEmpty())
        return all.mid(0, m_consumed); // shares the data: no copy
    QList<QPointF> out;
    out.reserve(4 * m_capacity);
    for (const Bucket &k : m_buckets) {
        if (k.first >= 0)
            appendBucket(out, all, k.first, k.lo, k.hi, k.last);
    }
    return out;
}

} // namespace fb
