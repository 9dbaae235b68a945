#include "StandardizeTransform.h"

#include <QJsonArray>

#include <cmath>

namespace fb {

StandardizeTransform::StandardizeTransform(QStringList columns,
                                           std::vector<double> means,
                                           std::vector<double> scales)
    : m_columns(std::move(columns))
    , m_means(std::move(means))
    , m_scales(std::move(scales))
{}

std::shared_ptr<const StandardizeTransform> StandardizeTransform::fit(const Table &table,
                                                                      const QStringList &columns)
{
    const QList<int> idx = transformutil::numericColumns(table, columns, QStringLiteral("standardize"));
    std::vector<double> means, scales;
    for (int i : idx) {
        const auto col = table.numeric(i);
        double sum = 0, n = 0;
        for (Eigen::Index r = 0; r < col.size(); ++r)
            if (!std::isnan(col[r])) {
                sum += col[r];
                n += 1;
            }
        const double mean = n > 0 ? sum / n : 0.0;
        double ss = 0;
        for (Eigen::Index r = 0; r < col.size(); ++r)
            if (!std::isnan(col[r]))
                ss += (col[r] - mean) * (col[r] - mean);
        const double sd = n > 0 ? std::sqrt(ss / n) : 0.0;
        means.push_back(mean);
        // Same rule as scikit-learn: a (near-)constant column is centred but not scaled.
        scales.push_back(sd < 10 * std::numeric_limits<double>::epsilon() * std::max(1.0, std::abs(mean)) ? 1.0 : sd);
    }
    return std::make_shared<const StandardizeTransform>(columns, std::move(means), std::move(scales));
}

QList<InputColumn> StandardizeTransform::inputs() const
{
    QList<InputColumn> out;
    for (const QString &c : m_columns)
        out.append({c, ColumnKind::Numeric});
    return out;
}

TablePtr StandardizeTransform::apply(const TablePtr &table) const
{
    const QList<int> idx = transformutil::numericColumns(*table, m_columns, QStringLiteral("standardize"));
    Eigen::MatrixXd values(table->rowCount(), idx.size());
    for (int j = 0; j < idx.size(); ++j)
        values.col(j) = (table->numeric(idx.at(j)).array() - m_means[size_t(j)]) / m_scales[size_t(j)];
    return transformutil::replaceNumeric(*table, idx, std::move(values));
}

QJsonObject StandardizeTransform::toJson() const
{
    QJsonArray means, scales;
    for (double m : m_means)
        means.append(m);
    for (double s : m_scales)
        scales.append(s);
    return QJsonObject{{QStringLiteral("kind"), kindName()},
                       {QStringLiteral("columns"), QJsonArray::fromStringList(m_columns)},
                       {QStringLiteral("mean"), means},
                       {QStringLiteral("scale"), scales}};
}

TransformPtr StandardizeTransform::fromJson(const QJsonObject &json)
{
    QStringList cols = transformutil::strings(json, QStringLiteral("columns"));
    auto means = transformutil::doubles(json, QStringLiteral("mean"), cols.size());
    auto scales = transformutil::doubles(json, QStringLiteral("scale"), cols.size());
    for (double s : scales)
        if (!(s > 0) || !std::isfinite(s))
            throw SchemaError(QStringLiteral("standardize: scales must be positive numbers"));
    return std::make_shared<const StandardizeTransform>(std::move(cols), std::move(means), std::move(scales));
}

QString StandardizeTransform::describe() const
{
    return QStringLiteral("standardize %1 column(s): %2").arg(m_columns.size()).arg(m_columns.join(QStringLiteral(", ")));
}

} // namespace fb
