#include "MinMaxTransform.h"

#include <QJsonArray>

#include <algorithm>
#include <cmath>

namespace fb {

namespace {
const QString stepName = QStringLiteral("minmax_scale");
}

MinMaxTransform::MinMaxTransform(QStringList columns,
                                 std::vector<double> dataMin,
                                 std::vector<double> dataMax,
                                 double lo,
                                 double hi,
                                 bool clip)
    : m_columns(std::move(columns))
    , m_min(std::move(dataMin))
    , m_max(std::move(dataMax))
    , m_lo(lo)
    , m_hi(hi)
    , m_clip(clip)
{
    // scikit-learn 1.2 (MinMaxScaler.partial_fit): scale_ = (hi - lo) / _handle_zeros_in_scale(range),
    // min_ = lo - data_min * scale_, and transform computes X * scale_ + min_.
    for (size_t j = 0; j < m_min.size(); ++j) {
        double range = m_max[j] - m_min[j];
        if (range < 10 * std::numeric_limits<double>::epsilon())
            range = 1.0;
        m_scale.push_back((m_hi - m_lo) / range);
        m_offset.push_back(m_lo - m_min[j] * m_scale.back());
    }
}

std::shared_ptr<const MinMaxTransform> MinMaxTransform::fit(
    const Table &table, const QStringList &columns, double lo, double hi, bool clip)
{
    if (!(lo < hi))
        throw SchemaError(
            QStringLiteral("%1: the feature range minimum (%2) must be below its maximum (%3)")
                .arg(stepName)
                .arg(lo)
                .arg(hi));
    const QList<int> idx = transformutil::numericColumns(table, columns, stepName);
    std::vector<double> mins, maxs;
    for (int j = 0; j < idx.size(); ++j) {
        double mn = std::numeric_limits<double>::infinity();
        double mx = -mn;
        for (double v : table.numeric(idx.at(j))) {
            if (std::isnan(v))
                continue;
            mn = std::min(mn, v);
            mx = std::max(mx, v);
        }
        if (mn > mx)
            throw SchemaError(QStringLiteral("%1: column '%2' has no values in the training table")
                                  .arg(stepName, columns.at(j)));
        mins.push_back(mn);
        maxs.push_back(mx);
    }
    return std::make_shared<const MinMaxTransform>(columns,
                                                   std::move(mins),
                                                   std::move(maxs),
                                                   lo,
                                                   hi,
                                                   clip);
}

QList<InputColumn> MinMaxTransform::inputs() const
{
    QList<InputColumn> out;
    for (const QString &c : m_columns)
        out.append({c, ColumnKind::Numeric});
    return out;
}

TablePtr MinMaxTransform::apply(const TablePtr &table) const
{
    const QList<int> idx = transformutil::numericColumns(*table, m_columns, stepName);
    Eigen::MatrixXd values(table->rowCount(), idx.size());
    for (int j = 0; j < idx.size(); ++j) {
        values.col(j) = table->numeric(idx.at(j)).array() * m_scale[size_t(j)]
                        + m_offset[size_t(j)];
        if (m_clip) // missing values stay missing
            values.col(j) = values.col(j).unaryExpr(
                [this](double v) { return std::isnan(v) ? v : std::clamp(v, m_lo, m_hi); });
    }
    return transformutil::replaceNumeric(*table, idx, std::move(values));
}

QJsonObject MinMaxTransform::toJson() const
{
    QJsonArray mins, maxs;
    for (double v : m_min)
        mins.append(v);
    for (double v : m_max)
        maxs.append(v);
    return QJsonObject{{QStringLiteral("kind"), kindName()},
                       {QStringLiteral("columns"), QJsonArray::fromStringList(m_columns)},
                       {QStringLiteral("data_min"), mins},
                       {QStringLiteral("data_max"), maxs},
                       {QStringLiteral("feature_range"), QJsonArray{m_lo, m_hi}},
                       {QStringLiteral("clip"), m_clip}};
}

TransformPtr MinMaxTransform::fromJson(const QJsonObject &json)
{
    QStringList cols = transformutil::strings(json, QStringLiteral("columns"));
    auto mins = transformutil::doubles(json, QStringLiteral("data_min"), cols.size());
    auto maxs = transformutil::doubles(json, QStringLiteral("data_max"), cols.size());
    const auto range = transformutil::doubles(json, QStringLiteral("feature_range"), 2);
    if (!(range[0] < range[1]))
        throw SchemaError(QStringLiteral("minmax_scale: feature_range must be increasing"));
    for (size_t j = 0; j < mins.size(); ++j)
        if (!(mins[j] <= maxs[j]))
            throw SchemaError(QStringLiteral("minmax_scale: data_min must not exceed data_max"));
    return std::make_shared<const MinMaxTransform>(std::move(cols),
                                                   std::move(mins),
                                                   std::move(maxs),
                                                   range[0],
                                                   range[1],
                                                   json.value(QStringLiteral("clip")).toBool());
}

QString MinMaxTransform::describe() const
{
    return QStringLiteral("min-max scale %1 column(s) to [%2, %3]%4: %5")
        .arg(m_columns.size())
        .arg(m_lo)
        .arg(m_hi)
        .arg(m_clip ? QStringLiteral(" (clipped)") : QString())
        .arg(m_columns.join(QStringLiteral(", ")));
}

} // namespace fb
