#include "RunController.h"

#include "CacheSettingsDialog.h"
#include "RunParametersDialog.h"
#include "canvas/CanvasScene.h"
#include "canvas/NodeItem.h"
#include "document/Document.h"
#include "exec/EventQueue.h"
#include "exec/OutputCache.h"
#include "pipeline/NodeRegistry.h"
#include "pipeline/Pipeline.h"
#include "store/RunStore.h"

#include <QAction>
#include <QApplication>
#include <QIcon>
#include <QSettings>
#include <QThreadPool>
#include <QTimer>

namespace fb {

namespace {

const QString cacheSizeKey = QStringLiteral("run/cacheSizeMB");
constexpr qint64 defaultCacheSizeMb = 4096;

QString joinIds(const QStringList &ids, int max = 4)
{
    if (ids.size() <= max)
        return ids.join(QStringLiteral(", "));
    return ids.mid(0, max).join(QStringLiteral(", "))
           + QStringLiteral(" … (%1 more)").arg(ids.size() - max);
}

} // namespace

RunController::RunController(Document *document,
                             CanvasScene *scene,
                             const QString &storePath,
                             QObject *parent)
    : QObject(parent)
    , m_document(document)
    , m_scene(scene)
    , m_executor(std::make_unique<Executor>(document->pipeline()->registry()))
{
    QString error;
    m_store = RunStore::open(storePath.isEmpty() ? RunStore::defaultPath() : storePath, &error);
    if (m_store)
        m_store->attach(m_executor->events());
    else
        QTimer::singleShot(0, this, [this, error] {
            Q_EMIT logLine(LogLevel::Warning, {}, tr("Run history disabled: %1").arg(error));
        });
    m_events = m_executor->events().subscribe();
    makeCache(cacheSizeMb());

    m_timer = new QTimer(this);
    m_timer->setInterval(33); // ~30 Hz: worker events coalesce into one repaint
    connect(m_timer, &QTimer::timeout, this, &RunController::tick);
    m_timer->start();
    connect(m_executor.get(), &Executor::finished, this, [this](const RunResult &r) {
        m_lastResult = r;
        m_finishing = true;
        finishIfIdle();
    });
    createActions();
    updateActions();
}

RunController::~RunController()
{
    m_executor.reset(); // cancels and waits for the workers before the store goes
}

void RunController::createActions()
{
    m_runAll = new QAction(QIcon::fromTheme(QStringLiteral("media-playback-start")),
                           tr("&Run All"),
                           this);
    m_runAll->setObjectName(QStringLiteral("runAll"));
    m_runAll->setShortcut(Qt::Key_F5);
    m_runAll->setToolTip(
        tr("Run the whole pipeline (F5); unchanged nodes reuse their cached results"));
    connect(m_runAll, &QAction::triggered, this, [this] { run(); });

    m_runToHere = new QAction(tr("Run &Selected"), this);
    m_runToHere->setObjectName(QStringLiteral("runSelected"));
    m_runToHere->setShortcut(QKeySequence(QStringLiteral("Ctrl+F5")));
    m_runToHere->setToolTip(tr("Run the selected nodes and what they need (Ctrl+F5)"));
    connect(m_runToHere, &QAction::triggered, this, [this] {
        QStringList targets;
        for (int key : m_scene->selectedNodeKeys())
            if (const Node *n = m_document->pipeline()->data().node(key))
                targets.append(n->id);
        if (!targets.isEmpty())
            run(targets);
    });

    m_rerunFailed = new QAction(tr("Re-run &Failed"), this);
    m_rerunFailed->setObjectName(QStringLiteral("rerunFailed"));
    m_rerunFailed->setShortcut(QKeySequence(QStringLiteral("Ctrl+Shift+F5")));
    m_rerunFailed->setToolTip(tr("Run the failed nodes of the last run and their downstream nodes "
                                 "again; nodes that succeeded reuse their results"));
    connect(m_rerunFailed, &QAction::triggered, this, [this] { rerunFailed(); });

    m_runWithParameters = new QAction(tr("Run with &Parameters…"), this);
    m_runWithParameters->setObjectName(QStringLiteral("runWithParameters"));
    m_runWithParameters->setShortcut(QKeySequence(QStringLiteral("Alt+F5")));
    m_runWithParameters->setToolTip(
        tr("Change parameters for one run without changing the pipeline"));
    connect(m_runWithParameters, &QAction::triggered, this, &RunController::openRunWithParameters);

    m_cancel = new QAction(QIcon::fromTheme(QStringLiteral("media-playback-stop")),
                           tr("&Cancel Run"),
                           this);
    m_cancel->setObjectName(QStringLiteral("cancelRun"));
    m_cancel->setShortcut(QKeySequence(QStringLiteral("Shift+F5")));
    m_cancel->setToolTip(tr("Stop every running node (Shift+F5)"));
    connect(m_cancel, &QAction::triggered, this, [this] {
        if (!m_running)
            return;
        m_cancelClock.start();
        m_executor->cancel(); // only sets flags: workers notice within one iteration
        Q_EMIT message(tr("Cancelling…"));
    });

    m_clearCache = new QAction(tr("Clear &Cache"), this);
    m_clearCache->setObjectName(QStringLiteral("clearCache"));
    m_clearCache->setToolTip(
        tr("Delete every cached node result; the next run computes everything"));
    connect(m_clearCache, &QAction::triggered, this, &RunController::clearCache);

    m_cacheSettings = new QAction(tr("Output Cache &Settings…"), this);
    m_cacheSettings->setObjectName(QStringLiteral("cacheSettings"));
    connect(m_cacheSettings, &QAction::triggered, this, &RunController::openCacheSettings);
}

void RunController::setDialogParent(QWidget *parent)
{
    m_dialogParent = parent;
}

bool RunController::isRunning() const
{
    return m_running;
}

void RunController::setRunning(bool running)
{
    m_running = running;
    updateActions();
}

void RunController::updateActions()
{
    m_runAll->setEnabled(!m_running);
    m_runToHere->setEnabled(!m_running);
    m_runWithParameters->setEnabled(!m_running);
    m_rerunFailed->setEnabled(!m_running && !failedAndDownstream().isEmpty());
    m_cancel->setEnabled(m_running);
    m_clearCache->setEnabled(!m_running && m_cache != nullptr);
}

qint64 RunController::cacheSizeMb() const
{
    return QSettings().value(cacheSizeKey, defaultCacheSizeMb).toLongLong();
}

void RunController::setCacheSizeMb(qint64 mb)
{
    QSettings().setValue(cacheSizeKey, mb);
    makeCache(mb);
    if (m_cache) {
        // Trimming walks the folder: off the GUI thread.
        std::shared_ptr<OutputCache> cache = m_cache;
        QThreadPool::globalInstance()->start([cache] { cache->trim(); });
    }
    updateActions();
}

void RunController::makeCache(qint64 mb)
{
    // OutputCache's bound is fixed at construction; a run in progress keeps the one it has.
    m_cache.reset();
    if (m_store && mb > 0)
        m_cache = std::make_shared<OutputCache>(m_store->cacheDir(), mb * 1024 * 1024);
}

void RunController::clearCache()
{
    if (!m_cache)
        return;
    // Deleting gigabytes takes a while: off the GUI thread (the job keeps the cache alive).
    std::shared_ptr<OutputCache> cache = m_cache;
    QPointer<RunController> self(this);
    QThreadPool::globalInstance()->start([cache, self] {
        cache->clear();
        QMetaObject::invokeMethod(qApp, [self] {
            if (self) {
                Q_EMIT self->message(tr("Output cache cleared"));
                Q_EMIT self->cacheCleared();
            }
        });
    });
}

void RunController::openRunWithParameters()
{
    if (m_running)
        return;
    RunParametersDialog dialog(m_document->pipeline()->data(),
                               m_document->pipeline()->registry(),
                               m_dialogParent);
    if (dialog.exec() != QDialog::Accepted)
        return;
    if (run({}, dialog.overrides()) && !dialog.assignments().isEmpty())
        Q_EMIT logLine(LogLevel::Info,
                       {},
                       tr("Parameters for this run: %1")
                           .arg(dialog.assignments().join(QStringLiteral(", "))));
}

void RunController::openCacheSettings()
{
    CacheSettingsDialog dialog(this, m_dialogParent);
    dialog.exec();
}

QStringList RunController::failedAndDownstream() const
{
    const PipelineData &data = m_document->pipeline()->data();
    QList<int> stack;
    for (const TaskResult &t : m_lastResult.tasks)
        if (t.state == TaskState::Failed || t.state == TaskState::UpstreamFailed
            || t.state == TaskState::Cancelled || t.state == TaskState::Interrupted)
            if (const int key = data.keyOf(t.nodeId))
                stack.append(key);
    if (stack.isEmpty())
        return {};
    // Downstream in the pipeline as it is now: a node added after the failure runs too.
    QHash<int, QList<int>> downstream;
    for (const Link &l : data.links())
        downstream[l.fromNode].append(l.toNode);
    QSet<int> selected;
    while (!stack.isEmpty()) {
        const int k = stack.takeLast();
        if (selected.contains(k))
            continue;
        selected.insert(k);
        stack.append(downstream.value(k));
    }
    QStringList out;
    for (const Node &n : data.nodes())
        if (selected.contains(n.key))
            out.append(n.id);
    return out;
}

bool RunController::rerunFailed()
{
    const QStringList targets = failedAndDownstream();
    if (targets.isEmpty()) {
        Q_EMIT message(tr("Nothing to re-run: the last run has no failed nodes"));
        return false;
    }
    if (!run(targets))
        return false;
    Q_EMIT logLine(LogLevel::Info,
                   {},
                   tr("Repair run: %1 and what they need (from the cache)").arg(joinIds(targets)));
    return true;
}

bool RunController::run(const QStringList &targets, const QHash<QString, QJsonObject> &overrides)
{
    if (m_running)
        return false;
    RunRequest request;
    request.pipeline = m_document->pipeline()->data();
    request.pipelinePath = m_document->filePath();
    request.targets = targets;
    request.overrides = overrides;
    request.runId = newRunId();
    request.keepOutputs = true; // the GUI inspects outputs, and the next run reuses them
    request.cache = m_cache;
    if (m_store) {
        request.artifactRoot = m_store->artifactRoot() + u'/' + request.runId;
        request.storePath = m_store->location().spec();
    }
    QString error;
    if (!m_executor->start(request, &error)) {
        Q_EMIT logLine(LogLevel::Error, {}, error);
        Q_EMIT message(tr("Cannot run: %1").arg(error.section(u'\n', 0, 0)));
        return false;
    }
    // Nodes outside a partial run keep what they showed (as Airflow keeps other tasks' states);
    // the run's own nodes are reset when its RunStarted event arrives.
    if (targets.isEmpty())
        m_scene->clearRunStates();
    m_taskStart.clear();
    m_states.clear();
    m_lastMetric.clear();
    m_runNodes.clear();
    m_upstream.clear();
    const PipelineData &data = request.pipeline;
    for (const Link &l : data.links()) {
        const Node *from = data.node(l.fromNode);
        const Node *to = data.node(l.toNode);
        if (from && to && !m_upstream.value(to->id).contains(from->id))
            m_upstream[to->id].append(from->id);
    }
    m_cancelClock.invalidate();
    m_finishing = false;
    setRunning(true);
    Q_EMIT runStarted(request.runId); // the run views start afresh, then the first line
    Q_EMIT logLine(LogLevel::Info, {}, tr("Run %1 started").arg(request.runId));
    return true;
}

// The run is over when its last task finished and every worker has returned: only then can
// the next run start, so "finished" is announced at that moment (checked at the tick rate, the
// GUI never waits for a worker).
void RunController::finishIfIdle()
{
    if (!m_finishing || m_executor->isRunning())
        return;
    m_finishing = false;
    drain();
    setRunning(false);
    const RunResult &r = m_lastResult;
    QString text = tr("Run %1: %2").arg(r.runId, taskStateName(r.state));
    if (m_cancelClock.isValid()) {
        // How long "stop" took, so a slow cancellation check is visible to the user.
        const qint64 ms = m_cancelClock.elapsed();
        text += tr(" (stopped %1 ms after Cancel)").arg(ms);
        Q_EMIT logLine(LogLevel::Info, {}, tr("Every node stopped %1 ms after Cancel").arg(ms));
        m_cancelClock.invalidate();
    }
    Q_EMIT message(text);
    Q_EMIT runFinished(r);
}

void RunController::tick()
{
    finishIfIdle();
    drain();
    // Running nodes show their elapsed time live.
    const qint64 now = RunEvent::now();
    for (auto it = m_taskStart.cbegin(); it != m_taskStart.cend(); ++it)
        if (NodeItem *item = m_scene->nodeItemById(it.key()))
            item->setElapsedMs(now - it.value());
}

void RunController::drain()
{
    const std::vector<RunEvent> events = m_events->drain();
    if (events.empty())
        return;
    for (const RunEvent &e : events) {
        NodeItem *item = e.nodeId.isEmpty() ? nullptr : m_scene->nodeItemById(e.nodeId);
        switch (e.kind) {
        case RunEvent::Kind::RunStarted:
            if (e.info) {
                for (const QString &entry : e.info->taskTypes) {
                    const QString id = entry.section(u'=', 0, 0);
                    m_runNodes.append(id);
                    m_reasonsDirty.insert(id);
                    if (NodeItem *n = m_scene->nodeItemById(id))
                        n->clearRunState();
                }
            }
            break;
        case RunEvent::Kind::TaskState:
            m_states.insert(e.nodeId, e.state);
            m_reasonsDirty.insert(e.nodeId);
            // Downstream reasons ("waiting for …") change with this node's state.
            for (auto it = m_upstream.cbegin(); it != m_upstream.cend(); ++it)
                if (it.value().contains(e.nodeId))
                    m_reasonsDirty.insert(it.key());
            if (item) {
                item->setRunState(e.state);
                item->setCached(e.cached && e.state == TaskState::Success);
                if (e.state == TaskState::Running) {
                    m_taskStart.insert(e.nodeId, e.timeMs);
                    item->setProgress(0.0);
                } else if (isFinal(e.state) || e.state == TaskState::UpForRetry) {
                    if (m_taskStart.contains(e.nodeId))
                        item->setElapsedMs(e.timeMs - m_taskStart.take(e.nodeId));
                    item->setProgress(-1);
                    if (e.cached)
                        item->setElapsedMs(0); // served, not computed: the footer says "cached"
                }
                if (e.state == TaskState::Failed || e.state == TaskState::UpForRetry)
                    m_errors.insert(e.nodeId, e.text);
            }
            if (!e.text.isEmpty())
                Q_EMIT logLine(e.state == TaskState::Failed ? LogLevel::Error : LogLevel::Info,
                               e.nodeId,
                               e.text);
            break;
        case RunEvent::Kind::Progress:
            if (item)
                item->setProgress(e.value);
            break;
        case RunEvent::Kind::Metric:
            if (m_states.value(e.nodeId) == TaskState::Running) {
                m_lastMetric
                    .insert(e.nodeId,
                            tr("%1 %2 at step %3").arg(e.key).arg(e.value, 0, 'g', 5).arg(e.step));
                m_reasonsDirty.insert(e.nodeId);
            }
            break;
        case RunEvent::Kind::Log:
            Q_EMIT logLine(e.level, e.nodeId, e.text);
            break;
        case RunEvent::Kind::RunFinished:
            Q_EMIT logLine(e.state == TaskState::Success ? LogLevel::Info : LogLevel::Warning,
                           {},
                           tr("Run %1 finished: %2").arg(e.runId, taskStateName(e.state)));
            break;
        default:
            break;
        }
    }
    updateReasons();
    Q_EMIT eventsDrained(events);
}

QString RunController::reason(const QString &nodeId) const
{
    const QSet<QString> inRun(m_runNodes.cbegin(), m_runNodes.cend());
    if (!inRun.contains(nodeId))
        return {};
    const NodeItem *item = m_scene->nodeItemById(nodeId);
    switch (m_states.value(nodeId, TaskState::None)) {
    case TaskState::None: {
        QStringList waiting;
        for (const QString &up : m_upstream.value(nodeId))
            if (inRun.contains(up) && m_states.value(up) != TaskState::Success)
                waiting.append(up);
        return waiting.isEmpty() ? tr("Waiting to be scheduled")
                                 : tr("Waiting for upstream: %1").arg(joinIds(waiting));
    }
    case TaskState::Queued:
        return tr("Queued: waiting for a free worker thread");
    case TaskState::Running:
        return m_lastMetric.value(nodeId, tr("Running"));
    case TaskState::UpstreamFailed: {
        QStringList failed;
        for (const QString &up : m_upstream.value(nodeId)) {
            const TaskState s = m_states.value(up);
            if (s == TaskState::Failed || s == TaskState::UpstreamFailed)
                failed.append(up);
        }
        return tr("Not run: upstream %1 failed").arg(joinIds(failed));
    }
    case TaskState::Failed:
        return tr("Failed: %1").arg(m_errors.value(nodeId));
    case TaskState::UpForRetry:
        return tr("Failed, will retry: %1").arg(m_errors.value(nodeId));
    case TaskState::Cancelled:
        return item && item->elapsedMs() >= 0 ? tr("Cancelled while running")
                                              : tr("Cancelled before it started");
    case TaskState::Success:
        return item && item->isCached() ? tr("Result reused from the cache (type, parameters, "
                                             "inputs and input files unchanged)")
                                        : m_lastMetric.value(nodeId);
    default:
        return {};
    }
}

// The tooltip line of each node whose situation changed: why it is not running, its error, or
// its latest metric. Only changed nodes are touched, so a 1 kHz metric stream costs one update
// per node per tick.
void RunController::updateReasons()
{
    for (const QString &id : std::as_const(m_reasonsDirty))
        if (NodeItem *item = m_scene->nodeItemById(id))
            item->setStatusText(reason(id));
    m_reasonsDirty.clear();
}

} // namespace fb
