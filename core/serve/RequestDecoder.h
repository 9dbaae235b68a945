#pragma once

#include "ScoringModel.h"

#include <QByteArray>
#include <QString>

namespace fb {

// A scoring request's rows, ready for the model.
struct ScoringInput
{
    Eigen::Index rows = 0;
    // One row of a model with a RowScorer: `row` holds the values in Model::inputs order and
    // is scored without a table. Otherwise `table` holds the raw columns.
    bool fastRow = false;
    Eigen::RowVectorXd row;
    TablePtr table;
    bool probabilities = false; // "params": {"probabilities": true} in a JSON body
};

// Why a request cannot be scored, MLflow-style: an HTTP status, an error code
// ("BAD_REQUEST", "INVALID_PARAMETER_VALUE", ...) and a message naming what is wrong.
struct RequestError
{
    int status = 400;
    QByteArray code = "BAD_REQUEST";
    QString message;
};

// Turns the body of POST /invocations into model input, as MLflow's scoring server reads it:
// JSON with exactly one of "dataframe_split" ({"columns", "data", "index"}),
// "dataframe_records" ([{column: value}]), "instances" or "inputs" (records, rows in the
// model's input order, or for "inputs" also {column: [values]}), plus an optional "params"
// object; or CSV with a header line. Unknown and missing columns and values of the wrong type
// are refused with INVALID_PARAMETER_VALUE naming them; malformed bodies with BAD_REQUEST.
class RequestDecoder
{
public:
    explicit RequestDecoder(const ScoringModel &model);

    bool decodeJson(const QByteArray &body, ScoringInput &out, RequestError &error) const;
    bool decodeCsv(const QByteArray &body, ScoringInput &out, RequestError &error) const;

private:
    const ScoringModel &m_model;
};

} // namespace fb
