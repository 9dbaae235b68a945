#include "StoreSchema.h"

#include "SqlDialect.h"

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
    // The same tables in PostgreSQL's types: BIGINT for ms times and pids (INTEGER is 32-bit
    // there), BYTEA, DOUBLE PRECISION (REAL is 32-bit), identity columns for SQLite's rowids;
    // the store's marker and version live in meta instead of SQLite's header pragmas.
    m.postgres = {
        QStringLiteral("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)"),
        QStringLiteral("INSERT INTO meta(key, value) VALUES('application', '%1')")
            .arg(QLatin1String(postgresApplication)),
        QStringLiteral("INSERT INTO meta(key, value) VALUES('created_by', '" FLOWBENCH_VERSION
                       "')"),
        QStringLiteral("CREATE TABLE runs ("
                       " run_id TEXT PRIMARY KEY,"
                       " pipeline_name TEXT NOT NULL DEFAULT '',"
                       " pipeline_path TEXT NOT NULL DEFAULT '',"
                       " pipeline_hash TEXT NOT NULL DEFAULT '',"
                       " pipeline_json BYTEA,"
                       " overrides TEXT NOT NULL DEFAULT '{}',"
                       " targets TEXT NOT NULL DEFAULT '[]',"
                       " state TEXT NOT NULL,"
                       " start_ms BIGINT NOT NULL DEFAULT 0,"
                       " end_ms BIGINT NOT NULL DEFAULT 0,"
                       " host TEXT NOT NULL DEFAULT '',"
                       " pid BIGINT NOT NULL DEFAULT 0,"
                       " flowbench_version TEXT NOT NULL DEFAULT ''"
                       ")"),
        QStringLiteral("CREATE INDEX runs_by_start ON runs(start_ms)"),
        QStringLiteral("CREATE INDEX runs_by_state ON runs(state)"),
        QStringLiteral("CREATE TABLE task_instances ("
                       " run_id TEXT NOT NULL REFERENCES runs(run_id) ON DELETE CASCADE,"
                       " node_id TEXT NOT NULL,"
                       " try_number INTEGER NOT NULL,"
                       " node_type TEXT NOT NULL DEFAULT '',"
                       " state TEXT NOT NULL,"
                       " start_ms BIGINT NOT NULL DEFAULT 0,"
                       " end_ms BIGINT NOT NULL DEFAULT 0,"
                       " error TEXT NOT NULL DEFAULT '',"
                       " cached INTEGER NOT NULL DEFAULT 0,"
                       " PRIMARY KEY (run_id, node_id, try_number)"
                       ")"),
        QStringLiteral("CREATE TABLE params ("
                       " run_id TEXT NOT NULL REFERENCES runs(run_id) ON DELETE CASCADE,"
                       " node_id TEXT NOT NULL,"
                       " key TEXT NOT NULL,"
                       " value TEXT NOT NULL,"
                       " PRIMARY KEY (run_id, node_id, key)"
                       ")"),
        QStringLiteral("CREATE TABLE metrics ("
                       " id BIGINT GENERATED ALWAYS AS IDENTITY,"
                       " run_id TEXT NOT NULL REFERENCES runs(run_id) ON DELETE CASCADE,"
                       " node_id TEXT NOT NULL DEFAULT '',"
                       " key TEXT NOT NULL,"
                       " step BIGINT NOT NULL,"
                       " value DOUBLE PRECISION,"
                       " time_ms BIGINT NOT NULL"
                       ")"),
        QStringLiteral("CREATE INDEX metrics_by_series ON metrics(run_id, node_id, key, step)"),
        QStringLiteral("CREATE TABLE logs ("
                       " id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,"
                       " run_id TEXT NOT NULL REFERENCES runs(run_id) ON DELETE CASCADE,"
                       " node_id TEXT NOT NULL DEFAULT '',"
                       " try_number INTEGER NOT NULL DEFAULT 0,"
                       " time_ms BIGINT NOT NULL,"
                       " level TEXT NOT NULL,"
                       " message TEXT NOT NULL"
                       ")"),
        QStringLiteral("CREATE INDEX logs_by_run ON logs(run_id, node_id)"),
        QStringLiteral("CREATE TABLE artifacts ("
                       " id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,"
                       " run_id TEXT NOT NULL REFERENCES runs(run_id) ON DELETE CASCADE,"
                       " node_id TEXT NOT NULL DEFAULT '',"
                       " name TEXT NOT NULL,"
                       " path TEXT NOT NULL,"
                       " kind TEXT NOT NULL DEFAULT '',"
                       " hash TEXT NOT NULL DEFAULT '',"
                       " size BIGINT NOT NULL DEFAULT 0,"
                       " time_ms BIGINT NOT NULL"
                       ")"),
        QStringLiteral("CREATE INDEX artifacts_by_run ON artifacts(run_id)"),
    };
    return m;
}

