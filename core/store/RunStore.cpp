#include "RunStore.h"

#include "RunRecorder.h"
#include "SqlDialect.h"
#include "SqlValues.h"
#include "StoreReaders.h"
#include "StoreSchema.h"
#include "StoreWriter.h"
#include "exec/EventQueue.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSqlError>
#include <QSqlQuery>
#include <QStandardPaths>
#include <QSysInfo>
#include <QVariant>

#include <atomic>
#include <cerrno>
#include <limits>
#include <mutex>
#include <vector>

#ifdef Q_OS_UNIX
#include <signal.h>
#endif

namespace fb {

namespace {

std::atomic<quint64> nextStoreSerial{1};

// A process is dead when the kernel says there is no such pid. EPERM means it exists under
// another user. A reused pid keeps a dead run "running" (never the reverse): marking a live
// run interrupted would corrupt a concurrent CLI run, a stale "running" row only looks odd.
bool processIsAlive(qint64 pid)
{
#ifdef Q_OS_UNIX
    if (pid <= 0 || pid > std::numeric_limits<pid_t>::max())
        return true; // unknown: never guess
    if (::kill(pid_t(pid), 0) == 0)
        return true;
    return errno != ESRCH;
#else
    Q_UNUSED(pid);
    return true; // no portable check yet: leave such runs alone
#endif
}

LogLevel logLevelFromName(const QString &name)
{
    for (LogLevel level : {LogLevel::Debug, LogLevel::Info, LogLevel::Warning, LogLevel::Error}) {
        if (logLevelName(level) == name)
            return level;
    }
    return LogLevel::Info;
}

QJsonValue jsonValueFromText(const QString &text)
{
    const QJsonDocument doc = QJsonDocument::fromJson('[' + text.toUtf8() + ']');
    return doc.isArray() && !doc.array().isEmpty() ? doc.array().at(0) : QJsonValue(text);
}

QString likeSubstring(const QString &text)
{
    QString escaped = text;
    escaped.replace(u'\\', QLatin1String("\\\\"))
        .replace(u'%', QLatin1String("\\%"))
        .replace(u'_', QLatin1String("\\_"));
    return u'%' + escaped + u'%';
}

const QString runColumns = QStringLiteral(
    "run_id, pipeline_name, pipeline_path, pipeline_hash, state, start_ms, end_ms, targets, "
    "overrides, host, pid, (SELECT COUNT(DISTINCT node_id) FROM task_instances t WHERE "
    "t.run_id = runs.run_id)");

RunSummary runFromRow(const QSqlQuery &q)
{
    RunSummary r;
    r.runId = q.value(0).toString();
    r.pipelineName = q.value(1).toString();
    r.pipelinePath = q.value(2).toString();
    r.pipelineHash = q.value(3).toString();
    r.state = taskStateFromName(q.value(4).toString());
    r.startMs = q.value(5).toLongLong();
    r.endMs = q.value(6).toLongLong();
    const QJsonArray targets = QJsonDocument::fromJson(q.value(7).toString().toUtf8()).array();
    for (const QJsonValue &t : targets)
        r.targets.append(t.toString());
    r.overrides = QJsonDocument::fromJson(q.value(8).toString().toUtf8()).object();
    r.host = q.value(9).toString();
    r.pid = q.value(10).toLongLong();
    r.taskCount = q.value(11).toInt();
    return r;
}

} // namespace

struct RunStore::Private
{
    StoreLocation location;
    store::SqlDialect dialect;
    QString path; // for messages: the file, or the URL without its password
    QString connectionPrefix;
    int interruptedOnOpen = 0;
    std::unique_ptr<store::StoreWriter> writer;
    std::shared_ptr<store::ReaderConnections> readers;

    std::mutex busMutex;
    std::vector<std::pair<EventBus *, std::shared_ptr<EventQueue>>> buses;

    mutable std::mutex errorMutex;
    mutable QString readError;

