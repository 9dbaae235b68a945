#include "MetricHistory.h"

namespace fb {

void MetricHistory::clear()
{
    m_nodeOrder.clear();
    m_nodes.clear();
    m_count = 0;
    ++m_revision;
    ++m_generation;
}

void MetricHistory::add(const QString &nodeId, const QString &key, double step, double value)
{
    auto it = m_nodes.find(nodeId);
    if (it == m_nodes.end()) {
        m_nodeOrder.append(nodeId);
        it = m_nodes.insert(nodeId, {});
    }
    auto series = it->points.find(key);
    if (series == it->points.end()) {
        it->keys.append(key);
        series = it->points.insert(key, {});
    }
    series->append(QPointF(step, value));
    ++m_count;
    ++m_revision;
}

QStringList MetricHistory::keys(const QString &nodeId) const
{
    auto it = m_nodes.constFind(nodeId);
    return it == m_nodes.cend() ? QStringList() : it->keys;
}

const QVector<QPointF> &MetricHistory::points(const QString &nodeId, const QString &key) const
{
    static const QVector<QPointF> none;
    auto it = m_nodes.constFind(nodeId);
    if (it == m_nodes.cend())
        return none;
    auto series = it->points.constFind(key);
    return series == it->points.cend() ? none : *series;
}

QStringList MetricHistory::nodesWithCurves() const
{
    QStringList out;
    for (const QString &node : m_nodeOrder) {
        const NodeSeries &s = m_nodes[node];
        for (const QString &key : s.keys)
            if (s.points[key].size() > 1) {
                out.append(node);
                break;
            }
    }
    return out;
}

} // namespace fb
