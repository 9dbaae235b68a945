#pragma once

#include "data/Table.h"

#include <QJsonObject>
#include <QString>
#include <QStringList>

#include <memory>
#include <stdexcept>

namespace fb {

// A raw input column a model or transform needs, as it was in the training data.
struct InputColumn
{
    QString name;
    ColumnKind kind = ColumnKind::Numeric;
    bool operator==(const InputColumn &) const = default;
};

// A column named by a transform or a model is absent or of the wrong kind in the input.
struct SchemaError : std::runtime_error
{
    explicit SchemaError(const QString &message)
        : std::runtime_error(message.toStdString())
    {}
};

// A fitted, reusable preprocessing step (standardize, impute, one-hot, ...). Fitted on training
// data by a node, applied to test data by the same node and, later, by every model trained
// downstream, so that exported models predict from raw columns.
class Transform
{
public:
    virtual ~Transform() = default;
    virtual QString kind() const = 0;
    // Columns this step reads from its input table, with the kind it expects.
    virtual QList<InputColumn> inputs() const = 0;
    // Columns this step writes (replaced in place or added). Lets a model work out which raw
    // columns it needs: its features, minus what steps produce, plus what steps read.
    virtual QStringList outputColumns() const = 0;
    // Returns the transformed table; throws SchemaError naming a missing or mistyped column.
    virtual TablePtr apply(const TablePtr &table) const = 0;
    // Serialised form, including "kind".
    virtual QJsonObject toJson() const = 0;
    // One line for model summaries.
    virtual QString describe() const = 0;

    using Loader = std::shared_ptr<const Transform> (*)(const QJsonObject &);
    static void registerKind(const QString &kind, Loader loader);
    // Throws SchemaError for an unknown kind or malformed fields.
    static std::shared_ptr<const Transform> fromJson(const QJsonObject &json);
};

using TransformPtr = std::shared_ptr<const Transform>;

// Applies a fitted step and records it in the result's preprocessing list, so that models
// trained downstream carry it and do not apply it twice.
TablePtr applyStep(const TransformPtr &step, const TablePtr &table);

// Helpers for transforms that map numeric columns one to one.
namespace transformutil {
// Indices of `names` in `table`, which must all be numeric; throws SchemaError otherwise.
QList<int> numericColumns(const Table &table, const QStringList &names, const QString &step);
// A copy of `table` in which the numeric columns `indices` are replaced by `values` (same
// order). Other columns still share storage with the input.
TablePtr replaceNumeric(const Table &table, const QList<int> &indices, Eigen::MatrixXd values);
std::vector<double> doubles(const QJsonObject &json, const QString &key, qsizetype expected);
QStringList strings(const QJsonObject &json, const QString &key);
} // namespace transformutil

} // namespace fb
