#pragma once

#include "ServeOptions.h"

#include <QObject>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <vector>

class QTimer;

namespace fb {

class HttpConnection;
class ScoringHandler;

// One event loop of the scoring server: the connections handed to it live and are answered on
// its thread; a timer checks their timeouts a few times per second (one timer per thread, not
// one per connection, so a request costs no timer bookkeeping).
class HttpWorker final : public QObject
{
    Q_OBJECT

public:
    HttpWorker(const ScoringHandler &handler,
               const ServeOptions &options,
               std::atomic<int> &openConnections);
    ~HttpWorker() override;

    // Hand-offs between the accepting thread and the worker go through a std::mutex, not
    // through the arguments of queued Qt calls: Qt's own locks (futexes in Debian's
    // uninstrumented Qt) are invisible to ThreadSanitizer, a std::mutex is not, so the
    // sanitizer checks what really orders the two threads (scripts/sanitize.sh tsan).

    // Any thread: marks the worker's thread as running its event loop (QThread::started).
    void markReady();
    // Any thread: waits until markReady() ran; posting to the worker is safe after it.
    void waitReady();
    // Any thread: queue the accepted socket `descriptor`; the worker's thread serves it.
    void enqueue(qintptr descriptor);
    // Any thread but the worker's: closes every connection and stops the timer on the worker's
    // thread and returns when that is done.
    void shutdownAndWait();
    // The worker's thread, once its event loop has returned (QThread::finished), waits in
    // waitReleased() until the stopping thread called release() after its last post (quit()),
    // so the thread's event dispatcher (its wake-up eventfd) outlives every post to it.
    void release();
    void waitReleased();

private:
    Q_INVOKABLE void drainInbox();
    Q_INVOKABLE void shutdown();
    void adopt(qintptr descriptor);
    // Sets `flag` (a member) under the inbox lock and wakes waitFor(); waitFor() returns once
    // it is set.
    void raise(bool &flag);
    void waitFor(const bool &flag);
    void sweep();
    void remove(HttpConnection *connection);

    const ScoringHandler &m_handler;
    const ServeOptions &m_options;
    std::atomic<int> &m_open;
    QTimer *m_timer = nullptr;
    std::vector<HttpConnection *> m_connections;

    std::mutex m_inboxMutex;
    std::condition_variable m_stateChanged; // m_ready, m_shutDown, m_released
    std::vector<qintptr> m_inbox; // accepted sockets not yet adopted
    bool m_ready = false;
    bool m_shutDown = false;
    bool m_released = false;
};

} // namespace fb
