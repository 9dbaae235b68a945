// Fuzz target: the scoring server's request path without a socket (core/serve): the raw bytes
// of a connection go through the HTTP/1.1 parser (HttpParser, pipelined requests, chunked
// bodies) and every complete request through the handler (ScoringHandler: routing, JSON and
// CSV body decoding, scoring) of two models, a numeric classifier and a model with a
// categorical input.
//
// Oracles: feeding the bytes in two pieces parses like feeding them at once; every answer is
// a valid status with a JSON body (MLflow's error object for errors), and no request is the
// server's fault (500).

#include "FuzzSupport.h"

#include "model/ModelFile.h"
#include "serve/HttpParser.h"
#include "serve/ScoringHandler.h"

#include <QJsonDocument>
#include <QJsonObject>

#include <memory>
#include <vector>

namespace {

constexpr qsizetype maxHeader = 16 * 1024;
constexpr qint64 maxBody = 256 * 1024;

const std::vector<std::unique_ptr<fb::ScoringHandler>> &handlers()
{
    static const std::vector<std::unique_ptr<fb::ScoringHandler>> all = [] {
        std::vector<std::unique_ptr<fb::ScoringHandler>> out;
        for (const char *name : {"logistic_regression.fbm", "categorical_tree.fbm"}) {
            const QString path = fbfuzz::sourceDir() + QStringLiteral("/tests/fuzz/corpus/model/") + QLatin1String(name);
            QString error;
            const fb::ModelPtr model = fb::ModelFile::load(path, &error);
            if (!model)
                fbfuzz::fail("cannot load the serve target's model", error);
            out.push_back(std::make_unique<fb::ScoringHandler>(model));
        }
        return out;
    }();
    return all;
}

void checkResponse(const fb::HttpRequest &request, const fb::HttpResponse &response)
{
    const QString where = QString::fromUtf8(request.method.toByteArray() + ' ' + request.path.toByteArray());
    fbfuzz::check(response.status >= 200 && response.status < 600, "status out of range", where);
    fbfuzz::check(response.status != 500, "a request is answered 500", where + u'\n' + QString::fromUtf8(response.body));
    if (QByteArrayView(response.contentType) != "application/json" || request.path == "/ping" || request.path == "/health")
        return;
    QJsonParseError pe;
    const QJsonDocument doc = QJsonDocument::fromJson(response.body, &pe);
    fbfuzz::check(pe.error == QJsonParseError::NoError && doc.isObject(), "response body is not a JSON object",
                  where + u'\n' + QString::fromUtf8(response.body.left(2000)));
    if (response.status >= 400)
        fbfuzz::check(doc.object().value(QStringLiteral("error_code")).isString(), "error without error_code", where);
    else if (request.path == "/invocations")
        fbfuzz::check(doc.object().value(QStringLiteral("predictions")).isArray(), "answer without predictions", where);
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int *, char ***)
{
    handlers(); // load the models once, before the first input
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray buffer = fbfuzz::bytes(data, size);
    qsizetype start = 0;
    fb::HttpParser parser(maxHeader, maxBody);
    fb::HttpParser pieces(maxHeader, maxBody);
    for (int served = 0; served < 8 && start < buffer.size(); ++served) {
        const char *begin = buffer.constData() + start;
        const qsizetype available = buffer.size() - start;

        fb::HttpRequest request;
        const fb::HttpParser::Result result = parser.parse(begin, available, request);

        // The same bytes in two pieces: first half, then all (as a socket delivers them).
        fb::HttpRequest split;
        fb::HttpParser::Result splitResult = pieces.parse(begin, available / 2, split);
        if (splitResult == fb::HttpParser::Result::NeedMore)
            splitResult = pieces.parse(begin, available, split);
        fbfuzz::check(splitResult == result, "parsing in pieces gives another result");

        if (result == fb::HttpParser::Result::NeedMore)
            return 0;
        if (result == fb::HttpParser::Result::Error) {
            fbfuzz::check(parser.errorStatus() >= 400 && parser.errorStatus() < 600, "bad error status");
            fbfuzz::check(pieces.errorStatus() == parser.errorStatus(), "parsing in pieces gives another error");
            return 0;
        }
        fbfuzz::check(parser.consumed() > 0 && parser.consumed() <= available, "consumed out of range");
        fbfuzz::check(pieces.consumed() == parser.consumed(), "parsing in pieces consumes another length");
        fbfuzz::check(split.body == request.body && split.path == request.path && split.method == request.method,
                      "parsing in pieces gives another request");
        for (const auto &handler : handlers()) {
            fb::HttpResponse response;
            handler->handle(request, response);
            checkResponse(request, response);
        }
        start += parser.consumed();
        parser.reset();
        pieces.reset();
    }
    return 0;
}
