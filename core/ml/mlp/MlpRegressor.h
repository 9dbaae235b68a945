#pragma once

#include "MlpNetwork.h"
#include "MlpParams.h"
#include "MlpTrainer.h"

#include "ml/common/Estimator.h"
#include "ml/common/Observer.h"

namespace fb::ml {

// Multi-layer perceptron regressor, as scikit-learn's MLPRegressor: hidden layers with the
// chosen activation and one linear output unit, trained on the squared error
// 1/(2n) sum (y - f(x))^2 + alpha/(2n) ||W||^2 by Adam or SGD (MlpTrainer). Reports per epoch
// "loss" and, with early stopping, "val_loss" and "val_score" (validation R^2).
class MlpRegressor final : public Estimator
{
public:
    explicit MlpRegressor(MlpParams params = {});

    void fit(const Eigen::Ref<const Eigen::MatrixXd> &X,
             const Eigen::Ref<const Eigen::VectorXd> &y,
             Observer &observer = nullObserver());

    std::string kind() const override { return "mlp_regressor"; }
    TaskKind task() const override { return TaskKind::Regression; }
    Eigen::Index featureCount() const override;
    Eigen::VectorXd predict(const Eigen::Ref<const Eigen::MatrixXd> &X) const override;
    void save(Archive &archive) const override;
    static std::unique_ptr<Estimator> load(const Archive &archive);

    const MlpParams &params() const { return m_params; }
    const MlpNetwork &network() const { return m_net; }
    const MlpFitResult &fitResult() const { return m_result; }

private:
    MlpParams m_params;
    MlpNetwork m_net;
    MlpFitResult m_result;
};

} // namespace fb::ml
