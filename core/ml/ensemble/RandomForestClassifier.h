#pragma once

#include "RandomForestParams.h"

#include "ml/common/Estimator.h"
#include "ml/common/Observer.h"
#include "ml/tree/CartModel.h"

#include <Eigen/Core>

namespace fb::ml {

// Breiman's random forest (Machine Learning 45, 2001) as scikit-learn's
// RandomForestClassifier: nEstimators CART trees, each on a bootstrap sample and examining a
// random subset of features at every node; probabilities are the mean of the trees' leaf
// class proportions. Trees are grown in parallel (one per thread) on histograms of binned
// features; tree t is seeded from (seed, t), so a forest does not depend on the thread count.
class RandomForestClassifier final : public Estimator
{
public:
    explicit RandomForestClassifier(RandomForestParams params = {});

    // y holds class indices 0..classCount-1. Reports "trees" and "mean_leaves" as trees finish.
    void fit(const Eigen::Ref<const Eigen::MatrixXd> &X,
             const Eigen::Ref<const Eigen::VectorXi> &y,
             int classCount,
             Observer &observer = nullObserver());

    std::string kind() const override { return "random_forest_classifier"; }
    TaskKind task() const override { return TaskKind::Classification; }
    Eigen::Index featureCount() const override { return m_model.featureCount(); }
    int classCount() const override { return m_model.classCount(); }
    Eigen::VectorXd predict(const Eigen::Ref<const Eigen::MatrixXd> &X) const override;
    Eigen::MatrixXd predictProba(const Eigen::Ref<const Eigen::MatrixXd> &X) const override;
    void save(Archive &archive) const override;
    // Mean over trees of their normalised impurity decreases (scikit-learn's).
    Eigen::VectorXd featureImportance() const override { return m_model.importance(); }
    static std::unique_ptr<Estimator> load(const Archive &archive);

    const RandomForestParams &params() const { return m_params; }
    const std::vector<Tree> &trees() const { return m_model.trees(); }

private:
    RandomForestParams m_params;
    CartModel m_model;
};

} // namespace fb::ml
