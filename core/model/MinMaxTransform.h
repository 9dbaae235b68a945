#pragma once

#include "Transform.h"

namespace fb {

// Min-max scaling (scikit-learn's MinMaxScaler): x' = x · scale + offset with
// scale = (hi - lo) / (max - min) and offset = lo - min · scale, learned per column on the
// training rows (missing values ignored), so training values land in [lo, hi]. A constant
// column gets scale hi - lo (its range counts as 1, as scikit-learn does). Values outside the
// training range map outside [lo, hi] unless `clip` is set.
class MinMaxTransform final : public Transform
{
public:
    MinMaxTransform(QStringList columns,
                    std::vector<double> dataMin,
                    std::vector<double> dataMax,
                    double lo,
                    double hi,
                    bool clip);

    // Throws SchemaError for missing or categorical columns, a column without values, or
    // lo >= hi.
    static std::shared_ptr<const MinMaxTransform> fit(const Table &table,
                                                      const QStringList &columns,
                                                      double lo = 0.0,
                                                      double hi = 1.0,
                                                      bool clip = false);

    static QString kindName() { return QStringLiteral("minmax_scale"); }
    static TransformPtr fromJson(const QJsonObject &json);

    QString kind() const override { return kindName(); }
    QList<InputColumn> inputs() const override;
    QStringList outputColumns() const override { return m_columns; }
    TablePtr apply(const TablePtr &table) const override;
    QJsonObject toJson() const override;
    QString describe() const override;

    const std::vector<double> &scales() const { return m_scale; }
    const std::vector<double> &offsets() const { return m_offset; }

private:
    QStringList m_columns;
    std::vector<double> m_min;
    std::vector<double> m_max;
    double m_lo = 0.0;
    double m_hi = 1.0;
    bool m_clip = false;
    std::vector<double> m_scale;
    std::vector<double> m_offset;
};

} // namespace fb
