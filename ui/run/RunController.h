#pragma once

#include "exec/Executor.h"
#include "exec/RunEvent.h"

#include <QElapsedTimer>
#include <QHash>
#include <QJsonObject>
#include <QObject>
#include <QPointer>
#include <QSet>
#include <QStringList>

#include <memory>
#include <vector>

class QAction;
class QTimer;
class QWidget;

namespace fb {

class CanvasScene;
class Document;
class EventQueue;
class OutputCache;
class RunStore;

// Runs the document's pipeline on the executor (with the run store recording it) and shows
// what happens on the canvas: node states, progress, elapsed time and why a node is not running.
// Events are drained on a ~30 Hz timer, so the GUI never waits for a worker; the run views
// (charts, timeline, logs) subscribe to eventsDrained().
//
// Runs use the disk output cache (shared with the CLI through the store's folder) and keep
// their outputs, so an unchanged node is served from memory or disk and shows as cached.
class RunController : public QObject
{
    Q_OBJECT

public:
    // `storePath` empty = the user's default store.
    RunController(Document *document,
                  CanvasScene *scene,
                  const QString &storePath = {},
                  QObject *parent = nullptr);
    ~RunController() override;

    QAction *runAllAction() const { return m_runAll; }
    QAction *runToHereAction() const { return m_runToHere; }
    QAction *rerunFailedAction() const { return m_rerunFailed; }
    QAction *runWithParametersAction() const { return m_runWithParameters; }
    QAction *cancelAction() const { return m_cancel; }
    QAction *clearCacheAction() const { return m_clearCache; }
    QAction *cacheSettingsAction() const { return m_cacheSettings; }
    Executor *executor() const { return m_executor.get(); }
    RunStore *store() const { return m_store.get(); }
    bool isRunning() const;
    // The last finished run (empty before the first one finishes).
    const RunResult &lastResult() const { return m_lastResult; }

    // Starts a run of everything, or of `targets` and what they need, with parameter
    // overrides for this run only (node id -> {param: value}; the document is not modified).
    bool run(const QStringList &targets = {}, const QHash<QString, QJsonObject> &overrides = {});
    // Databricks' "repair run": the failed, upstream-failed and cancelled nodes of the last run
    // and everything downstream of them run again; what they need comes from the cache.
    bool rerunFailed();
    // The nodes rerunFailed() would run, in pipeline order (empty when nothing failed).
    QStringList failedAndDownstream() const;

    // Output cache: a folder next to the store, bounded in size (least recently used go first).
    OutputCache *cache() const { return m_cache.get(); }
    qint64 cacheSizeMb() const;
    void setCacheSizeMb(qint64 mb); // remembered in the settings
    void clearCache();

    // Why a node of the current run is where it is ("Waiting for upstream: split"), its error,
    // or its latest metric; what its tooltip shows. Empty for nodes outside the run.
    QString reason(const QString &nodeId) const;

    // Parent for dialogs (the main window).
    void setDialogParent(QWidget *parent);

Q_SIGNALS:
    void logLine(fb::LogLevel level, const QString &nodeId, const QString &text);
    void runStarted(const QString &runId);
    void runFinished(const fb::RunResult &result);
    // Every batch of events, after the canvas has been updated from it.
    void eventsDrained(const std::vector<fb::RunEvent> &events);
    void message(const QString &text);
    void cacheCleared();

private:
    void createActions();
    void drain();
    void tick();
    void finishIfIdle();
    void setRunning(bool running);
    void updateActions();
    void updateReasons();
    void openRunWithParameters();
    void openCacheSettings();
    void makeCache(qint64 mb);

    Document *m_document;
    CanvasScene *m_scene;
    std::unique_ptr<Executor> m_executor;
    std::unique_ptr<RunStore> m_store;
    std::shared_ptr<OutputCache> m_cache;
    std::shared_ptr<EventQueue> m_events;
    QPointer<QWidget> m_dialogParent;
    QTimer *m_timer = nullptr;
    QAction *m_runAll = nullptr;
    QAction *m_runToHere = nullptr;
    QAction *m_rerunFailed = nullptr;
    QAction *m_runWithParameters = nullptr;
    QAction *m_cancel = nullptr;
    QAction *m_clearCache = nullptr;
    QAction *m_cacheSettings = nullptr;
    bool m_running = false;
    bool m_finishing = false; // the last task finished; workers may still be returning

    // The run being shown: its nodes, their upstream nodes and states, for the reasons in the
    // tooltips ("waiting for split, scale").
    QStringList m_runNodes;
    QHash<QString, QStringList> m_upstream;
    QHash<QString, TaskState> m_states;
    QHash<QString, QString> m_lastMetric; // node id -> "loss 0.123 at step 40"
    QHash<QString, QString> m_errors;
    QSet<QString> m_reasonsDirty;
    QHash<QString, qint64> m_taskStart; // node id -> start (ms since epoch) of running tasks
    QElapsedTimer m_cancelClock;
    RunResult m_lastResult;
};

} // namespace fb