    // Runs `bind` on a prepared read query of the calling thread's connection, then `row` for
    // each result row. The connection handle and the query live only inside this call.
    template<typename Bind, typename Row>
    bool read(const QString &sql, Bind &&bind, Row &&row) const
    {
        QString error;
        {
            QSqlDatabase db = readers->connection(&error);
            if (db.isValid()) {
                QSqlQuery q(db);
                q.setForwardOnly(true);
                if (q.prepare(sql)) {
                    bind(q);
                    if (q.exec()) {
                        while (q.next())
                            row(q);
                        return true;
                    }
                }
                error = QStringLiteral("Run store %1: %2").arg(path, q.lastError().text());
            }
        }
        std::lock_guard lock(errorMutex);
        readError = error;
        return false;
    }

    int markInterrupted(QSqlDatabase &db, QString *error);
};

// Invocations that were queued or running in a process of this machine that no longer exists
// were cut short by a crash or a kill: nothing will ever finish them, so they are closed as
// interrupted, with the time of the last thing their run recorded as their end. Their run is
// closed too unless another invocation of it (a sibling Airflow task) still runs; it then
// takes the state the remaining tries give it (see store::aggregateRunState).
int RunStore::Private::markInterrupted(QSqlDatabase &db, QString *error)
{
    QSqlQuery q(db);
    if (!q.exec(dialect.beginWrite())
        || (!dialect.lockStore().isEmpty() && !q.exec(dialect.lockStore()))) {
        *error = q.lastError().text();
        q.exec(QStringLiteral("ROLLBACK"));
        return 0;
    }
    const QString host = QSysInfo::machineHostName();
    QList<QPair<QString, qint64>> dead;
    q.prepare(QStringLiteral("SELECT run_id, pid FROM run_invocations WHERE state IN ('queued', "
                             "'running') AND host = ?"));
    q.addBindValue(host);
    if (q.exec()) {
        while (q.next()) {
            if (!processIsAlive(q.value(1).toLongLong()))
                dead.append({q.value(0).toString(), q.value(1).toLongLong()});
        }
    }
    q.finish();

    const QString unfinished = QStringLiteral("('none', 'queued', 'running', 'up_for_retry')");
    const QString lastActivity = QStringLiteral(
        "SELECT MAX(t) FROM ("
        " SELECT start_ms AS t FROM runs WHERE run_id = :run"
        " UNION ALL SELECT MAX(start_ms) FROM task_instances WHERE run_id = :run"
        " UNION ALL SELECT MAX(end_ms) FROM task_instances WHERE run_id = :run"
        " UNION ALL SELECT MAX(time_ms) FROM logs WHERE run_id = :run"
        " UNION ALL SELECT MAX(time_ms) FROM metrics WHERE run_id = :run"
        " UNION ALL SELECT MAX(time_ms) FROM artifacts WHERE run_id = :run) AS activity");
    const QString closeTasks = QStringLiteral(
                                   "UPDATE task_instances SET state = 'interrupted', end_ms = CASE "
                                   "WHEN start_ms > 0 THEN "
                                   ":end ELSE end_ms END WHERE run_id = :run AND state IN %1")
                                   .arg(unfinished);
    auto fail = [&](const QSqlQuery &failed) {
        *error = failed.lastError().text();
        q.exec(QStringLiteral("ROLLBACK"));
        return 0;
    };
    int closedRuns = 0;
    for (const auto &[runId, pid] : dead) {
        q.prepare(lastActivity);
        q.bindValue(QStringLiteral(":run"), runId);
        if (!q.exec() || !q.next())
            return fail(q);
        const qint64 endMs = q.value(0).toLongLong();
        q.finish();
        const auto bindOwner = [&] {
            q.bindValue(QStringLiteral(":end"), endMs);
            q.bindValue(QStringLiteral(":run"), runId);
            q.bindValue(QStringLiteral(":host"), host);
            q.bindValue(QStringLiteral(":pid"), pid);
        };
        q.prepare(QStringLiteral("UPDATE run_invocations SET state = 'interrupted', end_ms = :end "
                                 "WHERE run_id = :run AND host = :host AND pid = :pid"));
        bindOwner();
        if (!q.exec())
            return fail(q);
        q.prepare(closeTasks + QStringLiteral(" AND host = :host AND pid = :pid"));
        bindOwner();
        if (!q.exec())
            return fail(q);
        TaskState state = TaskState::Interrupted;
        qint64 runEnd = endMs;
        if (!store::aggregateRunState(
                db, runId, TaskState::Interrupted, endMs, &state, &runEnd, error)) {
            q.exec(QStringLiteral("ROLLBACK"));
            return 0;
        }
        if (state == TaskState::Running)
            continue; // a sibling invocation goes on with the run
        // Nothing runs the run any more: whatever it left open stays so.
        q.prepare(closeTasks);
        q.bindValue(QStringLiteral(":end"), runEnd);
        q.bindValue(QStringLiteral(":run"), runId);
        if (!q.exec())
            return fail(q);
        q.prepare(QStringLiteral("UPDATE runs SET state = ?, end_ms = ? WHERE run_id = ? AND "
                                 "state IN ('queued', 'running')"));
        q.addBindValue(taskStateName(state));
        q.addBindValue(runEnd);
        q.addBindValue(runId);
        if (!q.exec())
            return fail(q);
        closedRuns += q.numRowsAffected() > 0 ? 1 : 0;
    }
    if (!q.exec(QStringLiteral("COMMIT"))) {
        *error = q.lastError().text();
        q.exec(QStringLiteral("ROLLBACK"));
        return 0;
    }
    return closedRuns;
}

std::unique_ptr<RunStore> RunStore::open(const QString &pathOrUrl, QString *error)
{
    QString dummy;
    QString &err = error ? *error : dummy;
    if (pathOrUrl.isEmpty()) {
        err = QStringLiteral("Cannot open a run store: no file given.");
        return nullptr;
    }
    const std::optional<StoreLocation> location = StoreLocation::parse(pathOrUrl, &err);
    return location ? open(*location, error) : nullptr;
}

std::unique_ptr<RunStore> RunStore::open(const StoreLocation &location, QString *error)
{
    QString dummy;
    QString &err = error ? *error : dummy;
    if (!location.isValid()) {
        err = QStringLiteral("Cannot open a run store: no file given.");
        return nullptr;
    }
    const QString shown = location.displayName();
    if (!location.isPostgres()) {
        const QString absolute = location.sqlitePath();
        if (!QDir().mkpath(QFileInfo(absolute).absolutePath())) {
            err = QStringLiteral("Cannot open run store %1: cannot create its folder.").arg(shown);
            return nullptr;
        }
        if (!store::looksLikeSqlite(absolute, &err))
            return nullptr;
    }

    auto d = std::make_unique<Private>();
    d->location = location;
    d->dialect = store::SqlDialect(location.backend());
    d->path = location.isPostgres() ? shown : location.sqlitePath();
    d->connectionPrefix = QStringLiteral("flowbench-store-%1-").arg(nextStoreSerial.fetch_add(1));

    // Schema check, migration and crash recovery on a connection of their own, closed before
    // the writer and the readers open theirs.
    const QString setupName = d->connectionPrefix + QStringLiteral("setup");
    bool ok = false;
    {
        QSqlDatabase db = store::openConnection(setupName, location, &err);
        if (db.isValid()) {
            store::PrepareResult schema;
            if (store::prepareSchema(db, location, &schema, &err)) {
                QString failure;
                d->interruptedOnOpen = d->markInterrupted(db, &failure);
                // Not fatal: the store works; the runs are marked by the next open.
                if (!failure.isEmpty())
                    d->readError = QStringLiteral("Run store %1: cannot mark interrupted runs: %2")
                                       .arg(shown, failure);
                ok = true;
            }
        }
    }
    store::closeConnection(setupName);
    if (!ok)
        return nullptr;

    d->readers = std::make_shared<store::ReaderConnections>(location,
                                                            d->connectionPrefix
                                                                + QStringLiteral("read-"));
    d->writer = std::make_unique<store::StoreWriter>(location,
                                                     d->connectionPrefix + QStringLiteral("write"));
    if (!d->writer->start(&err))
        return nullptr;
    return std::unique_ptr<RunStore>(new RunStore(std::move(d)));
}

QString RunStore::defaultPath()
{
    return QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation)
           + QStringLiteral("/flowbench/store.sqlite");
}

