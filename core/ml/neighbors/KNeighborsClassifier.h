#pragma once

#include "KNeighborsParams.h"
#include "NeighborSearch.h"

#include "ml/common/Estimator.h"
#include "ml/common/Observer.h"

namespace fb::ml {

// k-nearest-neighbour classifier, as scikit-learn's KNeighborsClassifier (Euclidean, brute
// force): the class probabilities of a row are the (weighted) shares of its k nearest
// training rows' classes; the prediction is the most probable class (the lowest index on
// ties). Fitting stores the training rows (the model file holds them too).
class KNeighborsClassifier final : public Estimator
{
public:
    explicit KNeighborsClassifier(KNeighborsParams params = {});

    void fit(const Eigen::Ref<const Eigen::MatrixXd> &X,
             const Eigen::Ref<const Eigen::VectorXi> &y,
             int classCount,
             Observer &observer = nullObserver());

    std::string kind() const override { return "knn_classifier"; }
    TaskKind task() const override { return TaskKind::Classification; }
    Eigen::Index featureCount() const override { return m_search.points().cols(); }
    int classCount() const override { return m_classes; }
    Eigen::VectorXd predict(const Eigen::Ref<const Eigen::MatrixXd> &X) const override;
    Eigen::MatrixXd predictProba(const Eigen::Ref<const Eigen::MatrixXd> &X) const override;
    void save(Archive &archive) const override;
    static std::unique_ptr<Estimator> load(const Archive &archive);

    const KNeighborsParams &params() const { return m_params; }

private:
    KNeighborsParams m_params;
    NeighborSearch m_search;
    Eigen::VectorXi m_labels;
    int m_classes = 0;
};

} // namespace fb::ml
