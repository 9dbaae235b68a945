#pragma once

#include "ServeOptions.h"

#include "model/Model.h"

#include <QObject>
#include <QString>
#include <QUrl>

#include <atomic>
#include <memory>
#include <vector>

class QThread;

namespace fb {

class HttpWorker;
class ScoringHandler;
class ScoringListener;

// A local REST scoring server for one model, speaking MLflow's scoring protocol (POST
// /invocations, GET /ping, /health, /version, /metadata; see ScoringHandler and
// docs/serving.md). For the CLI's `serve` command and the GUI's start/stop button.
//
// An HTTP/1.1 server of its own on QTcpServer/QTcpSocket: the listener accepts on the thread
// that calls start() and hands each connection, round robin, to one of `threads` workers, each
// with its own event loop; a connection stays on its worker (keep-alive, pipelining). Binds to
// loopback unless told otherwise.
class ScoringServer final : public QObject
{
    Q_OBJECT

public:
    explicit ScoringServer(ModelPtr model, ServeOptions options = {}, QObject *parent = nullptr);
    ~ScoringServer() override; // stops

    // Listens on host:port (port 0 = any free port; see port()). False and *error on failure
    // (address in use, bad host, already running).
    bool start(const QString &host = QStringLiteral("127.0.0.1"),
               quint16 port = 0,
               QString *error = nullptr);
    // Closes the listener and every connection, and joins the workers.
    void stop();

    bool isRunning() const { return !m_threads.empty(); }
    quint16 port() const { return m_port; }
    QUrl url() const; // http://host:port, empty when stopped
    const ServeOptions &options() const { return m_options; }
    const Model &model() const;
    int openConnections() const { return m_open.load(); }

private:
    friend class ScoringListener;
    void dispatch(qintptr descriptor);
    void stopWorkers();

    ModelPtr m_model;
    ServeOptions m_options;
    std::unique_ptr<ScoringHandler> m_handler;
    std::unique_ptr<ScoringListener> m_listener;
    std::vector<QThread *> m_threads;
    std::vector<HttpWorker *> m_workers;
    std::atomic<int> m_open{0};
    size_t m_next = 0;
    QString m_host;
    quint16 m_port = 0;
};

} // namespace fb
