#pragma once

#include "Transform.h"

namespace fb {

// How a column's fill value is learned from the training rows (scikit-learn's SimpleImputer
// strategies): mean and median for numeric columns only; the most frequent value (smallest
// among ties, as scikit-learn) and a constant for both kinds.
enum class ImputeStrategy { Mean, Median, MostFrequent, Constant };

QString imputeStrategyName(ImputeStrategy strategy); // "mean", "median", "most_frequent", "constant"
bool imputeStrategyFromName(const QString &name, ImputeStrategy *out);

struct ImputeOptions
{
    ImputeStrategy numeric = ImputeStrategy::Mean;
    ImputeStrategy categorical = ImputeStrategy::MostFrequent;
    double fillValue = 0.0;                       // constant for numeric columns
    QString fillText = QStringLiteral("missing"); // constant for categorical columns
};

// Replaces missing values (NaN, or an empty categorical cell) by a per-column value learned on
// the training table. Columns without missing values in training still get a value, so missing
// cells at prediction time are filled too.
class ImputeTransform final : public Transform
{
public:
    struct Fill
    {
        QString column;
        ColumnKind kind = ColumnKind::Numeric;
        ImputeStrategy strategy = ImputeStrategy::Mean;
        double number = 0.0; // numeric columns
        QString text;        // categorical columns
    };

    explicit ImputeTransform(QList<Fill> fills);

    // Throws SchemaError naming a missing column, a strategy that does not fit the column's
    // kind, or a column with no value at all in `table` (nothing to learn from).
    static std::shared_ptr<const ImputeTransform> fit(const Table &table,
                                                      const QStringList &columns,
                                                      const ImputeOptions &options);

    static QString kindName() { return QStringLiteral("impute"); }
    static TransformPtr fromJson(const QJsonObject &json);

    QString kind() const override { return kindName(); }
    QList<InputColumn> inputs() const override;
    QStringList outputColumns() const override;
    TablePtr apply(const TablePtr &table) const override;
    QJsonObject toJson() const override;
    QString describe() const override;

    const QList<Fill> &fills() const { return m_fills; }

private:
    QList<Fill> m_fills;
};

} // namespace fb
