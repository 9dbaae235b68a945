#include "Executor.h"

#include "DelayQueue.h"
#include "NodeContext.h"
#include "RunState.h"
#include "TaskPool.h"
#include "pipeline/NodeRegistry.h"
#include "pipeline/PipelineFile.h"
#include "pipeline/Validation.h"

#include "OutputCache.h"
#include "pipeline/NodeRegistry.h"

#include <ml/common/Parallel.h>

#include <QCryptographicHash>
#include <QDateTime>
#include <QDir>
#include <QFileInfo>
#include <QJsonDocument>
#include <QSysInfo>
#include <QMetaMethod>
#include <QRandomGenerator>
#include <QThread>
#include <QSet>

#include <unistd.h>

namespace fb {

const TaskResult *RunResult::task(const QString &nodeId) const
{
    for (const TaskResult &t : tasks)
        if (t.nodeId == nodeId)
            return &t;
    return nullptr;
}

QString newRunId()
{
    return QDateTime::currentDateTime().toString(QStringLiteral("yyyyMMdd-HHmmss-"))
           + QString::number(QRandomGenerator::global()->bounded(0x10000), 16).rightJustified(4, u'0');
}

RunEvent RunState::event(RunEvent::Kind kind, int task) const
{
    RunEvent e;
    e.kind = kind;
    e.runId = runId;
    e.timeMs = RunEvent::now();
    if (task >= 0) {
        const Task &t = *tasks[size_t(task)];
        e.nodeId = t.node.id;
        e.tryNumber = t.tries;
    }
    return e;
}

namespace {

using Clock = std::chrono::steady_clock;

void submit(const std::shared_ptr<RunState> &run, int task);

// Everything below that touches task states holds run->mutex.

void publishState(RunState &run, int t, const QString &error = {})
{
    RunEvent e = run.event(RunEvent::Kind::TaskState, t);
    e.state = run.tasks[size_t(t)]->state;
    e.cached = run.tasks[size_t(t)]->cached;
    e.text = error;
    run.publish(e);
}

// The cache key of a ready task: everything its outputs depend on. Input files enter by
// path, size and modification time, so an edited CSV is never served stale.
QString taskKey(const RunState &run, const Task &task)
{
    QCryptographicHash h(QCryptographicHash::Sha256);
    h.addData(QByteArrayLiteral("flowbench-cache-1\n" FLOWBENCH_VERSION "\n"));
    h.addData(QByteArray(task.node.type.toUtf8() + '\n' + QByteArray::number(task.type->codeVersion) + '\n'));
    h.addData(QByteArray(QJsonDocument(task.params).toJson(QJsonDocument::Compact) + '\n'));
    QStringList inputs;
    for (const TaskInput &in : task.inputs)
        inputs.append(in.port + u'=' + run.tasks[size_t(in.upstream)]->key + u'.' + in.upstreamPort);
    inputs.sort();
    h.addData(QByteArray(inputs.join(u'\n').toUtf8() + '\n'));
    for (const ParamSpec &spec : task.type->params) {
        if (spec.type != ParamType::FilePath)
            continue;
        const QString value = task.params.value(spec.name).toString();
        if (value.isEmpty())
            continue;
        const QFileInfo file(QDir(run.pipelineDir).absoluteFilePath(value));
        h.addData(QStringLiteral("%1|%2|%3\n")
                      .arg(file.absoluteFilePath())
                      .arg(file.size())
                      .arg(file.lastModified().toMSecsSinceEpoch())
                      .toUtf8());
    }
    return QString::fromLatin1(h.result().toHex());
}

// Outputs of an unchanged task from the previous run (in memory) or the disk cache.
std::optional<CacheEntry> cachedOutputs(const RunState &run, const Task &task)
{
    if (!task.type->cacheable)
        return std::nullopt;
    auto memo = run.memo.constFind(task.key);
    if (memo != run.memo.cend())
        return *memo;
    if (run.cache)
        return run.cache->load(task.key);
    return std::nullopt;
}

void finishRun(const std::shared_ptr<RunState> &run)
{
    RunResult &r = run->result;
    r.endMs = RunEvent::now();
    bool failed = false, cancelled = false;
    for (const auto &t : run->tasks) {
        failed |= t->state == TaskState::Failed || t->state == TaskState::UpstreamFailed;
        cancelled |= t->state == TaskState::Cancelled;
        TaskResult tr;
        tr.nodeId = t->node.id;
        tr.type = t->node.type;
        tr.state = t->state;
        tr.tries = t->tries;
        tr.startMs = t->startMs;
        tr.endMs = t->endMs;
        tr.error = t->error;
        tr.cached = t->cached;
        tr.metrics = t->lastMetrics;
        r.tasks.append(tr);
    }
    r.state = failed ? TaskState::Failed : cancelled ? TaskState::Cancelled : TaskState::Success;
    RunEvent e = run->event(RunEvent::Kind::RunFinished, -1);
    e.state = r.state;
    run->publish(e);
    run->finished = true;
    if (run->onFinished)
        run->onFinished(r);
}

// Marks every not-yet-final descendant of `from` with `state` (upstream_failed or cancelled).
void blockDescendants(RunState &run, int from, TaskState state)
{
    std::vector<int> stack(run.tasks[size_t(from)]->downstream);
    while (!stack.empty()) {
        const int d = stack.back();
        stack.pop_back();
        Task &t = *run.tasks[size_t(d)];
        if (isFinal(t.state) || t.state == TaskState::Running)
            continue;
        t.state = state;
        t.endMs = RunEvent::now();
        ++run.finishedTasks;
        publishState(run, d);
        stack.insert(stack.end(), t.downstream.begin(), t.downstream.end());
    }
}

// Records the final state of a task, releases or blocks its downstream tasks and finishes the
// run when nothing is left. Called with run->mutex held; returns tasks to submit.
std::vector<int> complete(const std::shared_ptr<RunState> &run, int t, TaskState state, const QString &error)
{
    Task &task = *run->tasks[size_t(t)];
    task.state = state;
    task.error = error;
    task.endMs = RunEvent::now();
    ++run->finishedTasks;
    publishState(*run, t, error);
    // This task no longer needs its inputs; free an upstream output nobody else will read.
    if (!run->keepOutputs)
        for (const TaskInput &in : task.inputs)
            if (--run->tasks[size_t(in.upstream)]->consumersLeft == 0)
                run->tasks[size_t(in.upstream)]->outputs.clear();

    std::vector<int> ready;
    if (state == TaskState::Success) {
        for (int d : task.downstream) {
            Task &down = *run->tasks[size_t(d)];
            if (--down.pendingUpstream == 0 && down.state == TaskState::None) {
                down.state = TaskState::Queued;
                publishState(*run, d);
                ready.push_back(d);
            }
        }
    } else {
        blockDescendants(*run, t, state == TaskState::Cancelled ? TaskState::Cancelled
                                                                : TaskState::UpstreamFailed);
    }
    if (run->finishedTasks == int(run->tasks.size()) && !run->finished)
        finishRun(run);
    return ready;
}

void execute(const std::shared_ptr<RunState> &run, int t)
{
    Task &task = *run->tasks[size_t(t)];
    {
        std::lock_guard lock(run->mutex);
        if (isFinal(task.state))
            return; // cancelled while it waited in the queue
        if (run->cancelled) {
            complete(run, t, TaskState::Cancelled, {});
            return;
        }
        task.key = taskKey(*run, task);
    }
    if (task.tries == 0) {
        if (auto hit = cachedOutputs(*run, task)) {
            task.outputs = hit->outputs;
            task.lastMetrics = hit->metrics;
            task.cached = true;
            // The run's record shows the cached task's final metrics too.
            for (const auto &kv : hit->metrics) {
                RunEvent e = run->event(RunEvent::Kind::Metric, t);
                e.key = kv.first;
                e.value = kv.second;
                run->publish(e);
            }
            std::vector<int> ready;
            {
                std::lock_guard lock(run->mutex);
                if (isFinal(task.state))
                    return; // cancelled while we looked
                task.startMs = task.endMs = RunEvent::now();
                ready = complete(run, t, TaskState::Success, {});
            }
            for (int d : ready)
                submit(run, d);
            return;
        }
    }
    {
        std::lock_guard lock(run->mutex);
        if (isFinal(task.state))
            return;
        task.state = TaskState::Running;
        ++task.tries;
        if (task.tries == 1)
            task.startMs = RunEvent::now();
        publishState(*run, t);
    }
    const double timeout = task.node.timeoutSeconds;
    task.deadline = timeout > 0
                        ? (Clock::now() + std::chrono::milliseconds(qint64(timeout * 1000))).time_since_epoch().count()
                        : 0;

    // Core policy: a task training alone may use every core for its own loops; tasks running
    // side by side get one thread each, since the pool already spreads them over the cores.
    auto updateBudget = [&run](int running) {
        ml::setThreadBudget(std::max(1, run->pool.maxThreadCount() / std::max(1, running)));
    };
    updateBudget(run->runningTasks.fetch_add(1) + 1);
    TaskState outcome = TaskState::Success;
    QString error;
    try {
        NodeContext ctx(*run, t, task.tries);
        task.outputs.clear();
        task.type->run(ctx);
        for (int d : task.downstream)
            for (const TaskInput &in : run->tasks[size_t(d)]->inputs)
                if (in.upstream == t && !task.outputs.value(in.upstreamPort))
                    throw NodeError(QStringLiteral("produced no '%1' output").arg(in.upstreamPort));
    } catch (const ml::Cancelled &) {
        if (run->cancelled) {
            outcome = TaskState::Cancelled;
        } else {
            outcome = TaskState::Failed;
            error = QStringLiteral("timed out after %1 s").arg(timeout);
        }
    } catch (const std::exception &e) {
        outcome = TaskState::Failed;
        error = QString::fromUtf8(e.what());
    } catch (...) {
        outcome = TaskState::Failed;
        error = QStringLiteral("failed with an unknown error");
    }
    if (outcome != TaskState::Success)
        task.outputs.clear();
    updateBudget(run->runningTasks.fetch_sub(1) - 1);
    if (outcome == TaskState::Success && run->cache && task.type->cacheable) {
        QString cacheError;
        if (!run->cache->store(task.key, CacheEntry{task.outputs, task.lastMetrics}, &cacheError)) {
            RunEvent e = run->event(RunEvent::Kind::Log, t);
            e.level = LogLevel::Warning;
            e.text = QStringLiteral("outputs not cached: %1").arg(cacheError);
            run->publish(e);
        }
    }

    std::vector<int> ready;
    {
        std::lock_guard lock(run->mutex);
        if (outcome == TaskState::Failed && !error.isEmpty()) {
            RunEvent e = run->event(RunEvent::Kind::Log, t);
            e.level = LogLevel::Error;
            e.text = error;
            run->publish(e);
        }
        const int retries = run->maxRetries < 0 ? task.node.retries : std::min(task.node.retries, run->maxRetries);
        if (outcome == TaskState::Failed && task.tries <= retries && !run->cancelled) {
            task.state = TaskState::UpForRetry;
            task.error = error;
            publishState(*run, t, error);
            const auto delay = std::chrono::milliseconds(qint64(task.node.retryDelaySeconds * 1000));
            std::weak_ptr<RunState> weak = run;
            run->delays.schedule(delay, [weak, t] {
                auto r = weak.lock();
                if (!r)
                    return;
                std::lock_guard lock(r->mutex);
                Task &again = *r->tasks[size_t(t)];
                if (again.state != TaskState::UpForRetry)
                    return; // cancelled meanwhile
                again.state = TaskState::Queued;
                publishState(*r, t);
                submit(r, t);
            });
        } else {
            ready = complete(run, t, outcome, error);
        }
    }
    for (int d : ready)
        submit(run, d);
}

// Queues a task on the pool. The runnable keeps the run alive; activeRunnables lets wait()
// return only when no worker still touches the run.
void submit(const std::shared_ptr<RunState> &run, int task)
{
    run->activeRunnables.fetch_add(1);
    run->pool.start([run, task] {
        execute(run, task);
        if (run->activeRunnables.fetch_sub(1) == 1) {
            std::lock_guard lock(run->mutex); // pairs with the predicate check in wait()
            run->finishedCondition.notify_all();
        }
    });
}

QString sha256(const QByteArray &bytes)
{
    return QString::fromLatin1(QCryptographicHash::hash(bytes, QCryptographicHash::Sha256).toHex());
}

} // namespace

Executor::Executor(const NodeRegistry &registry, QObject *parent)
    : QObject(parent)
    , m_registry(registry)
    , m_bus(std::make_unique<EventBus>())
    , m_pool(std::make_unique<TaskPool>(QThread::idealThreadCount()))
    , m_delays(std::make_unique<DelayQueue>())
{
    qRegisterMetaType<fb::RunResult>();
    qRegisterMetaType<fb::RunEvent>();
}

Executor::~Executor()
{
    cancel();
    wait();
    m_pool->waitForDone();
    m_delays.reset();
}

void Executor::deliverFinished()
{
    std::vector<RunResult> results;
    {
        std::lock_guard lock(m_finishedMutex);
        results.swap(m_finishedResults);
    }
    for (const RunResult &r : results)
        Q_EMIT finished(r);
}

void Executor::setMaxParallel(int threads)
{
    m_pool->setMaxThreadCount(threads > 0 ? threads : QThread::idealThreadCount());
}

bool Executor::isRunning() const
{
    if (!m_run)
        return false;
    std::lock_guard lock(m_run->mutex);
    return !m_run->finished || m_run->activeRunnables > 0;
}

QString Executor::runId() const
{
    return m_run ? m_run->runId : QString();
}

PipelineData Executor::plan(const RunRequest &request,
                            QStringList &problems,
                            QJsonObject *overridesJson) const
{
    PipelineData pipeline = request.pipeline;

    // Overrides are applied to a copy, then validated like the node's own values.
    for (auto it = request.overrides.begin(); it != request.overrides.end(); ++it) {
        Node *n = pipeline.node(pipeline.keyOf(it.key()));
        if (!n) {
            problems.append(QStringLiteral("--set: no node has the id '%1'").arg(it.key()));
            continue;
        }
        for (auto p = it->begin(); p != it->end(); ++p)
            n->params.insert(p.key(), p.value());
        if (overridesJson)
            overridesJson->insert(it.key(), *it);
    }

    // The selection: the targets and everything they need.
    QSet<int> selected;
    if (request.targets.isEmpty()) {
        for (const Node &n : pipeline.nodes())
            selected.insert(n.key);
    } else {
        QHash<int, QList<int>> upstream;
        for (const Link &l : pipeline.links())
            upstream[l.toNode].append(l.fromNode);
        QList<int> stack;
        for (const QString &id : request.targets) {
            const int key = pipeline.keyOf(id);
            if (!key)
                problems.append(QStringLiteral("--node: no node has the id '%1'").arg(id));
            else
                stack.append(key);
        }
        while (!stack.isEmpty()) {
            const int k = stack.takeLast();
            if (selected.contains(k))
                continue;
            selected.insert(k);
            stack.append(upstream.value(k));
        }
    }
    PipelineData subset = pipeline;
    for (const Node &n : pipeline.nodes())
        if (!selected.contains(n.key))
            subset.removeNode(n.key);
    for (const Problem &p : validatePipeline(subset, m_registry))
        problems.append(p.toString());
    return subset;
}

bool Executor::validate(const RunRequest &request, QString *error) const
{
    QStringList problems;
    plan(request, problems, nullptr);
    if (problems.isEmpty())
        return true;
    if (error)
        *error = problems.join(u'\n');
    return false;
}

bool Executor::start(const RunRequest &request, QString *error)
{
    if (isRunning()) {
        *error = QStringLiteral("a run is already in progress");
        return false;
    }
    QStringList problems;
    QJsonObject overridesJson;
    const PipelineData subset = plan(request, problems, &overridesJson);
    if (!problems.isEmpty()) {
        *error = problems.join(u'\n');
        return false;
    }

    // The previous run's kept outputs become the in-memory cache of this one.
    if (m_run && m_run->keepOutputs) {
        m_memo.clear();
        for (const auto &t : m_run->tasks)
            if (t->state == TaskState::Success && !t->key.isEmpty() && t->type->cacheable)
                m_memo.insert(t->key, CacheEntry{t->outputs, t->lastMetrics});
    }

    auto run = std::make_shared<RunState>(*m_bus, *m_pool, *m_delays);
    run->runId = request.runId.isEmpty() ? newRunId() : request.runId;
    run->pipelineDir = request.pipelinePath.isEmpty()
                           ? QDir::currentPath()
                           : QFileInfo(request.pipelinePath).absolutePath();
    run->keepOutputs = request.keepOutputs;
    run->storePath = request.storePath;
    run->maxRetries = request.maxRetries;
    if (request.useCache) {
        run->cache = request.cache;
        run->memo = m_memo;
    }
    run->artifactRoot = request.artifactRoot.isEmpty()
                            ? QDir::tempPath() + QStringLiteral("/flowbench-runs/") + run->runId
                            : request.artifactRoot;
    const QByteArray serialized = PipelineFile::serialize(request.pipeline);
    run->pipelineHash = sha256(serialized);

    // Tasks in topological order (Kahn), so results and listings read top-down.
    QHash<int, int> indegree;
    QHash<int, QList<Link>> outgoing;
    for (const Node &n : subset.nodes())
        indegree.insert(n.key, 0);
    for (const Link &l : subset.links()) {
        ++indegree[l.toNode];
        outgoing[l.fromNode].append(l);
    }
    QList<int> order;
    QList<int> ready;
    for (const Node &n : subset.nodes())
        if (indegree.value(n.key) == 0)
            ready.append(n.key);
    for (qsizetype i = 0; i < ready.size(); ++i) {
        const int k = ready.at(i);
        order.append(k);
        for (const Link &l : outgoing.value(k))
            if (--indegree[l.toNode] == 0)
                ready.append(l.toNode);
    }
    QHash<int, int> taskOf;
    auto info = std::make_shared<RunInfo>();
    QJsonObject taskParams;
    for (int key : order) {
        const Node &n = *subset.node(key);
        auto task = std::make_unique<Task>();
        task->node = n;
        task->type = m_registry.find(n.type);
        task->params = effectiveParams(n, m_registry);
        taskParams.insert(n.id, task->params);
        info->taskTypes.append(n.id + u'=' + n.type);
        taskOf.insert(key, int(run->tasks.size()));
        run->tasks.push_back(std::move(task));
    }
    for (const Link &l : subset.links()) {
        Task &to = *run->tasks[size_t(taskOf.value(l.toNode))];
        const int from = taskOf.value(l.fromNode);
        to.inputs.push_back({l.toPort, from, l.fromPort});
        ++to.pendingUpstream;
        ++run->tasks[size_t(from)]->consumersLeft;
        run->tasks[size_t(from)]->downstream.push_back(taskOf.value(l.toNode));
    }

    info->runId = run->runId;
    info->pipelineName = request.pipeline.name.isEmpty()
                             ? QFileInfo(request.pipelinePath).completeBaseName()
                             : request.pipeline.name;
    info->pipelinePath = request.pipelinePath.isEmpty()
                             ? QString()
                             : QFileInfo(request.pipelinePath).absoluteFilePath();
    info->pipelineHash = run->pipelineHash;
    info->pipelineJson = serialized;
    info->overrides = overridesJson;
    info->targets = request.targets;
    info->taskParams = taskParams;
    info->host = QSysInfo::machineHostName();
    info->pid = qint64(::getpid());

    // Runs on the worker that finished the run; ~Executor waits for the workers, so `this` is
    // alive here.
    run->onFinished = [this](const RunResult &r) {
        // Only when someone listens: a caller that waits without an event loop (tests, the
        // CLI) would otherwise collect one queued copy of every run's result in its thread's
        // event queue, which grows with every run of a reused executor.
        static const QMetaMethod finishedSignal = QMetaMethod::fromSignal(&Executor::finished);
        if (!isSignalConnected(finishedSignal))
            return;
        // Posted under the lock, which deliverFinished() takes before Qt deletes the posted
        // event on the executor's thread (an order ThreadSanitizer can see).
        std::lock_guard lock(m_finishedMutex);
        const bool wake = m_finishedResults.empty(); // otherwise a delivery is already queued
        m_finishedResults.push_back(r);
        if (wake)
            QMetaObject::invokeMethod(this, "deliverFinished", Qt::QueuedConnection);
    };
    run->result.runId = run->runId;
    run->result.startMs = RunEvent::now();
    m_run = run;

    std::vector<int> roots;
    {
        std::lock_guard lock(run->mutex);
        RunEvent started = run->event(RunEvent::Kind::RunStarted, -1);
        started.state = TaskState::Running;
        started.info = info;
        run->publish(started);
        for (int i = 0; i < int(run->tasks.size()); ++i) {
            if (run->tasks[size_t(i)]->pendingUpstream == 0) {
                run->tasks[size_t(i)]->state = TaskState::Queued;
                publishState(*run, i);
                roots.push_back(i);
            }
        }
        if (run->tasks.empty())
            finishRun(run);
    }
    for (int t : roots)
        submit(run, t);
    return true;
}

void Executor::cancel()
{
    auto run = m_run;
    if (!run)
        return;
    run->cancelled = true;
    m_delays->clear();
    std::lock_guard lock(run->mutex);
    if (run->finished)
        return;
    for (int i = 0; i < int(run->tasks.size()); ++i) {
        Task &t = *run->tasks[size_t(i)];
        if (!isFinal(t.state) && t.state != TaskState::Running) {
            t.state = TaskState::Cancelled;
            t.endMs = RunEvent::now();
            ++run->finishedTasks;
            publishState(*run, i);
        }
    }
    if (run->finishedTasks == int(run->tasks.size()))
        finishRun(run);
}

bool Executor::wait(int timeoutMs)
{
    auto run = m_run;
    if (!run)
        return true;
    std::unique_lock lock(run->mutex);
    auto done = [&] { return run->finished && run->activeRunnables == 0; };
    if (timeoutMs < 0) {
        run->finishedCondition.wait(lock, done);
        return true;
    }
    return run->finishedCondition.wait_for(lock, std::chrono::milliseconds(timeoutMs), done);
}

RunResult Executor::result() const
{
    if (!m_run)
        return {};
    std::lock_guard lock(m_run->mutex);
    return m_run->finished ? m_run->result : RunResult{};
}

PortDataPtr Executor::output(const QString &nodeId, const QString &port) const
{
    if (!m_run || isRunning())
        return nullptr;
    for (const auto &t : m_run->tasks)
        if (t->node.id == nodeId)
            return t->outputs.value(port);
    return nullptr;
}

} // namespace fb
