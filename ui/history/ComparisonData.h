#pragma once

#include "store/RunQueries.h"

#include <QHash>
#include <QMap>
#include <QPointF>
#include <QStringList>
#include <QVector>

namespace fb {

// What a comparison of runs shows, read on a pool thread (RunQueries) and handed to the view
// at once: parameters, final metrics, and the curves of one metric series per run.
struct ComparisonData
{
    QStringList runIds;
    QHash<QString, QMap<QString, QString>> params;   // run -> "node.param" -> JSON text
    QHash<QString, QList<FinalMetric>> finalMetrics; // run -> its series' final values
    QStringList curveKeys; // "node.key" of series with more than one point in some run
    QString curveKey;      // the key of `curves`
    QHash<QString, QVector<QPointF>> curves; // run -> (step, value) points of curveKey

    // Reads everything but the curves, then the curves of `curveKey` (or of the first curve
    // key when empty or absent). Opens its own connection: call it on the thread that uses it.
    static ComparisonData load(const StoreLocation &location,
                               const QStringList &runIds,
                               const QString &curveKey = {});
    // The curves of one series of `runIds`.
    static QHash<QString, QVector<QPointF>> loadCurves(RunQueries &queries,
                                                       const QStringList &runIds,
                                                       const QString &curveKey);

    // Splits "node.key" at its first dot (node ids have none; keys may).
    static std::pair<QString, QString> splitKey(const QString &nodeKey);
    // True when smaller values are better (losses, errors): by the metric's name.
    static bool lowerIsBetter(const QString &key);
    // Parameter names whose values differ between the runs (a missing value counts as one).
    QStringList differingParams() const;
    QStringList allParams() const;       // sorted
    QStringList allFinalMetrics() const; // "node.key", sorted
    // Column labels: the run ids without the dash-separated prefix they all share
    // ("…163157-3d1f" for runs of one day), so that many columns fit.
    QStringList runLabels() const;
    // The curve shown first: a loss if there is one (what users look at first), else the first.
    static QString defaultCurve(const QStringList &curveKeys);
};

} // namespace fb
