#include "Transform.h"

#include "ImputeTransform.h"
#include "MinMaxTransform.h"
#include "OneHotTransform.h"
#include "PcaTransform.h"
#include "StandardizeTransform.h"

#include <QHash>
#include <QJsonArray>
#include <QMutex>

#include <mutex>

namespace fb {

namespace {

struct Registry
{
    QMutex mutex;
    QHash<QString, Transform::Loader> loaders;
};

Registry &registry()
{
    static Registry r;
    return r;
}

void registerBuiltins()
{
    static std::once_flag once;
    std::call_once(once, [] {
        Transform::registerKind(StandardizeTransform::kindName(), &StandardizeTransform::fromJson);
        Transform::registerKind(PcaTransform::kindName(), &PcaTransform::fromJson);
        Transform::registerKind(MinMaxTransform::kindName(), &MinMaxTransform::fromJson);
        Transform::registerKind(ImputeTransform::kindName(), &ImputeTransform::fromJson);
        Transform::registerKind(OneHotTransform::kindName(), &OneHotTransform::fromJson);
    });
}

} // namespace

void Transform::registerKind(const QString &kind, Loader loader)
{
    QMutexLocker lock(&registry().mutex);
    registry().loaders.insert(kind, loader);
}

TransformPtr Transform::fromJson(const QJsonObject &json)
{
    registerBuiltins();
    const QString kind = json.value(QStringLiteral("kind")).toString();
    Loader loader = nullptr;
    {
        QMutexLocker lock(&registry().mutex);
        loader = registry().loaders.value(kind);
    }
    if (!loader)
        throw SchemaError(QStringLiteral("unknown preprocessing step '%1'").arg(kind));
    return loader(json);
}

TablePtr applyStep(const TransformPtr &step, const TablePtr &table)
{
    Table::TransformList chain = table->preprocessing();
    chain.append(step);
    return step->apply(table)->withPreprocessing(std::move(chain));
}

namespace transformutil {

QList<int> numericColumns(const Table &table, const QStringList &names, const QString &step)
{
    QList<int> out;
    for (const QString &name : names) {
        const int i = table.indexOf(name);
        if (i < 0)
            throw SchemaError(QStringLiteral("%1: input has no column '%2'").arg(step, name));
        if (table.column(i).kind != ColumnKind::Numeric)
            throw SchemaError(QStringLiteral("%1: column '%2' must be numeric, it is categorical")
                                  .arg(step, name));
        out.append(i);
    }
    return out;
}

TablePtr replaceNumeric(const Table &table, const QList<int> &indices, Eigen::MatrixXd values)
{
    // New storage = the old numeric store's columns still in use + the new columns appended.
    QList<Column> cols = table.columns();
    const Eigen::Index oldCols = table.numericData().cols();
    auto store = std::make_shared<Eigen::MatrixXd>(table.rowCount(), oldCols + values.cols());
    // Untouched columns are still copied once here: Eigen matrices cannot share columns.
    // Transforms run on split tables, which are fresh copies anyway.
    store->leftCols(oldCols) = table.numericData();
    store->rightCols(values.cols()) = values;
    for (int j = 0; j < indices.size(); ++j)
        cols[indices.at(j)].storage = int(oldCols + j);
    auto out = std::make_shared<const Table>(cols, store, table.sharedCategorical(), table.rowCount());
    return out->withPreprocessing(table.preprocessing())->withOrigin(table.origin());
}

std::vector<double> doubles(const QJsonObject &json, const QString &key, qsizetype expected)
{
    const QJsonArray a = json.value(key).toArray();
    if (a.size() != expected)
        throw SchemaError(QStringLiteral("preprocessing field '%1': expected %2 numbers, got %3")
                              .arg(key).arg(expected).arg(a.size()));
    std::vector<double> out;
    out.reserve(size_t(a.size()));
    for (const QJsonValue &v : a) {
        if (!v.isDouble())
            throw SchemaError(QStringLiteral("preprocessing field '%1': expected numbers").arg(key));
        out.push_back(v.toDouble());
    }
    return out;
}

QStringList strings(const QJsonObject &json, const QString &key)
{
    QStringList out;
    for (const QJsonValue &v : json.value(key).toArray()) {
        if (!v.isString())
            throw SchemaError(QStringLiteral("preprocessing field '%1': expected names").arg(key));
        out.append(v.toString());
    }
    return out;
}

} // namespace transformutil

} // namespace fb
