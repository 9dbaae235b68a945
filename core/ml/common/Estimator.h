#pragma once

#include "Archive.h"

#include <Eigen/Core>

#include <memory>
#include <string>
#include <vector>

namespace fb::ml {

enum class TaskKind { Regression, Classification, Clustering, Transform };

// The common face of every trained model, for prediction and persistence. Each algorithm also
// has its own typed class with a parameter struct and fit(); training code uses that, while
// the model file, the scoring server and export see only this interface.
class Estimator
{
public:
    virtual ~Estimator() = default;

    // Stable name stored in model files, e.g. "logistic_regression".
    virtual std::string kind() const = 0;
    virtual TaskKind task() const = 0;
    virtual Eigen::Index featureCount() const = 0;
    virtual int classCount() const { return 0; }

    // Regression: the predicted values. Classification: the class index (0..K-1) as a double.
    // Clustering: the cluster index.
    virtual Eigen::VectorXd predict(const Eigen::Ref<const Eigen::MatrixXd> &X) const = 0;
    // Classification only: n x K class probabilities (rows sum to 1).
    virtual Eigen::MatrixXd predictProba(const Eigen::Ref<const Eigen::MatrixXd> &X) const;

    // Writes "kind", "version" and everything needed to predict.
    virtual void save(Archive &archive) const = 0;

    // Feature importances or |coefficients| for summaries; empty when not meaningful.
    virtual Eigen::VectorXd featureImportance() const { return {}; }

    // The model's output on its own training rows when the last fit() had it anyway (boosting
    // keeps every row's raw score), so that training metrics need no second prediction pass:
    // n x 1 values (regression) or n x K probabilities (classification), as predict() and
    // predictProba() would give. Handed over once, then released; empty when not kept.
    virtual Eigen::MatrixXd takeTrainingOutput() { return {}; }
};

using EstimatorLoader = std::unique_ptr<Estimator> (*)(const Archive &);

// Loaders by kind. registerBuiltinEstimators() (ml/Registry.cpp) adds every algorithm in
// core/ml; loadEstimator() reads "kind" and dispatches, throwing ArchiveError for unknown kinds.
void registerEstimator(const std::string &kind, EstimatorLoader loader);
std::unique_ptr<Estimator> loadEstimator(const Archive &archive);
std::vector<std::string> registeredEstimators();

} // namespace fb::ml
