#include "ScoringServer.h"

#include "HttpWorker.h"
#include "ScoringHandler.h"

#include <QHostAddress>
#include <QTcpServer>
#include <QThread>

#include <unistd.h>

namespace fb {

// Accepts on the thread that started the server and hands sockets to the workers.
class ScoringListener final : public QTcpServer
{
public:
    explicit ScoringListener(ScoringServer &server)
        : m_server(server)
    {}

protected:
    void incomingConnection(qintptr descriptor) override { m_server.dispatch(descriptor); }

private:
    ScoringServer &m_server;
};

ScoringServer::ScoringServer(ModelPtr model, ServeOptions options, QObject *parent)
    : QObject(parent)
    , m_model(std::move(model))
    , m_options(options)
{
    if (m_options.threads <= 0)
        m_options.threads = std::max(1, QThread::idealThreadCount());
}

ScoringServer::~ScoringServer()
{
    stop();
}

const Model &ScoringServer::model() const
{
    return *m_model;
}

bool ScoringServer::start(const QString &host, quint16 port, QString *error)
{
    auto fail = [error](const QString &message) {
        if (error)
            *error = message;
        return false;
    };
    if (isRunning())
        return fail(QStringLiteral("the server is already running at %1").arg(url().toString()));
    QHostAddress address;
    if (host == u"localhost")
        address = QHostAddress(QHostAddress::LocalHost);
    else if (!address.setAddress(host))
        return fail(QStringLiteral("'%1' is not an IP address (use e.g. 127.0.0.1, 0.0.0.0 or ::1)")
                        .arg(host));
    if (!m_handler) {
        try {
            m_handler = std::make_unique<ScoringHandler>(m_model);
        } catch (const std::exception &e) {
            return fail(
                QStringLiteral("cannot serve this model: %1").arg(QString::fromUtf8(e.what())));
        }
    }
    // The workers' event loops run before the first connection is accepted.
    for (int i = 0; i < m_options.threads; ++i) {
        auto *thread = new QThread;
        thread->setObjectName(QStringLiteral("flowbench-serve-%1").arg(i));
        auto *worker = new HttpWorker(*m_handler, m_options, m_open);
        worker->moveToThread(thread);
        // Emitted on the new thread once its event dispatcher exists.
        connect(thread, &QThread::started, thread, [worker] { worker->markReady(); }, Qt::DirectConnection);
        connect(thread, &QThread::finished, thread, [worker] { worker->waitReleased(); }, Qt::DirectConnection);
        thread->start();
        m_threads.push_back(thread);
        m_workers.push_back(worker);
    }
    for (HttpWorker *worker : m_workers)
        worker->waitReady();
    m_listener = std::make_unique<ScoringListener>(*this);
    if (!m_listener->listen(address, port)) {
        const QString why = m_listener->errorString();
        m_listener.reset();
        stopWorkers();
        return fail(QStringLiteral("cannot listen on %1:%2: %3").arg(host).arg(port).arg(why));
    }
    m_host = address.protocol() == QAbstractSocket::IPv6Protocol
                 ? QStringLiteral("[%1]").arg(address.toString())
                 : address.toString();
    m_port = m_listener->serverPort();
    return true;
}

void ScoringServer::dispatch(qintptr descriptor)
{
    if (m_workers.empty() || m_open.load() >= m_options.maxConnections) {
        ::close(int(descriptor)); // over the limit: refuse rather than queue without bound
        return;
    }
    m_open.fetch_add(1);
    HttpWorker *worker = m_workers[m_next++ % m_workers.size()];
    worker->enqueue(descriptor);
}

void ScoringServer::stop()
{
    if (m_listener) {
        m_listener->close();
        m_listener.reset();
    }
    stopWorkers();
    m_port = 0;
    m_host.clear();
}

void ScoringServer::stopWorkers()
{
    for (size_t i = 0; i < m_workers.size(); ++i) {
        HttpWorker *worker = m_workers[i];
        // Sockets queued before the listener closed are adopted first, so every one is closed.
        worker->shutdownAndWait();
        m_threads[i]->quit();
        worker->release();
        m_threads[i]->wait();
        // The thread's last use of the worker was waitReleased(); taking the same lock here
        // orders it before the delete for ThreadSanitizer (QThread::wait() uses Qt's locks).
        worker->waitReleased();
        delete worker;
        delete m_threads[i];
    }
    m_workers.clear();
    m_threads.clear();
}

QUrl ScoringServer::url() const
{
    if (!isRunning())
        return {};
    return QUrl(QStringLiteral("http://%1:%2").arg(m_host).arg(m_port));
}

} // namespace fb
