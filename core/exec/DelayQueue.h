#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <thread>

namespace fb {

// Runs callbacks after a delay on one background thread. Used for retry delays so that a
// task waiting to retry does not hold a worker thread. Callbacks must be short (they submit
// work elsewhere). The destructor drops pending callbacks and joins the thread.
class DelayQueue
{
public:
    using Clock = std::chrono::steady_clock;

    DelayQueue() = default;
    ~DelayQueue();
    DelayQueue(const DelayQueue &) = delete;
    DelayQueue &operator=(const DelayQueue &) = delete;

    void schedule(Clock::duration delay, std::function<void()> callback);
    void clear();

private:
    void loop();

    std::mutex m_mutex;
    std::condition_variable m_wake;
    std::multimap<Clock::time_point, std::function<void()>> m_pending;
    std::thread m_thread;
    bool m_stop = false;
};

} // namespace fb
