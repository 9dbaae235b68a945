#include "Model.h"

#include <cmath>

namespace fb {

QString taskKindName(ml::TaskKind task)
{
    switch (task) {
    case ml::TaskKind::Regression:
        return QStringLiteral("regression");
    case ml::TaskKind::Classification:
        return QStringLiteral("classification");
    case ml::TaskKind::Clustering:
        return QStringLiteral("clustering");
    case ml::TaskKind::Transform:
        return QStringLiteral("transform");
    }
    return {};
}

QString Model::summary() const
{
    QString s = QStringLiteral("%1 (%2) on %3 feature(s)")
                    .arg(algorithm, taskKindName(task()))
                    .arg(features.size());
    if (!classes.isEmpty())
        s += QStringLiteral(", %1 classes").arg(classes.size());
    return s;
}

TablePtr Model::prepare(const TablePtr &input) const
{
    // A table records the fitted steps it already went through. A table that went through the
    // model's own first k steps (a test table scaled by the same Standardize node) gets only the
    // remaining ones; a raw table gets all of them. Steps compare by content, not identity:
    // tables and models restored from the output cache hold equal but distinct objects.
    const Table::TransformList &applied = input->preprocessing();
    if (applied.size() > preprocessing.size())
        throw SchemaError(QStringLiteral("the table went through preprocessing steps the model "
                                         "does not have; pass the raw table or the one prepared "
                                         "with the model's own steps"));
    for (qsizetype i = 0; i < applied.size(); ++i)
        if (applied.at(i) != preprocessing.at(i) && applied.at(i)->toJson() != preprocessing.at(i)->toJson())
            throw SchemaError(QStringLiteral("the table was preprocessed by a different '%1' step "
                                             "than the model's training data")
                                  .arg(applied.at(i)->kind()));
    if (applied.isEmpty()) {
        QStringList missing;
        for (const InputColumn &in : inputs) {
            const int i = input->indexOf(in.name);
            if (i < 0) {
                missing.append(in.name);
                continue;
            }
            if (input->column(i).kind != in.kind)
                throw SchemaError(QStringLiteral("column '%1' must be %2, it is %3")
                                      .arg(in.name, columnKindName(in.kind),
                                           columnKindName(input->column(i).kind)));
        }
        if (!missing.isEmpty())
            throw SchemaError(QStringLiteral("missing column(s): %1").arg(missing.join(QStringLiteral(", "))));
    }
    TablePtr t = input;
    for (qsizetype i = applied.size(); i < preprocessing.size(); ++i)
        t = applyStep(preprocessing.at(i), t);
    return t;
}

Eigen::MatrixXd Model::featureMatrix(const Table &prepared) const
{
    Eigen::MatrixXd X(prepared.rowCount(), features.size());
    for (int j = 0; j < features.size(); ++j) {
        const int i = prepared.indexOf(features.at(j));
        if (i < 0)
            throw SchemaError(QStringLiteral("missing column '%1'").arg(features.at(j)));
        if (prepared.column(i).kind != ColumnKind::Numeric)
            throw SchemaError(QStringLiteral("column '%1' must be numeric").arg(features.at(j)));
        X.col(j) = prepared.numeric(i);
        if (X.col(j).hasNaN()) {
            Eigen::Index row = 0;
            for (; row < X.rows() && !std::isnan(X(row, j)); ++row) {}
            throw SchemaError(QStringLiteral("column '%1' has a missing value (row %2); the model "
                                             "needs a value there (add an Impute step before "
                                             "training to handle missing values)")
                                  .arg(features.at(j)).arg(row + 1));
        }
        // An infinite input (a "1e999" in a CSV) would give NaN scores or an arbitrary class.
        if (!X.col(j).allFinite()) {
            Eigen::Index row = 0;
            for (; row < X.rows() && std::isfinite(X(row, j)); ++row) {}
            throw SchemaError(QStringLiteral("column '%1' has an infinite value (row %2); the "
                                             "model needs a finite number there")
                                  .arg(features.at(j)).arg(row + 1));
        }
    }
    return X;
}

Prediction Model::predict(const TablePtr &raw) const
{
    const TablePtr prepared = prepare(raw);
    const Eigen::MatrixXd X = featureMatrix(*prepared);
    Prediction p;
    if (task() == ml::TaskKind::Classification) {
        p.proba = estimator->predictProba(X);
        p.values.resize(X.rows());
        p.labels.reserve(X.rows());
        for (Eigen::Index i = 0; i < X.rows(); ++i) {
            Eigen::Index best = 0;
            p.proba.row(i).maxCoeff(&best);
            p.values[i] = double(best);
            p.labels.append(best < classes.size() ? classes.at(best) : QString::number(best));
        }
    } else {
        p.values = estimator->predict(X);
    }
    return p;
}

} // namespace fb
