#include "ComparisonData.h"

#include <QRegularExpression>
#include <QSet>

namespace fb {

std::pair<QString, QString> ComparisonData::splitKey(const QString &nodeKey)
{
    const qsizetype dot = nodeKey.indexOf(u'.');
    if (dot < 0)
        return {QString(), nodeKey};
    return {nodeKey.left(dot), nodeKey.mid(dot + 1)};
}

bool ComparisonData::lowerIsBetter(const QString &key)
{
    static const QRegularExpression lower(QStringLiteral(
                                              "loss|error|mse|mae|rmse|inertia|time|seconds|"
                                              "deviance|brier|perplexity|grad_norm|^aic|^bic"),
                                          QRegularExpression::CaseInsensitiveOption);
    return lower.match(splitKey(key).second).hasMatch();
}

ComparisonData ComparisonData::load(const StoreLocation &location,
                                    const QStringList &runIds,
                                    const QString &curveKey)
{
    ComparisonData data;
    data.runIds = runIds;
    RunQueries queries(location);
    data.params = queries.params(runIds);
    QSet<QString> curves;
    for (const QString &run : runIds) {
        const QList<FinalMetric> finals = queries.finalMetrics(run);
        for (const FinalMetric &m : finals)
            if (m.curve)
                curves.insert(m.nodeId + u'.' + m.key);
        data.finalMetrics.insert(run, finals);
    }
    data.curveKeys = QStringList(curves.cbegin(), curves.cend());
    data.curveKeys.sort();
    data.curveKey = data.curveKeys.contains(curveKey) ? curveKey : defaultCurve(data.curveKeys);
    if (!data.curveKey.isEmpty())
        data.curves = loadCurves(queries, runIds, data.curveKey);
    return data;
}

QHash<QString, QVector<QPointF>> ComparisonData::loadCurves(RunQueries &queries,
                                                            const QStringList &runIds,
                                                            const QString &curveKey)
{
    QHash<QString, QVector<QPointF>> out;
    const auto [node, key] = splitKey(curveKey);
    for (const MetricSeries &s : queries.series(runIds, node, key)) {
        QVector<QPointF> points;
        points.reserve(s.steps.size());
        for (qsizetype i = 0; i < s.steps.size(); ++i)
            points.append(QPointF(double(s.steps[i]), s.values[i]));
        out.insert(s.runId, std::move(points));
    }
    return out;
}

QStringList ComparisonData::allParams() const
{
    QSet<QString> names;
    for (const auto &p : params)
        for (auto it = p.cbegin(); it != p.cend(); ++it)
            names.insert(it.key());
    QStringList out(names.cbegin(), names.cend());
    out.sort();
    return out;
}

QStringList ComparisonData::differingParams() const
{
    QStringList out;
    for (const QString &name : allParams()) {
        QSet<QString> values;
        for (const QString &run : runIds)
            values.insert(params.value(run).value(name, QStringLiteral("\x01missing")));
        if (values.size() > 1)
            out.append(name);
    }
    return out;
}

QString ComparisonData::defaultCurve(const QStringList &curveKeys)
{
    for (const QString &k : curveKeys)
        if (splitKey(k).second == QStringLiteral("loss"))
            return k;
    for (const QString &k : curveKeys)
        if (splitKey(k).second.contains(QStringLiteral("loss")))
            return k;
    return curveKeys.value(0);
}

QStringList ComparisonData::runLabels() const
{
    if (runIds.size() < 2 || runIds.first().isEmpty())
        return runIds;
    qsizetype common = runIds.first().size();
    for (const QString &id : runIds) {
        qsizetype i = 0;
        while (i < common && i < id.size() && id[i] == runIds.first()[i])
            ++i;
        common = i;
    }
    // Back to the last dash inside the shared part, so labels start at a whole component.
    const qsizetype dash = common > 0 ? runIds.first().lastIndexOf(u'-', common - 1) : -1;
    if (dash <= 0)
        return runIds;
    QStringList out;
    for (const QString &id : runIds)
        out.append(QStringLiteral("…") + id.mid(dash + 1));
    return out;
}

QStringList ComparisonData::allFinalMetrics() const
{
    QSet<QString> names;
    for (const auto &list : finalMetrics)
        for (const FinalMetric &m : list)
            names.insert(m.nodeId + u'.' + m.key);
    QStringList out(names.cbegin(), names.cend());
    out.sort();
    return out;
}

} // namespace fb
