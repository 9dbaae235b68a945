#include "RunQueries.h"

#include "StoreSchema.h"

#include <QAtomicInteger>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSqlError>
#include <QSqlQuery>
#include <QVariant>

#include <cmath>
#include <limits>
#include <memory>

namespace fb {

namespace {

QAtomicInteger<quint64> nextConnection{1};

QString placeholders(qsizetype n)
{
    QStringList marks;
    marks.reserve(n);
    for (qsizetype i = 0; i < n; ++i)
        marks.append(QStringLiteral("?"));
    return marks.join(u',');
}

double metricValue(const QVariant &v)
{
    // The store writes NaN as NULL.
    return v.isNull() ? std::numeric_limits<double>::quiet_NaN() : v.toDouble();
}

} // namespace

RunQueries::RunQueries(const StoreLocation &location)
    : m_name(QStringLiteral("fb-history-%1").arg(nextConnection.fetchAndAddRelaxed(1)))
{
    m_db = store::openConnection(m_name, location, &m_error);
    if (!m_db.isValid())
        return;
    if (!location.isPostgres()) {
        QSqlQuery q(m_db);
        if (!q.exec(QStringLiteral("PRAGMA query_only = 1")))
            m_error = q.lastError().text();
    }
}

RunQueries::~RunQueries()
{
    m_db = QSqlDatabase();
    store::closeConnection(m_name);
}

bool RunQueries::exec(QSqlQuery &q, const QString &what)
{
    if (q.exec())
        return true;
    m_error = QStringLiteral("%1: %2").arg(what, q.lastError().text());
    return false;
}

QList<RunOverview> RunQueries::overview(int limit)
{
    QList<RunOverview> out;
    if (!isOpen())
        return out;
    // No filters here: the browser filters the loaded rows in memory, as the user types.
    QSqlQuery q(m_db);
    q.setForwardOnly(true);
    q.prepare(
        QStringLiteral(
            "SELECT run_id, pipeline_name, pipeline_path, pipeline_hash, state, start_ms, "
            "end_ms, targets, overrides, host, pid FROM runs ORDER BY start_ms DESC, run_id DESC")
        + (limit > 0 ? QStringLiteral(" LIMIT %1").arg(limit) : QString()));
    if (!exec(q, QStringLiteral("runs")))
        return out;
    while (q.next()) {
        RunSummary r;
        r.runId = q.value(0).toString();
        r.pipelineName = q.value(1).toString();
        r.pipelinePath = q.value(2).toString();
        r.pipelineHash = q.value(3).toString();
        r.state = taskStateFromName(q.value(4).toString());
        r.startMs = q.value(5).toLongLong();
        r.endMs = q.value(6).toLongLong();
        for (const QJsonValue &t : QJsonDocument::fromJson(q.value(7).toString().toUtf8()).array())
            r.targets.append(t.toString());
        r.overrides = QJsonDocument::fromJson(q.value(8).toString().toUtf8()).object();
        r.host = q.value(9).toString();
        r.pid = q.value(10).toLongLong();
        out.append(RunOverview{r, {}, {}});
    }
    q.finish();

    QStringList ids;
    ids.reserve(out.size());
    for (const RunOverview &o : out)
        ids.append(o.run.runId);
    const auto states = taskStates(ids);
    for (RunOverview &o : out) {
        o.taskStates = states.value(o.run.runId);
        int tasks = 0;
        for (int n : o.taskStates)
            tasks += n;
        o.run.taskCount = tasks;
        o.finalMetrics = finalMetrics(o.run.runId);
    }
    return out;
}

QList<FinalMetric> RunQueries::finalMetrics(const QString &runId)
{
    QList<FinalMetric> out;
    if (!isOpen())
        return out;
    // Loose index scan: seek to the next key of the same node, or else to the first key of the
    // next node, then to the last step of that series. Each is a seek on metrics_by_series;
    // a single (node_id, key) > (?, ?) row-value seek would instead walk every step of the
    // previous series (SQLite seeks on node_id only), 5 ms per 10,000-step curve.
    const auto prepared = [this](const QString &sql) {
        auto q = std::make_unique<QSqlQuery>(m_db);
        q->setForwardOnly(true);
        q->prepare(sql);
        return q;
    };
    const auto firstNode = prepared(
        QStringLiteral("SELECT node_id, key FROM metrics WHERE run_id = ? AND node_id >= ? ORDER "
                       "BY node_id, key LIMIT 1"));
    const auto nextNode = prepared(
        QStringLiteral("SELECT node_id, key FROM metrics WHERE run_id = ? AND node_id > ? ORDER BY "
                       "node_id, key LIMIT 1"));
    const auto nextKey = prepared(
        QStringLiteral("SELECT node_id, key FROM metrics WHERE run_id = ? AND node_id = ? AND key "
                       "> ? ORDER BY key LIMIT 1"));
    // Counting stops at two points: whether the series is a curve is all the views need.
    const auto last = prepared(
        QStringLiteral("SELECT step, value, (SELECT COUNT(*) FROM (SELECT 1 FROM metrics c WHERE "
                       "c.run_id = m.run_id AND "
                       "c.node_id = m.node_id AND c.key = m.key LIMIT 2) two) FROM metrics m "
                       "WHERE run_id = ? AND node_id = ? AND key = ? ORDER BY step DESC LIMIT 1"));
    // Positional binds (addBindValue() would append to the values of the previous exec());
    // strings empty rather than null, which would bind as NULL and match nothing.
    const auto seek =
        [this, &runId](QSqlQuery &q, const QStringList &values, QString *node, QString *key) {
            q.bindValue(0, runId);
            for (int i = 0; i < values.size(); ++i)
                q.bindValue(i + 1, values[i].isNull() ? QStringLiteral("") : values[i]);
            if (!exec(q, QStringLiteral("metric series")) || !q.next())
                return false;
            *node = q.value(0).toString();
            *key = q.value(1).toString();
            q.finish();
            return true;
        };
    QString node, key;
    bool found = seek(*firstNode, {QString()}, &node, &key);
    while (found) {
        last->bindValue(0, runId);
        last->bindValue(1, node.isNull() ? QStringLiteral("") : node);
        last->bindValue(2, key);
        if (!exec(*last, QStringLiteral("final metric")))
            break;
        if (last->next())
            out.append(FinalMetric{node,
                                   key,
                                   last->value(0).toLongLong(),
                                   metricValue(last->value(1)),
                                   last->value(2).toInt() > 1});
        last->finish();
        const QString previous = node;
        found = seek(*nextKey, {node, key}, &node, &key)
                || seek(*nextNode, {previous}, &node, &key);
    }
    return out;
}

QHash<QString, QMap<TaskState, int>> RunQueries::taskStates(const QStringList &runIds)
{
    QHash<QString, QMap<TaskState, int>> out;
    if (!isOpen() || runIds.isEmpty())
        return out;
    // Rows come in primary-key order (run, node, try): the last row of a node is its latest try.
    QSqlQuery q(m_db);
    q.setForwardOnly(true);
    q.prepare(
        QStringLiteral("SELECT run_id, node_id, state FROM task_instances WHERE run_id IN (%1) "
                       "ORDER BY run_id, node_id, try_number")
            .arg(placeholders(runIds.size())));
    for (const QString &id : runIds)
        q.addBindValue(id);
    if (!exec(q, QStringLiteral("task instances")))
        return out;
    QString run, node;
    TaskState state = TaskState::None;
    const auto flush = [&] {
        if (!node.isEmpty())
            out[run][state] += 1;
    };
    while (q.next()) {
        const QString r = q.value(0).toString();
        const QString n = q.value(1).toString();
        if (r != run || n != node) {
            flush();
            run = r;
            node = n;
        }
        state = taskStateFromName(q.value(2).toString());
    }
    flush();
    return out;
}

QHash<QString, QMap<QString, QString>> RunQueries::params(const QStringList &runIds)
{
    QHash<QString, QMap<QString, QString>> out;
    if (!isOpen() || runIds.isEmpty())
        return out;
    QSqlQuery q(m_db);
    q.setForwardOnly(true);
    q.prepare(QStringLiteral("SELECT run_id, node_id, key, value FROM params WHERE run_id IN (%1)")
                  .arg(placeholders(runIds.size())));
    for (const QString &id : runIds)
        q.addBindValue(id);
    if (!exec(q, QStringLiteral("params")))
        return out;
    while (q.next())
        out[q.value(0).toString()].insert(q.value(1).toString() + u'.' + q.value(2).toString(),
                                          q.value(3).toString());
    return out;
}

QList<MetricSeries> RunQueries::series(const QStringList &runIds,
                                       const QString &nodeId,
                                       const QString &key)
{
    QList<MetricSeries> out;
    if (!isOpen())
        return out;
    QSqlQuery q(m_db);
    q.setForwardOnly(true);
    q.prepare(QStringLiteral(
        "SELECT step, value FROM metrics WHERE run_id = ? AND node_id = ? AND key = ? "
        "ORDER BY step"));
    for (const QString &runId : runIds) {
        MetricSeries s;
        s.runId = runId;
        q.bindValue(0, runId);
        q.bindValue(1, nodeId);
        q.bindValue(2, key);
        if (!exec(q, QStringLiteral("metric series"))) {
            out.append(s);
            continue;
        }
        while (q.next()) {
            s.steps.append(q.value(0).toLongLong());
            s.values.append(metricValue(q.value(1)));
        }
        q.finish();
        out.append(std::move(s));
    }
    return out;
}

} // namespace fb
