#pragma once

#include <QByteArray>
#include <QByteArrayView>

namespace fb {

// One HTTP/1.x request as parsed. The views point into the connection's input buffer (or, for
// a chunked body, into the parser) and stay valid until the parser is reset.
struct HttpRequest
{
    QByteArrayView method;
    QByteArrayView path;  // origin-form path, without the query
    QByteArrayView query; // after '?', empty when none
    QByteArrayView contentType;
    QByteArrayView body;
    int minorVersion = 1; // HTTP/1.0 or HTTP/1.1
    bool keepAlive = true;
};

// An incremental, allocation-light HTTP/1.1 request parser (RFC 9112) for the scoring server.
//
// Feed it the bytes of a connection from the start of the request in progress; it keeps its
// position between calls, so a request that arrives in many small pieces is scanned once, and
// reports how many bytes the complete request took so pipelined requests that follow are
// parsed next. Bodies come with Content-Length or Transfer-Encoding: chunked. Limits: the
// request line and headers together, and the body (413 before any of it is read when
// Content-Length says so). Refused, with the status to answer: malformed syntax, including a
// control character other than HTAB (NUL, bare CR, ...) in the request line or a header (400), both
// Content-Length and Transfer-Encoding (400: request smuggling), other transfer codings (501),
// HTTP versions other than 1.0/1.1 (505).
class HttpParser
{
public:
    enum class Result { NeedMore, Complete, Error };

    HttpParser(qsizetype maxHeaderBytes, qint64 maxBodyBytes);

    // `data`/`size`: the buffered bytes from the start of the current request (the same start
    // on every call until reset(); more bytes may have arrived).
    Result parse(const char *data, qsizetype size, HttpRequest &request);

    qsizetype consumed() const { return m_end; } // after Complete: bytes of the request
    bool headersComplete() const { return m_headerEnd >= 0; }
    // Headers are in, the body is not, and the client waits for "100 Continue" before sending
    // it (curl does for large bodies).
    bool expectsContinue() const { return m_expectContinue && m_headerEnd >= 0 && m_end < 0; }
    int errorStatus() const { return m_errorStatus; }
    const QByteArray &errorMessage() const { return m_errorMessage; }
    // Forget the request (after it was answered), ready for the next one.
    void reset();

private:
    struct Span
    {
        qsizetype begin = 0;
        qsizetype size = 0;
    };
    enum class Body { None, Length, Chunked };

    Result fail(int status, const QByteArray &message);
    Result parseHead(const char *data);
    Result parseChunks(const char *data, qsizetype size);
    void fill(const char *data, HttpRequest &request) const;

    qsizetype m_maxHeader;
    qint64 m_maxBody;

    qsizetype m_skip = 0;       // empty lines before the request line
    qsizetype m_scanned = 0;    // bytes searched for the end of the headers
    qsizetype m_headerEnd = -1; // offset of the body
    qsizetype m_end = -1;       // offset after the request, when complete
    Span m_method, m_path, m_query, m_contentType;
    int m_minor = 1;
    bool m_keepAlive = true;
    bool m_expectContinue = false;
    Body m_body = Body::None;
    qint64 m_length = 0;
    qsizetype m_chunkPos = 0; // next chunk-size line
    bool m_inTrailers = false;
    QByteArray m_chunked; // decoded chunked body
    int m_errorStatus = 0;
    QByteArray m_errorMessage;
};

} // namespace fb