RunStore::RunStore(std::unique_ptr<Private> dd)
    : d(std::move(dd))
{}

RunStore::~RunStore()
{
    d->writer->flush(60000);
    {
        // The buses may outlive the store or die before it: close the queues instead of
        // unsubscribing, so a bus that keeps publishing pushes into a closed queue (a no-op).
        std::lock_guard lock(d->busMutex);
        for (const auto &[bus, queue] : d->buses)
            queue->close();
        d->buses.clear();
    }
    d->writer->stop();
    d->readers->closeAll();
}

QString RunStore::path() const
{
    return d->path;
}

const StoreLocation &RunStore::location() const
{
    return d->location;
}

QString RunStore::dataDir() const
{
    return d->location.dataDir();
}

QString RunStore::artifactRoot() const
{
    return dataDir() + QStringLiteral("/artifacts");
}

QString RunStore::cacheDir() const
{
    return dataDir() + QStringLiteral("/cache");
}

int RunStore::interruptedOnOpen() const
{
    return d->interruptedOnOpen;
}

void RunStore::attach(EventBus &bus)
{
    std::lock_guard lock(d->busMutex);
    for (const auto &entry : d->buses) {
        if (entry.first == &bus)
            return; // attached twice would store every event twice
    }
    auto queue = bus.subscribe();
    d->writer->addQueue(queue);
    d->buses.emplace_back(&bus, queue);
}

