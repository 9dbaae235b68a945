#pragma once

#include "Transform.h"

#include <ml/common/Observer.h>
#include <ml/decomposition/Pca.h>

#include <memory>

namespace fb {

// Projects numeric columns onto their principal components (core/ml/decomposition/Pca): the
// input columns are replaced, at the place of the first of them, by pc1..pck (feature role),
// so a model trained downstream sees the components and, through this step, predicts from the
// raw columns. Missing values give missing components.
class PcaTransform final : public Transform
{
public:
    PcaTransform(QStringList columns, std::shared_ptr<const ml::Pca> pca);

    // Fits on the numeric columns `columns` of `table` (no missing values allowed: throws
    // SchemaError naming the column). Cancellation through `observer` (ml::Cancelled).
    static std::shared_ptr<const PcaTransform> fit(const Table &table,
                                                   const QStringList &columns,
                                                   const ml::PcaParams &params,
                                                   ml::Observer &observer);

    static QString kindName() { return QStringLiteral("pca"); }
    static TransformPtr fromJson(const QJsonObject &json);

    QString kind() const override { return kindName(); }
    QList<InputColumn> inputs() const override;
    QStringList outputColumns() const override;
    TablePtr apply(const TablePtr &table) const override;
    QJsonObject toJson() const override;
    QString describe() const override;

    const ml::Pca &pca() const { return *m_pca; }

private:
    QStringList m_columns;
    std::shared_ptr<const ml::Pca> m_pca;
};

} // namespace fb
