#pragma once

#include "BinarySvmSolver.h"

#include <vector>

namespace fb::ml {

// One binary problem of the squared-hinge SVM in the primal
//   f(w) = 1/2 ||w||^2 + C sum_i max(0, 1 - y_i w'x_i)^2
// by Newton's method with the generalised Hessian I + 2C X_A'X_A over the rows A with margin
// below 1 (Keerthi & DeCoste 2005, "A modified finite Newton method for fast solution of large
// scale linear SVMs", JMLR 6; the problem liblinear solves with TRON for dual=False) and an
// Armijo backtracking line search. f is piecewise quadratic, so a handful of steps reach the
// optimum. Each step is one pass over X in a fixed number of row parts run in parallel
// (margins, gradient, and a SYRK of the active rows), so results do not depend on the thread
// count; X is read in place (column-major), without a copy. Stops as liblinear's primal
// solver: ||grad|| <= tolerance * max(min(#pos, #neg), 1) / n * ||grad at 0||.
// The fast choice when samples outnumber features (up to a few thousand features: the
// Hessian is q x q).
class PrimalNewton final : public BinarySvmSolver
{
public:
    // bias: value of the constant feature (0 = no intercept); y: +1 / -1.
    PrimalNewton(const Eigen::Ref<const Eigen::MatrixXd> &X,
                 double bias,
                 Eigen::VectorXd y,
                 double C,
                 double tolerance);

    bool step() override;
    bool done() const override { return m_done; }
    int iterations() const override { return m_iterations; }
    double loss() const override { return m_loss; }
    double stoppingValue() const override { return m_relativeGradient; } // ||g|| / ||g0||
    const Eigen::VectorXd &weights() const override { return m_w; }

private:
    // Objective, gradient and (when hessian != nullptr) generalised Hessian at m_w, from m_z.
    double evaluate(Eigen::VectorXd &gradient, Eigen::MatrixXd *hessian);
    // out = X d_features + bias d_bias.
    void product(const Eigen::VectorXd &d, Eigen::VectorXd &out) const;
    // f(w + t d) from the margins z + t Xd.
    double objectiveAlong(const Eigen::VectorXd &d, const Eigen::VectorXd &xd, double t) const;

    const Eigen::Ref<const Eigen::MatrixXd> &m_X;
    double m_bias;
    Eigen::VectorXd m_y;
    double m_C;
    double m_tolerance = 0.0; // absolute, on ||grad||, set at the first step
    double m_relativeTolerance;
    Eigen::VectorXd m_w;
    Eigen::VectorXd m_z; // X w (+ bias w_b): the decision values
    double m_gradient0 = 0.0;
    double m_relativeGradient = 1.0;
    double m_loss = 0.0;
    int m_iterations = 0;
    bool m_done = false;
};

} // namespace fb::ml
