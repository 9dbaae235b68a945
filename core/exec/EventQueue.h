#pragma once

#include "RunEvent.h"

#include <QList>

#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <vector>

namespace fb {

// A thread-safe FIFO of run events with one consumer. Producers (worker threads) only take a
// short lock to append; they never wait for the consumer. The consumer takes everything at
// once (drain), which is what batching writers and ~30 Hz UI timers want.
class EventQueue
{
public:
    void push(const RunEvent &event);
    std::vector<RunEvent> drain();
    // Blocks until events arrive, `close()` is called or `timeoutMs` passes.
    // Returns false when closed and empty.
    bool wait(int timeoutMs);
    void close();
    bool isClosed() const;
    size_t size() const;

private:
    mutable std::mutex m_mutex;
    std::condition_variable m_ready;
    // A deque never moves queued events when it grows, so a producer's push stays short even
    // when the consumer falls far behind (a vector's reallocation would copy them all under
    // the lock).
    std::deque<RunEvent> m_events;
    bool m_closed = false;
};

// Fans events out to every subscribed queue: the executor publishes once, the store, the UI
// and the CLI each drain their own queue at their own pace.
class EventBus
{
public:
    std::shared_ptr<EventQueue> subscribe();
    void unsubscribe(const std::shared_ptr<EventQueue> &queue);
    void publish(const RunEvent &event);

private:
    std::mutex m_mutex;
    std::vector<std::shared_ptr<EventQueue>> m_queues;
};

} // namespace fb
