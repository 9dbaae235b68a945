#include "DelayQueue.h"

namespace fb {

DelayQueue::~DelayQueue()
{
    {
        std::lock_guard lock(m_mutex);
        m_stop = true;
        m_pending.clear();
    }
    m_wake.notify_all();
    if (m_thread.joinable())
        m_thread.join();
}

void DelayQueue::schedule(Clock::duration delay, std::function<void()> callback)
{
    {
        std::lock_guard lock(m_mutex);
        m_pending.emplace(Clock::now() + delay, std::move(callback));
        if (!m_thread.joinable())
            m_thread = std::thread([this] { loop(); });
    }
    m_wake.notify_all();
}

void DelayQueue::clear()
{
    std::lock_guard lock(m_mutex);
    m_pending.clear();
}

void DelayQueue::loop()
{
    std::unique_lock lock(m_mutex);
    while (!m_stop) {
        if (m_pending.empty()) {
            m_wake.wait(lock);
            continue;
        }
        const auto due = m_pending.begin()->first;
        if (Clock::now() < due) {
            m_wake.wait_until(lock, due);
            continue;
        }
        auto callback = std::move(m_pending.begin()->second);
        m_pending.erase(m_pending.begin());
        lock.unlock();
        callback();
        lock.lock();
    }
}

} // namespace fb
