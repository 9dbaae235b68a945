#include "ScoringModel.h"

#include "JsonText.h"

#include "data/CsvReader.h"
#include "util/NameList.h"

#include <QJsonArray>
#include <QSet>

#include <cmath>

namespace fb {

namespace {

// The first value of a text column that is not a number, with its 1-based row.
QString firstNonNumber(const Table &table, int column)
{
    const CategoricalColumn &c = table.categorical(column);
    for (size_t row = 0; row < c.codes.size(); ++row) {
        if (c.codes[row] < 0)
            continue;
        bool ok = false;
        const QString &text = c.levels.at(c.codes[row]);
        text.trimmed().toDouble(&ok);
        if (!ok)
            return QStringLiteral("'%1' (row %2)").arg(text).arg(row + 1);
    }
    return QStringLiteral("text");
}

} // namespace

QString ColumnCheck::message(bool unknownIsError) const
{
    QStringList parts;
    if (!missing.isEmpty())
        parts.append(QStringLiteral("missing column(s): %1").arg(abbreviatedList(missing)));
    if (unknownIsError && !unknown.isEmpty())
        parts.append(QStringLiteral("unknown column(s): %1").arg(abbreviatedList(unknown)));
    parts.append(mistyped);
    return parts.join(QStringLiteral("; "));
}

ScoringModel::ScoringModel(ModelPtr model)
    : m_model(std::move(model))
{
    for (int i = 0; i < m_model->inputs.size(); ++i) {
        m_inputIndex.insert(m_model->inputs.at(i).name, i);
        if (m_model->inputs.at(i).kind != ColumnKind::Numeric)
            m_allNumeric = false;
    }
    m_rowScorer = RowScorer::compile(m_model);

    // Labels that are all numbers (iris coded 0/1/2) go out as numbers, as the predict node
    // makes them numeric columns; text labels as strings.
    bool numeric = true;
    for (const QString &c : m_model->classes) {
        bool ok = false;
        c.toDouble(&ok);
        numeric = numeric && ok;
    }
    m_classesJson = "[";
    for (int k = 0; k < m_model->classes.size(); ++k) {
        QByteArray json;
        if (numeric)
            jsontext::appendNumber(json, m_model->classes.at(k).toDouble());
        else
            jsontext::appendString(json, m_model->classes.at(k));
        m_classJson.append(json);
        if (k)
            m_classesJson += ',';
        m_classesJson += json;
    }
    m_classesJson += ']';
}

TablePtr ScoringModel::readCsv(const QString &pathOrName, const QByteArray *data) const
{
    auto read = [&](const CsvOptions &options) {
        return data ? CsvReader::readData(*data, pathOrName, options)
                    : CsvReader::readFile(pathOrName, options);
    };
    // The reader refuses to force a column the file does not have, so read once as it comes and
    // again only when a categorical input looked numeric.
    TablePtr table = read(CsvOptions{});
    CsvOptions forced;
    for (const InputColumn &in : m_model->inputs) {
        const int i = table->indexOf(in.name);
        if (in.kind == ColumnKind::Categorical && i >= 0
            && table->column(i).kind == ColumnKind::Numeric)
            forced.categorical.append(in.name);
    }
    return forced.categorical.isEmpty() ? table : read(forced);
}

ColumnCheck ScoringModel::checkTable(const Table &table) const
{
    ColumnCheck check;
    for (const InputColumn &in : m_model->inputs) {
        const int i = table.indexOf(in.name);
        if (i < 0) {
            check.missing.append(in.name);
        } else if (table.column(i).kind != in.kind) {
            if (in.kind == ColumnKind::Numeric)
                check.mistyped.append(QStringLiteral("column '%1' must be numeric, it has %2")
                                          .arg(in.name, firstNonNumber(table, i)));
            else
                check.mistyped.append(
                    QStringLiteral("column '%1' must be categorical, it is numeric").arg(in.name));
        }
    }
    for (const Column &c : table.columns())
        if (!m_inputIndex.contains(c.name))
            check.unknown.append(c.name);
    return check;
}

QByteArray ScoringModel::labelJson(double value) const
{
    if (isClassifier()) {
        const qsizetype k = qsizetype(value);
        if (k >= 0 && k < m_classJson.size())
            return m_classJson.at(k);
    }
    QByteArray out;
    jsontext::appendNumber(out, value);
    return out;
}

QString ScoringModel::labelText(double value) const
{
    if (isClassifier()) {
        const qsizetype k = qsizetype(value);
        if (k >= 0 && k < m_model->classes.size())
            return m_model->classes.at(k);
    }
    QByteArray out;
    jsontext::appendNumber(out, value);
    return out == "null" ? QString() : QString::fromLatin1(out);
}

void ScoringModel::writeProbabilities(QByteArray &out,
                                      const double *p,
                                      Eigen::Index k,
                                      Eigen::Index stride) const
{
    out += '[';
    for (Eigen::Index j = 0; j < k; ++j) {
        if (j)
            out += ',';
        jsontext::appendNumber(out, p[j * stride]);
    }
    out += ']';
}

void ScoringModel::writePredictions(QByteArray &out, const Prediction &p, bool probabilities) const
{
    out += "{\"predictions\":[";
    for (Eigen::Index i = 0; i < p.values.size(); ++i) {
        if (i)
            out += ',';
        out += labelJson(p.values[i]);
    }
    out += ']';
    if (probabilities && isClassifier()) {
        out += ",\"classes\":";
        out += m_classesJson;
        out += ",\"probabilities\":[";
        for (Eigen::Index i = 0; i < p.proba.rows(); ++i) {
            if (i)
                out += ',';
            writeProbabilities(out, p.proba.data() + i, p.proba.cols(), p.proba.rows());
        }
        out += ']';
    }
    out += '}';
}

void ScoringModel::writeRowPrediction(QByteArray &out,
                                      const RowScorer::Result &r,
                                      bool probabilities) const
{
    out += "{\"predictions\":[";
    out += labelJson(r.value);
    out += ']';
    if (probabilities && isClassifier()) {
        out += ",\"classes\":";
        out += m_classesJson;
        out += ",\"probabilities\":[";
        writeProbabilities(out, r.proba.data(), r.proba.size(), 1);
        out += ']';
    }
    out += '}';
}

QJsonObject ScoringModel::metadata() const
{
    const Model &m = *m_model;
    QJsonArray inputs;
    for (const InputColumn &in : m.inputs)
        inputs.append(QJsonObject{{QStringLiteral("name"), in.name},
                                  {QStringLiteral("type"),
                                   in.kind == ColumnKind::Numeric ? QStringLiteral("double")
                                                                  : QStringLiteral("string")}});
    QJsonArray steps;
    for (const TransformPtr &step : m.preprocessing)
        steps.append(step->kind());
    QJsonObject meta{
        {QStringLiteral("algorithm"), m.algorithm},
        {QStringLiteral("task"), taskKindName(m.task())},
        {QStringLiteral("target"), m.target},
        {QStringLiteral("inputs"), inputs},
        {QStringLiteral("features"), QJsonArray::fromStringList(m.features)},
        {QStringLiteral("preprocessing"), steps},
        {QStringLiteral("lineage"),
         QJsonObject{{QStringLiteral("run_id"), m.lineage.runId},
                     {QStringLiteral("node_id"), m.lineage.nodeId},
                     {QStringLiteral("pipeline_hash"), m.lineage.pipelineHash},
                     {QStringLiteral("data_hash"), m.lineage.dataHash},
                     {QStringLiteral("data_origin"), m.lineage.dataOrigin},
                     {QStringLiteral("flowbench_version"), m.lineage.flowbenchVersion}}},
    };
    if (isClassifier())
        meta.insert(QStringLiteral("classes"), QJsonArray::fromStringList(m.classes));
    return meta;
}

} // namespace fb
