#pragma once

#include "RunStore.h"
#include "StoreLocation.h"

#include <QHash>
#include <QList>
#include <QMap>
#include <QSqlDatabase>
#include <QString>
#include <QStringList>

class QSqlQuery;

namespace fb {

// The last recorded value of one metric series of a run (the value at its highest step).
struct FinalMetric
{
    QString nodeId;
    QString key;
    qint64 step = 0;
    double value = 0.0;
    bool curve = false; // more than one point (a curve, not a final score)
};

// One row of the run history: the run, how its tasks ended (latest try per node) and the final
// value of every metric series.
struct RunOverview
{
    RunSummary run;
    QMap<TaskState, int> taskStates;
    QList<FinalMetric> finalMetrics;
};

// One series of a comparison: (step, value) pairs in step order.
struct MetricSeries
{
    QString runId;
    QList<qint64> steps;
    QList<double> values;
};

// Read-only queries of the run history views (browser, comparison). Each instance opens its own
// connection for the calling thread and closes it on destruction, so a background job creates
// one, queries and drops it: a QSqlDatabase connection is never shared across threads. SQLite
// connections are made read-only (PRAGMA query_only), so the views can never write the store.
//
// Every query is an index seek on the schema's indexes (runs_by_start, the task_instances
// primary key, metrics_by_series(run_id, node_id, key, step)): the final value of a series is
// the last entry of its index range, and the series of a run are enumerated by seeking past
// the previous one (a "loose index scan"), so the cost does not grow with the number of steps.
class RunQueries
{
public:
    explicit RunQueries(const StoreLocation &location);
    ~RunQueries();
    RunQueries(const RunQueries &) = delete;
    RunQueries &operator=(const RunQueries &) = delete;

    bool isOpen() const { return m_db.isValid() && m_db.isOpen(); }
    QString lastError() const { return m_error; }

    // The newest `limit` runs (0 = all), newest first, with task states and final metrics.
    QList<RunOverview> overview(int limit = 0);
    // The metric series (node id, key) of a run with their final values.
    QList<FinalMetric> finalMetrics(const QString &runId);
    // Task state counts of runs (latest try of each node).
    QHash<QString, QMap<TaskState, int>> taskStates(const QStringList &runIds);
    // {"node.param": JSON text of the value} per run id.
    QHash<QString, QMap<QString, QString>> params(const QStringList &runIds);
    // One metric series of each run (runs without it give an empty series).
    QList<MetricSeries> series(const QStringList &runIds, const QString &nodeId, const QString &key);

private:
    bool exec(QSqlQuery &q, const QString &what);

    QString m_name;
    QSqlDatabase m_db;
    QString m_error;
};

} // namespace fb
