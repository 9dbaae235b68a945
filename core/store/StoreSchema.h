#pragma once

#include "StoreLocation.h"

#include <QSqlDatabase>
#include <QString>
#include <QStringList>

#include <vector>

namespace fb::store {

// Written into the SQLite header (PRAGMA application_id) so that a Flowbench store is told apart
// from any other SQLite file: "FBRS", Flowbench run store.
constexpr int applicationId = 0x46425253;
constexpr int busyTimeoutMs = 10000;

// Marks a PostgreSQL database (or schema) as a Flowbench store: meta('application').
inline constexpr char postgresApplication[] = "flowbench-run-store";

// One step of the schema history. `statements` (SQLite) or `postgres` run in order inside one
// transaction together with the new schema version, so a store is either fully at `version` or
// untouched. To change the schema, append a Migration with the next version number (never edit
// a released one) and raise RunStore::schemaVersion; tst_runstoreschema checks that the two
// agree. Both lists describe the same tables in each backend's types.
struct Migration
{
    int version = 0;
    QString summary;
    QStringList statements; // SQLite
    QStringList postgres;
};

// The schema history of the run store, oldest first.
const std::vector<Migration> &migrations();
int latestVersion(const std::vector<Migration> &steps = migrations());

// Opens a connection named `name` for the calling thread with the store's per-connection
// settings (SQLite: busy timeout, synchronous=NORMAL, foreign keys; PostgreSQL: search_path,
// quiet notices). On failure the connection is removed again and *error names the store.
QSqlDatabase openConnection(const QString &name, const StoreLocation &location, QString *error);

// Removes a connection by name once every QSqlDatabase/QSqlQuery copy of it is gone.
void closeConnection(const QString &name);

struct PrepareResult
{
    int fromVersion = 0; // 0 = the store was created now
    int toVersion = 0;
};

// Makes the database behind `db` a store at the newest version of `steps`: refuses non-SQLite
// files, foreign databases and stores written by a newer schema (each with a message naming
// the store), creates a new store or migrates an older one, and turns on WAL (SQLite). Returns
// false and sets *error without having changed the database when it refuses. Concurrent
// openers migrate once: SQLite's write lock or a PostgreSQL advisory lock serialises them.
bool prepareSchema(QSqlDatabase &db,
                   const StoreLocation &location,
                   PrepareResult *result,
                   QString *error,
                   const std::vector<Migration> &steps = migrations());
// SQLite shorthand.
bool prepareSchema(QSqlDatabase &db,
                   const QString &path,
                   PrepareResult *result,
                   QString *error,
                   const std::vector<Migration> &steps = migrations());

// The schema version of an open store (0 when it is not one).
int storedVersion(QSqlDatabase &db, const StoreLocation &location);

// True when `path` is absent, empty or starts with the SQLite header; else sets *error.
bool looksLikeSqlite(const QString &path, QString *error);

} // namespace fb::store
