#pragma once

#include "RowScorer.h"

#include "model/Model.h"

#include <QByteArray>
#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QStringList>

#include <memory>

namespace fb {

// How the columns of a scoring input relate to a model's input schema.
struct ColumnCheck
{
    QStringList missing;  // model inputs absent from the input
    QStringList unknown;  // input columns the model does not use
    QStringList mistyped; // "column 'x' must be numeric, it has 'abc' (row 3)"
    bool fits() const { return missing.isEmpty() && mistyped.isEmpty(); }
    // One message naming every problem (unknown columns only when `unknownIsError`).
    QString message(bool unknownIsError) const;
};

// A model prepared for scoring requests (the scoring server, `flowbench-cli predict`):
// input lookup by name, the single-row fast path, and predictions as MLflow-style JSON. Const
// after construction, so any number of threads score with one instance.
class ScoringModel
{
public:
    explicit ScoringModel(ModelPtr model);

    const Model &model() const { return *m_model; }
    const ModelPtr &modelPtr() const { return m_model; }
    int inputCount() const { return int(m_model->inputs.size()); }
    int inputIndex(const QString &name) const { return m_inputIndex.value(name, -1); }
    bool allNumeric() const { return m_allNumeric; }
    // Single rows of all-numeric models skip tables (see RowScorer); nullptr otherwise.
    const RowScorer *rowScorer() const { return m_rowScorer.get(); }
    bool isClassifier() const { return m_model->task() == ml::TaskKind::Classification; }

    // Reads CSV (a file, or `data` when not null) with the project's reader; categorical inputs
    // stay text even when their values look numeric (codes, zip codes). Throws CsvError.
    TablePtr readCsv(const QString &pathOrName, const QByteArray *data = nullptr) const;

    // Checks the columns of a table read from CSV (or built from a request) against the input
    // schema; a numeric input that came in as text names its first non-number value.
    ColumnCheck checkTable(const Table &table) const;

    // Appends {"predictions": [...]} (plus "classes" and "probabilities" when asked, for
    // classifiers) to `out`. Class labels that are all numbers are written as numbers.
    void writePredictions(QByteArray &out, const Prediction &p, bool probabilities) const;
    void writeRowPrediction(QByteArray &out, const RowScorer::Result &r, bool probabilities) const;
    // The label of class `index` (or the value) as JSON text.
    QByteArray labelJson(double value) const;
    // Label as CSV/text field: class name, cluster index or value.
    QString labelText(double value) const;

    // Model description for the server's /metadata: inputs with types, classes, task, lineage.
    QJsonObject metadata() const;

private:
    void writeProbabilities(QByteArray &out,
                            const double *p,
                            Eigen::Index k,
                            Eigen::Index stride) const;

    ModelPtr m_model;
    QHash<QString, int> m_inputIndex;
    bool m_allNumeric = true;
    std::unique_ptr<RowScorer> m_rowScorer;
    QList<QByteArray> m_classJson; // class index -> JSON value
    QByteArray m_classesJson;      // ["a","b"] for responses with probabilities
};

} // namespace fb
