#pragma once

#include "HttpParser.h"
#include "ServeOptions.h"

#include <QByteArray>
#include <QObject>

class QTcpSocket;

namespace fb {

class ScoringHandler;
struct HttpResponse;

// One client connection of the scoring server, living on a worker thread: reads requests
// (keep-alive, pipelined, partial), answers them in order through the ScoringHandler, and
// enforces the limits of ServeOptions. Responses to all requests found in one read are sent
// with one write.
class HttpConnection final : public QObject
{
    Q_OBJECT

public:
    HttpConnection(qintptr descriptor,
                   const ScoringHandler &handler,
                   const ServeOptions &options,
                   QObject *parent = nullptr);
    ~HttpConnection() override;

    bool isOpen() const;
    // Called by the worker every few hundred ms: answers 408 and closes when a started request
    // is not complete after requestTimeoutMs; closes a keep-alive connection idle for
    // idleTimeoutMs.
    void checkTimeouts(qint64 nowMs);
    void close();
    static qint64 currentTimeMs(); // the clock of checkTimeouts()

Q_SIGNALS:
    void finished(fb::HttpConnection *connection);

private:
    void onReadyRead();
    void process();
    void appendResponse(const HttpResponse &response, bool keepAlive, int minorVersion, bool head);
    void failAndClose(int status, const QByteArray &code, const QString &message);
    void flushOutput();

    QTcpSocket *m_socket = nullptr;
    const ScoringHandler &m_handler;
    const ServeOptions &m_options;
    HttpParser m_parser;
    QByteArray m_in;
    qsizetype m_start = 0; // start of the request in progress in m_in
    QByteArray m_out;
    bool m_continueSent = false;
    bool m_closing = false; // no more requests: answer what we have, then close
    bool m_finished = false;
    qint64 m_requestStartMs = -1; // first byte of the request in progress
    qint64 m_lastActivityMs = 0;
    qint64 m_lingerUntilMs = -1; // closing: half-closed, discarding input until then
};

} // namespace fb
