#pragma once

#include "RunEvent.h"
#include "pipeline/PortType.h"

#include <ml/common/Observer.h>

#include <QJsonObject>
#include <QString>

#include <memory>
#include <stdexcept>

namespace fb {

struct RunState;
class Table;

// A node failed with a message meant for the user ("column 'x' not found").
struct NodeError : std::runtime_error
{
    explicit NodeError(const QString &message)
        : std::runtime_error(message.toStdString())
    {}
};

// What a running node sees: its parameters, its inputs, where to put outputs and how to report
// progress, metrics and logs. Lives on the worker thread for the duration of one try. Reporting
// never blocks: events go to the executor's bus and are coalesced downstream.
class NodeContext
{
public:
    NodeContext(RunState &run, int task, int tryNumber);
    ~NodeContext();

    const QString &nodeId() const;
    const QString &runId() const;
    int tryNumber() const { return m_try; }

    // Effective parameters (defaults, the node's values, then run overrides), already
    // validated against the schema.
    const QJsonObject &params() const;
    QJsonValue param(const QString &name) const;
    double paramDouble(const QString &name) const;
    int paramInt(const QString &name) const;
    bool paramBool(const QString &name) const;
    QString paramString(const QString &name) const;
    QStringList paramStringList(const QString &name) const;
    // A path parameter resolved against the pipeline's folder (absolute paths unchanged).
    QString paramPath(const QString &name) const;

    // Input of `port` or nullptr when an optional input is not connected.
    PortDataPtr input(const QString &port) const;
    // Typed input; throws NodeError when missing (required) or of another type.
    std::shared_ptr<const Table> table(const QString &port) const;
    template<typename T>
    std::shared_ptr<const T> inputAs(const QString &port) const
    {
        auto p = std::dynamic_pointer_cast<const T>(input(port));
        if (!p)
            throw NodeError(QStringLiteral("input '%1' is not connected or has the wrong type").arg(port));
        return p;
    }
    void setOutput(const QString &port, PortDataPtr value);

    // True once the run is cancelled or this try's timeout has passed.
    bool isCancelled() const;
    // Throws ml::Cancelled when isCancelled(); call it in every long loop.
    void checkCancelled() const;

    void progress(double fraction); // 0..1; rate-limited to ~20 events/s
    void metric(const QString &key, qint64 step, double value);
    void log(LogLevel level, const QString &message);
    void info(const QString &message) { log(LogLevel::Info, message); }
    void warning(const QString &message) { log(LogLevel::Warning, message); }
    // Records a file the node produced (model, export, report).
    void artifact(const QString &name, const QString &path, const QString &kind);

    // A folder for this node's files in this run (created on first call).
    QString artifactDir() const;
    // Lineage of the run, for model files.
    QString pipelineHash() const;
    // The run store recording this run (path or postgresql:// URL); empty when there is none.
    QString storePath() const;

    // Adapter for core/ml: cancellation, per-iteration metrics (prefixed with `prefix`),
    // progress and log lines flow into this context.
    ml::Observer &observer(const QString &prefix = QString());

private:
    RunState &m_run;
    int m_task;
    int m_try;
    qint64 m_lastProgressMs = 0;
    std::unique_ptr<ml::Observer> m_observer;
};

} // namespace fb