void RunStore::detach(EventBus &bus)
{
    std::lock_guard lock(d->busMutex);
    for (auto it = d->buses.begin(); it != d->buses.end(); ++it) {
        if (it->first == &bus) {
            bus.unsubscribe(it->second);
            it->second->close(); // the writer drains what is left, then drops the queue
            d->buses.erase(it);
            return;
        }
    }
}

void RunStore::post(const RunEvent &event)
{
    d->writer->post(event);
}

bool RunStore::flush(int timeoutMs)
{
    return d->writer->flush(timeoutMs);
}

QString RunStore::lastError() const
{
    const QString writeError = d->writer->lastError();
    if (!writeError.isEmpty())
        return writeError;
    std::lock_guard lock(d->errorMutex);
    return d->readError;
}

QList<RunSummary> RunStore::listRuns(const RunFilter &filter) const
{
    QString sql = QStringLiteral("SELECT ") + runColumns + QStringLiteral(" FROM runs WHERE 1 = 1");
    if (!filter.pipeline.isEmpty())
        sql += QStringLiteral(" AND (pipeline_name %1 :p ESCAPE '\\' OR pipeline_path %1 :p "
                              "ESCAPE '\\')")
                   .arg(d->dialect.likeInsensitive());
    if (filter.state)
        sql += QStringLiteral(" AND state = :state");
    if (filter.sinceMs > 0)
        sql += QStringLiteral(" AND start_ms >= :since");
    if (filter.untilMs > 0)
        sql += QStringLiteral(" AND start_ms < :until");
    sql += QStringLiteral(" ORDER BY start_ms DESC, run_id DESC");
    if (filter.limit > 0)
        sql += QStringLiteral(" LIMIT :limit");

    QList<RunSummary> runs;
    d->read(
        sql,
        [&](QSqlQuery &q) {
            if (!filter.pipeline.isEmpty())
                q.bindValue(QStringLiteral(":p"), likeSubstring(filter.pipeline));
            if (filter.state)
                q.bindValue(QStringLiteral(":state"), taskStateName(*filter.state));
            if (filter.sinceMs > 0)
                q.bindValue(QStringLiteral(":since"), filter.sinceMs);
            if (filter.untilMs > 0)
                q.bindValue(QStringLiteral(":until"), filter.untilMs);
            if (filter.limit > 0)
                q.bindValue(QStringLiteral(":limit"), filter.limit);
        },
        [&](const QSqlQuery &q) { runs.append(runFromRow(q)); });
    return runs;
}

