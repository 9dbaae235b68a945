#pragma once

#include "BoostedTrees.h"
#include "GradientBoostingParams.h"

#include "ml/common/Estimator.h"
#include "ml/common/Observer.h"

#include <Eigen/Core>

namespace fb::ml {

// Histogram gradient-boosted trees for regression (squared error), as scikit-learn's
// HistGradientBoostingRegressor. See BoostedTrees for the method.
class GradientBoostingRegressor final : public Estimator
{
public:
    explicit GradientBoostingRegressor(GradientBoostingParams params = {});

    // Reports "loss" (training mean squared error) and "val_loss" (early stopping) per round.
    void fit(const Eigen::Ref<const Eigen::MatrixXd> &X,
             const Eigen::Ref<const Eigen::VectorXd> &y,
             Observer &observer = nullObserver());

    std::string kind() const override { return "gradient_boosting_regressor"; }
    TaskKind task() const override { return TaskKind::Regression; }
    Eigen::Index featureCount() const override { return m_model.featureCount(); }
    Eigen::VectorXd predict(const Eigen::Ref<const Eigen::MatrixXd> &X) const override;
    void save(Archive &archive) const override;
    Eigen::VectorXd featureImportance() const override { return m_model.importance(); }
    Eigen::MatrixXd takeTrainingOutput() override { return m_model.takeTrainingRaw(); }
    static std::unique_ptr<Estimator> load(const Archive &archive);

    const GradientBoostingParams &params() const { return m_params; }
    const BoostedTrees &model() const { return m_model; }

private:
    GradientBoostingParams m_params;
    BoostedTrees m_model;
};

} // namespace fb::ml
