#pragma once

#include "data/Table.h"
#include "model/Model.h"

#include <Eigen/Core>

#include <QStringList>

namespace fb {

// What a training node needs from its input table: the feature matrix (a zero-copy view when
// the feature columns are adjacent in storage), the target, and the schemas a Model records.
struct TrainingData
{
    TrainingData() = default;
    TrainingData(const TrainingData &) = delete; // X may point into scratch
    TrainingData &operator=(const TrainingData &) = delete;

    TablePtr table;
    QList<int> featureColumns;
    QStringList features;
    Eigen::MatrixXd scratch; // backing store when features had to be gathered
    ConstMatrixMap X{nullptr, 0, 0, Eigen::OuterStride<>(1)};
    QString target;
    // Classification: class index per row and the class labels (sorted, as scikit-learn).
    Eigen::VectorXi classIndex;
    QStringList classes;
    // Regression: the target values.
    Eigen::VectorXd y;
    // XXH3-128 of each feature column (canonical byte order, 16 bytes each), taken by
    // loadTrainingData in the same pass as the missing-value check; describe() hashes them.
    QByteArray columnDigests;

    // Fills `model` with everything but the estimator: features, raw input schema (worked back
    // through the preprocessing chain), target, classes, preprocessing, parameters and lineage
    // (`lineage` gives run, node and pipeline; the data hash and origin are added here).
    void describe(Model &model, const QString &algorithm, const QJsonObject &params, Lineage lineage) const;
};

enum class TargetKind { Classes, Values, None };

// Reads a training table. Refuses, with a message naming the column: no target column,
// categorical feature columns (one-hot encode first), missing values in features or target, a
// classification target with fewer than two classes, an empty table.
void loadTrainingData(const TablePtr &table, TargetKind target, TrainingData &out);

// Maps the target column of `table` onto `classes` (the model's labels). Unknown labels are
// refused by name; returns -1 for missing targets when `allowMissing`.
Eigen::VectorXi encodeClasses(const Table &table, int targetColumn, const QStringList &classes);

// A hash of the numeric feature and target values, for lineage: BLAKE2b-256 over the
// feature columns' digests (TrainingData::columnDigests) and the target values.
QString hashTrainingData(const QByteArray &columnDigests, const Table &table, int targetColumn);

} // namespace fb
