#pragma once

#include "RunEvent.h"
#include "TaskState.h"
#include "pipeline/PipelineData.h"
#include "pipeline/PortType.h"

#include <QHash>
#include <QJsonObject>
#include <QObject>
#include <QStringList>

#include <memory>
#include <mutex>
#include <vector>

#include "OutputCache.h"


namespace fb {

class EventBus;
class NodeRegistry;
class DelayQueue;
class TaskPool;
struct RunState;

struct RunRequest
{
    PipelineData pipeline;
    QString pipelinePath;                   // absolute; relative paths resolve against its folder
    QStringList targets;                    // node ids to run (with what they need); empty = all
    QHash<QString, QJsonObject> overrides;  // node id -> {param: value} for this run only
    QString runId;                          // empty = generate one
    QString artifactRoot;                   // folder for node outputs; empty = a temp folder
    // Keep every node's outputs until the next run, for inspection (the GUI). When false (the
    // CLI), an output is released as soon as every task consuming it has finished, so a
    // pipeline over a large table does not hold each intermediate copy until the end.
    bool keepOutputs = true;
    // Output cache: an unchanged node (same type, parameters, inputs and input files) reuses
    // its earlier outputs instead of running. Nullptr or useCache = false: everything runs.
    std::shared_ptr<OutputCache> cache;
    bool useCache = true;
    // The run store recording this run (a file path or a postgresql:// URL; empty = none), for
    // nodes that write to it (register_model). Recording itself goes through events.
    QString storePath;
    // At most this many retries per task (-1 = each node's own setting). 0 when a scheduler
    // that retries on its own runs the task (Airflow), so tries do not multiply.
    int maxRetries = -1;
};

struct TaskResult
{
    QString nodeId;
    QString type;
    TaskState state = TaskState::None;
    int tries = 0;
    bool cached = false;
    qint64 startMs = 0;
    qint64 endMs = 0;
    QString error;
    QList<QPair<QString, double>> metrics; // last value of each metric key, in first-seen order
};

struct RunResult
{
    QString runId;
    TaskState state = TaskState::None;
    qint64 startMs = 0;
    qint64 endMs = 0;
    QList<TaskResult> tasks; // in topological order
    const TaskResult *task(const QString &nodeId) const;
};

// Runs pipelines on a dedicated thread pool. Tasks become ready when all their upstream tasks
// succeeded; independent branches run in parallel. A failure marks every downstream task
// upstream_failed and leaves independent branches running. Retries wait on a timer thread, not
// on a worker. Cancellation and timeouts are cooperative: nodes call checkCancelled() in their
// loops, and tasks not yet started are never started.
//
// Thread-safety: start/cancel/wait/result are called from the owner's thread. The executor
// runs one pipeline at a time; the destructor cancels and waits for the workers.
class Executor : public QObject
{
    Q_OBJECT

public:
    explicit Executor(const NodeRegistry &registry, QObject *parent = nullptr);
    ~Executor() override;

    EventBus &events() { return *m_bus; }
    // Worker threads; default QThread::idealThreadCount(). Eigen runs single-threaded inside
    // each task (see docs/architecture.md: one policy for both).
    void setMaxParallel(int threads);

    // Checks the request (pipeline problems, unknown override or target ids) and starts the run.
    // Returns false with *error describing every problem when it cannot start.
    bool start(const RunRequest &request, QString *error);
    // The same checks without starting anything, so that a caller creates nothing (a run
    // store, folders) for a run that cannot start. Only the pipeline, targets and overrides
    // of the request are read.
    bool validate(const RunRequest &request, QString *error) const;
    void cancel();
    // Waits until the run has finished and every worker has returned; false on timeout.
    bool wait(int timeoutMs = -1);
    bool isRunning() const;
    QString runId() const;

    // Of the last finished run.
    RunResult result() const;
    // An output of the last run, for inspection; nullptr when not produced.
    PortDataPtr output(const QString &nodeId, const QString &port) const;

Q_SIGNALS:
    // Emitted on the executor's thread (queued) when a run has finished.
    void finished(const fb::RunResult &result);

private:
    // The request's pipeline with its overrides applied, reduced to the targets and what they
    // need; appends every problem that prevents the run to `problems`.
    PipelineData plan(const RunRequest &request,
                      QStringList &problems,
                      QJsonObject *overridesJson) const;
    // On the executor's thread: emits finished() for the results the workers queued.
    Q_INVOKABLE void deliverFinished();

    const NodeRegistry &m_registry;
    std::unique_ptr<EventBus> m_bus;
    std::unique_ptr<TaskPool> m_pool;
    std::unique_ptr<DelayQueue> m_delays;
    std::shared_ptr<RunState> m_run;
    // Outputs of the last run by task key, reused in memory by the next run (GUI re-runs).
    QHash<QString, CacheEntry> m_memo;
    // Finished runs' results on their way from a worker to the executor's thread. A std::mutex
    // rather than the arguments of a queued call, so ThreadSanitizer sees the hand-off (Qt's own
    // locks are invisible to it in Debian's uninstrumented Qt).
    std::mutex m_finishedMutex;
    std::vector<RunResult> m_finishedResults;
};

// A run id that sorts by time and is short enough to type: "20261124-113005-7f3a".
QString newRunId();

} // namespace fb

Q_DECLARE_METATYPE(fb::RunResult)
