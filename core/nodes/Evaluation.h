#pragma once

#include "model/MetricsData.h"
#include "model/Model.h"

#include <QStringList>

#include <memory>

namespace fb {

struct EvaluationOptions
{
    // Confusion matrix, ROC curves, per-class scores, prediction samples (the evaluate node);
    // cross-validation and search only need the scalar metrics.
    bool details = true;
    // Silhouette is exact up to this many rows, else computed on a seeded sample of this size.
    Eigen::Index silhouetteMaxRows = 10000;
    quint64 seed = 0;
};

// Scores a trained model on a table: classifiers and regressors need the model's target column;
// clustering models score any table with the model's inputs (silhouette, inertia) and add the
// adjusted Rand index when the table has a target column. Throws NodeError with a message for
// the user (missing columns, unknown classes, ...). Metric values follow scikit-learn.
std::shared_ptr<MetricsData> evaluateModel(const Model &model,
                                           const TablePtr &data,
                                           const EvaluationOptions &options);

// The scalar metrics evaluateModel reports for a task, in order ("classification",
// "regression", "clustering"); the first is the default for search and cross-validation.
QStringList metricNames(ml::TaskKind task);
QStringList allMetricNames();
// False for losses and errors (log_loss, rmse, mae, mse, mape, inertia).
bool higherIsBetter(const QString &metric);

} // namespace fb
