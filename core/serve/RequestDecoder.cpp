#include "RequestDecoder.h"

#include "JsonText.h"

#include "data/CsvReader.h"

#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSet>

#include <cmath>
#include <limits>

namespace fb {

namespace {

RequestError badRequest(const QString &message)
{
    return RequestError{400, "BAD_REQUEST", message};
}

RequestError invalidValue(const QString &message)
{
    return RequestError{400, "INVALID_PARAMETER_VALUE", message};
}

QString jsonTypeName(const QJsonValue &v)
{
    switch (v.type()) {
    case QJsonValue::Bool:
        return QStringLiteral("a boolean");
    case QJsonValue::Array:
        return QStringLiteral("an array");
    case QJsonValue::Object:
        return QStringLiteral("an object");
    case QJsonValue::String:
        return QStringLiteral("the text \"%1\"").arg(v.toString().left(40));
    default:
        return QStringLiteral("a number");
    }
}

// Collects cells into the raw columns of a model's inputs: numeric inputs in one column-major
// matrix (model input order, NaN = missing), categorical inputs as codes and levels.
class ColumnBuilder
{
public:
    explicit ColumnBuilder(const ScoringModel &model)
        : m_model(model)
        , m_slot(size_t(model.inputCount()), -1)
    {
        int numeric = 0;
        int categorical = 0;
        for (int i = 0; i < model.inputCount(); ++i)
            m_slot[size_t(i)] = model.model().inputs.at(i).kind == ColumnKind::Numeric
                                    ? numeric++
                                    : categorical++;
        m_numericCount = numeric;
        m_categorical.resize(size_t(categorical));
        m_levelIndex.resize(size_t(categorical));
    }

    // Maps the request's column names to model inputs: every input must be there, nothing
    // else may be, no name twice. `columns` receives the input index per request column.
    bool mapColumns(const QStringList &names, std::vector<int> &columns, RequestError &error) const
    {
        QStringList unknown, duplicate;
        QSet<int> seen;
        columns.clear();
        for (const QString &name : names) {
            const int i = m_model.inputIndex(name);
            if (i < 0)
                unknown.append(name);
            else if (seen.contains(i))
                duplicate.append(name);
            seen.insert(i);
            columns.push_back(i);
        }
        QStringList missing;
        for (int i = 0; i < m_model.inputCount(); ++i)
            if (!seen.contains(i))
                missing.append(m_model.model().inputs.at(i).name);
        ColumnCheck check;
        check.missing = missing;
        check.unknown = unknown;
        for (const QString &d : duplicate)
            check.mistyped.append(QStringLiteral("column '%1' appears twice").arg(d));
        if (check.fits() && unknown.isEmpty())
            return true;
        error = invalidValue(check.message(true) + expected());
        return false;
    }

    QString expected() const
    {
        QStringList names;
        for (const InputColumn &in : m_model.model().inputs)
            names.append(in.name);
        return QStringLiteral(" (the model expects: %1)").arg(names.join(QStringLiteral(", ")));
    }

    void setRows(Eigen::Index rows)
    {
        m_rows = rows;
        m_numeric.setConstant(rows, m_numericCount, std::numeric_limits<double>::quiet_NaN());
        for (CategoricalColumn &c : m_categorical)
            c.codes.assign(size_t(rows), -1);
    }

    bool set(int input, Eigen::Index row, const QJsonValue &v, RequestError &error)
    {
        const InputColumn &in = m_model.model().inputs.at(input);
        const int slot = m_slot[size_t(input)];
        if (v.isNull() || v.isUndefined())
            return true; // missing, as pandas' None / NaN
        if (in.kind == ColumnKind::Numeric) {
            if (!v.isDouble()) {
                error = invalidValue(QStringLiteral("column '%1' expects a number, got %2 (row %3)")
                                         .arg(in.name, jsonTypeName(v))
                                         .arg(row + 1));
                return false;
            }
            m_numeric(row, slot) = v.toDouble();
            return true;
        }
        QString text;
        if (v.isString()) {
            text = v.toString();
        } else if (v.isDouble()) { // a category written as a number, e.g. a code
            QByteArray n;
            jsontext::appendNumber(n, v.toDouble());
            text = QString::fromLatin1(n);
        } else {
            error = invalidValue(QStringLiteral("column '%1' expects text, got %2 (row %3)")
                                     .arg(in.name, jsonTypeName(v))
                                     .arg(row + 1));
            return false;
        }
        CategoricalColumn &c = m_categorical[size_t(slot)];
        QHash<QString, int> &index = m_levelIndex[size_t(slot)];
        auto it = index.constFind(text);
        if (it == index.constEnd()) {
            it = index.insert(text, int(c.levels.size()));
            c.levels.append(text);
        }
        c.codes[size_t(row)] = *it;
        return true;
    }