// Version 2: the model registry. A version's file is recorded relative to the store's data
// folder, so a store moved together with its folder keeps working. Lineage columns are copied
// from the model file (not references: the run may be deleted, the model stays). Version
// numbers come from registered_models.next_version, so they are never reused after a delete.
// Tags with version 0 belong to the registered model.
Migration version2()
{
    Migration m;
    m.version = 2;
    m.summary = QStringLiteral("model registry: registered models, versions, aliases, tags");
    const auto tables = [](const QString &bigint) {
        return QStringList{
            QStringLiteral("CREATE TABLE registered_models ("
                           " name TEXT PRIMARY KEY,"
                           " description TEXT NOT NULL DEFAULT '',"
                           " next_version INTEGER NOT NULL DEFAULT 1,"
                           " created_ms %1 NOT NULL,"
                           " updated_ms %1 NOT NULL"
                           ")")
                .arg(bigint),
            QStringLiteral(
                "CREATE TABLE model_versions ("
                " name TEXT NOT NULL REFERENCES registered_models(name) ON DELETE CASCADE,"
                " version INTEGER NOT NULL,"
                " file TEXT NOT NULL,"
                " sha256 TEXT NOT NULL,"
                " size %1 NOT NULL DEFAULT 0,"
                " source TEXT NOT NULL DEFAULT '',"
                " description TEXT NOT NULL DEFAULT '',"
                " run_id TEXT NOT NULL DEFAULT '',"
                " node_id TEXT NOT NULL DEFAULT '',"
                " pipeline_hash TEXT NOT NULL DEFAULT '',"
                " data_hash TEXT NOT NULL DEFAULT '',"
                " algorithm TEXT NOT NULL DEFAULT '',"
                " task TEXT NOT NULL DEFAULT '',"
                " metrics TEXT NOT NULL DEFAULT '{}',"
                " created_ms %1 NOT NULL,"
                " PRIMARY KEY (name, version)"
                ")")
                .arg(bigint),
            QStringLiteral("CREATE INDEX model_versions_by_run ON model_versions(run_id)"),
            QStringLiteral("CREATE TABLE model_aliases ("
                           " name TEXT NOT NULL,"
                           " alias TEXT NOT NULL,"
                           " version INTEGER NOT NULL,"
                           " updated_ms %1 NOT NULL,"
                           " PRIMARY KEY (name, alias),"
                           " FOREIGN KEY (name, version) REFERENCES model_versions(name, version)"
                           " ON DELETE CASCADE"
                           ")")
                .arg(bigint),
            QStringLiteral(
                "CREATE TABLE model_tags ("
                " name TEXT NOT NULL REFERENCES registered_models(name) ON DELETE CASCADE,"
                " version INTEGER NOT NULL DEFAULT 0,"
                " key TEXT NOT NULL,"
                " value TEXT NOT NULL,"
                " PRIMARY KEY (name, version, key)"
                ")"),
        };
    };
    m.statements = tables(QStringLiteral("INTEGER"));
    m.postgres = tables(QStringLiteral("BIGINT"));
    return m;
}

