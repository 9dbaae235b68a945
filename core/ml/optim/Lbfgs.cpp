#include "Lbfgs.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <sstream>
#include <stdexcept>

namespace fb::ml {

namespace {

constexpr double kEps = std::numeric_limits<double>::epsilon();

void require(bool ok, const char *field, const std::string &range, double value)
{
    if (!ok) {
        std::ostringstream message;
        message << "L-BFGS: " << field << " must be " << range << ", got " << value;
        throw std::invalid_argument(message.str());
    }
}

// One step of the More-Thuente safeguarded interval update: MINPACK-2's dcstep (More &
// Thuente 1994, section 4), transcribed from the Fortran used by L-BFGS-B 3.0 and scipy.
// (stx, fx, dx) is the best step so far, (sty, fy, dy) the other end of the interval,
// (stp, fp, dp) the trial step. Picks the next trial step from cubic and quadratic
// interpolants and updates the interval so that it keeps containing a Wolfe point.
void dcstep(double &stx,
            double &fx,
            double &dx,
            double &sty,
            double &fy,
            double &dy,
            double &stp,
            double fp,
            double dp,
            bool &brackt,
            double stpmin,
            double stpmax)
{
    const double sgnd = dp * (dx / std::abs(dx));
    double stpf;
    if (fp > fx) {
        // Case 1: a higher function value; the minimum is bracketed. Take the cubic step
        // if it is closer to stx than the quadratic one, else their average.
        const double theta = 3.0 * (fx - fp) / (stp - stx) + dx + dp;
        const double s = std::max({std::abs(theta), std::abs(dx), std::abs(dp)});
        double gamma = s
                       * std::sqrt(std::max(0.0, (theta / s) * (theta / s) - (dx / s) * (dp / s)));
        if (stp < stx)
            gamma = -gamma;
        const double p = (gamma - dx) + theta;
        const double q = ((gamma - dx) + gamma) + dp;
        const double stpc = stx + (p / q) * (stp - stx);
        const double stpq = stx + ((dx / ((fx - fp) / (stp - stx) + dx)) / 2.0) * (stp - stx);
        stpf = std::abs(stpc - stx) < std::abs(stpq - stx) ? stpc : stpc + (stpq - stpc) / 2.0;
        brackt = true;
    } else if (sgnd < 0.0) {
        // Case 2: lower value, derivatives of opposite sign; the minimum is bracketed.
        const double theta = 3.0 * (fx - fp) / (stp - stx) + dx + dp;
        const double s = std::max({std::abs(theta), std::abs(dx), std::abs(dp)});
        double gamma = s
                       * std::sqrt(std::max(0.0, (theta / s) * (theta / s) - (dx / s) * (dp / s)));
        if (stp > stx)
            gamma = -gamma;
        const double p = (gamma - dp) + theta;
        const double q = ((gamma - dp) + gamma) + dx;
        const double stpc = stp + (p / q) * (stx - stp);
        const double stpq = stp + (dp / (dp - dx)) * (stx - stp);
        stpf = std::abs(stpc - stp) > std::abs(stpq - stp) ? stpc : stpq;
        brackt = true;
    } else if (std::abs(dp) < std::abs(dx)) {
        // Case 3: lower value, same-sign derivatives, derivative magnitude decreases. The
        // cubic step is used only if it tends to infinity in the direction of the step or
        // its minimum lies beyond stp; otherwise stpmin/stpmax.
        const double theta = 3.0 * (fx - fp) / (stp - stx) + dx + dp;
        const double s = std::max({std::abs(theta), std::abs(dx), std::abs(dp)});
        double gamma = s
                       * std::sqrt(std::max(0.0, (theta / s) * (theta / s) - (dx / s) * (dp / s)));
        if (stp > stx)
            gamma = -gamma;
        const double p = (gamma - dp) + theta;
        const double q = (gamma + (dx - dp)) + gamma;
        const double r = p / q;
        double stpc;
        if (r < 0.0 && gamma != 0.0)
            stpc = stp + r * (stx - stp);
        else if (stp > stx)
            stpc = stpmax;
        else
            stpc = stpmin;
        const double stpq = stp + (dp / (dp - dx)) * (stx - stp);
        if (brackt) {
            // Keep the step inside the bracket, at most 66% of the way to its far end.
            stpf = std::abs(stpc - stp) < std::abs(stpq - stp) ? stpc : stpq;
            if (stp > stx)
                stpf = std::min(stp + 0.66 * (sty - stp), stpf);
            else
                stpf = std::max(stp + 0.66 * (sty - stp), stpf);
        } else {
            stpf = std::abs(stpc - stp) > std::abs(stpq - stp) ? stpc : stpq;
            stpf = std::clamp(stpf, stpmin, stpmax);
        }
    } else {
        // Case 4: lower value, same-sign derivatives, derivative magnitude does not decrease.
        if (brackt) {
            const double theta = 3.0 * (fp - fy) / (sty - stp) + dy + dp;
            const double s = std::max({std::abs(theta), std::abs(dy), std::abs(dp)});
            double gamma = s
                           * std::sqrt(
                               std::max(0.0, (theta / s) * (theta / s) - (dy / s) * (dp / s)));
            if (stp > sty)
                gamma = -gamma;
            const double p = (gamma - dp) + theta;
            const double q = ((gamma - dp) + gamma) + dy;
            stpf = stp + (p / q) * (sty - stp);
        } else {
            stpf = stp > stx ? stpmax : stpmin;
        }
    }

    // Update the interval which contains a minimiser.
    if (fp > fx) {
        sty = stp;
        fy = fp;
        dy = dp;
    } else {
        if (sgnd < 0.0) {
            sty = stx;
            fy = fx;
            dy = dx;
        }
        stx = stp;
        fx = fp;
        dx = dp;
    }
    stp = stpf;
}

} // namespace

void LbfgsParams::validate() const
{
    require(memory >= 1, "memory", ">= 1", memory);
    require(maxIterations >= 1, "maxIterations", ">= 1", maxIterations);
    require(gradientTolerance >= 0.0, "gradientTolerance", ">= 0", gradientTolerance);
    require(relativeDecrease >= 0.0, "relativeDecrease", ">= 0", relativeDecrease);
    require(maxLineSearch >= 1, "maxLineSearch", ">= 1", maxLineSearch);
    require(sufficientDecrease > 0.0 && sufficientDecrease < 0.5,
            "sufficientDecrease",
            "in (0, 0.5)",
            sufficientDecrease);
    require(curvature > sufficientDecrease && curvature < 1.0,
            "curvature",
            "in (sufficientDecrease, 1)",
            curvature);
    require(stepTolerance >= 0.0, "stepTolerance", ">= 0", stepTolerance);
    require(maxStep > 0.0, "maxStep", "> 0", maxStep);
    require(approximateDecrease >= 0.0, "approximateDecrease", ">= 0", approximateDecrease);
}

std::string toString(LbfgsStatus status)
{
    switch (status) {
    case LbfgsStatus::GradientTolerance:
        return "gradient tolerance reached";
    case LbfgsStatus::RelativeDecrease:
        return "relative decrease of the objective below tolerance";
    case LbfgsStatus::MaxIterations:
        return "maximum number of iterations reached";
    case LbfgsStatus::LineSearchFailed:
        return "line search failed along steepest descent";
    }
    return "unknown";
}

Lbfgs::Lbfgs(LbfgsParams params)
    : m_params(params)
{
    m_params.validate();
}

void Lbfgs::resize(Eigen::Index n)
{
    const int m = m_params.memory;
    if (m_s.rows() != n || m_s.cols() != m) {
        m_s.resize(n, m);
        m_y.resize(n, m);
        m_ys.resize(m);
        m_alpha.resize(m);
        m_grad.resize(n);
        m_xp.resize(n);
        m_gradp.resize(n);
        m_drt.resize(n);
    }
    m_pairs = 0;
    m_newest = -1;
    m_evaluations = 0;
}

// Two-loop recursion (Nocedal & Wright, Alg. 7.4): m_drt = -H_k * grad, with the initial
// matrix H_k^0 = (s'y / y'y) I of the newest pair (their eq. 7.20).
void Lbfgs::computeDirection()
{
    const int m = m_params.memory;
    m_drt = m_grad;
    int j = m_newest;
    for (int i = 0; i < m_pairs; ++i) {
        m_alpha[j] = m_s.col(j).dot(m_drt) / m_ys[j];
        m_drt.noalias() -= m_alpha[j] * m_y.col(j);
        j = (j + m - 1) % m;
    }
    if (m_pairs > 0)
        m_drt *= m_ys[m_newest] / m_y.col(m_newest).squaredNorm();
    j = (m_newest + m - m_pairs + 1) % m; // oldest pair
    for (int i = 0; i < m_pairs; ++i) {
        const double beta = m_y.col(j).dot(m_drt) / m_ys[j];
        m_drt.noalias() += (m_alpha[j] - beta) * m_s.col(j);
        j = (j + 1) % m;
    }
    m_drt = -m_drt;
}

// MINPACK-2 dcsrch (More & Thuente 1994) driving dcstep, with L-BFGS-B's settings. Searches
// phi(stp) = f(xp + stp * d) for a step satisfying the strong Wolfe conditions
//   phi(stp) <= phi(0) + c1 stp phi'(0)   and   |phi'(stp)| <= c2 |phi'(0)|.
// On success x, fx and m_grad hold the accepted point.
Lbfgs::LineSearchResult Lbfgs::lineSearch(const Objective &f,
                                          Eigen::Ref<Eigen::VectorXd> x,
                                          double &fx,
                                          double &step)
{
    constexpr double xtrapl = 1.1, xtrapu = 4.0;
    const double finit = fx;
    const double ginit = m_gradp.dot(m_drt);
    if (!(ginit < 0.0))
        return LineSearchResult::Failed; // not a descent direction
    const double gtest = m_params.sufficientDecrease * ginit;
    const double stpmin = 0.0, stpmax = m_params.maxStep;
    const double xtol = m_params.stepTolerance;

    bool brackt = false;
    bool stage1 = true;
    double width = stpmax - stpmin;
    double width1 = 2.0 * width;
    double stx = 0.0, fxs = finit, gx = ginit;
    double sty = 0.0, fy = finit, gy = ginit;
    double stmin = 0.0, stmax = step + xtrapu * step;
    step = std::min(step, stpmax);

    for (int evals = 0; evals < m_params.maxLineSearch; ++evals) {
        x.noalias() = m_xp + step * m_drt;
        const double fp = f(x, m_grad);
        ++m_evaluations;
        if (!std::isfinite(fp)) {
            // Overflow at a long trial step: back off towards the best step so far.
            stmax = step;
            step = stx + 0.5 * (step - stx);
            continue;
        }
        const double gp = m_grad.dot(m_drt);
        const double ftest = finit + step * gtest;
        if (stage1 && fp <= ftest && gp >= 0.0)
            stage1 = false;

        const bool warning = (brackt && (step <= stmin || step >= stmax))
                             || (brackt && stmax - stmin <= xtol * stmax)
                             || (step == stpmax && fp <= ftest && gp <= gtest)
                             || (step == stpmin && (fp > ftest || gp >= gtest));
        const bool curvatureOk = std::abs(gp) <= m_params.curvature * (-ginit);
        if (curvatureOk
            && (fp <= ftest || fp <= finit + m_params.approximateDecrease * std::abs(finit))) {
            fx = fp;
            return LineSearchResult::Ok;
        }
        if (warning) {
            // Rounding errors or the interval collapsed: L-BFGS-B accepts the step; we do
            // only when it decreased f, otherwise the caller restarts.
            fx = fp;
            return fp < finit ? LineSearchResult::Ok : LineSearchResult::Failed;
        }

        // In the first stage, while the sufficient decrease test fails at a lower value, use
        // the modified function psi(stp) = phi(stp) - stp * gtest (More & Thuente, sec. 3).
        if (stage1 && fp <= fxs && fp > ftest) {
            double fm = fp - step * gtest, fxm = fxs - stx * gtest, fym = fy - sty * gtest;
            double gm = gp - gtest, gxm = gx - gtest, gym = gy - gtest;
            dcstep(stx, fxm, gxm, sty, fym, gym, step, fm, gm, brackt, stmin, stmax);
            fxs = fxm + stx * gtest;
            fy = fym + sty * gtest;
            gx = gxm + gtest;
            gy = gym + gtest;
        } else {
            dcstep(stx, fxs, gx, sty, fy, gy, step, fp, gp, brackt, stmin, stmax);
        }

        // Bisect when the interval does not shrink fast enough.
        if (brackt) {
            if (std::abs(sty - stx) >= 0.66 * width1)
                step = stx + 0.5 * (sty - stx);
            width1 = width;
            width = std::abs(sty - stx);
            stmin = std::min(stx, sty);
            stmax = std::max(stx, sty);
        } else {
            stmin = step + xtrapl * (step - stx);
            stmax = step + xtrapu * (step - stx);
        }
        step = std::clamp(step, stpmin, stpmax);
        // If no further progress is possible, return to the best step obtained.
        if ((brackt && (step <= stmin || step >= stmax))
            || (brackt && stmax - stmin <= xtol * stmax))
            step = stx;
    }
    return LineSearchResult::Failed;
}

LbfgsResult Lbfgs::minimize(const Objective &f,
                            Eigen::Ref<Eigen::VectorXd> x,
                            const Callback &callback)
{
    resize(x.size());
    LbfgsResult result;
    double fx = f(x, m_grad);
    ++m_evaluations;
    if (!std::isfinite(fx))
        throw std::domain_error("L-BFGS: the objective is not finite at the starting point");
    double gnorm = m_grad.lpNorm<Eigen::Infinity>();
    result.value = fx;
    result.gradientMaxNorm = gnorm;
    result.evaluations = m_evaluations;
    if (gnorm <= m_params.gradientTolerance) {
        result.status = LbfgsStatus::GradientTolerance;
        return result;
    }
    m_drt = -m_grad;

    int iteration = 0;
    for (;;) {
        m_xp = x;
        m_gradp = m_grad;
        const double fold = fx;
        // Without curvature pairs the direction is unscaled: start with a step of unit length,
        // as L-BFGS-B does on its first iteration; afterwards the quasi-Newton step 1.
        double step = m_pairs == 0 ? std::min(1.0 / m_drt.norm(), m_params.maxStep) : 1.0;

        LineSearchResult ls;
        try {
            ls = lineSearch(f, x, fx, step);
        } catch (...) {
            x = m_xp; // cancelled from inside f: leave the last accepted point
            throw;
        }
        if (ls == LineSearchResult::Failed) {
            x = m_xp;
            fx = fold;
            m_grad = m_gradp;
            if (m_pairs == 0) {
                result.status = LbfgsStatus::LineSearchFailed;
                break;
            }
            // The quasi-Newton model misled the search: drop it and retry steepest descent,
            // as L-BFGS-B does ("refresh the lbfgs memory and restart the iteration").
            m_pairs = 0;
            m_newest = -1;
            m_drt = -m_grad;
            continue;
        }

        ++iteration;
        gnorm = m_grad.lpNorm<Eigen::Infinity>();
        result.iterations = iteration;
        result.value = fx;
        result.gradientMaxNorm = gnorm;
        result.evaluations = m_evaluations;
        if (callback)
            callback(LbfgsIterate{iteration, fx, gnorm, step, m_evaluations});

        if (gnorm <= m_params.gradientTolerance) {
            result.status = LbfgsStatus::GradientTolerance;
            break;
        }
        if (m_params.relativeDecrease > 0.0
            && fold - fx
                   <= m_params.relativeDecrease * std::max({std::abs(fold), std::abs(fx), 1.0})) {
            result.status = LbfgsStatus::RelativeDecrease;
            break;
        }
        if (iteration >= m_params.maxIterations) {
            result.status = LbfgsStatus::MaxIterations;
            break;
        }

        // New correction pair, kept only when the curvature s'y is safely positive
        // (L-BFGS-B's test: s'y > eps * (-g_old' s)), so H stays positive definite.
        const double ys = (x - m_xp).dot(m_grad - m_gradp);
        if (ys > kEps * (-m_gradp.dot(x - m_xp))) {
            const int next = (m_newest + 1) % m_params.memory;
            m_s.col(next).noalias() = x - m_xp;
            m_y.col(next).noalias() = m_grad - m_gradp;
            m_ys[next] = ys;
            m_newest = next;
            m_pairs = std::min(m_pairs + 1, m_params.memory);
        }
        computeDirection();
    }
    result.evaluations = m_evaluations;
    return result;
}

Lbfgs::Callback observerCallback(Observer &observer, double lossScale, int maxIterations)
{
    return [&observer, lossScale, maxIterations](const LbfgsIterate &it) {
        if (observer.cancelled())
            throw Cancelled{};
        observer.onIteration(it.iteration,
                             {{"loss", it.value * lossScale}, {"grad_norm", it.gradientMaxNorm}});
        if (maxIterations > 0)
            observer.onProgress(std::min(1.0, double(it.iteration) / maxIterations));
    };
}

} // namespace fb::ml
