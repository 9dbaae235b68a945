#include "StoreSchema.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSqlError>
#include <QSqlQuery>
#include <QVariant>

namespace fb::store {

namespace {

QString native(const QString &path)
{
    return QDir::toNativeSeparators(path);
}

// Version 1: the first released layout. Text ids (run ids are short, human-readable strings),
// times in ms since the epoch, JSON as text. Child tables reference runs with ON DELETE
// CASCADE so that deleting a run is one statement; each child index leads with run_id, which
// serves both the per-run reads in RunStore.h and the cascade.
Migration version1()
{
    Migration m;
    m.version = 1;
    m.summary = QStringLiteral("runs, task instances, params, metrics, logs, artifacts");
    m.statements = {
        QStringLiteral("PRAGMA application_id = %1").arg(applicationId),
        QStringLiteral("CREATE TABLE meta ("
                       " key TEXT PRIMARY KEY,"
                       " value TEXT NOT NULL"
                       ") WITHOUT ROWID"),
        QStringLiteral("INSERT INTO meta(key, value) VALUES('created_by', '" FLOWBENCH_VERSION
                       "')"),
        QStringLiteral("CREATE TABLE runs ("
                       " run_id TEXT PRIMARY KEY,"
                       " pipeline_name TEXT NOT NULL DEFAULT '',"
                       " pipeline_path TEXT NOT NULL DEFAULT '',"
                       " pipeline_hash TEXT NOT NULL DEFAULT '',"
                       " pipeline_json BLOB,"
                       " overrides TEXT NOT NULL DEFAULT '{}',"
                       " targets TEXT NOT NULL DEFAULT '[]',"
                       " state TEXT NOT NULL,"
                       " start_ms INTEGER NOT NULL DEFAULT 0,"
                       " end_ms INTEGER NOT NULL DEFAULT 0,"
                       " host TEXT NOT NULL DEFAULT '',"
                       " pid INTEGER NOT NULL DEFAULT 0,"
                       " flowbench_version TEXT NOT NULL DEFAULT ''"
                       ")"),
        // listRuns sorts and bounds by start time; the open-time scan looks for live states.
        QStringLiteral("CREATE INDEX runs_by_start ON runs(start_ms)"),
        QStringLiteral("CREATE INDEX runs_by_state ON runs(state)"),
        QStringLiteral("CREATE TABLE task_instances ("
                       " run_id TEXT NOT NULL REFERENCES runs(run_id) ON DELETE CASCADE,"
                       " node_id TEXT NOT NULL,"
                       " try_number INTEGER NOT NULL,"
                       " node_type TEXT NOT NULL DEFAULT '',"
                       " state TEXT NOT NULL,"
                       " start_ms INTEGER NOT NULL DEFAULT 0,"
                       " end_ms INTEGER NOT NULL DEFAULT 0,"
                       " error TEXT NOT NULL DEFAULT '',"
                       " cached INTEGER NOT NULL DEFAULT 0,"
                       " PRIMARY KEY (run_id, node_id, try_number)"
                       ") WITHOUT ROWID"),
        QStringLiteral("CREATE TABLE params ("
                       " run_id TEXT NOT NULL REFERENCES runs(run_id) ON DELETE CASCADE,"
                       " node_id TEXT NOT NULL,"
                       " key TEXT NOT NULL,"
                       " value TEXT NOT NULL," // JSON text of the value
                       " PRIMARY KEY (run_id, node_id, key)"
                       ") WITHOUT ROWID"),
        // value is NULL for NaN: SQLite stores NaN as NULL, the reader maps it back.
        QStringLiteral("CREATE TABLE metrics ("
                       " run_id TEXT NOT NULL REFERENCES runs(run_id) ON DELETE CASCADE,"
                       " node_id TEXT NOT NULL DEFAULT '',"
                       " key TEXT NOT NULL,"
                       " step INTEGER NOT NULL,"
                       " value REAL,"
                       " time_ms INTEGER NOT NULL"
                       ")"),
        QStringLiteral("CREATE INDEX metrics_by_series ON metrics(run_id, node_id, key, step)"),
        QStringLiteral("CREATE TABLE logs ("
                       " id INTEGER PRIMARY KEY,"
                       " run_id TEXT NOT NULL REFERENCES runs(run_id) ON DELETE CASCADE,"
                       " node_id TEXT NOT NULL DEFAULT '',"
                       " try_number INTEGER NOT NULL DEFAULT 0,"
                       " time_ms INTEGER NOT NULL,"
                       " level TEXT NOT NULL,"
                       " message TEXT NOT NULL"
                       ")"),
        QStringLiteral("CREATE INDEX logs_by_run ON logs(run_id, node_id)"),
        QStringLiteral("CREATE TABLE artifacts ("
                       " id INTEGER PRIMARY KEY,"
                       " run_id TEXT NOT NULL REFERENCES runs(run_id) ON DELETE CASCADE,"
                       " node_id TEXT NOT NULL DEFAULT '',"
                       " name TEXT NOT NULL,"
                       " path TEXT NOT NULL,"
                       " kind TEXT NOT NULL DEFAULT '',"
                       " hash TEXT NOT NULL DEFAULT ''," // sha256 hex; empty if unreadable
                       " size INTEGER NOT NULL DEFAULT 0,"
                       " time_ms INTEGER NOT NULL"
                       ")"),
        QStringLiteral("CREATE INDEX artifacts_by_run ON artifacts(run_id)"),
    };
    return m;
}

bool exec(QSqlQuery &q, const QString &sql, QString *error)
{
    if (q.exec(sql))
        return true;
    *error = q.lastError().text();
    return false;
}

// Reads one integer (a pragma or a count); false and *error on failure.
bool scalar(QSqlDatabase &db, const QString &sql, qint64 *value, QString *error)
{
    QSqlQuery q(db);
    if (!q.exec(sql) || !q.next()) {
        *error = q.lastError().text();
        return false;
    }
    *value = q.value(0).toLongLong();
    return true;
}

QString metaValue(QSqlDatabase &db, const QString &key)
{
    QSqlQuery q(db);
    q.prepare(QStringLiteral("SELECT value FROM meta WHERE key = ?"));
    q.addBindValue(key);
    if (q.exec() && q.next())
        return q.value(0).toString();
    return {};
}

} // namespace

const std::vector<Migration> &migrations()
{
    static const std::vector<Migration> steps{version1()};
    return steps;
}

int latestVersion(const std::vector<Migration> &steps)
{
    return steps.empty() ? 0 : steps.back().version;
}

QSqlDatabase openConnection(const QString &name, const QString &path, QString *error)
{
    if (!QSqlDatabase::isDriverAvailable(QStringLiteral("QSQLITE"))) {
        *error = QStringLiteral("Cannot open run store %1: the Qt SQLite driver (QSQLITE, package "
                                "libqt6sql6-sqlite) is not installed.")
                     .arg(native(path));
        return {};
    }
    QString failure;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
        db.setDatabaseName(path);
        // Several processes may write one store (parallel Airflow tasks): wait for the lock
        // instead of failing at once.
        db.setConnectOptions(QStringLiteral("QSQLITE_BUSY_TIMEOUT=%1").arg(busyTimeoutMs));
        if (db.open()) {
            QSqlQuery q(db);
            // WAL + NORMAL: commits do not fsync, the WAL is synced at checkpoints; a power
            // loss can lose the last commits but never corrupts the store.
            if (exec(q, QStringLiteral("PRAGMA synchronous = NORMAL"), &failure)
                && exec(q, QStringLiteral("PRAGMA foreign_keys = ON"), &failure))
                return db;
        } else {
            failure = db.lastError().text();
        }
    }
    QSqlDatabase::removeDatabase(name);
    *error = QStringLiteral("Cannot open run store %1: %2").arg(native(path), failure);
    return {};
}

