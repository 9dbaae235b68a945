#pragma once

#include "exec/RunEvent.h"
#include "exec/TaskState.h"

#include <QHash>
#include <QList>
#include <QString>
#include <QStringList>

namespace fb {

struct TaskInstanceRecord;

// One bar of the Gantt chart: one try of one task.
struct TimelineBar
{
    QString nodeId;
    int tryNumber = 1;
    TaskState state = TaskState::None;
    qint64 queuedMs = 0; // when it was queued (0 = unknown); drawn as a lighter lead-in
    qint64 startMs = 0;  // 0 = not started
    qint64 endMs = 0;    // 0 = still running
    bool cached = false;
    QString error;
};

// The tries of one run as Gantt bars, built from live run events or from the store's task
// instances of a past run. Rows are tasks in the order they first appeared.
class TimelineModel
{
public:
    void clear();
    void setRunStart(qint64 ms) { m_runStart = ms; }
    void setRunEnd(qint64 ms) { m_runEnd = ms; }
    qint64 runStart() const { return m_runStart; }
    qint64 runEnd() const { return m_runEnd; } // 0 while running

    // Live: TaskState, RunStarted and RunFinished events move the bars.
    void apply(const RunEvent &event);
    // Past: every recorded try.
    void setTaskInstances(const QList<TaskInstanceRecord> &tries,
                          qint64 runStartMs,
                          qint64 runEndMs);

    const QList<TimelineBar> &bars() const { return m_bars; }
    QStringList rows() const { return m_rows; }
    int row(const QString &nodeId) const { return int(m_rows.indexOf(nodeId)); }
    // The time span to draw: from the run's start to its end (or `nowMs` while running).
    qint64 spanEnd(qint64 nowMs) const;
    quint64 revision() const { return m_revision; }

private:
    TimelineBar *current(const QString &nodeId);

    QList<TimelineBar> m_bars;
    QStringList m_rows;
    QHash<QString, int> m_open; // node id -> index of its latest bar
    qint64 m_runStart = 0;
    qint64 m_runEnd = 0;
    quint64 m_revision = 0;
};

} // namespace fb
