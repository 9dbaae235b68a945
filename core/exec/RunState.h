#pragma once

// Internal to the executor: the shared state of one run, referenced by the executor, the
// worker runnables and every NodeContext. Not part of the public API.

#include "EventQueue.h"
#include "Executor.h"
#include "pipeline/NodeType.h"

#include <QHash>
#include <QJsonObject>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <vector>


namespace fb {

class DelayQueue;
class TaskPool;
class OutputCache;

struct TaskInput
{
    QString port;
    int upstream = -1;
    QString upstreamPort;
};

struct Task
{
    Node node;
    const NodeType *type = nullptr;
    QJsonObject params;
    std::vector<TaskInput> inputs;
    std::vector<int> downstream;

    // Guarded by RunState::mutex.
    int pendingUpstream = 0;
    int consumersLeft = 0; // downstream links not yet finished, for releasing outputs
    TaskState state = TaskState::None;
    int tries = 0;
    qint64 startMs = 0;
    qint64 endMs = 0;
    QString error;
    QString key;         // cache key, computed when the task becomes ready
    bool cached = false; // outputs came from the cache

    // Written by the worker running the task, read after it completed (the run mutex orders it).
    QHash<QString, PortDataPtr> outputs;
    QList<QPair<QString, double>> lastMetrics;
    std::atomic<std::chrono::steady_clock::rep> deadline{0}; // steady ticks; 0 = none
};

struct RunState
{
    RunState(EventBus &bus, TaskPool &pool, DelayQueue &delays)
        : bus(bus)
        , pool(pool)
        , delays(delays)
    {}

    EventBus &bus;
    TaskPool &pool;
    DelayQueue &delays;

    QString runId;
    QString pipelineDir;
    QString pipelineHash;
    QString artifactRoot;
    QString storePath;
    int maxRetries = -1;
    std::vector<std::unique_ptr<Task>> tasks; // topological order
    std::atomic<bool> cancelled{false};
    bool keepOutputs = true;
    std::shared_ptr<OutputCache> cache;     // may be null
    QHash<QString, CacheEntry> memo;        // previous run's outputs by key (read-only)

    std::mutex mutex;
    std::condition_variable finishedCondition;
    int finishedTasks = 0;
    std::atomic<int> activeRunnables{0}; // wait() also waits for this to reach 0
    std::atomic<int> runningTasks{0};    // for the ML thread budget
    bool finished = false;
    RunResult result;
    std::function<void(const RunResult &)> onFinished;

    void publish(const RunEvent &e) { bus.publish(e); }
    RunEvent event(RunEvent::Kind kind, int task) const;
};

} // namespace fb