// Version 3: runs shared by several processes (one per Airflow task, all with the same run
// id). Each process that starts a run records an invocation; task rows record the process
// that wrote them, so the interrupted scan closes exactly what a dead process left open while
// its siblings go on. Existing runs become one invocation each.
Migration version3()
{
    Migration m;
    m.version = 3;
    m.summary = QStringLiteral("run invocations: one run id shared by several processes");
    const auto statements = [](const QString &bigint, const QString &tableOptions) {
        return QStringList{
            QStringLiteral("CREATE TABLE run_invocations ("
                           " run_id TEXT NOT NULL REFERENCES runs(run_id) ON DELETE CASCADE,"
                           " host TEXT NOT NULL,"
                           " pid %1 NOT NULL,"
                           " targets TEXT NOT NULL DEFAULT '[]',"
                           " state TEXT NOT NULL,"
                           " start_ms %1 NOT NULL DEFAULT 0,"
                           " end_ms %1 NOT NULL DEFAULT 0,"
                           " PRIMARY KEY (run_id, host, pid)"
                           ")%2")
                .arg(bigint, tableOptions),
            QStringLiteral("CREATE INDEX run_invocations_by_state ON run_invocations(state, host)"),
            QStringLiteral("ALTER TABLE task_instances ADD COLUMN host TEXT NOT NULL DEFAULT ''"),
            QStringLiteral("ALTER TABLE task_instances ADD COLUMN pid %1 NOT NULL DEFAULT 0")
                .arg(bigint),
            QStringLiteral("INSERT INTO run_invocations(run_id, host, pid, targets, state, "
                           "start_ms, end_ms) SELECT run_id, host, pid, targets, state, start_ms, "
                           "end_ms FROM runs WHERE host <> ''"),
            QStringLiteral(
                "UPDATE task_instances SET"
                " host = (SELECT r.host FROM runs r WHERE r.run_id = task_instances.run_id),"
                " pid = (SELECT r.pid FROM runs r WHERE r.run_id = task_instances.run_id)"),
        };
    };
    m.statements = statements(QStringLiteral("INTEGER"), QStringLiteral(" WITHOUT ROWID"));
    m.postgres = statements(QStringLiteral("BIGINT"), QString());
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
    static const std::vector<Migration> steps{version1(), version2(), version3()};
    return steps;
}

int latestVersion(const std::vector<Migration> &steps)
{
    return steps.empty() ? 0 : steps.back().version;
}

namespace {

QSqlDatabase openSqlite(const QString &name, const QString &path, QString *error)
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

QSqlDatabase openPostgres(const QString &name, const StoreLocation &location, QString *error)
{
    if (!QSqlDatabase::isDriverAvailable(QStringLiteral("QPSQL"))) {
        *error = QStringLiteral("Cannot open run store %1: the Qt PostgreSQL driver (QPSQL, "
                                "package libqt6sql6-psql) is not installed.")
                     .arg(location.displayName());
        return {};
    }
    QString failure;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), name);
        db.setHostName(location.host());
        if (location.port() > 0)
            db.setPort(location.port());
        db.setUserName(location.user());
        db.setPassword(location.password());
        db.setDatabaseName(location.database());
        QString options = location.connectOptions();
        // A server that does not answer must not hang a CLI (or an Airflow task) forever.
        if (!options.contains(QLatin1String("connect_timeout=")))
            options += (options.isEmpty() ? QString() : QStringLiteral(";"))
                       + QStringLiteral("connect_timeout=10");
        if (!options.contains(QLatin1String("application_name=")))
            options += QStringLiteral(";application_name=flowbench");
        db.setConnectOptions(options);
        if (db.open()) {
            QSqlQuery q(db);
            // libpq prints NOTICEs to stderr; the store has nothing to say below a warning.
            if (exec(q, QStringLiteral("SET client_min_messages TO warning"), &failure)
                && (location.schema().isEmpty()
                    || exec(q,
                            QStringLiteral("SET search_path TO \"%1\"").arg(location.schema()),
                            &failure)))
                return db;
        } else {
            failure = db.lastError().text().trimmed();
        }
    }
    QSqlDatabase::removeDatabase(name);
    *error = QStringLiteral("Cannot open run store %1: %2").arg(location.displayName(), failure);
    return {};
}

} // namespace

