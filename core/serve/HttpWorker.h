#pragma once

#include "ServeOptions.h"

#include <QObject>

#include <atomic>
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

    // On the worker's thread (queued): serve the accepted socket `descriptor`.
    void adopt(qintptr descriptor);
    // On the worker's thread (blocking queued): close every connection and stop the timer.
    void shutdown();

private:
    void sweep();
    void remove(HttpConnection *connection);

    const ScoringHandler &m_handler;
    const ServeOptions &m_options;
    std::atomic<int> &m_open;
    QTimer *m_timer = nullptr;
    std::vector<HttpConnection *> m_connections;
};

} // namespace fb
