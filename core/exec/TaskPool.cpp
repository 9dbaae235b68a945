#include "TaskPool.h"

#include "ml/common/Parallel.h"

#include <pthread.h>

#include <algorithm>

namespace fb {

TaskPool::TaskPool(int maxThreads)
    : m_max(std::max(1, maxThreads))
{}

TaskPool::~TaskPool()
{
    waitForDone();
    {
        std::lock_guard lock(m_mutex);
        m_stopping = true;
    }
    m_wake.notify_all();
    for (std::thread &t : m_threads)
        t.join();
}

void TaskPool::start(std::function<void()> job)
{
    std::lock_guard lock(m_mutex);
    m_queue.push_back(std::move(job));
    // A waiting thread takes it; otherwise grow up to the limit (threads are started on
    // demand so that an executor that never runs costs no threads).
    if (m_waiting > 0)
        m_wake.notify_one();
    else if (int(m_threads.size()) < m_max)
        m_threads.emplace_back([this] { work(); });
}

void TaskPool::setMaxThreadCount(int threads)
{
    std::lock_guard lock(m_mutex);
    m_max = std::max(1, threads);
    // Jobs queued beyond the old limit may now run: wake or start threads for them.
    m_wake.notify_all();
    const int wanted = std::min<int>(m_max, m_running + int(m_queue.size()));
    while (int(m_threads.size()) < wanted)
        m_threads.emplace_back([this] { work(); });
}

int TaskPool::maxThreadCount() const
{
    std::lock_guard lock(m_mutex);
    return m_max;
}

void TaskPool::waitForDone()
{
    std::unique_lock lock(m_mutex);
    m_idle.wait(lock, [this] { return m_queue.empty() && m_running == 0; });
}

void TaskPool::work()
{
    pthread_setname_np(pthread_self(), "flowbench-exec"); // shown by top -H, gdb, TSan
    std::unique_lock lock(m_mutex);
    for (;;) {
        ++m_waiting;
        m_wake.wait(lock, [this] { return m_stopping || (!m_queue.empty() && m_running < m_max); });
        --m_waiting;
        if (m_queue.empty() || m_running >= m_max) {
            if (m_stopping)
                return;
            continue;
        }
        std::function<void()> job = std::move(m_queue.front());
        m_queue.pop_front();
        ++m_running;
        lock.unlock();
        ml::clearUpperVectorState(); // see there: a task starts with clean vector registers
        job();
        job = nullptr; // release the job's captures outside the lock, before counting it done
        lock.lock();
        --m_running;
        if (!m_queue.empty() && m_running < m_max)
            continue; // take the next one without sleeping
        if (m_queue.empty() && m_running == 0)
            m_idle.notify_all();
    }
}

} // namespace fb
