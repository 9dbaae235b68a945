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
    if (m_timer)
        m_timer->stop();
    for (HttpConnection *c : m_connections) {
        c->disconnect(this);
        c->close();
        delete c;
        m_open.fetch_sub(1);
    }
    m_connections.clear();
}

} // namespace fb
