#pragma once

#include "ml/common/Estimator.h"
#include "ml/common/Observer.h"

#include <Eigen/Core>

namespace fb::ml {

// L2-regularised logistic regression, binary or multinomial (softmax), solved with L-BFGS.
// The objective is scikit-learn's, so results compare one to one:
//   C * sum_i loss_i + 0.5 * ||W||^2   (intercepts not penalised)
// Binary problems use one weight vector (sigmoid); K > 2 classes use K weight vectors (softmax,
// as scikit-learn's multi_class="multinomial").
struct LogisticRegressionParams
{
    double C = 1.0; // inverse regularisation strength (> 0), as in scikit-learn
    bool fitIntercept = true;
    int maxIterations = 100; // L-BFGS iterations
    double tolerance = 1e-4; // stop when max |gradient component| <= tolerance (scipy's pgtol)
    int memory = 10;         // L-BFGS history pairs
    // Also stop when an iteration lowers the objective by less than this fraction of it
    // (scipy L-BFGS-B's factr * eps test, which scikit-learn leaves at its default); 0
    // disables it so that only the gradient tolerance decides.
    double relativeDecrease = 2.220446049250313e-09;
    void validate() const; // throws std::invalid_argument naming the field
};

class LogisticRegression final : public Estimator
{
public:
    explicit LogisticRegression(LogisticRegressionParams params = {});

    // y holds class indices 0..classCount-1; classCount >= 2. Reports "loss" (the objective
    // per sample, mean_i loss_i + ||W||^2 / (2 C n), i.e. the objective above over C n) and
    // "grad_norm" (max |g_i| of objective / C, the quantity compared with tolerance, as
    // scikit-learn's) per iteration; throws Cancelled when asked.
    void fit(const Eigen::Ref<const Eigen::MatrixXd> &X,
             const Eigen::Ref<const Eigen::VectorXi> &y,
             int classCount,
             Observer &observer = nullObserver());

    std::string kind() const override { return "logistic_regression"; }
    TaskKind task() const override { return TaskKind::Classification; }
    Eigen::Index featureCount() const override { return m_coef.rows(); }
    int classCount() const override { return m_classes; }
    Eigen::VectorXd predict(const Eigen::Ref<const Eigen::MatrixXd> &X) const override;
    Eigen::MatrixXd predictProba(const Eigen::Ref<const Eigen::MatrixXd> &X) const override;
    void save(Archive &archive) const override;
    Eigen::VectorXd featureImportance() const override;
    static std::unique_ptr<Estimator> load(const Archive &archive);

    const LogisticRegressionParams &params() const { return m_params; }
    // p x 1 for binary problems, p x K for multinomial ones.
    const Eigen::MatrixXd &coefficients() const { return m_coef; }
    const Eigen::VectorXd &intercepts() const { return m_intercept; }
    int iterations() const { return m_iterations; }
    bool converged() const { return m_converged; }

private:
    LogisticRegressionParams m_params;
    Eigen::MatrixXd m_coef;
    Eigen::VectorXd m_intercept;
    int m_classes = 0;
    int m_iterations = 0;
    bool m_converged = false;
};

} // namespace fb::ml