void closeConnection(const QString &name)
{
    QSqlDatabase::removeDatabase(name);
}

bool looksLikeSqlite(const QString &path, QString *error)
{
    const QFileInfo info(path);
    if (!info.exists())
        return true;
    if (info.isDir()) {
        *error = QStringLiteral("Cannot open run store %1: it is a folder, not a file.")
                     .arg(native(path));
        return false;
    }
    if (info.size() == 0)
        return true; // SQLite treats an empty file as an empty database
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("Cannot open run store %1: %2").arg(native(path), file.errorString());
        return false;
    }
    static const QByteArray header("SQLite format 3\0", 16);
    if (file.read(16) != header) {
        *error = QStringLiteral("Cannot open run store %1: the file is not an SQLite database, so "
                                "it is not a Flowbench run store.")
                     .arg(native(path));
        return false;
    }
    return true;
}

bool prepareSchema(QSqlDatabase &db,
                   const QString &path,
                   PrepareResult *result,
                   QString *error,
                   const std::vector<Migration> &steps)
{
    const int latest = latestVersion(steps);
    const QString where = native(path);
    qint64 appId = 0, version = 0, objects = 0;
    QString failure;
    if (!scalar(db, QStringLiteral("PRAGMA application_id"), &appId, &failure)
        || !scalar(db, QStringLiteral("PRAGMA user_version"), &version, &failure)
        || !scalar(db, QStringLiteral("SELECT count(*) FROM sqlite_master"), &objects, &failure)) {
        *error = QStringLiteral(
                     "Cannot open run store %1: it is not a readable SQLite database (%2).")
                     .arg(where, failure);
        return false;
    }
    const bool fresh = appId == 0 && version == 0 && objects == 0;
    if (!fresh && appId != applicationId) {
        *error = QStringLiteral("Cannot open run store %1: it is an SQLite database of another "
                                "application, not a Flowbench run store.")
                     .arg(where);
        return false;
    }
    if (version > latest) {
        const QString writtenBy = metaValue(db, QStringLiteral("schema_written_by"));
        *error = QStringLiteral("Cannot open run store %1: it was written by a newer Flowbench "
                                "(run store schema version %2%3); this Flowbench %4 reads schema "
                                "versions up to %5. Update Flowbench, or choose another store "
                                "with --store.")
                     .arg(where,
                          QString::number(version),
                          writtenBy.isEmpty() ? QString()
                                              : QStringLiteral(", Flowbench ") + writtenBy,
                          QStringLiteral(FLOWBENCH_VERSION),
                          QString::number(latest));
        return false;
    }

    // Outside any transaction, as SQLite requires. The mode is stored in the file, so every
    // later connection (other threads, other processes) uses WAL too.
    {
        QSqlQuery q(db);
        if (!q.exec(QStringLiteral("PRAGMA journal_mode = WAL")) || !q.next()
            || q.value(0).toString().compare(QLatin1String("wal"), Qt::CaseInsensitive) != 0) {
            *error = QStringLiteral("Cannot open run store %1: cannot switch it to WAL mode (%2). "
                                    "Network file systems do not support WAL; use a local disk.")
                         .arg(where,
                              q.lastError().isValid() ? q.lastError().text()
                                                      : q.value(0).toString());
            return false;
        }
    }

    result->fromVersion = int(version);
    result->toVersion = int(version);
    if (version == latest)
        return true;

    // BEGIN IMMEDIATE takes the write lock first, so two processes opening an old store at the
    // same time migrate it once: the second one waits and then sees the new version.
    QSqlQuery q(db);
    if (!exec(q, QStringLiteral("BEGIN IMMEDIATE"), &failure)) {
        *error = QStringLiteral("Cannot open run store %1: %2").arg(where, failure);
        return false;
    }
    auto rollback = [&](const QString &why) {
        q.exec(QStringLiteral("ROLLBACK"));
        *error = why;
        return false;
    };
    if (!scalar(db, QStringLiteral("PRAGMA user_version"), &version, &failure))
        return rollback(QStringLiteral("Cannot open run store %1: %2").arg(where, failure));
    result->fromVersion = int(version);
    for (const Migration &step : steps) {
        if (step.version <= version)
            continue;
        for (const QString &sql : step.statements) {
            if (!exec(q, sql, &failure)) {
                return rollback(
                    QStringLiteral("Cannot upgrade run store %1 to schema version %2 "
                                   "(%3): %4; the store was left unchanged.")
                        .arg(where, QString::number(step.version), step.summary, failure));
            }
        }
    }
    if (!exec(q, QStringLiteral("PRAGMA user_version = %1").arg(latest), &failure)
        || !exec(q,
                 QStringLiteral("INSERT OR REPLACE INTO meta(key, value) "
                                "VALUES('schema_written_by', '" FLOWBENCH_VERSION "')"),
                 &failure)
        || !exec(q, QStringLiteral("COMMIT"), &failure)) {
        return rollback(QStringLiteral("Cannot upgrade run store %1 to schema version %2: %3; the "
                                       "store was left unchanged.")
                            .arg(where, QString::number(latest), failure));
    }
    result->toVersion = latest;
    return true;
}

} // namespace fb::store
