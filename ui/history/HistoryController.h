#pragma once

#include "RunComparisonView.h"
#include "monitor/MonitorController.h"

#include <QFutureWatcher>
#include <QObject>
#include <QPointer>
#include <QStringList>

namespace fb {

class CanvasScene;
class Document;
class RunController;
class RunHistoryPanel;
struct RunSummary;

// The run history of a window: the "Runs" panel (refreshed whenever a run finishes), opening a
// past run (its task states on the canvas when the run is of the open pipeline, matched by
// node id; its curves, timeline and log in the monitor's widgets) and comparing runs in a
// window of their own.
class HistoryController : public QObject
{
    Q_OBJECT

public:
    HistoryController(Document *document,
                      CanvasScene *scene,
                      RunController *run,
                      MonitorController *monitor,
                      QObject *parent = nullptr);
    ~HistoryController() override;

    RunHistoryPanel *panel() const { return m_panel; }
    RunComparisonView *comparison() const { return m_comparison; }

    // Reads the run on a pool thread, then shows it (runOpened follows).
    void openRun(const QString &runId);
    // Opens (or reuses) the comparison window for these runs.
    void compareRuns(const QStringList &runIds);

    // Whether a run was recorded from the pipeline of the open document: same file, or the
    // same pipeline name for an unsaved document.
    bool matchesDocument(const RunSummary &run) const;

Q_SIGNALS:
    // `canvasShown`: the states went onto the canvas; `missing`: node ids of the run that the
    // document does not have.
    void runOpened(const QString &runId, bool canvasShown, const QStringList &missing);

private:
    void showRun(const StoredRunData &data);
    QStringList applyToCanvas(const StoredRunData &data);

    Document *m_document;
    CanvasScene *m_scene;
    RunController *m_run;
    MonitorController *m_monitor;
    RunHistoryPanel *m_panel = nullptr;
    QPointer<RunComparisonView> m_comparison;
    QFutureWatcher<StoredRunData> *m_opener = nullptr;
};

} // namespace fb
