#include "TimelineModel.h"

#include "store/RunStore.h"

#include <algorithm>

namespace fb {

void TimelineModel::clear()
{
    m_bars.clear();
    m_rows.clear();
    m_open.clear();
    m_runStart = m_runEnd = 0;
    ++m_revision;
}

TimelineBar *TimelineModel::current(const QString &nodeId)
{
    auto it = m_open.constFind(nodeId);
    return it == m_open.cend() ? nullptr : &m_bars[*it];
}

void TimelineModel::apply(const RunEvent &e)
{
    switch (e.kind) {
    case RunEvent::Kind::RunStarted:
        clear();
        m_runStart = e.timeMs;
        break;
    case RunEvent::Kind::RunFinished:
        m_runEnd = e.timeMs;
        // A cancelled run may leave tries without an end; close them where the run ended.
        for (TimelineBar &b : m_bars)
            if (b.startMs > 0 && b.endMs == 0)
                b.endMs = e.timeMs;
        ++m_revision;
        break;
    case RunEvent::Kind::TaskState: {
        if (!m_rows.contains(e.nodeId))
            m_rows.append(e.nodeId);
        TimelineBar *bar = current(e.nodeId);
        // A new bar for the first state of a task and for each try after a retry.
        const bool newTry = !bar
                            || (e.state == TaskState::Queued && bar->state == TaskState::UpForRetry);
        if (newTry) {
            TimelineBar b;
            b.nodeId = e.nodeId;
            b.tryNumber = bar ? bar->tryNumber + 1 : 1;
            m_bars.append(b);
            m_open.insert(e.nodeId, int(m_bars.size() - 1));
            bar = &m_bars.last();
        }
        bar->state = e.state;
        switch (e.state) {
        case TaskState::Queued:
            bar->queuedMs = e.timeMs;
            break;
        case TaskState::Running:
            bar->startMs = e.timeMs;
            bar->tryNumber = std::max(1, e.tryNumber);
            break;
        default:
            if (isFinal(e.state) || e.state == TaskState::UpForRetry) {
                if (bar->startMs == 0)
                    bar->startMs = e.timeMs; // cached or never started: a mark at that time
                bar->endMs = e.timeMs;
                bar->cached = e.cached;
                bar->error = e.text;
            }
            break;
        }
        ++m_revision;
        break;
    }
    default:
        break;
    }
}

void TimelineModel::setTaskInstances(const QList<TaskInstanceRecord> &tries,
                                     qint64 runStartMs,
                                     qint64 runEndMs)
{
    clear();
    m_runStart = runStartMs;
    m_runEnd = runEndMs;
    for (const TaskInstanceRecord &t : tries) {
        if (!m_rows.contains(t.nodeId))
            m_rows.append(t.nodeId);
        TimelineBar b;
        b.nodeId = t.nodeId;
        b.tryNumber = std::max(1, t.tryNumber);
        b.state = t.state;
        b.startMs = t.startMs;
        b.endMs = t.endMs;
        b.cached = t.cached;
        b.error = t.error;
        m_bars.append(b);
        m_open.insert(t.nodeId, int(m_bars.size() - 1));
        if (m_runStart == 0 || (t.startMs > 0 && t.startMs < m_runStart))
            m_runStart = t.startMs;
    }
    ++m_revision;
}

qint64 TimelineModel::spanEnd(qint64 nowMs) const
{
    qint64 end = m_runEnd > 0 ? m_runEnd : nowMs;
    for (const TimelineBar &b : m_bars)
        end = std::max(end, b.endMs);
    return std::max(end, m_runStart + 1);
}

} // namespace fb
