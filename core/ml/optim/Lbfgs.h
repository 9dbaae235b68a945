#pragma once

#include "ml/common/Observer.h"

#include <Eigen/Core>

#include <functional>
#include <string>

namespace fb::ml {

// Settings of the L-BFGS minimiser. The defaults are those of scipy's L-BFGS-B (Byrd, Lu,
// Nocedal, Zhu 1995; Fortran 3.0), which scikit-learn's solver="lbfgs" calls: the same problem
// takes the same iterations here and there (Rosenbrock from (-1.2, 1): 36 iterations, 44
// evaluations in both).
struct LbfgsParams
{
    int memory = 10;                 // correction pairs kept (scipy: maxcor)
    int maxIterations = 15000;       // iterations, i.e. accepted line searches (scipy: maxiter)
    double gradientTolerance = 1e-5; // stop when max_i |g_i| <= this (scipy: pgtol / gtol)
    // Stop when (f_prev - f) <= relativeDecrease * max(|f_prev|, |f|, 1): scipy's
    // factr * epsmch test, default ftol = 2.2e-9. 0 disables it: only the gradient test,
    // the iteration limit or a failed line search stop the minimiser.
    double relativeDecrease = 2.220446049250313e-09;
    int maxLineSearch = 20;           // function evaluations per line search (scipy: maxls)
    double sufficientDecrease = 1e-3; // Wolfe c1 (L-BFGS-B's ftol in dcsrch)
    double curvature = 0.9;           // strong Wolfe c2 (L-BFGS-B's gtol in dcsrch)
    double stepTolerance = 0.1;       // relative width of the uncertainty interval (dcsrch's xtol)
    double maxStep = 1e10;            // L-BFGS-B's stpmx for unbounded problems
    // Near the minimum, decreases of f drown in rounding long before the gradient is small
    // (f - f* ~ |g|^2). There a step is also accepted when it satisfies the curvature
    // condition and f <= f0 + approximateDecrease * |f0|: the approximate Wolfe conditions
    // of Hager & Zhang (2005, "A new conjugate gradient method with guaranteed descent and
    // an efficient line search", SIAM J. Optim. 16(1), sec. 4). 0 = exact Wolfe only.
    double approximateDecrease = 1e-12;
    void validate() const; // throws std::invalid_argument naming the field
};

enum class LbfgsStatus {
    GradientTolerance, // max |g_i| <= gradientTolerance
    RelativeDecrease,  // the objective stopped decreasing by more than relativeDecrease
    MaxIterations,
    LineSearchFailed, // no step along steepest descent satisfies the Wolfe conditions
};

// What the minimiser reports after each iteration.
struct LbfgsIterate
{
    int iteration = 0; // 1-based
    double value = 0.0;
    double gradientMaxNorm = 0.0; // max_i |g_i|, the quantity the stopping test compares
    double step = 0.0;            // accepted step length along the search direction
    int evaluations = 0;          // function evaluations so far, all iterations
};

struct LbfgsResult
{
    LbfgsStatus status = LbfgsStatus::MaxIterations;
    int iterations = 0;
    int evaluations = 0;
    double value = 0.0;
    double gradientMaxNorm = 0.0;
    bool converged() const
    {
        return status == LbfgsStatus::GradientTolerance || status == LbfgsStatus::RelativeDecrease;
    }
};

std::string toString(LbfgsStatus status);

// Limited-memory BFGS for smooth unconstrained problems: the two-loop recursion (Nocedal &
// Wright, "Numerical Optimization", 2nd ed., Alg. 7.4) with the More-Thuente line search
// (More & Thuente 1994, "Line search algorithms with guaranteed sufficient decrease", ACM
// TOMS 20(3); MINPACK-2 dcsrch/dcstep), which finds a step satisfying the strong Wolfe
// conditions. Laid out like LBFGSpp: workspaces live in the object and are sized once per
// problem size, so minimising allocates nothing per iteration.
class Lbfgs
{
public:
    // f(x, grad) returns f(x) and writes the gradient into grad.
    using Objective = std::function<double(const Eigen::Ref<const Eigen::VectorXd> &x,
                                           Eigen::Ref<Eigen::VectorXd> grad)>;
    // Called after every iteration; may throw (Cancelled) to stop the minimisation.
    using Callback = std::function<void(const LbfgsIterate &)>;

    explicit Lbfgs(LbfgsParams params = {});

    // Minimises f starting from x; x holds the best point found on return, also when the
    // callback throws.
    LbfgsResult minimize(const Objective &f,
                         Eigen::Ref<Eigen::VectorXd> x,
                         const Callback &callback = {});

    const LbfgsParams &params() const { return m_params; }

private:
    enum class LineSearchResult { Ok, Failed };

    void resize(Eigen::Index n);
    void computeDirection();
    LineSearchResult lineSearch(const Objective &f,
                                Eigen::Ref<Eigen::VectorXd> x,
                                double &fx,
                                double &step);

    LbfgsParams m_params;
    Eigen::MatrixXd m_s;     // n x m: x_{k+1} - x_k, circular
    Eigen::MatrixXd m_y;     // n x m: g_{k+1} - g_k, circular
    Eigen::VectorXd m_ys;    // s_i' y_i
    Eigen::VectorXd m_alpha; // two-loop coefficients
    Eigen::VectorXd m_grad;  // gradient at the current point
    Eigen::VectorXd m_xp;    // previous point
    Eigen::VectorXd m_gradp; // previous gradient
    Eigen::VectorXd m_drt;   // search direction
    int m_pairs = 0;         // stored correction pairs (<= memory)
    int m_newest = -1;       // column of the newest pair
    int m_evaluations = 0;
};

// A callback that reports "loss" (value * lossScale) and "grad_norm" to the observer, and
// throws Cancelled when the observer asks to stop.
Lbfgs::Callback observerCallback(Observer &observer, double lossScale = 1.0, int maxIterations = 0);

} // namespace fb::ml
