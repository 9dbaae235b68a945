#pragma once

#include "MetricHistory.h"
#include "TimelineModel.h"
#include "exec/RunEvent.h"

#include <QList>
#include <QObject>
#include <QPointer>

#include <vector>

namespace fb {

class CanvasScene;
class ChartsPanel;
class LogView;
class RunController;
class RunStore;
struct MetricPoint;
struct LogRecord;
struct RunResult;

// What a past run left in the store, read off the GUI thread and handed to the views at once.
struct StoredRunData
{
    QString runId;
    qint64 startMs = 0;
    qint64 endMs = 0;
    QList<TaskInstanceRecord> tries;
    QList<MetricPoint> metrics;
    QList<LogRecord> logs;
};

// Feeds the run views (training charts, evaluation plots, timeline, log) from the run
// controller's drained events while a run goes on, or from a past run of the store. The views
// only take data; this class decides where it comes from, so the run-history views can show a
// stored run in the same widgets.
class MonitorController : public QObject
{
    Q_OBJECT

public:
    MonitorController(RunController *run,
                      CanvasScene *scene,
                      LogView *log,
                      QObject *parent = nullptr);
    ~MonitorController() override;

    // Widgets for the main window's docks (owned by whoever adopts them).
    ChartsPanel *chartsPanel() const;
    QWidget *timelineWidget() const;
    const MetricHistory &history() const { return m_history; }
    const TimelineModel &timeline() const { return m_timeline; }

    // Past runs: reads the store on a worker thread, then shows the data (runLoaded follows).
    void loadStoredRun(RunStore *store, const QString &runId);
    static StoredRunData readStoredRun(const RunStore &store, const QString &runId);
    void showStoredRun(const StoredRunData &data);

Q_SIGNALS:
    void runLoaded(const QString &runId);

private:
    void runStarted();
    void eventsDrained(const std::vector<RunEvent> &events);
    void runFinished(const RunResult &result);
    void selectionChanged();

    RunController *m_run;
    CanvasScene *m_scene;
    LogView *m_log;
    MetricHistory m_history;
    TimelineModel m_timeline;
    QPointer<ChartsPanel> m_charts;
    QPointer<QWidget> m_timelineScroll;
};

} // namespace fb
