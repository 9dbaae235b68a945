#pragma once

#include "Transform.h"
#include "data/Table.h"

#include <ml/common/Estimator.h>

#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

#include <memory>

namespace fb {

// Where a model came from.
struct Lineage
{
    QString runId;
    QString nodeId;
    QString pipelineHash;
    QString dataHash;   // hash of the training table's values
    QString dataOrigin; // file or dataset name
    qint64 createdMs = 0;
    QString flowbenchVersion;
};

struct Prediction
{
    Eigen::VectorXd values;    // regression value, class index or cluster index
    Eigen::MatrixXd proba;     // classification: n x K; else empty
    QStringList labels;        // classification: class label per row
};

// A trained model as it travels between nodes and lives in .fbm files: the estimator plus the
// fitted preprocessing and the schemas needed to predict from raw columns.
class Model final : public PortData
{
public:
    QString algorithm;          // node type that trained it, e.g. "logistic_regression"
    QJsonObject params;         // training parameters
    QList<InputColumn> inputs;  // raw columns required at prediction time
    QStringList features;       // estimator's input columns, after preprocessing
    QString target;
    QStringList classes;        // classification: label of class index i
    Table::TransformList preprocessing;
    std::shared_ptr<const ml::Estimator> estimator;
    Lineage lineage;
    QJsonObject trainingMetrics; // final values, for summaries and the registry

    PortType portType() const override { return PortType::Model; }
    QString summary() const override;
    ml::TaskKind task() const { return estimator->task(); }

    // Brings `input` to the estimator's feature space: a raw table is checked against the input
    // schema and goes through every preprocessing step; a table that already went through the
    // model's first steps (it records them) gets only the rest. Throws SchemaError naming
    // missing or mistyped columns.
    TablePtr prepare(const TablePtr &input) const;
    // The estimator's feature matrix from a prepared table (missing values refused by name).
    Eigen::MatrixXd featureMatrix(const Table &prepared) const;
    Prediction predict(const TablePtr &raw) const;
};

using ModelPtr = std::shared_ptr<const Model>;

QString taskKindName(ml::TaskKind task); // "classification", "regression", "clustering", "transform"

} // namespace fb
