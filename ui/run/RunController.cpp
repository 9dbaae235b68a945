#include "RunController.h"

#include "canvas/CanvasScene.h"
#include "canvas/NodeItem.h"
#include "document/Document.h"
#include "exec/EventQueue.h"
#include "exec/Executor.h"
#include "pipeline/NodeRegistry.h"
#include "pipeline/Pipeline.h"
#include "store/RunStore.h"

#include <QAction>
#include <QIcon>
#include <QMessageBox>
#include <QTimer>

namespace fb {

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

    m_timer = new QTimer(this);
    m_timer->setInterval(33); // ~30 Hz: worker events coalesce into one repaint
    connect(m_timer, &QTimer::timeout, this, &RunController::tick);
    m_timer->start();
    connect(m_executor.get(), &Executor::finished, this, [this](const RunResult &r) {
        drain();
        setRunning(false);
        Q_EMIT message(tr("Run %1: %2").arg(r.runId, taskStateName(r.state)));
        Q_EMIT runFinished(r);
    });

    m_runAll = new QAction(QIcon::fromTheme(QStringLiteral("media-playback-start")),
                           tr("&Run All"),
                           this);
    m_runAll->setShortcut(Qt::Key_F5);
    m_runAll->setToolTip(tr("Run the whole pipeline (F5)"));
    connect(m_runAll, &QAction::triggered, this, [this] { run(); });
    m_runToHere = new QAction(tr("Run to &Here"), this);
    m_runToHere->setShortcut(QKeySequence(QStringLiteral("Ctrl+F5")));
    m_runToHere->setToolTip(tr("Run the selected nodes and what they need"));
    connect(m_runToHere, &QAction::triggered, this, [this] {
        QStringList targets;
        for (int key : m_scene->selectedNodeKeys())
            if (const Node *n = m_document->pipeline()->data().node(key))
                targets.append(n->id);
        if (!targets.isEmpty())
            run(targets);
    });
    m_cancel = new QAction(QIcon::fromTheme(QStringLiteral("media-playback-stop")),
                           tr("&Cancel Run"),
                           this);
    m_cancel->setShortcut(QKeySequence(QStringLiteral("Shift+F5")));
    m_cancel->setEnabled(false);
    connect(m_cancel, &QAction::triggered, this, [this] {
        m_executor->cancel();
        Q_EMIT message(tr("Cancelling…"));
    });
}

RunController::~RunController()
{
    m_executor.reset(); // cancels and waits for the workers before the store goes
}

bool RunController::isRunning() const
{
    return m_executor->isRunning();
}

void RunController::setRunning(bool running)
{
    m_runAll->setEnabled(!running);
    m_runToHere->setEnabled(!running);
    m_cancel->setEnabled(running);
}

bool RunController::run(const QStringList &targets)
{
    if (m_executor->isRunning())
        return false;
    RunRequest request;
    request.pipeline = m_document->pipeline()->data();
    request.pipelinePath = m_document->filePath();
    request.targets = targets;
    request.runId = newRunId();
    if (m_store)
        request.artifactRoot = m_store->artifactRoot() + u'/' + request.runId;
    QString error;
    if (!m_executor->start(request, &error)) {
        Q_EMIT logLine(LogLevel::Error, {}, error);
        Q_EMIT message(tr("Cannot run: %1").arg(error.section(u'\n', 0, 0)));
        return false;
    }
    m_scene->clearRunStates();
    m_taskStart.clear();
    setRunning(true);
    Q_EMIT logLine(LogLevel::Info, {}, tr("Run %1 started").arg(request.runId));
    Q_EMIT runStarted(request.runId);
    return true;
}

void RunController::tick()
{
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
        case RunEvent::Kind::TaskState:
            if (item) {
                item->setRunState(e.state);
                if (e.state == TaskState::Running) {
                    m_taskStart.insert(e.nodeId, e.timeMs);
                    item->setProgress(0.0);
                } else if (isFinal(e.state) || e.state == TaskState::UpForRetry) {
                    if (m_taskStart.contains(e.nodeId))
                        item->setElapsedMs(e.timeMs - m_taskStart.take(e.nodeId));
                    item->setProgress(-1);
                    item->setStatusText(e.cached ? tr("Result reused from the cache") : e.text);
                }
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
    Q_EMIT eventsDrained(events);
}

} // namespace fb
