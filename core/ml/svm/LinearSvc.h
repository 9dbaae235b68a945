#pragma once

#include "ml/common/Estimator.h"
#include "ml/common/Observer.h"

#include <Eigen/Core>

#include <cstdint>

namespace fb::ml {

// Linear support vector classifier with the squared hinge loss and an L2 penalty, as
// scikit-learn's LinearSVC (liblinear's L2R_L2LOSS_SVC):
//   minimise  1/2 ||w||^2 + C sum_i max(0, 1 - y_i (w'x_i + b))^2,   y_i in {-1, +1}
// As in liblinear the intercept is the weight of a constant feature of value
// `interceptScaling`, so it is penalised too (scikit-learn's documented behaviour). Two
// solvers reach the same (unique) optimum: Newton's method in the primal (PrimalNewton: a
// few passes over the data, in parallel; scikit-learn's dual=False) and dual coordinate
// descent (DualCoordinateDescent; its dual=True). Auto picks the primal when samples
// outnumber features (up to 2000 features), as scikit-learn 1.3's dual="auto" does. K > 2
// classes: one-vs-rest, K binary problems (dual passes of different classes in parallel).
//
// Probabilities: an SVM scores, it does not estimate probabilities. predictProba() returns
// sigmoid(decision) for binary problems and softmax(decisions) over the one-vs-rest scores
// otherwise: monotone in the decision values (so ROC curves and AUC are those of the scores,
// and the arg-max is predict()'s class) but not calibrated; log loss on them says little.
struct LinearSvcParams
{
    double C = 1.0; // inverse regularisation strength (> 0)
    bool fitIntercept = true;
    double interceptScaling = 1.0; // value of the constant feature (> 0), as liblinear's bias
    int maxIterations = 1000;      // dual passes / primal Newton steps per binary problem
    // Dual: stop when max - min projected gradient <= tolerance. Primal: when ||gradient||
    // <= tolerance * max(min(#pos, #neg), 1) / n * ||gradient at 0|| (liblinear's rules).
    double tolerance = 1e-4;
    std::uint64_t seed = 0; // dual: order of the coordinate updates
    enum class Solver { Auto, Dual, Primal };
    Solver solver = Solver::Auto; // as scikit-learn's dual = "auto" / True / False
    void validate() const;        // throws std::invalid_argument naming the field
};

class LinearSvc final : public Estimator
{
public:
    explicit LinearSvc(LinearSvcParams params = {});

    // y: class indices 0..classCount-1. Reports per iteration "loss" (the primal objective
    // over C n, averaged over the binary problems; the dual solver takes the margins seen
    // during its pass) and the stopping quantity, largest over the problems: "pg_gap" (dual)
    // or "grad_norm" (primal, relative to the gradient at 0).
    void fit(const Eigen::Ref<const Eigen::MatrixXd> &X,
             const Eigen::Ref<const Eigen::VectorXi> &y,
             int classCount,
             Observer &observer = nullObserver());

    std::string kind() const override { return "linear_svc"; }
    TaskKind task() const override { return TaskKind::Classification; }
    Eigen::Index featureCount() const override { return m_coef.rows(); }
    int classCount() const override { return m_classes; }
    Eigen::VectorXd predict(const Eigen::Ref<const Eigen::MatrixXd> &X) const override;
    Eigen::MatrixXd predictProba(const Eigen::Ref<const Eigen::MatrixXd> &X) const override;
    void save(Archive &archive) const override;
    Eigen::VectorXd featureImportance() const override;
    static std::unique_ptr<Estimator> load(const Archive &archive);

    // n x 1 (binary: positive = class 1) or n x K scores w'x + b.
    Eigen::MatrixXd decisionFunction(const Eigen::Ref<const Eigen::MatrixXd> &X) const;

    const LinearSvcParams &params() const { return m_params; }
    const Eigen::MatrixXd &coefficients() const { return m_coef; } // p x 1 or p x K
    const Eigen::VectorXd &intercepts() const { return m_intercept; }
    int iterations() const { return m_iterations; } // largest over the binary problems
    bool converged() const { return m_converged; }

private:
    LinearSvcParams m_params;
    Eigen::MatrixXd m_coef;
    Eigen::VectorXd m_intercept;
    int m_classes = 0;
    int m_iterations = 0;
    bool m_converged = false;
};

} // namespace fb::ml
