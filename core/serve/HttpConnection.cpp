#include "HttpConnection.h"

#include "ScoringHandler.h"

#include <QTcpSocket>

#include <charconv>
#include <chrono>

#include <sys/socket.h>
#include <unistd.h>

namespace fb {

namespace {

// Stop answering pipelined requests while this much output waits for a client that does not
// read; resume when it drains (and stop reading its input meanwhile: TCP flow control).
constexpr qint64 kMaxPendingOutput = 4 * 1024 * 1024;
// Qt's own read buffer; reading pauses when it is full and we do not drain it.
constexpr qint64 kSocketReadBuffer = 256 * 1024;
// After the last response of a closing connection, how long to read and discard what the
// client still sends (so the close does not reset the connection before it read the answer).
constexpr qint64 kLingerMs = 2000;

qint64 nowMs()
{
    using namespace std::chrono;
    return duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count();
}

const char *reason(int status)
{
    switch (status) {
    case 200:
        return "OK";
    case 400:
        return "Bad Request";
    case 404:
        return "Not Found";
    case 405:
        return "Method Not Allowed";
    case 408:
        return "Request Timeout";
    case 413:
        return "Content Too Large";
    case 415:
        return "Unsupported Media Type";
    case 431:
        return "Request Header Fields Too Large";
    case 500:
        return "Internal Server Error";
    case 501:
        return "Not Implemented";
    case 505:
        return "HTTP Version Not Supported";
    default:
        return "Error";
    }
}

QByteArray errorCodeFor(int status)
{
    switch (status) {
    case 408:
        return "DEADLINE_EXCEEDED";
    case 413:
    case 431:
        return "RESOURCE_EXHAUSTED";
    case 501:
        return "NOT_IMPLEMENTED";
    default:
        return "BAD_REQUEST";
    }
}

void appendInt(QByteArray &out, qint64 value)
{
    char buffer[24];
    const auto r = std::to_chars(buffer, buffer + sizeof buffer, value);
    out.append(buffer, qsizetype(r.ptr - buffer));
}

} // namespace

HttpConnection::HttpConnection(qintptr descriptor,
                               const ScoringHandler &handler,
                               const ServeOptions &options,
                               QObject *parent)
    : QObject(parent)
    , m_handler(handler)
    , m_options(options)
    , m_parser(options.maxHeaderBytes, options.maxBodyBytes)
{
    m_lastActivityMs = nowMs();
    m_socket = new QTcpSocket(this);
    if (!m_socket->setSocketDescriptor(descriptor)) {
        ::close(int(descriptor));
        m_finished = true;
        QMetaObject::invokeMethod(
            this, [this] { Q_EMIT finished(this); }, Qt::QueuedConnection);
        return;
    }
    // Small responses on a keep-alive connection: without TCP_NODELAY, Nagle's algorithm and
    // the client's delayed ACK stall every other response by ~40 ms.
    m_socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
    m_socket->setReadBufferSize(kSocketReadBuffer);
    connect(m_socket, &QTcpSocket::readyRead, this, &HttpConnection::onReadyRead);
    connect(m_socket, &QTcpSocket::bytesWritten, this, [this] {
        if (m_socket->bytesToWrite() >= kMaxPendingOutput / 2)
            return;
        // Input left in Qt's buffer while we paused brings no new readyRead: read it now.
        if (m_socket->bytesAvailable() > 0)
            onReadyRead();
        else
            process();
    });
    connect(m_socket, &QTcpSocket::disconnected, this, [this] {
        if (!m_finished) {
            m_finished = true;
            Q_EMIT finished(this);
        }
    });
}

HttpConnection::~HttpConnection() = default;

bool HttpConnection::isOpen() const
{
    return !m_finished;
}

void HttpConnection::close()
{
    if (m_finished)
        return;
    m_finished = true;
    m_socket->abort();
    Q_EMIT finished(this);
}

void HttpConnection::onReadyRead()
{
    if (m_finished)
        return;
    const qint64 now = nowMs();
    m_lastActivityMs = now;
    if (m_closing) { // lingering: discard
        m_socket->skip(m_socket->bytesAvailable());
        return;
    }
    if (m_socket->bytesToWrite() >= kMaxPendingOutput)
        return; // resumed from bytesWritten
    const qint64 available = m_socket->bytesAvailable();
    if (available <= 0)
        return;
    const qsizetype old = m_in.size();
    m_in.resize(old + qsizetype(available));
    const qint64 got = m_socket->read(m_in.data() + old, available);
    m_in.resize(old + qsizetype(std::max<qint64>(got, 0)));
    if (m_requestStartMs < 0 && m_in.size() > m_start)
        m_requestStartMs = now;
    process();
}

void HttpConnection::process()
{
    if (m_finished)
        return;
    while (!m_closing && m_start < m_in.size()) {
        if (m_socket->bytesToWrite() + m_out.size() >= kMaxPendingOutput)
            break;
        HttpRequest request;
        const HttpParser::Result r = m_parser.parse(m_in.constData() + m_start,
                                                    m_in.size() - m_start,
                                                    request);
        if (r == HttpParser::Result::NeedMore) {
            if (m_parser.expectsContinue() && !m_continueSent) {
                m_out += "HTTP/1.1 100 Continue\r\n\r\n";
                m_continueSent = true;
            }
            break;
        }
        if (r == HttpParser::Result::Error) {
            QString message = QString::fromUtf8(m_parser.errorMessage());
            if (m_parser.errorStatus() == 413) // name the limit and how to raise it
                message += QStringLiteral(" of %1 MiB (serve --max-body-mb)")
                               .arg(double(m_options.maxBodyBytes) / 1048576.0);
            failAndClose(m_parser.errorStatus(), errorCodeFor(m_parser.errorStatus()), message);
            return;
        }
        HttpResponse response;
        m_handler.handle(request, response);
        appendResponse(response, request.keepAlive, request.minorVersion, request.method == "HEAD");
        m_closing = !request.keepAlive;
        m_start += m_parser.consumed();
        m_parser.reset();
        m_continueSent = false;
        m_requestStartMs = m_start < m_in.size() ? nowMs() : -1;
    }
    // Keep the buffer's capacity for the next requests; drop answered bytes when they pile up.
    if (m_start == m_in.size()) {
        m_in.resize(0);
        m_start = 0;
    } else if (m_start > 65536 && m_start > m_in.size() / 2) {
        m_in.remove(0, m_start); // the parser's offsets are relative to the request start
        m_start = 0;
    }
    flushOutput();
}

void HttpConnection::appendResponse(const HttpResponse &response,
                                    bool keepAlive,
                                    int minorVersion,
                                    bool head)
{
    m_out += "HTTP/1.1 ";
    appendInt(m_out, response.status);
    m_out += ' ';
    m_out += reason(response.status);
    m_out += "\r\nContent-Type: ";
    m_out += response.contentType;
    m_out += "\r\nContent-Length: ";
    appendInt(m_out, response.body.size());
    if (response.allow) {
        m_out += "\r\nAllow: ";
        m_out += response.allow;
    }
    if (!keepAlive)
        m_out += "\r\nConnection: close";
    else if (minorVersion == 0)
        m_out += "\r\nConnection: keep-alive";
    m_out += "\r\n\r\n";
    if (!head)
        m_out += response.body;
}

void HttpConnection::failAndClose(int status, const QByteArray &code, const QString &message)
{
    HttpResponse response;
    ScoringHandler::error(response, status, code, message);
    appendResponse(response, false, 1, false);
    m_closing = true;
    m_in.clear();
    m_start = 0;
    flushOutput();
}

void HttpConnection::flushOutput()
{
    if (!m_out.isEmpty()) {
        m_socket->write(m_out);
        m_out.resize(0);
        m_socket->flush(); // send now rather than on the next event-loop pass
    }
    if (m_closing && m_lingerUntilMs < 0 && m_socket->bytesToWrite() == 0) {
        // Half-close: the client reads our last response and its EOF; what it still sends is
        // read and dropped until it closes or the linger time is over.
        ::shutdown(int(m_socket->socketDescriptor()), SHUT_WR);
        m_lingerUntilMs = nowMs() + kLingerMs;
        m_socket->skip(m_socket->bytesAvailable());
    }
}

void HttpConnection::checkTimeouts(qint64 now)
{
    if (m_finished)
        return;
    if (m_closing) {
        if (m_lingerUntilMs >= 0 && now >= m_lingerUntilMs)
            close();
        return;
    }
    if (m_requestStartMs >= 0 && now - m_requestStartMs > m_options.requestTimeoutMs) {
        failAndClose(408,
                     errorCodeFor(408),
                     QStringLiteral("the request was not complete after %1 ms")
                         .arg(m_options.requestTimeoutMs));
        return;
    }
    if (m_requestStartMs < 0 && m_socket->bytesToWrite() == 0
        && now - m_lastActivityMs > m_options.idleTimeoutMs)
        close();
}

qint64 HttpConnection::currentTimeMs()
{
    return nowMs();
}

} // namespace fb
