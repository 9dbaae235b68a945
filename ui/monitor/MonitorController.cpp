#include "MonitorController.h"

#include "ChartsPanel.h"
#include "TimelineView.h"
#include "canvas/CanvasScene.h"
#include "canvas/NodeItem.h"
#include "exec/Executor.h"
#include "model/MetricsData.h"
#include "pipeline/PipelineData.h"
#include "run/LogView.h"
#include "run/RunController.h"
#include "store/RunStore.h"

#include <QApplication>
#include <QPointer>
#include <QScrollArea>
#include <QThreadPool>

namespace fb {

MonitorController::MonitorController(RunController *run,
                                     CanvasScene *scene,
                                     LogView *log,
                                     QObject *parent)
    : QObject(parent)
    , m_run(run)
    , m_scene(scene)
    , m_log(log)
{
    m_charts = new ChartsPanel;
    m_charts->setHistory(&m_history);
    auto *timeline = new TimelineView;
    timeline->setModel(&m_timeline);
    auto *scroll = new QScrollArea;
    scroll->setObjectName(QStringLiteral("timelineScroll"));
    scroll->setWidget(timeline);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    m_timelineScroll = scroll;

    connect(run, &RunController::runStarted, this, &MonitorController::runStarted);
    connect(run, &RunController::eventsDrained, this, &MonitorController::eventsDrained);
    connect(run, &RunController::runFinished, this, &MonitorController::runFinished);
    if (scene)
        connect(scene,
                &QGraphicsScene::selectionChanged,
                this,
                &MonitorController::selectionChanged);
}

MonitorController::~MonitorController()
{
    // The widgets belong to docks once the window adopted them; otherwise to us.
    if (m_charts && !m_charts->parent())
        delete m_charts;
    if (m_timelineScroll && !m_timelineScroll->parent())
        delete m_timelineScroll;
}

ChartsPanel *MonitorController::chartsPanel() const
{
    return m_charts;
}

QWidget *MonitorController::timelineWidget() const
{
    return m_timelineScroll;
}

void MonitorController::runStarted()
{
    m_history.clear();
    m_timeline.clear();
    m_charts->clear();
    if (m_log)
        m_log->clear();
}

void MonitorController::eventsDrained(const std::vector<RunEvent> &events)
{
    QString latest;
    for (const RunEvent &e : events) {
        switch (e.kind) {
        case RunEvent::Kind::Metric:
            m_history.add(e.nodeId, e.key, double(e.step), e.value);
            latest = e.nodeId;
            break;
        case RunEvent::Kind::RunStarted:
        case RunEvent::Kind::RunFinished:
        case RunEvent::Kind::TaskState:
            m_timeline.apply(e);
            break;
        default:
            break;
        }
    }
    if (!latest.isEmpty())
        m_charts->historyChanged(latest);
}

void MonitorController::runFinished(const RunResult &result)
{
    // Evaluation plots come from the Metrics outputs the run kept (the executor holds them
    // until the next run; reading them here takes no lock a worker holds).
    for (const TaskResult &t : result.tasks) {
        if (t.state != TaskState::Success)
            continue;
        auto metrics = std::dynamic_pointer_cast<const MetricsData>(
            m_run->executor()->output(t.nodeId, QStringLiteral("metrics")));
        if (metrics && !metrics->details.isEmpty())
            m_charts->setEvaluation(t.nodeId, metrics);
    }
}

void MonitorController::selectionChanged()
{
    const QList<int> keys = m_scene->selectedNodeKeys();
    if (keys.size() != 1)
        return;
    for (QGraphicsItem *item : m_scene->selectedItems())
        if (item->type() == NodeItem::Type)
            m_charts->showNode(static_cast<NodeItem *>(item)->nodeId());
}

StoredRunData MonitorController::readStoredRun(const RunStore &store, const QString &runId)
{
    StoredRunData data;
    data.runId = runId;
    QString error;
    if (auto summary = store.findRun(runId, &error)) {
        data.runId = summary->runId;
        data.startMs = summary->startMs;
        data.endMs = summary->endMs;
    }
    data.tries = store.taskInstances(data.runId);
    data.metrics = store.metrics(data.runId);
    data.logs = store.logs(data.runId);
    return data;
}

void MonitorController::loadStoredRun(RunStore *store, const QString &runId)
{
    // SQLite reads stay off the GUI thread; the store's readers open one connection per thread.
    QPointer<MonitorController> self(this);
    QThreadPool::globalInstance()->start([self, store, runId] {
        StoredRunData data = readStoredRun(*store, runId);
        QMetaObject::invokeMethod(qApp, [self, data = std::move(data)] {
            if (self)
                self->showStoredRun(data);
        });
    });
}

void MonitorController::showStoredRun(const StoredRunData &data)
{
    m_history.clear();
    m_charts->clear();
    for (const MetricPoint &p : data.metrics)
        m_history.add(p.nodeId, p.key, double(p.step), p.value);
    m_charts->historyChanged(data.metrics.isEmpty() ? QString() : data.metrics.last().nodeId);
    m_timeline.setTaskInstances(data.tries, data.startMs, data.endMs);
    if (m_log) {
        QList<LogEntry> entries;
        entries.reserve(data.logs.size());
        for (const LogRecord &l : data.logs)
            entries.append({l.timeMs, l.level, l.nodeId, l.message});
        m_log->setEntries(entries);
    }
    Q_EMIT runLoaded(data.runId);
}

} // namespace fb
