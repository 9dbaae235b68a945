#pragma once

#include "HttpParser.h"
#include "RequestDecoder.h"
#include "ScoringModel.h"

#include <QByteArray>

#include <memory>

namespace fb {

struct HttpResponse
{
    int status = 200;
    const char *contentType = "application/json";
    QByteArray body;
    const char *allow = nullptr; // 405: the methods the resource allows
};

// The routes of the scoring server, MLflow's scoring protocol:
//   POST /invocations       JSON (dataframe_split, dataframe_records, instances, inputs) or CSV
//                           -> {"predictions": [...]}; ?probabilities=true (or "params":
//                           {"probabilities": true}) adds "classes" and "probabilities"
//   GET  /ping, /health     200 when the model is loaded
//   GET  /version           the Flowbench version
//   GET  /metadata          the model's input schema, classes, task and lineage
// Errors are {"error_code": "...", "message": "..."} with a 4xx/5xx status. Thread-safe: each
// worker thread calls handle() concurrently on one instance.
class ScoringHandler
{
public:
    explicit ScoringHandler(ModelPtr model);

    const ScoringModel &model() const { return m_model; }
    void handle(const HttpRequest &request, HttpResponse &response) const;

    // {"error_code": code, "message": message}
    static void error(HttpResponse &response,
                      int status,
                      const QByteArray &code,
                      const QString &message);

private:
    void invocations(const HttpRequest &request, HttpResponse &response) const;

    ScoringModel m_model;
    RequestDecoder m_decoder;
    QByteArray m_metadata;
};

} // namespace fb