    void finish(ScoringInput &out)
    {
        out.rows = m_rows;
        if (m_rows == 1 && m_model.rowScorer()) {
            out.fastRow = true;
            out.row = m_numeric.row(0);
            return;
        }
        QList<Column> columns;
        for (int i = 0; i < m_model.inputCount(); ++i) {
            const InputColumn &in = m_model.model().inputs.at(i);
            columns.append(Column{in.name, in.kind, ColumnRole::Feature, m_slot[size_t(i)]});
        }
        out.table = std::make_shared<const Table>(
            std::move(columns),
            std::make_shared<const Eigen::MatrixXd>(std::move(m_numeric)),
            std::make_shared<const std::vector<CategoricalColumn>>(std::move(m_categorical)),
            m_rows);
    }

private:
    const ScoringModel &m_model;
    std::vector<int> m_slot; // input -> numeric column or categorical index
    int m_numericCount = 0;
    Eigen::Index m_rows = 0;
    Eigen::MatrixXd m_numeric;
    std::vector<CategoricalColumn> m_categorical;
    std::vector<QHash<QString, int>> m_levelIndex;
};

QStringList inputNames(const ScoringModel &model)
{
    QStringList names;
    for (const InputColumn &in : model.model().inputs)
        names.append(in.name);
    return names;
}

// [[row values...], ...] in the order of `columns` (input indices).
bool fillRows(ColumnBuilder &b,
              const QJsonArray &data,
              const std::vector<int> &columns,
              const QString &where,
              RequestError &error)
{
    b.setRows(data.size());
    for (qsizetype r = 0; r < data.size(); ++r) {
        const QJsonValue rowValue = data.at(r);
        if (!rowValue.isArray()) {
            // A single-input model may take a flat list of values.
            if (columns.size() == 1 && !rowValue.isObject()) {
                if (!b.set(columns[0], r, rowValue, error))
                    return false;
                continue;
            }
            error = badRequest(QStringLiteral("%1: row %2 must be an array of %3 values, got %4")
                                   .arg(where)
                                   .arg(r + 1)
                                   .arg(columns.size())
                                   .arg(jsonTypeName(rowValue)));
            return false;
        }
        const QJsonArray row = rowValue.toArray();
        if (size_t(row.size()) != columns.size()) {
            error = badRequest(
                QStringLiteral("%1: row %2 has %3 values, expected %4 (one per column)")
                    .arg(where)
                    .arg(r + 1)
                    .arg(row.size())
                    .arg(columns.size()));
            return false;
        }
        for (qsizetype j = 0; j < row.size(); ++j)
            if (!b.set(columns[size_t(j)], r, row.at(j), error))
                return false;
    }
    return true;
}

// [{column: value, ...}, ...]: the columns are every key seen; a key absent from a record is
// a missing value there.
bool fillRecords(ColumnBuilder &b,
                 const QJsonArray &records,
                 const QString &where,
                 RequestError &error)
{
    QStringList names;
    QSet<QString> seen;
    for (qsizetype r = 0; r < records.size(); ++r) {
        if (!records.at(r).isObject()) {
            error = badRequest(
                QStringLiteral("%1: record %2 must be an object {column: value}, got %3")
                    .arg(where)
                    .arg(r + 1)
                    .arg(jsonTypeName(records.at(r))));
            return false;
        }
        const QJsonObject record = records.at(r).toObject();
        for (auto it = record.begin(); it != record.end(); ++it)
            if (!seen.contains(it.key())) {
                seen.insert(it.key());
                names.append(it.key());
            }
    }
    std::vector<int> columns;
    if (!b.mapColumns(names, columns, error))
        return false;
    b.setRows(records.size());
    for (qsizetype r = 0; r < records.size(); ++r) {
        const QJsonObject record = records.at(r).toObject();
        for (qsizetype j = 0; j < names.size(); ++j) {
            const auto it = record.constFind(names.at(j));
            if (it != record.constEnd() && !b.set(columns[size_t(j)], r, it.value(), error))
                return false;
        }
    }
    return true;
}

bool fillSplit(ColumnBuilder &b,
               const ScoringModel &model,
               const QJsonValue &value,
               RequestError &error)
{
    if (!value.isObject()) {
        error = badRequest(QStringLiteral(
            "dataframe_split must be an object {\"columns\": [...], \"data\": [[...]]}"));
        return false;
    }
    const QJsonObject split = value.toObject();
    for (auto it = split.begin(); it != split.end(); ++it)
        if (it.key() != u"columns" && it.key() != u"data" && it.key() != u"index") {
            error = badRequest(
                QStringLiteral(
                    "dataframe_split: unexpected field '%1' (expected columns, data, index)")
                    .arg(it.key()));
            return false;
        }
    const QJsonValue data = split.value(QStringLiteral("data"));
    if (!data.isArray()) {
        error = badRequest(QStringLiteral("dataframe_split.data must be an array of rows"));
        return false;
    }
    QStringList names;
    if (split.contains(QStringLiteral("columns"))) {
        const QJsonValue cols = split.value(QStringLiteral("columns"));
        if (!cols.isArray()) {
            error = badRequest(
                QStringLiteral("dataframe_split.columns must be an array of column names"));
            return false;
        }
        for (const QJsonValue &c : cols.toArray()) {
            if (!c.isString()) {
                error = badRequest(
                    QStringLiteral("dataframe_split.columns must hold strings, got %1")
                        .arg(jsonTypeName(c)));
                return false;
            }
            names.append(c.toString());
        }
    } else {
        names = inputNames(model); // positional, in the model's input order
    }
    if (split.contains(QStringLiteral("index"))) {
        const QJsonValue index = split.value(QStringLiteral("index"));
        if (!index.isArray() || index.toArray().size() != data.toArray().size()) {
            error = badRequest(QStringLiteral(
                "dataframe_split.index must be an array with one entry per row of data"));
            return false;
        }
    }
    std::vector<int> columns;
    return b.mapColumns(names, columns, error)
           && fillRows(b, data.toArray(), columns, QStringLiteral("dataframe_split.data"), error);
}

// "instances" / "inputs": records, rows in input order, or (inputs only) {column: [values]}.
bool fillTensorInput(ColumnBuilder &b,
                     const ScoringModel &model,
                     const QString &key,
                     const QJsonValue &value,
                     RequestError &error)
{
    if (value.isObject() && key == u"inputs") {
        const QJsonObject columnsObject = value.toObject();
        QStringList names = columnsObject.keys();
        std::vector<int> columns;
        if (!b.mapColumns(names, columns, error))
            return false;
        qsizetype rows = -1;
        for (const QString &name : names) {
            const QJsonValue v = columnsObject.value(name);
            const qsizetype n = v.isArray() ? v.toArray().size() : 1;
            if (rows >= 0 && n != rows) {
                error = badRequest(
                    QStringLiteral("inputs: column '%1' has %2 values, another has %3; "
                                   "every column needs one value per row")
                        .arg(name)
                        .arg(n)
                        .arg(rows));
                return false;
            }
            rows = n;
        }
        b.setRows(std::max<qsizetype>(rows, 0));
        for (qsizetype j = 0; j < names.size(); ++j) {
            const QJsonValue v = columnsObject.value(names.at(j));
            if (!v.isArray()) {
                if (!b.set(columns[size_t(j)], 0, v, error))
                    return false;
                continue;
            }
            const QJsonArray a = v.toArray();
            for (qsizetype r = 0; r < a.size(); ++r)
                if (!b.set(columns[size_t(j)], r, a.at(r), error))
                    return false;
        }
        return true;
    }
    if (!value.isArray()) {
        error = badRequest(QStringLiteral("%1 must be an array of records or rows%2")
                               .arg(key,
                                    key == u"inputs"
                                        ? QStringLiteral(", or an object {column: [values]}")
                                        : QString()));
        return false;
    }
    const QJsonArray list = value.toArray();
    if (!list.isEmpty() && list.at(0).isObject())
        return fillRecords(b, list, key, error);
    std::vector<int> columns;
    return b.mapColumns(inputNames(model), columns, error)
           && fillRows(b, list, columns, key, error);
}

} // namespace

RequestDecoder::RequestDecoder(const ScoringModel &model)
    : m_model(model)
{}

bool RequestDecoder::decodeJson(const QByteArray &body, ScoringInput &out, RequestError &error) const
{
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(body, &parseError);
    if (parseError.error != QJsonParseError::NoError) {
        error = badRequest(QStringLiteral("malformed JSON at offset %1: %2")
                               .arg(parseError.offset)
                               .arg(parseError.errorString()));
        return false;
    }
    if (!doc.isObject()) {
        error = badRequest(
            QStringLiteral("the body must be a JSON object with one of dataframe_split, "
                           "dataframe_records, instances, inputs"));
        return false;
    }
    const QJsonObject root = doc.object();
    static const QStringList formats{QStringLiteral("dataframe_split"),
                                     QStringLiteral("dataframe_records"),
                                     QStringLiteral("instances"),
                                     QStringLiteral("inputs")};
    QString format;
    QStringList others;
    for (auto it = root.begin(); it != root.end(); ++it) {
        if (formats.contains(it.key())) {
            if (!format.isEmpty()) {
                error = badRequest(
                    QStringLiteral("the body has both '%1' and '%2'; send exactly one of "
                                   "dataframe_split, dataframe_records, instances, inputs")
                        .arg(format, it.key()));
                return false;
            }
            format = it.key();
        } else if (it.key() != u"params") {
            others.append(it.key());
        }
    }
    if (format.isEmpty() || !others.isEmpty()) {
        error = badRequest(
            QStringLiteral("the body must be a JSON object with exactly one of dataframe_split, "
                           "dataframe_records, instances, inputs (and optionally params); got "
                           "field(s): %1")
                .arg(root.keys().join(QStringLiteral(", "))));
        return false;
    }
    if (root.contains(QStringLiteral("params"))) {
        const QJsonValue params = root.value(QStringLiteral("params"));
        if (!params.isObject()) {
            error = invalidValue(QStringLiteral("params must be an object"));
            return false;
        }
        const QJsonObject p = params.toObject();
        for (auto it = p.begin(); it != p.end(); ++it) {
            if (it.key() != u"probabilities" || !it.value().isBool()) {
                error = invalidValue(QStringLiteral("params: unknown parameter '%1' (supported: "
                                                    "\"probabilities\": true|false)")
                                         .arg(it.key()));
                return false;
            }
            out.probabilities = it.value().toBool();
        }
    }

    ColumnBuilder b(m_model);
    const QJsonValue value = root.value(format);
    bool ok = false;
    if (format == u"dataframe_split") {
        ok = fillSplit(b, m_model, value, error);
    } else if (format == u"dataframe_records") {
        if (!value.isArray()) {
            error = badRequest(
                QStringLiteral("dataframe_records must be an array of {column: value} objects"));
            return false;
        }
        ok = fillRecords(b, value.toArray(), format, error);
    } else {
        ok = fillTensorInput(b, m_model, format, value, error);
    }
    if (!ok)
        return false;
    b.finish(out);
    return true;
}

bool RequestDecoder::decodeCsv(const QByteArray &body, ScoringInput &out, RequestError &error) const
{
    TablePtr table;
    try {
        table = m_model.readCsv(QStringLiteral("request body"), &body);
    } catch (const CsvError &e) {
        error = badRequest(QStringLiteral("malformed CSV: %1").arg(QString::fromUtf8(e.what())));
        return false;
    }
    const ColumnCheck check = m_model.checkTable(*table);
    if (!check.fits() || !check.unknown.isEmpty()) {
        error = invalidValue(check.message(true));
        return false;
    }
    out.rows = table->rowCount();
    if (out.rows == 1 && m_model.rowScorer()) {
        out.fastRow = true;
        out.row.resize(m_model.inputCount());
        for (int i = 0; i < m_model.inputCount(); ++i)
            out.row[i] = table->numeric(table->indexOf(m_model.model().inputs.at(i).name))[0];
        return true;
    }
    out.table = table;
    return true;
}

} // namespace fb
