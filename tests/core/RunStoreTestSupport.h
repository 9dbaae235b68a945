#pragma once

// Shared by the run store tests: event builders with fixed times, a raw SQLite connection to
// inspect or tamper with a store behind its back, and a message handler that turns every QtSql
// warning ("connection ... is still in use", "duplicate connection name", "database does not
// belong to the calling thread") into a test failure.

#include "exec/RunEvent.h"

#include <QSqlDatabase>
#include <QSqlQuery>
#include <QStringList>
#include <QSysInfo>
#include <QVariant>

#include <memory>
#include <mutex>

#include <unistd.h>

namespace fbtest {

using namespace fb;

// Install with qInstallMessageHandler; every QtSql warning lands in sqlWarnings.
inline std::mutex sqlWarningsMutex;
inline QStringList sqlWarnings;
inline QtMessageHandler previousHandler = nullptr;

inline void recordSqlWarnings(QtMsgType type,
                              const QMessageLogContext &context,
                              const QString &message)
{
    if (type != QtDebugMsg && type != QtInfoMsg && message.contains(QStringLiteral("QSql"))) {
        std::lock_guard lock(sqlWarningsMutex);
        sqlWarnings.append(message);
    }
    if (previousHandler)
        previousHandler(type, context, message);
}

constexpr qint64 t0 = 1700000000000; // fixed times make the expected rows exact

inline fb::RunEvent makeEvent(fb::RunEvent::Kind kind,
                              const QString &runId,
                              const QString &node = {},
                              qint64 dt = 0)
{
    fb::RunEvent e;
    e.kind = kind;
    e.runId = runId;
    e.nodeId = node;
    e.timeMs = t0 + dt;
    return e;
}

inline fb::RunEvent taskState(const QString &runId,
                              const QString &node,
                              fb::TaskState state,
                              int tryNumber,
                              qint64 dt,
                              const QString &error = {})
{
    fb::RunEvent e = makeEvent(fb::RunEvent::Kind::TaskState, runId, node, dt);
    e.state = state;
    e.tryNumber = tryNumber;
    e.text = error;
    return e;
}

inline fb::RunEvent runStarted(const QString &runId,
                               const QString &pipeline,
                               qint64 startMs,
                               QStringList taskTypes = {},
                               qint64 pid = 0,
                               const QString &host = {})
{
    auto info = std::make_shared<fb::RunInfo>();
    info->runId = runId;
    info->pipelineName = pipeline;
    info->pipelinePath = QStringLiteral("/home/ada/pipelines/") + pipeline
                         + QStringLiteral(".flow");
    info->pipelineHash = QStringLiteral("hash-") + pipeline;
    info->pipelineJson = QByteArray("{\"format\":\"flowbench.pipeline\",\"name\":\"")
                         + pipeline.toUtf8() + "\"}";
    info->taskTypes = taskTypes;
    info->host = host.isEmpty() ? QSysInfo::machineHostName() : host;
    info->pid = pid ? pid : qint64(::getpid());
    fb::RunEvent e;
    e.kind = fb::RunEvent::Kind::RunStarted;
    e.runId = runId;
    e.state = fb::TaskState::Running;
    e.timeMs = startMs;
    e.info = info;
    return e;
}

inline fb::RunEvent runFinished(const QString &runId, fb::TaskState state, qint64 endMs)
{
    fb::RunEvent e;
    e.kind = fb::RunEvent::Kind::RunFinished;
    e.runId = runId;
    e.state = state;
    e.timeMs = endMs;
    return e;
}

inline fb::RunEvent metric(
    const QString &runId, const QString &node, const QString &key, qint64 step, double value)
{
    fb::RunEvent e = makeEvent(fb::RunEvent::Kind::Metric, runId, node, 5000 + step);
    e.key = key;
    e.step = step;
    e.value = value;
    return e;
}

// A connection of the test's own, to inspect or tamper with a store file behind its back.
class RawDb
{
public:
    explicit RawDb(const QString &path)
        : m_name(QStringLiteral("tst-raw-%1").arg(++s_count))
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), m_name);
        db.setDatabaseName(path);
        m_ok = db.open();
    }
    ~RawDb() { QSqlDatabase::removeDatabase(m_name); }
    bool ok() const { return m_ok; }
    QVariant scalar(const QString &sql) const
    {
        QSqlQuery q(QSqlDatabase::database(m_name, false));
        if (!q.exec(sql) || !q.next())
            return QStringLiteral("<error: %1>").arg(sql);
        return q.value(0);
    }
    bool exec(const QString &sql) const
    {
        QSqlQuery q(QSqlDatabase::database(m_name, false));
        return q.exec(sql);
    }
    QSqlDatabase db() const { return QSqlDatabase::database(m_name, false); }

private:
    static inline int s_count = 0;
    QString m_name;
    bool m_ok = false;
};

inline int storeConnectionCount()
{
    int n = 0;
    for (const QString &name : QSqlDatabase::connectionNames())
        n += name.startsWith(QStringLiteral("flowbench-store-")) ? 1 : 0;
    return n;
}

} // namespace fbtest
