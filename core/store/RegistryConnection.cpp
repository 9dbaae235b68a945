#include "RegistryConnection.h"

#include "StoreSchema.h"

#include <QSqlError>
#include <QVariant>

#include <atomic>

namespace fb::store {

namespace {

std::atomic<quint64> nextConnection{1};

} // namespace

RegistryConnection::RegistryConnection(const StoreLocation &location, QString *error)
    : m_name(QStringLiteral("flowbench-registry-%1").arg(nextConnection.fetch_add(1)))
    , m_dialect(location.backend())
{
    m_db = openConnection(m_name, location, error);
    if (!m_db.isValid())
        return;
    PrepareResult ignored;
    if (!prepareSchema(m_db, location, &ignored, error))
        m_db = QSqlDatabase();
}

RegistryConnection::~RegistryConnection()
{
    m_db = QSqlDatabase();
    closeConnection(m_name);
}

// Prepares, binds (in order) and runs one statement; false and *error naming the store.
bool execute(QSqlQuery &q, const QString &sql, const QVariantList &values, QString *error)
{
    q.setForwardOnly(true);
    if (!q.prepare(sql)) {
        *error = q.lastError().text();
        return false;
    }
    for (const QVariant &v : values)
        q.addBindValue(v);
    if (q.exec())
        return true;
    *error = q.lastError().text();
    return false;
}

// The final value of every metric series of a run, "node.key" (or "key" for run-level
// metrics) -> value; false when the run is not in the store.
bool finalRunMetrics(QSqlDatabase &db,
                     const SqlDialect &dialect,
                     const QString &runId,
                     QJsonObject *metrics)
{
    if (runId.isEmpty())
        return false;
    QSqlQuery q(db);
    QString error;
    if (!execute(q, QStringLiteral("SELECT COUNT(*) FROM runs WHERE run_id = ?"), {runId}, &error)
        || !q.next() || q.value(0).toLongLong() == 0)
        return false;
    if (!execute(q,
                 QStringLiteral("SELECT node_id, key, value FROM metrics WHERE run_id = ? ORDER BY "
                                "node_id, key, step, ")
                     + dialect.insertionOrder(),
                 {runId},
                 &error))
        return false;
    QJsonObject out;
    while (q.next()) {
        const QString node = q.value(0).toString();
        const QString key = node.isEmpty() ? q.value(1).toString()
                                           : node + u'.' + q.value(1).toString();
        const QVariant value = q.value(2);
        // JSON has no NaN: a NaN final value is recorded as null.
        out.insert(key, value.isNull() ? QJsonValue() : QJsonValue(value.toDouble()));
    }
    *metrics = out;
    return true;
}

} // namespace fb::store
