#pragma once

#include "exec/RunEvent.h"

#include <QHash>
#include <QString>

#include <memory>

namespace fb {

class EventQueue;

// Shows a run's progress on stderr. On a terminal: one permanent line per finished task and a
// status line, redrawn in place, with the running tasks, their progress and latest metric.
// Elsewhere (logs, CI): plain lines for finished tasks, retries and warnings only.
class ProgressPrinter
{
public:
    ProgressPrinter(std::shared_ptr<EventQueue> queue, bool terminal, bool quiet);
    // Drains the queue and prints; call from a ~10 Hz timer and once at the end.
    void poll();
    void finish();

private:
    struct TaskView
    {
        TaskState state = TaskState::None;
        double progress = -1;
        QString metric;
        qint64 startMs = 0;
    };
    void handle(const RunEvent &e);
    void printLine(const QString &line);
    void drawStatus();

    std::shared_ptr<EventQueue> m_queue;
    bool m_terminal;
    bool m_quiet;
    bool m_statusShown = false;
    qint64 m_runStartMs = 0;
    int m_total = 0;
    int m_done = 0;
    QHash<QString, TaskView> m_tasks;
    QStringList m_running; // in start order
};

} // namespace fb
