#include "ScoringHandler.h"

#include "JsonText.h"

#include <QJsonDocument>

#include <exception>

namespace fb {

namespace {

// The media type of a Content-Type value, lower-cased, without parameters.
QByteArray mediaType(QByteArrayView contentType)
{
    const qsizetype semicolon = contentType.indexOf(';');
    const QByteArrayView type = semicolon < 0 ? contentType : contentType.first(semicolon);
    return type.toByteArray().trimmed().toLower();
}

// ?probabilities=true|1|false|0 (other parameters are ignored, as MLflow does).
bool queryFlag(QByteArrayView query, QByteArrayView name, bool *value)
{
    while (!query.isEmpty()) {
        const qsizetype amp = query.indexOf('&');
        const QByteArrayView item = amp < 0 ? query : query.first(amp);
        const qsizetype eq = item.indexOf('=');
        if ((eq < 0 ? item : item.first(eq)) == name) {
            const QByteArrayView v = eq < 0 ? QByteArrayView("true") : item.sliced(eq + 1);
            if (v == "true" || v == "1")
                *value = true;
            else if (v == "false" || v == "0")
                *value = false;
            else
                return false;
        }
        if (amp < 0)
            break;
        query = query.sliced(amp + 1);
    }
    return true;
}

} // namespace

ScoringHandler::ScoringHandler(ModelPtr model)
    : m_model(std::move(model))
    , m_decoder(m_model)
    , m_metadata(QJsonDocument(m_model.metadata()).toJson(QJsonDocument::Compact))
{}

void ScoringHandler::error(HttpResponse &response,
                           int status,
                           const QByteArray &code,
                           const QString &message)
{
    response.status = status;
    response.contentType = "application/json";
    response.body.clear();
    response.body += "{\"error_code\":";
    jsontext::appendString(response.body, code);
    response.body += ",\"message\":";
    jsontext::appendString(response.body, message);
    response.body += '}';
}

void ScoringHandler::handle(const HttpRequest &request, HttpResponse &response) const
{
    const QByteArrayView path = request.path;
    const bool get = request.method == "GET" || request.method == "HEAD";
    if (path == "/invocations") {
        if (request.method != "POST") {
            response.allow = "POST";
            error(response, 405, "BAD_REQUEST", QStringLiteral("/invocations accepts POST only"));
            return;
        }
        invocations(request, response);
        return;
    }
    const bool ping = path == "/ping" || path == "/health";
    if (ping || path == "/version" || path == "/metadata") {
        if (!get) {
            response.allow = "GET, HEAD";
            error(response,
                  405,
                  "BAD_REQUEST",
                  QStringLiteral("%1 accepts GET only").arg(QString::fromUtf8(path.toByteArray())));
            return;
        }
        response.status = 200;
        if (ping) { // as MLflow: a newline, 200 once the model is loaded
            response.contentType = "application/json";
            response.body = "\n";
        } else if (path == "/version") {
            response.contentType = "text/plain; charset=utf-8";
            response.body = FLOWBENCH_VERSION;
        } else {
            response.contentType = "application/json";
            response.body = m_metadata;
        }
        return;
    }
    error(response,
          404,
          "ENDPOINT_NOT_FOUND",
          QStringLiteral(
              "no endpoint %1; try POST /invocations, GET /ping, /health, /version, /metadata")
              .arg(QString::fromUtf8(path.toByteArray())));
}

void ScoringHandler::invocations(const HttpRequest &request, HttpResponse &response) const
{
    bool probabilities = false;
    if (!queryFlag(request.query, "probabilities", &probabilities)) {
        error(response,
              400,
              "INVALID_PARAMETER_VALUE",
              QStringLiteral("probabilities must be true, false, 1 or 0"));
        return;
    }
    const QByteArray type = mediaType(request.contentType);
    ScoringInput input;
    RequestError failure;
    bool ok = false;
    const QByteArray body = QByteArray::fromRawData(request.body.data(), request.body.size());
    if (type == "application/json") {
        ok = m_decoder.decodeJson(body, input, failure);
    } else if (type == "text/csv") {
        ok = m_decoder.decodeCsv(body, input, failure);
    } else {
        error(response,
              415,
              "BAD_REQUEST",
              QStringLiteral("unsupported content type '%1'; send application/json or text/csv")
                  .arg(QString::fromUtf8(request.contentType.toByteArray())));
        return;
    }
    if (!ok) {
        error(response, failure.status, failure.code, failure.message);
        return;
    }
    probabilities = probabilities || input.probabilities;
    response.status = 200;
    response.contentType = "application/json";
    response.body.clear();
    try {
        if (input.fastRow) {
            thread_local RowScorer::Result result;
            m_model.rowScorer()->score(input.row.data(), result);
            m_model.writeRowPrediction(response.body, result, probabilities);
        } else if (input.rows == 0) {
            m_model.writePredictions(response.body, Prediction{}, probabilities);
        } else {
            m_model.writePredictions(response.body,
                                     m_model.model().predict(input.table),
                                     probabilities);
        }
    } catch (const SchemaError &e) {
        error(response, 400, "INVALID_PARAMETER_VALUE", QString::fromUtf8(e.what()));
    } catch (const std::exception &e) {
        error(response,
              500,
              "INTERNAL_ERROR",
              QStringLiteral("prediction failed: %1").arg(QString::fromUtf8(e.what())));
    }
}

} // namespace fb
