#pragma once

#include "CartModel.h"
#include "TreeParams.h"

#include "ml/common/Estimator.h"
#include "ml/common/Observer.h"

#include <Eigen/Core>

namespace fb::ml {

// A CART regression tree (Breiman et al. 1984) as scikit-learn's DecisionTreeRegressor:
// squared-error splits (variance reduction), leaves predict the mean target. Same growth
// limits, histogram split search and missing-value handling as DecisionTreeClassifier.
class DecisionTreeRegressor final : public Estimator
{
public:
    // params.criterion is forced to squared_error.
    explicit DecisionTreeRegressor(DecisionTreeParams params = {});

    void fit(const Eigen::Ref<const Eigen::MatrixXd> &X,
             const Eigen::Ref<const Eigen::VectorXd> &y,
             Observer &observer = nullObserver());

    std::string kind() const override { return "decision_tree_regressor"; }
    TaskKind task() const override { return TaskKind::Regression; }
    Eigen::Index featureCount() const override { return m_model.featureCount(); }
    Eigen::VectorXd predict(const Eigen::Ref<const Eigen::MatrixXd> &X) const override;
    void save(Archive &archive) const override;
    Eigen::VectorXd featureImportance() const override { return m_model.importance(); }
    static std::unique_ptr<Estimator> load(const Archive &archive);

    const DecisionTreeParams &params() const { return m_params; }
    const Tree &tree() const { return m_model.trees().front(); }

private:
    DecisionTreeParams m_params;
    CartModel m_model;
};

} // namespace fb::ml
