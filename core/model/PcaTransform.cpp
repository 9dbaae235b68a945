#include "PcaTransform.h"

#include "ArchiveJson.h"
#include "TableAssembler.h"

#include <QJsonArray>

#include <algorithm>
#include <cmath>
#include <functional>
#include <vector>

namespace fb {

namespace {

const QString stepName = QStringLiteral("pca");

} // namespace

PcaTransform::PcaTransform(QStringList columns, std::shared_ptr<const ml::Pca> pca)
    : m_columns(std::move(columns))
    , m_pca(std::move(pca))
{}

std::shared_ptr<const PcaTransform> PcaTransform::fit(const Table &table,
                                                      const QStringList &columns,
                                                      const ml::PcaParams &params,
                                                      ml::Observer &observer)
{
    const QList<int> idx = transformutil::numericColumns(table, columns, stepName);
    Eigen::MatrixXd scratch;
    const ConstMatrixMap X = table.numericColumns(idx, scratch);
    for (Eigen::Index j = 0; j < X.cols(); ++j)
        if (X.col(j).hasNaN())
            throw SchemaError(
                QStringLiteral("pca: column '%1' has missing values; impute them first")
                    .arg(columns.at(int(j))));
    auto pca = std::make_shared<ml::Pca>(params);
    try {
        pca->fit(X, observer);
    } catch (const std::invalid_argument &e) {
        throw SchemaError(QStringLiteral("pca: %1").arg(QString::fromUtf8(e.what())));
    }
    return std::make_shared<const PcaTransform>(columns, std::move(pca));
}

QList<InputColumn> PcaTransform::inputs() const
{
    QList<InputColumn> out;
    for (const QString &c : m_columns)
        out.append({c, ColumnKind::Numeric});
    return out;
}

QStringList PcaTransform::outputColumns() const
{
    QStringList out;
    for (Eigen::Index j = 0; j < m_pca->componentCount(); ++j)
        out.append(QStringLiteral("pc%1").arg(j + 1));
    return out;
}

TablePtr PcaTransform::apply(const TablePtr &table) const
{
    const QList<int> idx = transformutil::numericColumns(*table, m_columns, stepName);
    Eigen::MatrixXd scratch;
    const Eigen::MatrixXd scores = m_pca->transform(table->numericColumns(idx, scratch));

    TableAssembler out(table);
    // The components take the place of the first input column (the target stays last).
    std::vector<int> at;
    for (const QString &name : m_columns)
        at.push_back(out.indexOf(name));
    std::sort(at.begin(), at.end(), std::greater<>());
    for (int position : at)
        out.remove(position);
    const int position = at.empty() ? out.columnCount() : at.back();
    const QStringList names = outputColumns();
    for (int j = 0; j < names.size(); ++j) {
        if (out.indexOf(names.at(j)) >= 0)
            throw SchemaError(QStringLiteral("pca: the input already has a column '%1' that is not "
                                             "one of the projected columns; rename it first")
                                  .arg(names.at(j)));
        out.insertNumeric(position + j, names.at(j), ColumnRole::Feature, scores.col(j));
    }
    return out.build();
}

QJsonObject PcaTransform::toJson() const
{
    ml::Archive archive;
    m_pca->save(archive);
    return QJsonObject{{QStringLiteral("kind"), kindName()},
                       {QStringLiteral("columns"), QJsonArray::fromStringList(m_columns)},
                       {QStringLiteral("pca"), archiveToJson(archive)}};
}

TransformPtr PcaTransform::fromJson(const QJsonObject &json)
{
    QStringList cols = transformutil::strings(json, QStringLiteral("columns"));
    std::unique_ptr<ml::Estimator> estimator;
    try {
        estimator = ml::Pca::load(archiveFromJson(json.value(QStringLiteral("pca")).toObject()));
    } catch (const ml::ArchiveError &e) {
        throw SchemaError(QStringLiteral("pca: %1").arg(QString::fromUtf8(e.what())));
    }
    std::shared_ptr<const ml::Pca> pca(static_cast<ml::Pca *>(estimator.release()));
    if (pca->featureCount() != cols.size())
        throw SchemaError(QStringLiteral("pca: %1 columns but the projection expects %2")
                              .arg(cols.size())
                              .arg(pca->featureCount()));
    return std::make_shared<const PcaTransform>(std::move(cols), std::move(pca));
}

QString PcaTransform::describe() const
{
    return QStringLiteral("pca: %1 column(s) -> %2 component(s) explaining %3% of the variance%4")
        .arg(m_columns.size())
        .arg(m_pca->componentCount())
        .arg(100.0 * m_pca->explainedVarianceRatio().sum(), 0, 'f', 1)
        .arg(m_pca->params().whiten ? QStringLiteral(", whitened") : QString());
}

} // namespace fb
