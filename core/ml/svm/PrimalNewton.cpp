#include "PrimalNewton.h"

#include "ml/common/Parallel.h"

#include <Eigen/Cholesky>

#include <algorithm>
#include <cmath>
#include <vector>

namespace fb::ml {

namespace {

// Fixed row parts (independent of the thread count, so sums are always taken in one order).
constexpr int kParts = 8;

Eigen::Index blockRows(Eigen::Index columns)
{
    return std::clamp<Eigen::Index>(Eigen::Index(65536) / std::max<Eigen::Index>(columns, 1),
                                    64,
                                    8192);
}

// Calls f(part, first row, rows) for every part, in parallel; BLAS single-threaded inside.
template<typename Fn>
void forEachPart(Eigen::Index n, int parts, Fn &&f)
{
    const BlasSerialScope serialBlas;
    parallelFor(parts, 1, [&](Eigen::Index first, Eigen::Index last) {
        for (Eigen::Index part = first; part < last; ++part) {
            const Eigen::Index r0 = n * part / parts;
            f(part, r0, n * (part + 1) / parts - r0);
        }
    });
}

} // namespace

PrimalNewton::PrimalNewton(const Eigen::Ref<const Eigen::MatrixXd> &X,
                           double bias,
                           Eigen::VectorXd y,
                           double C,
                           double tolerance)
    : m_X(X)
    , m_bias(bias)
    , m_y(std::move(y))
    , m_C(C)
    , m_w(Eigen::VectorXd::Zero(X.cols() + (bias != 0.0 ? 1 : 0)))
    , m_z(Eigen::VectorXd::Zero(X.rows()))
{
    const auto positives = (m_y.array() > 0.0).count();
    const auto smaller = std::min(positives, m_y.size() - positives);
    m_relativeTolerance = tolerance * double(std::max<Eigen::Index>(smaller, 1))
                          / double(m_y.size());
}

double PrimalNewton::evaluate(Eigen::VectorXd &gradient, Eigen::MatrixXd *hessian)
{
    const Eigen::Index n = m_X.rows();
    const Eigen::Index p = m_X.cols();
    const Eigen::Index q = m_w.size();
    const Eigen::Index block = blockRows(q);
    const int parts = n >= kParts * block ? kParts : 1;
    std::vector<double> hinge(static_cast<size_t>(parts), 0.0);
    std::vector<Eigen::VectorXd> grads(static_cast<size_t>(parts), Eigen::VectorXd::Zero(q));
    std::vector<Eigen::MatrixXd> hessians(static_cast<size_t>(hessian ? parts : 0),
                                          Eigen::MatrixXd::Zero(q, q));

    forEachPart(n, parts, [&](Eigen::Index part, Eigen::Index r0, Eigen::Index rows) {
        Eigen::VectorXd r(block);
        Eigen::MatrixXd active(hessian ? block : 0, q);
        std::vector<Eigen::Index> index;
        index.reserve(size_t(block));
        auto &g = grads[size_t(part)];
        for (Eigen::Index b0 = r0; b0 < r0 + rows; b0 += block) {
            const Eigen::Index nb = std::min(block, r0 + rows - b0);
            index.clear();
            for (Eigen::Index i = 0; i < nb; ++i) {
                const double yi = m_y[b0 + i];
                const double slack = 1.0 - yi * m_z[b0 + i];
                if (slack > 0.0) {
                    hinge[size_t(part)] += slack * slack;
                    r[i] = -slack * yi; // d/dz of slack^2 / 2
                    index.push_back(b0 + i);
                } else {
                    r[i] = 0.0;
                }
            }
            g.head(p).noalias() += m_X.middleRows(b0, nb).transpose() * r.head(nb);
            if (q > p)
                g[p] += m_bias * r.head(nb).sum();
            if (hessian && !index.empty()) {
                const auto m = Eigen::Index(index.size());
                for (Eigen::Index j = 0; j < p; ++j)
                    active.col(j).head(m) = m_X.col(j)(index);
                if (q > p)
                    active.col(p).head(m).setConstant(m_bias);
                hessians[size_t(part)].selfadjointView<Eigen::Lower>().rankUpdate(
                    active.topRows(m).transpose());
            }
        }
    });

    double hingeSum = 0.0;
    gradient = Eigen::VectorXd::Zero(q);
    for (int part = 0; part < parts; ++part) {
        hingeSum += hinge[size_t(part)];
        gradient += grads[size_t(part)];
    }
    gradient = m_w + 2.0 * m_C * gradient;
    if (hessian) {
        Eigen::MatrixXd H = Eigen::MatrixXd::Zero(q, q);
        for (int part = 0; part < parts; ++part)
            H.triangularView<Eigen::Lower>() += hessians[size_t(part)];
        H *= 2.0 * m_C;
        H.diagonal().array() += 1.0;
        *hessian = H.selfadjointView<Eigen::Lower>();
    }
    return 0.5 * m_w.squaredNorm() + m_C * hingeSum;
}

void PrimalNewton::product(const Eigen::VectorXd &d, Eigen::VectorXd &out) const
{
    const Eigen::Index n = m_X.rows();
    const Eigen::Index p = m_X.cols();
    out.resize(n);
    const int parts = n >= kParts * blockRows(d.size()) ? kParts : 1;
    forEachPart(n, parts, [&](Eigen::Index, Eigen::Index r0, Eigen::Index rows) {
        out.segment(r0, rows).noalias() = m_X.middleRows(r0, rows) * d.head(p);
        if (d.size() > p)
            out.segment(r0, rows).array() += m_bias * d[p];
    });
}

double PrimalNewton::objectiveAlong(const Eigen::VectorXd &d,
                                    const Eigen::VectorXd &xd,
                                    double t) const
{
    double hinge = 0.0;
    for (Eigen::Index i = 0; i < m_z.size(); ++i) {
        const double slack = 1.0 - m_y[i] * (m_z[i] + t * xd[i]);
        if (slack > 0.0)
            hinge += slack * slack;
    }
    return 0.5 * (m_w + t * d).squaredNorm() + m_C * hinge;
}

bool PrimalNewton::step()
{
    if (m_done)
        return false;
    Eigen::VectorXd gradient;
    Eigen::MatrixXd hessian;
    const double f = evaluate(gradient, &hessian);
    const double norm = gradient.norm();
    if (m_iterations == 0) {
        m_gradient0 = norm;
        m_tolerance = m_relativeTolerance * norm;
    }
    m_relativeGradient = m_gradient0 > 0.0 ? norm / m_gradient0 : 0.0;
    const double scale = m_C * double(m_y.size());
    m_loss = f / scale;
    if (norm <= m_tolerance) {
        // The check read the data once more: it counts as an iteration, so that iterations()
        // equals the rounds LinearSvc reports to its observer.
        ++m_iterations;
        m_done = true;
        return false;
    }
    const Eigen::VectorXd d = -hessian.llt().solve(gradient);
    Eigen::VectorXd xd;
    product(d, xd);
    // Armijo backtracking from the full Newton step (accepted at once near the optimum).
    const double slope = gradient.dot(d);
    double t = 1.0;
    double ft = objectiveAlong(d, xd, t);
    while (ft > f + 1e-4 * t * slope && t > 1e-12) {
        t *= 0.5;
        ft = objectiveAlong(d, xd, t);
    }
    ++m_iterations;
    if (!(ft < f)) { // no progress possible at double precision: the optimum
        m_done = true;
        return false;
    }
    m_w += t * d;
    m_z += t * xd;
    m_loss = ft / scale;
    return true;
}

} // namespace fb::ml
