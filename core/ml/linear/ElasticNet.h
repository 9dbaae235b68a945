#pragma once

#include "ml/common/Estimator.h"
#include "ml/common/Observer.h"

#include <Eigen/Core>

namespace fb::ml {

// Lasso (l1Ratio = 1) and elastic net, as scikit-learn's Lasso and ElasticNet:
//   minimise  1/(2n) ||y - Xw - b||^2 + alpha l1Ratio ||w||_1 + alpha (1 - l1Ratio)/2 ||w||^2
// (intercept b not penalised: handled by centring). Solved by cyclic coordinate descent
// (Friedman, Hastie & Tibshirani 2010, "Regularization paths for generalized linear models via
// coordinate descent", J. Stat. Softw. 33(1)) with scikit-learn's stopping rule: after a sweep
// whose largest coefficient change is below tolerance * largest coefficient, the duality gap is
// computed and the fit stops when it is below tolerance * ||y - mean(y)||^2.
//
// With more samples than features the sweeps use the covariance updates of Friedman et al.
// (sec. 2.2): X'X and X'y are formed once (a SYRK over row blocks, in parallel), after which a
// sweep costs O(p^2) instead of O(n p). Otherwise the residual y - Xw is updated per coordinate.
struct ElasticNetParams
{
    double alpha = 1.0;   // overall penalty strength (>= 0), as scikit-learn's alpha
    double l1Ratio = 0.5; // share of the L1 penalty in [0, 1]; 1 = lasso
    bool fitIntercept = true;
    int maxIterations = 1000; // coordinate sweeps
    double tolerance = 1e-4;  // as scikit-learn's tol (see above)
    enum class Gram { Auto, Always, Never };
    Gram gram = Gram::Auto; // covariance updates: Auto = when n > p and p <= 4096
    void validate() const;  // throws std::invalid_argument naming the field
};

class ElasticNet final : public Estimator
{
public:
    explicit ElasticNet(ElasticNetParams params = {});

    // Reports per sweep "loss" (the objective above) and "max_change" (largest coefficient
    // change of the sweep); "dual_gap" (gap / n, in the objective's units) when it is
    // computed. Throws Cancelled when asked.
    void fit(const Eigen::Ref<const Eigen::MatrixXd> &X,
             const Eigen::Ref<const Eigen::VectorXd> &y,
             Observer &observer = nullObserver());

    std::string kind() const override { return "elastic_net"; }
    TaskKind task() const override { return TaskKind::Regression; }
    Eigen::Index featureCount() const override { return m_coef.size(); }
    Eigen::VectorXd predict(const Eigen::Ref<const Eigen::MatrixXd> &X) const override;
    void save(Archive &archive) const override;
    Eigen::VectorXd featureImportance() const override { return m_coef.cwiseAbs(); }
    static std::unique_ptr<Estimator> load(const Archive &archive);

    const ElasticNetParams &params() const { return m_params; }
    const Eigen::VectorXd &coefficients() const { return m_coef; }
    double intercept() const { return m_intercept; }
    int iterations() const { return m_iterations; }
    bool converged() const { return m_converged; }
    double dualGap() const { return m_dualGap; } // last computed gap / n

private:
    ElasticNetParams m_params;
    Eigen::VectorXd m_coef;
    double m_intercept = 0.0;
    int m_iterations = 0;
    bool m_converged = false;
    double m_dualGap = 0.0;
};

} // namespace fb::ml
