#pragma once

#include "Tree.h"
#include "TreeParams.h"

#include "ml/common/Archive.h"
#include "ml/common/Observer.h"

#include <Eigen/Core>

#include <string>
#include <vector>

namespace fb::ml {

// The trained state shared by decision trees and random forests: CART trees whose prediction
// is averaged (a decision tree is a forest of one tree without bootstrap). Classification
// leaves hold class proportions, regression leaves the mean target. Fitted thresholds are
// float-exact (Tree::floatExactThreshold): float inputs take the branches double ones take.
class CartModel
{
public:
    struct Options
    {
        int trees = 1;
        bool bootstrap = false; // each tree on n rows drawn with replacement (Breiman 2001)
    };

    // Fits on binned X (NaN = missing, a learned direction per split). Classification: y in
    // [0, classCount). Trees are grown in parallel under the thread budget (a single tree
    // splits its histogram passes over features instead); tree t uses a generator seeded from
    // (params.seed, t), so results do not depend on the number of threads. Reports per tree
    // "trees" and "mean_leaves"; throws Cancelled when the observer asks (between trees, and
    // inside a single tree). A cancelled or failed fit leaves the model unchanged.
    void fitClassifier(const Eigen::Ref<const Eigen::MatrixXd> &X,
                       const Eigen::Ref<const Eigen::VectorXi> &y,
                       int classCount,
                       const DecisionTreeParams &params,
                       const Options &options,
                       Observer &observer);
    void fitRegressor(const Eigen::Ref<const Eigen::MatrixXd> &X,
                      const Eigen::Ref<const Eigen::VectorXd> &y,
                      const DecisionTreeParams &params,
                      const Options &options,
                      Observer &observer);

    bool fitted() const { return !m_trees.empty(); }
    Eigen::Index featureCount() const { return m_features; }
    int classCount() const { return m_classes; }
    const std::vector<Tree> &trees() const { return m_trees; }
    const Eigen::VectorXd &importance() const { return m_importance; }

    Eigen::MatrixXd predictProba(const Eigen::Ref<const Eigen::MatrixXd> &X) const;
    Eigen::VectorXd predictValues(const Eigen::Ref<const Eigen::MatrixXd> &X) const;

    // "features", "classes", "importance", "trees".
    void save(Archive &archive) const;
    void load(const Archive &archive, const std::string &model); // throws ArchiveError

private:
    struct Target
    {
        const int *classes = nullptr;
        int classCount = 0;
        const double *values = nullptr;
    };
    void fit(const Eigen::Ref<const Eigen::MatrixXd> &X,
             const Target &target,
             const DecisionTreeParams &params,
             const Options &options,
             Observer &observer);

    std::vector<Tree> m_trees;
    Eigen::Index m_features = 0;
    int m_classes = 0; // 0: regression
    Eigen::VectorXd m_importance;
};

} // namespace fb::ml
