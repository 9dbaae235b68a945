#include "HttpWorker.h"

#include "HttpConnection.h"

#include <QTimer>

#include <algorithm>

namespace fb {

HttpWorker::HttpWorker(const ScoringHandler &handler,
                       const ServeOptions &options,
                       std::atomic<int> &openConnections)
    : m_handler(handler)
    , m_options(options)
    , m_open(openConnections)
{}

HttpWorker::~HttpWorker()
{
    for (HttpConnection *c : m_connections)
        delete c;
}

void HttpWorker::markReady()
{
    raise(m_ready);
}

void HttpWorker::waitReady()
{
    waitFor(m_ready);
}

void HttpWorker::enqueue(qintptr descriptor)
{
    // Posted under the lock, which drainInbox() takes before Qt deletes the posted event on
    // the worker's thread: the event's allocation here is ordered before that deletion in a
    // way ThreadSanitizer sees.
    std::lock_guard lock(m_inboxMutex);
    const bool wake = m_inbox.empty(); // otherwise a drain is already on its way
    m_inbox.push_back(descriptor);
    if (wake)
        QMetaObject::invokeMethod(this, "drainInbox", Qt::QueuedConnection);
}

void HttpWorker::drainInbox()
{
    std::vector<qintptr> accepted;
    {
        std::lock_guard lock(m_inboxMutex);
        accepted.swap(m_inbox);
    }
    for (qintptr descriptor : accepted)
        adopt(descriptor);
}

void HttpWorker::shutdownAndWait()
{
    std::unique_lock lock(m_inboxMutex);
    // Posted under the lock, as in enqueue(): shutdown() starts by taking it.
    QMetaObject::invokeMethod(this, "shutdown", Qt::QueuedConnection);
    m_stateChanged.wait(lock, [this] { return m_shutDown; });
}

void HttpWorker::release()
{
    raise(m_released);
}

void HttpWorker::waitReleased()
{
    waitFor(m_released);
}

void HttpWorker::raise(bool &flag)
{
    std::lock_guard lock(m_inboxMutex);
    flag = true;
    m_stateChanged.notify_all();
}

void HttpWorker::waitFor(const bool &flag)
{
    std::unique_lock lock(m_inboxMutex);
    m_stateChanged.wait(lock, [&flag] { return flag; });
}

void HttpWorker::adopt(qintptr descriptor)
{
    if (!m_timer) { // created on the worker's thread, on first use
        m_timer = new QTimer(this);
        // Timeouts are checked at this granularity; a quarter of the shortest one keeps the
        // error small without waking the thread often.
        m_timer->setInterval(
            std::clamp(std::min(m_options.requestTimeoutMs, m_options.idleTimeoutMs) / 4, 20, 250));
        connect(m_timer, &QTimer::timeout, this, &HttpWorker::sweep);
        m_timer->start();
    }
    auto *connection = new HttpConnection(descriptor, m_handler, m_options, this);
    connect(connection, &HttpConnection::finished, this, &HttpWorker::remove, Qt::QueuedConnection);
    m_connections.push_back(connection);
}

void HttpWorker::remove(HttpConnection *connection)
{
    const auto it = std::find(m_connections.begin(), m_connections.end(), connection);
    if (it == m_connections.end())
        return;
    m_connections.erase(it);
    connection->deleteLater();
    m_open.fetch_sub(1);
}

void HttpWorker::sweep()
{
    const qint64 now = HttpConnection::currentTimeMs();
    // checkTimeouts may finish a connection; removal is queued, so the list stays intact here.
    for (HttpConnection *c : m_connections)
        c->checkTimeouts(now);
}

void HttpWorker::shutdown()
{
    // Sockets accepted before the listener closed are normally adopted already (their drain
    // was queued before this call); any left are adopted here so they are closed below.
    drainInbox();
    if (m_timer)
        m_timer->stop();
    for (HttpConnection *c : m_connections) {
        c->disconnect(this);
        c->close();
        delete c;
        m_open.fetch_sub(1);
    }
    m_connections.clear();
    raise(m_shutDown);
}

} // namespace fb
