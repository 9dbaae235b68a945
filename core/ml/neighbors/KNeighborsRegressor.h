#pragma once

#include "KNeighborsParams.h"
#include "NeighborSearch.h"

#include "ml/common/Estimator.h"
#include "ml/common/Observer.h"

namespace fb::ml {

// k-nearest-neighbour regressor, as scikit-learn's KNeighborsRegressor (Euclidean, brute
// force): the prediction is the (weighted) mean target of the k nearest training rows.
// Fitting stores the training rows (the model file holds them too).
class KNeighborsRegressor final : public Estimator
{
public:
    explicit KNeighborsRegressor(KNeighborsParams params = {});

    void fit(const Eigen::Ref<const Eigen::MatrixXd> &X,
             const Eigen::Ref<const Eigen::VectorXd> &y,
             Observer &observer = nullObserver());

    std::string kind() const override { return "knn_regressor"; }
    TaskKind task() const override { return TaskKind::Regression; }
    Eigen::Index featureCount() const override { return m_search.points().cols(); }
    Eigen::VectorXd predict(const Eigen::Ref<const Eigen::MatrixXd> &X) const override;
    void save(Archive &archive) const override;
    static std::unique_ptr<Estimator> load(const Archive &archive);

    const KNeighborsParams &params() const { return m_params; }

private:
    KNeighborsParams m_params;
    NeighborSearch m_search;
    Eigen::VectorXd m_targets;
};

} // namespace fb::ml
