#include "HttpParser.h"

#include <algorithm>
#include <cstring>

namespace fb {

namespace {

bool isTokenChar(char c)
{
    // RFC 9110 tchar (c != 0: strchr finds the terminating NUL of its set)
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
           || (c != '\0' && std::strchr("!#$%&'*+-.^_`|~", c) != nullptr);
}

// RFC 5234 CTL (0x00-0x1F, 0x7F) other than HTAB: never valid in a request line or a field
// value (RFC 9110 5.5: NUL, CR and LF must be rejected; a NUL would also cut the value short
// for any C-string consumer after us). Returns the offset of the first one, or -1.
qsizetype firstControl(QByteArrayView v)
{
    for (qsizetype i = 0; i < v.size(); ++i) {
        const auto c = static_cast<unsigned char>(v[i]);
        if ((c < 0x20 && c != '\t') || c == 0x7F)
            return i;
    }
    return -1;
}

// "<what> (control character 0x1B)"
QByteArray controlMessage(QByteArray what, char c)
{
    return what.append(" (control character 0x")
        .append(
            QByteArray::number(static_cast<unsigned char>(c), 16).rightJustified(2, '0').toUpper())
        .append(')');
}

char lower(char c)
{
    return (c >= 'A' && c <= 'Z') ? char(c - 'A' + 'a') : c;
}

bool equalsLower(QByteArrayView text, const char *lowerCase)
{
    const qsizetype n = qsizetype(std::strlen(lowerCase));
    if (text.size() != n)
        return false;
    for (qsizetype i = 0; i < n; ++i)
        if (lower(text[i]) != lowerCase[i])
            return false;
    return true;
}

QByteArrayView trimmed(QByteArrayView v)
{
    while (!v.isEmpty() && (v.front() == ' ' || v.front() == '\t'))
        v = v.sliced(1);
    while (!v.isEmpty() && (v.back() == ' ' || v.back() == '\t' || v.back() == '\r'))
        v = v.chopped(1);
    return v;
}

// Does the comma-separated header value hold `token` (case-insensitive)?
bool hasToken(QByteArrayView value, const char *token)
{
    while (!value.isEmpty()) {
        const qsizetype comma = value.indexOf(',');
        const QByteArrayView item = trimmed(comma < 0 ? value : value.first(comma));
        if (equalsLower(item, token))
            return true;
        if (comma < 0)
            break;
        value = value.sliced(comma + 1);
    }
    return false;
}

// Decimal digits only (RFC 9110 Content-Length); -1 when malformed or absurdly large.
qint64 parseLength(QByteArrayView v)
{
    if (v.isEmpty() || v.size() > 18)
        return -1;
    qint64 n = 0;
    for (char c : v) {
        if (c < '0' || c > '9')
            return -1;
        n = n * 10 + (c - '0');
    }
    return n;
}

} // namespace

HttpParser::HttpParser(qsizetype maxHeaderBytes, qint64 maxBodyBytes)
    : m_maxHeader(maxHeaderBytes)
    , m_maxBody(maxBodyBytes)
{}

void HttpParser::reset()
{
    m_skip = 0;
    m_scanned = 0;
    m_headerEnd = -1;
    m_end = -1;
    m_method = m_path = m_query = m_contentType = Span{};
    m_minor = 1;
    m_keepAlive = true;
    m_expectContinue = false;
    m_body = Body::None;
    m_length = 0;
    m_chunkPos = 0;
    m_inTrailers = false;
    m_chunked.clear();
    m_errorStatus = 0;
    m_errorMessage.clear();
}

HttpParser::Result HttpParser::fail(int status, const QByteArray &message)
{
    m_errorStatus = status;
    m_errorMessage = message;
    return Result::Error;
}

HttpParser::Result HttpParser::parse(const char *data, qsizetype size, HttpRequest &request)
{
    if (m_errorStatus)
        return Result::Error;
    if (m_headerEnd < 0) {
        // RFC 9112 2.2: ignore empty lines before the request line (left by some clients after
        // a body).
        while (m_skip < size && (data[m_skip] == '\r' || data[m_skip] == '\n'))
            ++m_skip;
        // The headers end at the first empty line; search only the new bytes.
        qsizetype i = std::max(m_scanned, m_skip);
        for (; i < size; ++i) {
            if (data[i] != '\n')
                continue;
            if ((i >= 1 && data[i - 1] == '\n')
                || (i >= 2 && data[i - 1] == '\r' && data[i - 2] == '\n')) {
                m_headerEnd = i + 1;
                break;
            }
        }
        m_scanned = i;
        if (m_headerEnd < 0) {
            if (size - m_skip > m_maxHeader)
                return fail(431, "the request line and headers are too large");
            return Result::NeedMore;
        }
        if (m_headerEnd - m_skip > m_maxHeader)
            return fail(431, "the request line and headers are too large");
        const Result head = parseHead(data);
        if (head == Result::Error)
            return head;
    }
    if (m_end < 0) {
        if (m_body == Body::Chunked) {
            const Result r = parseChunks(data, size);
            if (r != Result::Complete)
                return r;
        } else if (m_body == Body::Length) {
            if (size - m_headerEnd < m_length)
                return Result::NeedMore;
            m_end = m_headerEnd + qsizetype(m_length);
        } else {
            m_end = m_headerEnd;
        }
    }
    fill(data, request);
    return Result::Complete;
}

HttpParser::Result HttpParser::parseHead(const char *data)
{
    // Request line: METHOD SP request-target SP HTTP/1.x
    qsizetype lineEnd = m_skip;
    while (data[lineEnd] != '\n')
        ++lineEnd;
    const QByteArrayView line = trimmed(QByteArrayView(data + m_skip, lineEnd - m_skip));
    if (const qsizetype c = firstControl(line); c >= 0)
        return fail(400, controlMessage("malformed request line", line[c]));
    const qsizetype sp1 = line.indexOf(' ');
    const qsizetype sp2 = sp1 < 0 ? -1 : line.indexOf(' ', sp1 + 1);
    if (sp1 <= 0 || sp2 < 0 || line.indexOf(' ', sp2 + 1) >= 0)
        return fail(400, "malformed request line (expected: METHOD /path HTTP/1.1)");
    for (qsizetype i = 0; i < sp1; ++i)
        if (!isTokenChar(line[i]))
            return fail(400, "malformed request method");
    const QByteArrayView version = line.sliced(sp2 + 1);
    if (version.size() != 8 || !version.startsWith("HTTP/"))
        return fail(400, "malformed HTTP version");
    if (version == "HTTP/1.1")
        m_minor = 1;
    else if (version == "HTTP/1.0")
        m_minor = 0;
    else
        return fail(505, "only HTTP/1.0 and HTTP/1.1 are supported");
    const qsizetype lineStart = m_skip + (line.data() - (data + m_skip));
    m_method = Span{lineStart, sp1};
    QByteArrayView target = line.sliced(sp1 + 1, sp2 - sp1 - 1);
    qsizetype targetBegin = lineStart + sp1 + 1;
    // Absolute-form (proxies): keep the path.
    if (target.startsWith("http://") || target.startsWith("https://")) {
        const qsizetype slash = target.indexOf('/', target.indexOf("//") + 2);
        if (slash < 0) {
            target = "/";
            targetBegin = -1;
        } else {
            targetBegin += slash;
            target = target.sliced(slash);
        }
    }
    if (targetBegin >= 0 && (target.isEmpty() || (target.front() != '/' && target != "*")))
        return fail(400, "malformed request target (expected a path starting with '/')");
    if (targetBegin < 0) {
        m_path = Span{-1, 0};
    } else {
        const qsizetype q = target.indexOf('?');
        m_path = Span{targetBegin, q < 0 ? target.size() : q};
        m_query = q < 0 ? Span{} : Span{targetBegin + q + 1, target.size() - q - 1};
    }
    m_keepAlive = m_minor == 1;

    bool haveLength = false;
    bool chunked = false;
    bool otherCoding = false;
    qint64 length = 0;
    qsizetype pos = lineEnd + 1;
    while (pos < m_headerEnd) {
        qsizetype end = pos;
        while (data[end] != '\n')
            ++end;
        QByteArrayView header(data + pos, end - pos);
        if (header.endsWith('\r'))
            header.chop(1);
        const qsizetype next = end + 1;
        if (header.isEmpty())
            break;
        if (header.front() == ' ' || header.front() == '\t')
            return fail(400, "obsolete header line folding is not accepted");
        const qsizetype colon = header.indexOf(':');
        if (colon <= 0)
            return fail(400, "malformed header line (expected Name: value)");
        const QByteArrayView name = header.first(colon);
        if (const qsizetype c = firstControl(name); c >= 0)
            return fail(400, controlMessage("malformed header name", name[c]));
        for (char c : name)
            if (!isTokenChar(c))
                return fail(400, "malformed header name");
        // Checked before trimming, which would hide a bare CR at the end.
        if (const qsizetype c = firstControl(header.sliced(colon + 1)); c >= 0)
            return fail(400,
                        controlMessage(QByteArray("malformed value of header '")
                                           .append(name.first(std::min<qsizetype>(name.size(), 64)))
                                           .append('\''),
                                       header[colon + 1 + c]));
        const QByteArrayView value = trimmed(header.sliced(colon + 1));
        if (equalsLower(name, "content-length")) {
            const qint64 n = parseLength(value);
            if (n < 0 || (haveLength && n != length))
                return fail(400, "malformed or conflicting Content-Length");
            haveLength = true;
            length = n;
        } else if (equalsLower(name, "transfer-encoding")) {
            if (equalsLower(value, "chunked"))
                chunked = true;
            else
                otherCoding = true;
        } else if (equalsLower(name, "connection")) {
            if (hasToken(value, "close"))
                m_keepAlive = false;
            else if (hasToken(value, "keep-alive"))
                m_keepAlive = true;
        } else if (equalsLower(name, "content-type")) {
            m_contentType = Span{qsizetype(value.data() - data), value.size()};
        } else if (equalsLower(name, "expect")) {
            m_expectContinue = equalsLower(value, "100-continue");
        }
        pos = next;
    }
    if (otherCoding)
        return fail(501, "only the chunked transfer coding is supported");
    if (chunked && haveLength)
        return fail(400, "a request may not have both Content-Length and Transfer-Encoding");
    if (haveLength && length > m_maxBody)
        return fail(413, "the request body is larger than the server's limit");
    if (chunked) {
        m_body = Body::Chunked;
        m_chunkPos = m_headerEnd;
    } else if (haveLength && length > 0) {
        m_body = Body::Length;
        m_length = length;
    }
    return Result::NeedMore;
}

HttpParser::Result HttpParser::parseChunks(const char *data, qsizetype size)
{
    for (;;) {
        qsizetype lineEnd = m_chunkPos;
        while (lineEnd < size && data[lineEnd] != '\n')
            ++lineEnd;
        if (lineEnd >= size) {
            if (size - m_chunkPos > 4096)
                return fail(400, "malformed chunked body (chunk header too long)");
            return Result::NeedMore;
        }
        QByteArrayView line(data + m_chunkPos, lineEnd - m_chunkPos);
        if (line.endsWith('\r'))
            line.chop(1);
        if (m_inTrailers) { // trailer fields until an empty line; ignored
            m_chunkPos = lineEnd + 1;
            if (line.isEmpty()) {
                m_end = m_chunkPos;
                return Result::Complete;
            }
            continue;
        }
        const qsizetype semicolon = line.indexOf(';'); // chunk extensions are ignored
        const QByteArrayView hex = trimmed(semicolon < 0 ? line : line.first(semicolon));
        if (hex.isEmpty() || hex.size() > 15)
            return fail(400, "malformed chunk size");
        qint64 chunk = 0;
        for (char c : hex) {
            const char l = lower(c);
            int digit = -1;
            if (l >= '0' && l <= '9')
                digit = l - '0';
            else if (l >= 'a' && l <= 'f')
                digit = l - 'a' + 10;
            if (digit < 0)
                return fail(400, "malformed chunk size");
            chunk = chunk * 16 + digit;
        }
        if (chunk == 0) {
            m_inTrailers = true;
            m_chunkPos = lineEnd + 1;
            continue;
        }
        if (qint64(m_chunked.size()) + chunk > m_maxBody)
            return fail(413, "the request body is larger than the server's limit");
        const qsizetype dataBegin = lineEnd + 1;
        // The chunk's data and its CRLF (or LF).
        if (size - dataBegin < chunk + 1)
            return Result::NeedMore;
        qsizetype after = dataBegin + qsizetype(chunk);
        if (data[after] == '\r') {
            if (size - after < 2)
                return Result::NeedMore;
            ++after;
        }
        if (data[after] != '\n')
            return fail(400, "malformed chunked body (chunk data not followed by CRLF)");
        m_chunked.append(data + dataBegin, qsizetype(chunk));
        m_chunkPos = after + 1;
    }
}

void HttpParser::fill(const char *data, HttpRequest &request) const
{
    auto view = [data](const Span &s) { return QByteArrayView(data + s.begin, s.size); };
    request.method = view(m_method);
    request.path = m_path.begin < 0 ? QByteArrayView("/") : view(m_path);
    request.query = view(m_query);
    request.contentType = view(m_contentType);
    if (m_body == Body::Chunked)
        request.body = QByteArrayView(m_chunked);
    else if (m_body == Body::Length)
        request.body = QByteArrayView(data + m_headerEnd, qsizetype(m_length));
    else
        request.body = QByteArrayView();
    request.minorVersion = m_minor;
    request.keepAlive = m_keepAlive;
}

} // namespace fb
