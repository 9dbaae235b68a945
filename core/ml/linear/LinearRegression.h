#pragma once

#include "ml/common/Estimator.h"
#include "ml/common/Observer.h"

#include <Eigen/Core>

namespace fb::ml {

// Ordinary least squares (alpha = 0) and ridge regression (alpha > 0), as scikit-learn's
// LinearRegression and Ridge: minimises ||y - Xw - b||^2 + alpha ||w||^2, intercept not
// penalised (handled by centring). Solved through the normal equations with a Cholesky
// (LDLT) factorisation of X'X + alpha I; falls back to a complete orthogonal decomposition when
// X'X is singular (OLS with collinear columns), giving the minimum-norm solution.
struct LinearRegressionParams
{
    double alpha = 0.0; // L2 strength, >= 0
    bool fitIntercept = true;
    void validate() const;
};

class LinearRegression final : public Estimator
{
public:
    explicit LinearRegression(LinearRegressionParams params = {});

    void fit(const Eigen::Ref<const Eigen::MatrixXd> &X,
             const Eigen::Ref<const Eigen::VectorXd> &y,
             Observer &observer = nullObserver());

    std::string kind() const override { return "linear_regression"; }
    TaskKind task() const override { return TaskKind::Regression; }
    Eigen::Index featureCount() const override { return m_coef.size(); }
    Eigen::VectorXd predict(const Eigen::Ref<const Eigen::MatrixXd> &X) const override;
    void save(Archive &archive) const override;
    Eigen::VectorXd featureImportance() const override;
    static std::unique_ptr<Estimator> load(const Archive &archive);

    const LinearRegressionParams &params() const { return m_params; }
    const Eigen::VectorXd &coefficients() const { return m_coef; }
    double intercept() const { return m_intercept; }
    // From the last fit(), without another pass over X: the mean squared training error as
    // the normal equations give it (rounding makes it inexact only for a near-perfect fit,
    // where it is clamped at 0) and the variance of the training target.
    double trainingMse() const { return m_trainingMse; }
    double trainingTargetVariance() const { return m_trainingTargetVariance; }

private:
    LinearRegressionParams m_params;
    Eigen::VectorXd m_coef;
    double m_intercept = 0.0;
    double m_trainingMse = 0.0;
    double m_trainingTargetVariance = 0.0;
};

} // namespace fb::ml
