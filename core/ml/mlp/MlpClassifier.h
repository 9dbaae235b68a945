#pragma once

#include "MlpNetwork.h"
#include "MlpParams.h"
#include "MlpTrainer.h"

#include "ml/common/Estimator.h"
#include "ml/common/Observer.h"

namespace fb::ml {

// Multi-layer perceptron classifier, as scikit-learn's MLPClassifier: hidden layers with the
// chosen activation, then one logistic unit (two classes) or a softmax layer (K > 2), trained
// on the log loss + alpha/2 ||W||^2 by Adam or SGD (MlpTrainer). Reports per epoch "loss" and,
// with early stopping, "val_loss" and "val_score" (validation accuracy).
class MlpClassifier final : public Estimator
{
public:
    explicit MlpClassifier(MlpParams params = {});

    void fit(const Eigen::Ref<const Eigen::MatrixXd> &X,
             const Eigen::Ref<const Eigen::VectorXi> &y,
             int classCount,
             Observer &observer = nullObserver());

    std::string kind() const override { return "mlp_classifier"; }
    TaskKind task() const override { return TaskKind::Classification; }
    Eigen::Index featureCount() const override;
    int classCount() const override { return m_classes; }
    Eigen::VectorXd predict(const Eigen::Ref<const Eigen::MatrixXd> &X) const override;
    Eigen::MatrixXd predictProba(const Eigen::Ref<const Eigen::MatrixXd> &X) const override;
    void save(Archive &archive) const override;
    static std::unique_ptr<Estimator> load(const Archive &archive);

    const MlpParams &params() const { return m_params; }
    const MlpNetwork &network() const { return m_net; }
    const MlpFitResult &fitResult() const { return m_result; }

private:
    MlpParams m_params;
    MlpNetwork m_net;
    MlpFitResult m_result;
    int m_classes = 0;
};

} // namespace fb::ml