std::optional<RunSummary> RunStore::findRun(const QString &runIdOrPrefix, QString *error) const
{
    QString dummy;
    QString &err = error ? *error : dummy;
    const QString wanted = runIdOrPrefix.trimmed();
    if (wanted.isEmpty()) {
        err = QStringLiteral("No run id given.");
        return std::nullopt;
    }
    // An exact id wins even when it is also the prefix of a longer id.
    QList<RunSummary> found;
    const QString select = QStringLiteral("SELECT ") + runColumns + QStringLiteral(" FROM runs ");
    bool ok = d->read(
        select + QStringLiteral("WHERE run_id = ?"),
        [&](QSqlQuery &q) { q.addBindValue(wanted); },
        [&](const QSqlQuery &q) { found.append(runFromRow(q)); });
    if (ok && found.isEmpty()) {
        ok = d->read(
            select + QStringLiteral("WHERE ") + d->dialect.startsWith(QStringLiteral("run_id"))
                + QStringLiteral(" ORDER BY start_ms DESC, run_id DESC LIMIT 6"),
            [&](QSqlQuery &q) { q.addBindValue(d->dialect.prefixPattern(wanted)); },
            [&](const QSqlQuery &q) { found.append(runFromRow(q)); });
    }
    if (!ok) {
        err = lastError();
        return std::nullopt;
    }
    if (found.isEmpty()) {
        err = QStringLiteral("No run '%1' in %2.").arg(wanted, QDir::toNativeSeparators(d->path));
        return std::nullopt;
    }
    if (found.size() > 1) {
        QStringList ids;
        for (qsizetype i = 0; i < std::min<qsizetype>(found.size(), 5); ++i)
            ids.append(found[i].runId);
        if (found.size() > 5)
            ids.append(QStringLiteral("…"));
        err = QStringLiteral("Run id '%1' is ambiguous: it matches %2 runs (%3); give more of it.")
                  .arg(wanted,
                       found.size() > 5 ? QStringLiteral("more than 5")
                                        : QString::number(found.size()),
                       ids.join(QStringLiteral(", ")));
        return std::nullopt;
    }
    return found.first();
}

QList<TaskInstanceRecord> RunStore::taskInstances(const QString &runId) const
{
    QList<TaskInstanceRecord> tasks;
    // In start order (the Gantt order); tasks that never started last, by node and try.
    d->read(
        QStringLiteral("SELECT node_id, node_type, try_number, state, start_ms, end_ms, error, "
                       "cached, host, pid FROM task_instances WHERE run_id = ? "
                       "ORDER BY start_ms = 0, start_ms, node_id, try_number"),
        [&](QSqlQuery &q) { q.addBindValue(runId); },
        [&](const QSqlQuery &q) {
            TaskInstanceRecord t;
            t.nodeId = q.value(0).toString();
            t.type = q.value(1).toString();
            t.tryNumber = q.value(2).toInt();
            t.state = taskStateFromName(q.value(3).toString());
            t.startMs = q.value(4).toLongLong();
            t.endMs = q.value(5).toLongLong();
            t.error = q.value(6).toString();
            t.cached = q.value(7).toInt() != 0;
            t.host = q.value(8).toString();
            t.pid = q.value(9).toLongLong();
            tasks.append(t);
        });
    return tasks;
}

QList<RunInvocation> RunStore::invocations(const QString &runId) const
{
    QList<RunInvocation> out;
    d->read(
        QStringLiteral("SELECT host, pid, targets, state, start_ms, end_ms FROM run_invocations "
                       "WHERE run_id = ? ORDER BY start_ms, host, pid"),
        [&](QSqlQuery &q) { q.addBindValue(runId); },
        [&](const QSqlQuery &q) {
            RunInvocation i;
            i.host = q.value(0).toString();
            i.pid = q.value(1).toLongLong();
            i.targets = store::stringListFromJson(q.value(2).toString());
            i.state = taskStateFromName(q.value(3).toString());
            i.startMs = q.value(4).toLongLong();
            i.endMs = q.value(5).toLongLong();
            out.append(i);
        });
    return out;
}

