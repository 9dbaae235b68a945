#pragma once

// Helpers for the scoring-server tests: the real `flowbench-cli serve` as a child process and a
// raw HTTP/1.1 client on a blocking QTcpSocket (so tests control exactly which bytes go out,
// when, and on which connection: keep-alive, pipelining, partial requests).

#include "CliRunner.h"

#include <QByteArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMap>
#include <QProcess>
#include <QTcpSocket>

#include <csignal>
#include <memory>

namespace fbtest {

// `flowbench-cli serve MODEL --port 0 ...`; the URL it prints tells the port.
class ServerProcess
{
public:
    bool start(const QString &model, const QStringList &extra = {})
    {
        m_process = std::make_unique<QProcess>();
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("OPENBLAS_NUM_THREADS"), QStringLiteral("1"));
        m_process->setProcessEnvironment(env);
        m_process->start(cliPath(),
                         QStringList{QStringLiteral("serve"),
                                     model,
                                     QStringLiteral("--port"),
                                     QStringLiteral("0"),
                                     QStringLiteral("--threads"),
                                     QStringLiteral("2")}
                             + extra);
        if (!m_process->waitForStarted(10000))
            return fail(QStringLiteral("could not start %1").arg(cliPath()));
        QByteArray out;
        while (!out.contains('\n')) {
            if (!m_process->waitForReadyRead(30000))
                return fail(QStringLiteral("serve printed no URL: %1")
                                .arg(QString::fromUtf8(m_process->readAllStandardError())));
            out += m_process->readAllStandardOutput();
        }
        const QByteArray url = out.left(out.indexOf('\n')).trimmed();
        m_port = quint16(url.mid(url.lastIndexOf(':') + 1).toInt());
        return m_port != 0 || fail(QStringLiteral("no port in '%1'").arg(QString::fromUtf8(url)));
    }

    // SIGINT, as Ctrl+C; the exit code (0 when the server stopped cleanly), -1 on a crash.
    int stop()
    {
        if (!m_process || m_process->state() == QProcess::NotRunning)
            return m_process ? m_process->exitCode() : -1;
        ::kill(pid_t(m_process->processId()), SIGINT);
        if (!m_process->waitForFinished(30000)) {
            m_process->kill();
            m_process->waitForFinished(5000);
            return -1;
        }
        return m_process->exitStatus() == QProcess::NormalExit ? m_process->exitCode() : -1;
    }

    ~ServerProcess() { stop(); }

    quint16 port() const { return m_port; }
    const QString &error() const { return m_error; }
    QString stderrText()
    {
        return m_process ? QString::fromUtf8(m_process->readAllStandardError()) : QString();
    }

private:
    bool fail(const QString &why)
    {
        m_error = why;
        return false;
    }

    std::unique_ptr<QProcess> m_process;
    quint16 m_port = 0;
    QString m_error;
};

struct HttpReply
{
    int status = 0;
    QMap<QByteArray, QByteArray> headers; // lower-case names
    QByteArray body;
    QJsonObject json() const { return QJsonDocument::fromJson(body).object(); }
    QString errorCode() const { return json().value(QStringLiteral("error_code")).toString(); }
    QString message() const { return json().value(QStringLiteral("message")).toString(); }
};

// One client connection. read() returns the next response on it (responses arrive in request
// order, so pipelined requests are read one after the other).
class HttpClient
{
public:
    bool connectTo(quint16 port)
    {
        m_socket.connectToHost(QStringLiteral("127.0.0.1"), port);
        return m_socket.waitForConnected(10000);
    }

    bool send(const QByteArray &bytes)
    {
        if (m_socket.write(bytes) != bytes.size())
            return false;
        while (m_socket.bytesToWrite() > 0)
            if (!m_socket.waitForBytesWritten(30000))
                return false;
        return true;
    }

    bool read(HttpReply &reply, int timeoutMs = 30000)
    {
        reply = HttpReply{};
        qsizetype headerEnd;
        while ((headerEnd = m_buffer.indexOf("\r\n\r\n")) < 0)
            if (!fill(timeoutMs))
                return false;
        const QList<QByteArray> lines = m_buffer.left(headerEnd).split('\n');
        const QList<QByteArray> statusLine = lines.first().trimmed().split(' ');
        if (statusLine.size() < 2 || !statusLine.first().startsWith("HTTP/1."))
            return false;
        reply.status = statusLine.at(1).toInt();
        for (qsizetype i = 1; i < lines.size(); ++i) {
            const qsizetype colon = lines.at(i).indexOf(':');
            if (colon > 0)
                reply.headers.insert(lines.at(i).left(colon).trimmed().toLower(),
                                     lines.at(i).mid(colon + 1).trimmed());
        }
        const qsizetype length = reply.headers.value("content-length", "0").toLongLong();
        const qsizetype total = headerEnd + 4 + (m_head ? 0 : length);
        while (m_buffer.size() < total)
            if (!fill(timeoutMs))
                return false;
        reply.body = m_buffer.mid(headerEnd + 4, total - headerEnd - 4);
        m_buffer.remove(0, total);
        return true;
    }

    // Sends and reads one response.
    bool exchange(const QByteArray &request, HttpReply &reply)
    {
        return send(request) && read(reply);
    }

    // True when the server closed the connection (EOF) within `timeoutMs`, with no more bytes.
    bool waitForClose(int timeoutMs = 30000)
    {
        while (m_socket.state() == QAbstractSocket::ConnectedState) {
            if (!m_socket.waitForReadyRead(timeoutMs))
                break;
            m_buffer += m_socket.readAll();
        }
        m_buffer += m_socket.readAll();
        return m_socket.state() != QAbstractSocket::ConnectedState && m_buffer.isEmpty();
    }

    bool isConnected() const { return m_socket.state() == QAbstractSocket::ConnectedState; }
    void expectHeadResponse(bool head) { m_head = head; }

private:
    bool fill(int timeoutMs)
    {
        if (m_socket.bytesAvailable() == 0 && !m_socket.waitForReadyRead(timeoutMs))
            return false;
        m_buffer += m_socket.readAll();
        return true;
    }

    QTcpSocket m_socket;
    QByteArray m_buffer;
    bool m_head = false;
};

inline QByteArray httpRequest(const QByteArray &method,
                              const QByteArray &target,
                              const QByteArray &contentType = {},
                              const QByteArray &body = {},
                              const QByteArray &extraHeaders = {})
{
    QByteArray r = method + ' ' + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n";
    if (!contentType.isEmpty())
        r += "Content-Type: " + contentType + "\r\n";
    if (method == "POST" || !body.isEmpty())
        r += "Content-Length: " + QByteArray::number(body.size()) + "\r\n";
    r += extraHeaders;
    r += "\r\n";
    r += body;
    return r;
}

inline QByteArray postJson(const QByteArray &body, const QByteArray &target = "/invocations")
{
    return httpRequest("POST", target, "application/json", body);
}

} // namespace fbtest
