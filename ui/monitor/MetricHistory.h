#pragma once

#include <QHash>
#include <QPointF>
#include <QString>
#include <QStringList>
#include <QVector>

namespace fb {

// Per-node, per-key metric points (step, value) of one run, in arrival order. The training
// chart draws from it; it is filled from live run events or from a past run in the store, so
// the chart never knows where its points came from. `revision()` changes with every change,
// which lets a timer-driven view redraw only when something arrived.
class MetricHistory
{
public:
    void clear();
    void add(const QString &nodeId, const QString &key, double step, double value);

    QStringList nodes() const { return m_nodeOrder; } // in first-seen order
    QStringList keys(const QString &nodeId) const;    // in first-seen order
    const QVector<QPointF> &points(const QString &nodeId, const QString &key) const;
    // Nodes with at least one key that has more than one point (a curve, not a final score).
    QStringList nodesWithCurves() const;
    qsizetype pointCount() const { return m_count; }
    quint64 revision() const { return m_revision; }
    // Changes only with clear(): while it stays, every curve only grew (views fold in the new
    // points instead of starting over).
    quint64 generation() const { return m_generation; }

private:
    struct NodeSeries
    {
        QStringList keys;
        QHash<QString, QVector<QPointF>> points;
    };
    QStringList m_nodeOrder;
    QHash<QString, NodeSeries> m_nodes;
    qsizetype m_count = 0;
    quint64 m_revision = 0;
    quint64 m_generation = 0;
};

} // namespace fb
