#pragma once

#include "Transform.h"

namespace fb {

// z = (x - mean) / scale per column, with scale = population standard deviation (as
// scikit-learn's StandardScaler); constant columns get scale 1 so they map to 0.
class StandardizeTransform final : public Transform
{
public:
    StandardizeTransform(QStringList columns, std::vector<double> means, std::vector<double> scales);

    // Fits on the numeric columns `columns` of `table`, ignoring missing values.
    static std::shared_ptr<const StandardizeTransform> fit(const Table &table, const QStringList &columns);

    static QString kindName() { return QStringLiteral("standardize"); }
    static TransformPtr fromJson(const QJsonObject &json);

    QString kind() const override { return kindName(); }
    QList<InputColumn> inputs() const override;
    QStringList outputColumns() const override { return m_columns; }
    TablePtr apply(const TablePtr &table) const override;
    QJsonObject toJson() const override;
    QString describe() const override;

    const std::vector<double> &means() const { return m_means; }
    const std::vector<double> &scales() const { return m_scales; }

private:
    QStringList m_columns;
    std::vector<double> m_means;
    std::vector<double> m_scales;
};

} // namespace fb
