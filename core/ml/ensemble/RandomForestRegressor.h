#pragma once

#include "RandomForestParams.h"

#include "ml/common/Estimator.h"
#include "ml/common/Observer.h"
#include "ml/tree/CartModel.h"

#include <Eigen/Core>

namespace fb::ml {

// Breiman's random forest for regression, as scikit-learn's RandomForestRegressor: the mean
// of nEstimators squared-error CART trees grown on bootstrap samples (all features per node by
// default, as scikit-learn >= 1.1; set maxFeatures for Breiman's p/3). See
// RandomForestClassifier for the training scheme.
class RandomForestRegressor final : public Estimator
{
public:
    // params.tree.criterion is forced to squared_error.
    explicit RandomForestRegressor(RandomForestParams params = RandomForestParams::regressor());

    void fit(const Eigen::Ref<const Eigen::MatrixXd> &X,
             const Eigen::Ref<const Eigen::VectorXd> &y,
             Observer &observer = nullObserver());

    std::string kind() const override { return "random_forest_regressor"; }
    TaskKind task() const override { return TaskKind::Regression; }
    Eigen::Index featureCount() const override { return m_model.featureCount(); }
    Eigen::VectorXd predict(const Eigen::Ref<const Eigen::MatrixXd> &X) const override;
    void save(Archive &archive) const override;
    Eigen::VectorXd featureImportance() const override { return m_model.importance(); }
    static std::unique_ptr<Estimator> load(const Archive &archive);

    const RandomForestParams &params() const { return m_params; }
    const std::vector<Tree> &trees() const { return m_model.trees(); }

private:
    RandomForestParams m_params;
    CartModel m_model;
};

} // namespace fb::ml
