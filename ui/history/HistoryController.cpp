#include "HistoryController.h"

#include "RunComparisonView.h"
#include "RunHistoryModel.h"
#include "RunHistoryPanel.h"
#include "canvas/CanvasScene.h"
#include "canvas/NodeItem.h"
#include "document/Document.h"
#include "pipeline/Pipeline.h"
#include "run/RunController.h"
#include "store/RunStore.h"

#include <QFileInfo>
#include <QHash>
#include <QtConcurrent/QtConcurrentRun>

namespace fb {

HistoryController::HistoryController(Document *document,
                                     CanvasScene *scene,
                                     RunController *run,
                                     MonitorController *monitor,
                                     QObject *parent)
    : QObject(parent)
    , m_document(document)
    , m_scene(scene)
    , m_run(run)
    , m_monitor(monitor)
{
    m_panel = new RunHistoryPanel;
    m_opener = new QFutureWatcher<StoredRunData>(this);
    connect(m_opener, &QFutureWatcherBase::finished, this, [this] { showRun(m_opener->result()); });
    connect(m_panel, &RunHistoryPanel::openRequested, this, &HistoryController::openRun);
    connect(m_panel, &RunHistoryPanel::compareRequested, this, &HistoryController::compareRuns);
    if (m_run) {
        // A finished run is in the history as soon as the store has it.
        connect(m_run, &RunController::runFinished, m_panel, &RunHistoryPanel::refresh);
        m_panel->setStore(m_run->store());
    }
}

HistoryController::~HistoryController()
{
    // Background reads use the run controller's store: finish them while it exists.
    m_opener->disconnect(this);
    m_opener->waitForFinished();
    if (m_panel) {
        m_panel->waitForLoad();
        if (!m_panel->parent())
            delete m_panel;
    }
    delete m_comparison;
}

void HistoryController::openRun(const QString &runId)
{
    RunStore *store = m_run ? m_run->store() : nullptr;
    if (!store || runId.isEmpty())
        return;
    m_panel->setInfo(tr("Opening run %1…").arg(runId));
    m_opener->setFuture(QtConcurrent::run(
        [store, runId] { return MonitorController::readStoredRun(*store, runId); }));
}

bool HistoryController::matchesDocument(const RunSummary &run) const
{
    const QString path = m_document->filePath();
    if (!path.isEmpty() && !run.pipelinePath.isEmpty())
        return QFileInfo(path).absoluteFilePath() == run.pipelinePath;
    const QString name = m_document->pipeline()->data().name;
    const QString docName = name.isEmpty() ? QFileInfo(path).completeBaseName() : name;
    return !docName.isEmpty() && docName == run.pipelineName;
}

void HistoryController::showRun(const StoredRunData &data)
{
    if (m_monitor)
        m_monitor->showStoredRun(data);
    const RunOverview *overview = m_panel->model()->find(data.runId);
    const bool matches = overview && matchesDocument(overview->run);
    QStringList missing;
    if (matches) {
        missing = applyToCanvas(data);
        m_panel->setInfo(missing.isEmpty()
                             ? tr("Showing run %1 on the canvas.").arg(data.runId)
                             : tr("Showing run %1. Not in this pipeline: %2")
                                   .arg(data.runId, missing.join(QStringLiteral(", "))));
    } else {
        m_panel->setInfo(
            tr("Run %1 is of pipeline “%2”, not of the open one: charts, timeline and log only.")
                .arg(data.runId, overview ? overview->run.pipelineName : QString()));
    }
    Q_EMIT runOpened(data.runId, matches, missing);
}

QStringList HistoryController::applyToCanvas(const StoredRunData &data)
{
    // The latest try of each node is its outcome (tries come in try order).
    QHash<QString, TaskInstanceRecord> latest;
    QStringList order;
    for (const TaskInstanceRecord &t : data.tries) {
        if (!latest.contains(t.nodeId))
            order.append(t.nodeId);
        latest.insert(t.nodeId, t);
    }
    for (NodeItem *item : m_scene->nodeItems())
        item->clearRunState();
    QStringList missing;
    for (const QString &id : order) {
        const TaskInstanceRecord &t = latest[id];
        NodeItem *item = m_scene->nodeItemById(id);
        if (!item) {
            missing.append(id);
            continue;
        }
        item->setRunState(t.state);
        item->setCached(t.cached);
        item->setElapsedMs(t.endMs > t.startMs && !t.cached ? t.endMs - t.startMs : -1);
        item->setStatusText(t.error.isEmpty() ? tr("Run %1").arg(data.runId) : t.error);
    }
    return missing;
}

void HistoryController::compareRuns(const QStringList &runIds)
{
    RunStore *store = m_run ? m_run->store() : nullptr;
    if (!store || runIds.size() < 2)
        return;
    if (!m_comparison) {
        // A window of its own (as MLflow's compare page): big enough for curves and tables
        // while the main window stays usable.
        m_comparison = new RunComparisonView;
        m_comparison->setAttribute(Qt::WA_DeleteOnClose);
        m_comparison->resize(1280, 760);
    }
    m_comparison->setWindowTitle(tr("Compare %n Runs — Flowbench", nullptr, int(runIds.size())));
    m_comparison->compare(store->location(), runIds);
    m_comparison->show();
    m_comparison->raise();
    m_comparison->activateWindow();
}

} // namespace fb
