#include "RunStore.h"

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

// Escapes the wildcards of a GLOB pattern (GLOB, unlike LIKE, is case-sensitive and can use
// the primary-key index for a prefix).
QString globPrefix(const QString &prefix)
{
    QString out;
    for (QChar c : prefix) {
        if (c == u'*' || c == u'?' || c == u'[')
            out += u'[' + QString(c) + u']';
        else
            out += c;
    }
    return out + u'*';
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
    QString path;
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

// Runs that were queued or running in a process of this machine that no longer exists were
// cut short by a crash or a kill: nothing will ever finish them, so they are closed as
// interrupted, with the time of the last thing they recorded as their end.
int RunStore::Private::markInterrupted(QSqlDatabase &db, QString *error)
{
    QSqlQuery q(db);
    if (!q.exec(QStringLiteral("BEGIN IMMEDIATE"))) {
        *error = q.lastError().text();
        return 0;
    }
    QList<QString> dead;
    q.prepare(QStringLiteral(
        "SELECT run_id, pid FROM runs WHERE state IN ('queued', 'running') AND host = ?"));
    q.addBindValue(QSysInfo::machineHostName());
    if (q.exec()) {
        while (q.next()) {
            if (!processIsAlive(q.value(1).toLongLong()))
                dead.append(q.value(0).toString());
        }
    }
    q.finish();

    const QString unfinished = QStringLiteral("('none', 'queued', 'running', 'up_for_retry')");
    const QStringList updates = {
        QStringLiteral("UPDATE runs SET state = 'interrupted', end_ms = (SELECT MAX(t) FROM ("
                       " SELECT start_ms AS t FROM runs WHERE run_id = :run"
                       " UNION ALL SELECT MAX(start_ms) FROM task_instances WHERE run_id = :run"
                       " UNION ALL SELECT MAX(end_ms) FROM task_instances WHERE run_id = :run"
                       " UNION ALL SELECT MAX(time_ms) FROM logs WHERE run_id = :run"
                       " UNION ALL SELECT MAX(time_ms) FROM metrics WHERE run_id = :run"
                       " UNION ALL SELECT MAX(time_ms) FROM artifacts WHERE run_id = :run)) "
                       "WHERE run_id = :run"),
        QStringLiteral("UPDATE task_instances SET state = 'interrupted', end_ms = CASE WHEN "
                       "start_ms > 0 THEN (SELECT end_ms FROM runs WHERE run_id = :run) ELSE "
                       "end_ms END WHERE run_id = :run AND state IN ")
            + unfinished,
    };
    for (const QString &runId : dead) {
        for (const QString &sql : updates) {
            q.prepare(sql);
            q.bindValue(QStringLiteral(":run"), runId);
            if (!q.exec()) {
                *error = q.lastError().text();
                q.exec(QStringLiteral("ROLLBACK"));
                return 0;
            }
        }
    }
    if (!q.exec(QStringLiteral("COMMIT"))) {
        *error = q.lastError().text();
        q.exec(QStringLiteral("ROLLBACK"));
        return 0;
    }
    return int(dead.size());
}

std::unique_ptr<RunStore> RunStore::open(const QString &path, QString *error)
{
    QString dummy;
    QString &err = error ? *error : dummy;
    const QString absolute = QFileInfo(path).absoluteFilePath();
    if (path.isEmpty()) {
        err = QStringLiteral("Cannot open a run store: no file given.");
        return nullptr;
    }
    if (!QDir().mkpath(QFileInfo(absolute).absolutePath())) {
        err = QStringLiteral("Cannot open run store %1: cannot create its folder.")
                  .arg(QDir::toNativeSeparators(absolute));
        return nullptr;
    }
    if (!store::looksLikeSqlite(absolute, &err))
        return nullptr;

    auto d = std::make_unique<Private>();
    d->path = absolute;
    d->connectionPrefix = QStringLiteral("flowbench-store-%1-").arg(nextStoreSerial.fetch_add(1));

    // Schema check, migration and crash recovery on a connection of their own, closed before
    // the writer and the readers open theirs.
    const QString setupName = d->connectionPrefix + QStringLiteral("setup");
    bool ok = false;
    {
        QSqlDatabase db = store::openConnection(setupName, absolute, &err);
        if (db.isValid()) {
            store::PrepareResult schema;
            if (store::prepareSchema(db, absolute, &schema, &err)) {
                QString failure;
                d->interruptedOnOpen = d->markInterrupted(db, &failure);
                // Not fatal: the store works; the runs are marked by the next open.
                if (!failure.isEmpty())
                    d->readError = QStringLiteral("Run store %1: cannot mark interrupted runs: %2")
                                       .arg(absolute, failure);
                ok = true;
            }
        }
    }
    store::closeConnection(setupName);
    if (!ok)
        return nullptr;

    d->readers = std::make_shared<store::ReaderConnections>(absolute,
                                                            d->connectionPrefix
                                                                + QStringLiteral("read-"));
    d->writer = std::make_unique<store::StoreWriter>(absolute,
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

QString RunStore::artifactRoot() const
{
    return QFileInfo(d->path).absolutePath() + QStringLiteral("/artifacts");
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
    QString sql = QStringLiteral("SELECT ") + runColumns + QStringLiteral(" FROM runs WHERE 1");
    if (!filter.pipeline.isEmpty())
        sql += QStringLiteral(" AND (pipeline_name LIKE :p ESCAPE '\\' OR pipeline_path LIKE :p "
                              "ESCAPE '\\')");
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
            select
                + QStringLiteral("WHERE run_id GLOB ? ORDER BY start_ms DESC, run_id DESC LIMIT 6"),
            [&](QSqlQuery &q) { q.addBindValue(globPrefix(wanted)); },
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
                       "cached FROM task_instances WHERE run_id = ? "
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
            tasks.append(t);
        });
    return tasks;
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
    sql += QStringLiteral(" ORDER BY node_id, key, step, rowid");
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
            // SQLite stores NaN as NULL.
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