QJsonObject RunStore::params(const QString &runId) const
{
    QJsonObject out;
    QString node;
    QJsonObject current;
    d->read(
        QStringLiteral("SELECT node_id, key, value FROM params WHERE run_id = ? ORDER BY node_id"),
        [&](QSqlQuery &q) { q.addBindValue(runId); },
        [&](const QSqlQuery &q) {
            const QString rowNode = q.value(0).toString();
            if (rowNode != node && !current.isEmpty()) {
                out.insert(node, current);
                current = {};
            }
            node = rowNode;
            current.insert(q.value(1).toString(), jsonValueFromText(q.value(2).toString()));
        });
    if (!current.isEmpty())
        out.insert(node, current);
    return out;
}

QList<MetricPoint> RunStore::metrics(const QString &runId,
                                     const QString &nodeId,
                                     const QString &key) const
{
    QString sql = QStringLiteral(
        "SELECT node_id, key, step, value, time_ms FROM metrics WHERE run_id = :run");
    if (!nodeId.isEmpty())
        sql += QStringLiteral(" AND node_id = :node");
    if (!key.isEmpty())
        sql += QStringLiteral(" AND key = :key");
    // Series by series, each by step; equal steps (a retried task) in the order they came.
    sql += QStringLiteral(" ORDER BY node_id, key, step, ") + d->dialect.insertionOrder();
    QList<MetricPoint> points;
    d->read(
        sql,
        [&](QSqlQuery &q) {
            q.bindValue(QStringLiteral(":run"), runId);
            if (!nodeId.isEmpty())
                q.bindValue(QStringLiteral(":node"), nodeId);
            if (!key.isEmpty())
                q.bindValue(QStringLiteral(":key"), key);
        },
        [&](const QSqlQuery &q) {
            MetricPoint p;
            p.nodeId = q.value(0).toString();
            p.key = q.value(1).toString();
            p.step = q.value(2).toLongLong();
            const QVariant value = q.value(3);
            // NaN is stored as NULL.
            p.value = value.isNull() ? std::numeric_limits<double>::quiet_NaN() : value.toDouble();
            p.timeMs = q.value(4).toLongLong();
            points.append(p);
        });
    return points;
}

QList<LogRecord> RunStore::logs(const QString &runId, const QString &nodeId) const
{
    QString sql = QStringLiteral(
        "SELECT node_id, try_number, time_ms, level, message FROM logs WHERE run_id = :run");
    if (!nodeId.isEmpty())
        sql += QStringLiteral(" AND node_id = :node");
    sql += QStringLiteral(" ORDER BY time_ms, id");
    QList<LogRecord> lines;
    d->read(
        sql,
        [&](QSqlQuery &q) {
            q.bindValue(QStringLiteral(":run"), runId);
            if (!nodeId.isEmpty())
                q.bindValue(QStringLiteral(":node"), nodeId);
        },
        [&](const QSqlQuery &q) {
            LogRecord l;
            l.nodeId = q.value(0).toString();
            l.tryNumber = q.value(1).toInt();
            l.timeMs = q.value(2).toLongLong();
            l.level = logLevelFromName(q.value(3).toString());
            l.message = q.value(4).toString();
            lines.append(l);
        });
    return lines;
}

QList<ArtifactRecord> RunStore::artifacts(const QString &runId) const
{
    QList<ArtifactRecord> out;
    d->read(
        QStringLiteral("SELECT node_id, name, path, kind, hash, size, time_ms FROM artifacts "
                       "WHERE run_id = ? ORDER BY time_ms, id"),
        [&](QSqlQuery &q) { q.addBindValue(runId); },
        [&](const QSqlQuery &q) {
            ArtifactRecord a;
            a.nodeId = q.value(0).toString();
            a.name = q.value(1).toString();
            a.path = q.value(2).toString();
            a.kind = q.value(3).toString();
            a.hash = q.value(4).toString();
            a.size = q.value(5).toLongLong();
            a.timeMs = q.value(6).toLongLong();
            out.append(a);
        });
    return out;
}

QByteArray RunStore::pipelineJson(const QString &runId) const
{
    QByteArray json;
    d->read(
        QStringLiteral("SELECT pipeline_json FROM runs WHERE run_id = ?"),
        [&](QSqlQuery &q) { q.addBindValue(runId); },
        [&](const QSqlQuery &q) { json = q.value(0).toByteArray(); });
    return json;
}

} // namespace fb
