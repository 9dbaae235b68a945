#pragma once

#include "CartModel.h"
#include "TreeParams.h"

#include "ml/common/Estimator.h"
#include "ml/common/Observer.h"

#include <Eigen/Core>

namespace fb::ml {

// A CART classification tree (Breiman et al. 1984) as scikit-learn's DecisionTreeClassifier:
// gini or entropy splits, grown until leaves are pure or limited by depth, leaf count or
// sample counts; features examined in a seeded random order (random subsets with
// maxFeatures). Splits are searched on histograms of up to maxBins quantile bins per feature,
// which is exact (every split between two distinct values) for features with at most maxBins
// distinct values. Missing values (NaN) are allowed: each split learns the side they go to.
class DecisionTreeClassifier final : public Estimator
{
public:
    explicit DecisionTreeClassifier(DecisionTreeParams params = {});

    // y holds class indices 0..classCount-1.
    void fit(const Eigen::Ref<const Eigen::MatrixXd> &X,
             const Eigen::Ref<const Eigen::VectorXi> &y,
             int classCount,
             Observer &observer = nullObserver());

    std::string kind() const override { return "decision_tree_classifier"; }
    TaskKind task() const override { return TaskKind::Classification; }
    Eigen::Index featureCount() const override { return m_model.featureCount(); }
    int classCount() const override { return m_model.classCount(); }
    Eigen::VectorXd predict(const Eigen::Ref<const Eigen::MatrixXd> &X) const override;
    // Class proportions of the leaf each row reaches.
    Eigen::MatrixXd predictProba(const Eigen::Ref<const Eigen::MatrixXd> &X) const override;
    void save(Archive &archive) const override;
    // Normalised total impurity decrease per feature (scikit-learn's feature_importances_).
    Eigen::VectorXd featureImportance() const override { return m_model.importance(); }
    static std::unique_ptr<Estimator> load(const Archive &archive);

    const DecisionTreeParams &params() const { return m_params; }
    const Tree &tree() const { return m_model.trees().front(); }

private:
    DecisionTreeParams m_params;
    CartModel m_model;
};

} // namespace fb::ml
