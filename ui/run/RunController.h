#pragma once

#include "exec/RunEvent.h"

#include <QElapsedTimer>
#include <QHash>
#include <QObject>

#include <memory>
#include <vector>

class QAction;
class QTimer;

namespace fb {

class CanvasScene;
class Document;
class EventQueue;
class Executor;
class RunStore;
struct RunResult;

// Runs the document's pipeline on the executor (with the run store recording it) and shows
// what happens on the canvas: node states, progress and elapsed time. Events are drained on a
// ~30 Hz timer, so the GUI never waits for a worker. The run views of the monitoring work
// subscribe to eventsDrained().
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
    QAction *cancelAction() const { return m_cancel; }
    Executor *executor() const { return m_executor.get(); }
    RunStore *store() const { return m_store.get(); }
    bool isRunning() const;

    // Starts a run of everything, or of `targets` and what they need.
    bool run(const QStringList &targets = {});

Q_SIGNALS:
    void logLine(fb::LogLevel level, const QString &nodeId, const QString &text);
    void runStarted(const QString &runId);
    void runFinished(const fb::RunResult &result);
    // Every batch of events, after the canvas has been updated from it.
    void eventsDrained(const std::vector<fb::RunEvent> &events);
    void message(const QString &text);

private:
    void drain();
    void tick();
    void setRunning(bool running);

    Document *m_document;
    CanvasScene *m_scene;
    std::unique_ptr<Executor> m_executor;
    std::unique_ptr<RunStore> m_store;
    std::shared_ptr<EventQueue> m_events;
    QTimer *m_timer = nullptr;
    QAction *m_runAll = nullptr;
    QAction *m_runToHere = nullptr;
    QAction *m_cancel = nullptr;
    QHash<QString, qint64> m_taskStart; // node id -> start (ms since epoch) of running tasks
};

} // namespace fb
