#pragma once

#include "BoostedTrees.h"
#include "GradientBoostingParams.h"

#include "ml/common/Estimator.h"
#include "ml/common/Observer.h"

#include <Eigen/Core>

namespace fb::ml {

// Histogram gradient-boosted trees for classification, as scikit-learn's
// HistGradientBoostingClassifier: log loss with one tree per round for two classes (sigmoid of
// the summed trees), one tree per class per round for more (softmax). See BoostedTrees for the
// method. Histogram passes are split over features between the threads of the budget, so a
// model does not depend on the thread count.
class GradientBoostingClassifier final : public Estimator
{
public:
    explicit GradientBoostingClassifier(GradientBoostingParams params = {});

    // y holds class indices 0..classCount-1, classCount >= 2. Reports "loss" (mean training
    // log loss) and "val_loss" (early stopping) per round.
    void fit(const Eigen::Ref<const Eigen::MatrixXd> &X,
             const Eigen::Ref<const Eigen::VectorXi> &y,
             int classCount,
             Observer &observer = nullObserver());

    std::string kind() const override { return "gradient_boosting_classifier"; }
    TaskKind task() const override { return TaskKind::Classification; }
    Eigen::Index featureCount() const override { return m_model.featureCount(); }
    int classCount() const override { return m_classes; }
    Eigen::VectorXd predict(const Eigen::Ref<const Eigen::MatrixXd> &X) const override;
    Eigen::MatrixXd predictProba(const Eigen::Ref<const Eigen::MatrixXd> &X) const override;
    void save(Archive &archive) const override;
    // Total split gain per feature, normalised (LightGBM's importance_type="gain").
    Eigen::VectorXd featureImportance() const override { return m_model.importance(); }
    Eigen::MatrixXd takeTrainingOutput() override;
    static std::unique_ptr<Estimator> load(const Archive &archive);

    const GradientBoostingParams &params() const { return m_params; }
    const BoostedTrees &model() const { return m_model; }

private:
    GradientBoostingParams m_params;
    BoostedTrees m_model;
    int m_classes = 0;
};

} // namespace fb::ml
