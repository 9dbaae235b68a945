#pragma once

// Database access of the model registry (ModelRegistry.cpp): a short-lived connection per
// call and the statement helpers it uses.

#include "SqlDialect.h"
#include "StoreLocation.h"

#include <QJsonObject>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QString>
#include <QVariantList>

namespace fb::store {

// A connection of the calling thread, opened for one registry call. Every query made on it must
// be gone before the destructor removes it, so callers keep their queries in a narrower scope.
// A store opened through a RunStore is already at the newest schema; a bare location (a
// registry used without a RunStore) gets its schema created or migrated here.
class RegistryConnection
{
public:
    RegistryConnection(const StoreLocation &location, QString *error);
    ~RegistryConnection();
    RegistryConnection(const RegistryConnection &) = delete;
    RegistryConnection &operator=(const RegistryConnection &) = delete;

    bool isValid() const { return m_db.isValid(); }
    QSqlDatabase &db() { return m_db; }
    const SqlDialect &dialect() const { return m_dialect; }

private:
    QString m_name;
    SqlDialect m_dialect;
    QSqlDatabase m_db;
};

// Prepares, binds (in order) and runs one statement; false and *error otherwise.
bool execute(QSqlQuery &q, const QString &sql, const QVariantList &values, QString *error);

// The final value of every metric series of a run, "node.key" (or "key" for run-level
// metrics) -> value (null for NaN); false when the run is not in the store.
bool finalRunMetrics(QSqlDatabase &db,
                     const SqlDialect &dialect,
                     const QString &runId,
                     QJsonObject *metrics);

} // namespace fb::store
