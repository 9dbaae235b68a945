#include "EventQueue.h"

#include <QDateTime>

#include <algorithm>
#include <iterator>

namespace fb {

QString logLevelName(LogLevel level)
{
    switch (level) {
    case LogLevel::Debug:
        return QStringLiteral("debug");
    case LogLevel::Info:
        return QStringLiteral("info");
    case LogLevel::Warning:
        return QStringLiteral("warning");
    case LogLevel::Error:
        return QStringLiteral("error");
    }
    return {};
}

qint64 RunEvent::now()
{
    return QDateTime::currentMSecsSinceEpoch();
}

void EventQueue::push(const RunEvent &event)
{
    {
        std::lock_guard lock(m_mutex);
        if (m_closed)
            return;
        m_events.push_back(event);
    }
    m_ready.notify_one();
}

std::vector<RunEvent> EventQueue::drain()
{
    std::deque<RunEvent> taken;
    {
        std::lock_guard lock(m_mutex);
        taken.swap(m_events);
    }
    return std::vector<RunEvent>(std::make_move_iterator(taken.begin()), std::make_move_iterator(taken.end()));
}

bool EventQueue::wait(int timeoutMs)
{
    std::unique_lock lock(m_mutex);
    m_ready.wait_for(lock, std::chrono::milliseconds(timeoutMs),
                     [this] { return !m_events.empty() || m_closed; });
    return !(m_closed && m_events.empty());
}

void EventQueue::close()
{
    {
        std::lock_guard lock(m_mutex);
        m_closed = true;
    }
    m_ready.notify_all();
}

bool EventQueue::isClosed() const
{
    std::lock_guard lock(m_mutex);
    return m_closed;
}

size_t EventQueue::size() const
{
    std::lock_guard lock(m_mutex);
    return m_events.size();
}

std::shared_ptr<EventQueue> EventBus::subscribe()
{
    auto q = std::make_shared<EventQueue>();
    std::lock_guard lock(m_mutex);
    m_queues.push_back(q);
    return q;
}

void EventBus::unsubscribe(const std::shared_ptr<EventQueue> &queue)
{
    std::lock_guard lock(m_mutex);
    m_queues.erase(std::remove(m_queues.begin(), m_queues.end(), queue), m_queues.end());
}

void EventBus::publish(const RunEvent &event)
{
    std::lock_guard lock(m_mutex);
    for (const auto &q : m_queues)
        q->push(event);
}

} // namespace fb