QSqlDatabase openConnection(const QString &name, const StoreLocation &location, QString *error)
{
    return location.isPostgres() ? openPostgres(name, location, error)
                                 : openSqlite(name, location.sqlitePath(), error);
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

namespace {

bool prepareSqlite(QSqlDatabase &db,
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

// PostgreSQL has no header pragmas: meta('application') marks the store and
// meta('schema_version') is its version. The whole check-and-migrate is one transaction under
// an advisory lock, and PostgreSQL's DDL is transactional, so a failed step leaves nothing.
bool preparePostgres(QSqlDatabase &db,
                     const StoreLocation &location,
                     PrepareResult *result,
                     QString *error,
                     const std::vector<Migration> &steps)
{
    const int latest = latestVersion(steps);
    const QString where = location.displayName();
    const SqlDialect dialect(StoreLocation::Backend::Postgres);
    QString failure;
    QSqlQuery q(db);
    auto rollback = [&](const QString &why) {
        q.exec(QStringLiteral("ROLLBACK"));
        *error = why;
        return false;
    };
    if (!exec(q, QStringLiteral("BEGIN"), &failure) || !exec(q, dialect.lockStore(), &failure))
        return rollback(QStringLiteral("Cannot open run store %1: %2").arg(where, failure));
    if (!location.schema().isEmpty()
        && !exec(q,
                 QStringLiteral("CREATE SCHEMA IF NOT EXISTS \"%1\"").arg(location.schema()),
                 &failure))
        return rollback(QStringLiteral("Cannot open run store %1: cannot create schema %2: %3")
                            .arg(where, location.schema(), failure));
    qint64 hasMeta = 0, objects = 0;
    if (!scalar(db,
                QStringLiteral("SELECT COUNT(*) FROM information_schema.tables WHERE "
                               "table_schema = current_schema() AND table_name = 'meta'"),
                &hasMeta,
                &failure)
        || !scalar(db,
                   QStringLiteral("SELECT COUNT(*) FROM information_schema.tables WHERE "
                                  "table_schema = current_schema()"),
                   &objects,
                   &failure))
        return rollback(QStringLiteral("Cannot open run store %1: %2").arg(where, failure));
    qint64 version = 0;
    if (hasMeta) {
        if (metaValue(db, QStringLiteral("application")) != QLatin1String(postgresApplication))
            hasMeta = 0;
        else
            version = metaValue(db, QStringLiteral("schema_version")).toLongLong();
    }
    if (!hasMeta && objects > 0)
        return rollback(QStringLiteral("Cannot open run store %1: the database already holds "
                                       "tables of another application; give Flowbench a database "
                                       "(or ?schema=NAME) of its own.")
                            .arg(where));
    if (version > latest) {
        const QString writtenBy = metaValue(db, QStringLiteral("schema_written_by"));
        return rollback(
            QStringLiteral("Cannot open run store %1: it was written by a newer "
                           "Flowbench (run store schema version %2%3); this Flowbench "
                           "%4 reads schema versions up to %5. Update Flowbench, or "
                           "choose another store with --store.")
                .arg(where,
                     QString::number(version),
                     writtenBy.isEmpty() ? QString() : QStringLiteral(", Flowbench ") + writtenBy,
                     QStringLiteral(FLOWBENCH_VERSION),
                     QString::number(latest)));
    }
    result->fromVersion = int(version);
    result->toVersion = int(version);
    if (version == latest) {
        q.exec(QStringLiteral("COMMIT"));
        return true;
    }
    for (const Migration &step : steps) {
        if (step.version <= version)
            continue;
        for (const QString &sql : step.postgres) {
            if (!exec(q, sql, &failure))
                return rollback(
                    QStringLiteral("Cannot upgrade run store %1 to schema version %2 "
                                   "(%3): %4; the store was left unchanged.")
                        .arg(where, QString::number(step.version), step.summary, failure));
        }
    }
    const QString upsert = QStringLiteral("INSERT INTO meta(key, value) VALUES('%1', '%2') ON "
                                          "CONFLICT(key) DO UPDATE SET value = excluded.value");
    if (!exec(q, upsert.arg(QStringLiteral("schema_version"), QString::number(latest)), &failure)
        || !exec(q,
                 upsert.arg(QStringLiteral("schema_written_by"), QStringLiteral(FLOWBENCH_VERSION)),
                 &failure)
        || !exec(q, QStringLiteral("COMMIT"), &failure))
        return rollback(QStringLiteral("Cannot upgrade run store %1 to schema version %2: %3; the "
                                       "store was left unchanged.")
                            .arg(where, QString::number(latest), failure));
    result->toVersion = latest;
    return true;
}

} // namespace

bool prepareSchema(QSqlDatabase &db,
                   const StoreLocation &location,
                   PrepareResult *result,
                   QString *error,
                   const std::vector<Migration> &steps)
{
    return location.isPostgres() ? preparePostgres(db, location, result, error, steps)
                                 : prepareSqlite(db, location.sqlitePath(), result, error, steps);
}

bool prepareSchema(QSqlDatabase &db,
                   const QString &path,
                   PrepareResult *result,
                   QString *error,
                   const std::vector<Migration> &steps)
{
    return prepareSqlite(db, path, result, error, steps);
}

int storedVersion(QSqlDatabase &db, const StoreLocation &location)
{
    if (location.isPostgres())
        return metaValue(db, QStringLiteral("schema_version")).toInt();
    qint64 version = 0;
    QString ignored;
    return scalar(db, QStringLiteral("PRAGMA user_version"), &version, &ignored) ? int(version) : 0;
}

} // namespace fb::store
