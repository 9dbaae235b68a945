#include "ProgressPrinter.h"

#include "CliCommon.h"
#include "exec/EventQueue.h"

namespace fb {

namespace {

QString stateMark(TaskState s, bool terminal)
{
    if (!terminal)
        return taskStateName(s);
    switch (s) {
    case TaskState::Success:
        return QStringLiteral("\033[32m✓ success\033[0m");
    case TaskState::Failed:
        return QStringLiteral("\033[31m✗ failed\033[0m");
    case TaskState::UpstreamFailed:
        return QStringLiteral("\033[33m↯ upstream_failed\033[0m");
    case TaskState::UpForRetry:
        return QStringLiteral("\033[33m↻ up_for_retry\033[0m");
    case TaskState::Cancelled:
        return QStringLiteral("\033[90m■ cancelled\033[0m");
    default:
        return taskStateName(s);
    }
}

} // namespace

ProgressPrinter::ProgressPrinter(std::shared_ptr<EventQueue> queue, bool terminal, bool quiet)
    : m_queue(std::move(queue))
    , m_terminal(terminal)
    , m_quiet(quiet)
{}

void ProgressPrinter::poll()
{
    const std::vector<RunEvent> events = m_queue->drain();
    for (const RunEvent &e : events)
        handle(e);
    if (m_terminal && !m_quiet)
        drawStatus();
}

void ProgressPrinter::finish()
{
    poll();
    if (m_statusShown)
        printErr(QStringLiteral("\r\033[K"));
    m_statusShown = false;
}

void ProgressPrinter::printLine(const QString &line)
{
    if (m_quiet)
        return;
    if (m_statusShown)
        printErr(QStringLiteral("\r\033[K"));
    m_statusShown = false;
    printErr(line + u'\n');
}

void ProgressPrinter::handle(const RunEvent &e)
{
    switch (e.kind) {
    case RunEvent::Kind::RunStarted:
        m_runStartMs = e.timeMs;
        if (e.info)
            m_total = int(e.info->taskTypes.size());
        printLine(QStringLiteral("run %1: %2 task(s)").arg(e.runId).arg(m_total));
        break;
    case RunEvent::Kind::TaskState: {
        TaskView &t = m_tasks[e.nodeId];
        t.state = e.state;
        if (e.state == TaskState::Running) {
            t.startMs = e.timeMs;
            t.progress = -1;
            if (!m_running.contains(e.nodeId))
                m_running.append(e.nodeId);
            break;
        }
        if (e.state == TaskState::Queued)
            break;
        m_running.removeAll(e.nodeId);
        if (e.state == TaskState::UpForRetry) {
            printLine(QStringLiteral("  %1  %2 (try %3): %4")
                          .arg(e.nodeId, stateMark(e.state, m_terminal)).arg(e.tryNumber).arg(e.text));
            break;
        }
        if (!isFinal(e.state))
            break;
        ++m_done;
        QString line = QStringLiteral("  %1  %2").arg(e.nodeId, -20).arg(stateMark(e.state, m_terminal));
        if (e.cached)
            line += QStringLiteral("  (cached)");
        else if (t.startMs > 0 && e.state != TaskState::UpstreamFailed)
            line += QStringLiteral("  %1").arg(formatDuration(e.timeMs - t.startMs));
        if (!e.text.isEmpty())
            line += QStringLiteral("\n      %1").arg(e.text);
        // Thousands of no-op tasks should not flood a log: print failures always, successes
        // only for reasonably small runs.
        if (e.state != TaskState::Success || m_total <= 200)
            printLine(line);
        break;
    }
    case RunEvent::Kind::Progress:
        m_tasks[e.nodeId].progress = e.value;
        break;
    case RunEvent::Kind::Metric:
        m_tasks[e.nodeId].metric = QStringLiteral("%1=%2").arg(e.key).arg(e.value, 0, 'g', 5);
        break;
    case RunEvent::Kind::Log:
        if (e.level == LogLevel::Warning)
            printLine(QStringLiteral("  %1: warning: %2").arg(e.nodeId, e.text));
        break;
    default:
        break;
    }
}

void ProgressPrinter::drawStatus()
{
    QString status = QStringLiteral("[%1] %2/%3 done")
                         .arg(formatDuration(RunEvent::now() - m_runStartMs), 8)
                         .arg(m_done).arg(m_total);
    for (const QString &id : m_running.mid(0, 3)) {
        const TaskView &t = m_tasks.value(id);
        status += QStringLiteral(" | %1").arg(id);
        if (t.progress >= 0)
            status += QStringLiteral(" %1%").arg(int(t.progress * 100));
        if (!t.metric.isEmpty())
            status += u' ' + t.metric;
    }
    if (m_running.size() > 3)
        status += QStringLiteral(" | +%1 running").arg(m_running.size() - 3);
    printErr(QStringLiteral("\r\033[K") + status.left(160));
    m_statusShown = true;
}

} // namespace fb
