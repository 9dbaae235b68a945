#include "ElasticNet.h"

#include "ml/common/Checks.h"
#include "ml/common/Gram.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

namespace fb::ml {

namespace {

constexpr std::int64_t kArchiveVersion = 1;
const std::string kKind = "elastic_net";

double softThreshold(double z, double threshold)
{
    return z > threshold ? z - threshold : (z < -threshold ? z + threshold : 0.0);
}

// Everything a sweep needs, in scikit-learn's n-scaled units (cd_fast.pyx): the objective is
// 1/2 ||r||^2 + l1 ||w||_1 + l2/2 ||w||^2 with l1 = n alpha l1Ratio, l2 = n alpha (1 - l1Ratio).
struct Problem
{
    double l1 = 0.0;
    double l2 = 0.0;
    double yNorm2 = 0.0; // ||y - mean(y)||^2
    Eigen::Index n = 0;
};

// The duality gap of the n-scaled problem (cd_fast.pyx, after El Ghaoui et al. 2012 and
// Mairal's thesis): the dual point is the residual scaled so that ||X'r - l2 w||_inf <= l1.
// xtr = Xc' r, rNorm2 = ||r||^2, ry = r'yc.
double dualityGap(const Problem &pb,
                  const Eigen::VectorXd &w,
                  const Eigen::VectorXd &xtr,
                  double rNorm2,
                  double ry)
{
    const double dualNorm = (xtr - pb.l2 * w).lpNorm<Eigen::Infinity>();
    double scale = 1.0;
    double gap = rNorm2;
    if (dualNorm > pb.l1) {
        scale = pb.l1 / dualNorm;
        gap = 0.5 * (rNorm2 + rNorm2 * scale * scale);
    }
    return gap + pb.l1 * w.lpNorm<1>() - scale * ry
           + 0.5 * pb.l2 * (1.0 + scale * scale) * w.squaredNorm();
}

double objective(const Problem &pb, const Eigen::VectorXd &w, double rNorm2)
{
    return (0.5 * rNorm2 + pb.l1 * w.lpNorm<1>() + 0.5 * pb.l2 * w.squaredNorm()) / double(pb.n);
}

// The outcome of one sweep, for the stopping rule.
struct Sweep
{
    double maxWeight = 0.0;
    double maxChange = 0.0;
};

// Coordinate descent with covariance updates: keeps h = Q w (Q = Xc'Xc, q = Xc'yc), so that
// the partial residual correlation of coordinate j is q_j - h_j + Q_jj w_j.
class GramSolver
{
public:
    GramSolver(const Problem &pb, CentredCrossProducts cp)
        : m_pb(pb)
        , m_Q(std::move(cp.gram))
        , m_q(std::move(cp.xty))
        , m_h(Eigen::VectorXd::Zero(m_q.size()))
    {}

    Sweep sweep(Eigen::VectorXd &w)
    {
        Sweep s;
        for (Eigen::Index j = 0; j < w.size(); ++j) {
            const double qjj = m_Q(j, j);
            if (qjj == 0.0)
                continue; // constant column: its coefficient stays 0
            const double old = w[j];
            const double z = m_q[j] - m_h[j] + qjj * old;
            w[j] = softThreshold(z, m_pb.l1) / (qjj + m_pb.l2);
            const double delta = w[j] - old;
            if (delta != 0.0)
                m_h.noalias() += delta * m_Q.col(j);
            s.maxChange = std::max(s.maxChange, std::abs(delta));
            s.maxWeight = std::max(s.maxWeight, std::abs(w[j]));
        }
        return s;
    }

    // ||r||^2 = ||yc||^2 - 2 q'w + w'Qw, as scikit-learn's gram variant.
    double residualNorm2(const Eigen::VectorXd &w) const
    {
        return std::max(0.0, m_pb.yNorm2 - 2.0 * m_q.dot(w) + w.dot(m_h));
    }

    double gap(const Eigen::VectorXd &w) const
    {
        return dualityGap(m_pb, w, m_q - m_h, residualNorm2(w), m_pb.yNorm2 - m_q.dot(w));
    }

private:
    const Problem &m_pb;
    Eigen::MatrixXd m_Q;
    Eigen::VectorXd m_q;
    Eigen::VectorXd m_h;
};

// Coordinate descent on the residual r = yc - Xc w, for p >= n. X is not copied: the centred
// column is x_j - mu_j, and since r sums to zero (centred yc minus centred columns),
// x_j'r = (x_j - mu_j)'r. The gap uses the exact form, in case rounding moved the sum.
class ResidualSolver
{
public:
    ResidualSolver(const Problem &pb,
                   const Eigen::Ref<const Eigen::MatrixXd> &X,
                   const Eigen::VectorXd &mean,
                   const Eigen::Ref<const Eigen::VectorXd> &y,
                   double yMean)
        : m_pb(pb)
        , m_X(X)
        , m_mean(mean)
        , m_yc(y.array() - yMean)
        , m_r(m_yc)
        , m_norms(X.cols())
    {
        for (Eigen::Index j = 0; j < X.cols(); ++j)
            m_norms[j] = (X.col(j).array() - mean[j]).square().sum();
    }

    Sweep sweep(Eigen::VectorXd &w)
    {
        Sweep s;
        for (Eigen::Index j = 0; j < w.size(); ++j) {
            const double norm = m_norms[j];
            if (norm == 0.0)
                continue;
            const double old = w[j];
            const double z = m_X.col(j).dot(m_r) + norm * old;
            w[j] = softThreshold(z, m_pb.l1) / (norm + m_pb.l2);
            const double delta = w[j] - old;
            if (delta != 0.0)
                m_r.array() -= delta * (m_X.col(j).array() - m_mean[j]);
            s.maxChange = std::max(s.maxChange, std::abs(delta));
            s.maxWeight = std::max(s.maxWeight, std::abs(w[j]));
        }
        return s;
    }

    double residualNorm2(const Eigen::VectorXd &) const { return m_r.squaredNorm(); }

    double gap(const Eigen::VectorXd &w) const
    {
        const Eigen::VectorXd xtr = m_X.transpose() * m_r - m_mean * m_r.sum();
        return dualityGap(m_pb, w, xtr, m_r.squaredNorm(), m_r.dot(m_yc));
    }

private:
    const Problem &m_pb;
    const Eigen::Ref<const Eigen::MatrixXd> &m_X;
    const Eigen::VectorXd &m_mean;
    Eigen::VectorXd m_yc;
    Eigen::VectorXd m_r;
    Eigen::VectorXd m_norms;
};

} // namespace

void ElasticNetParams::validate() const
{
    checks::nonNegative("alpha", alpha);
    checks::inRange("l1Ratio", l1Ratio, 0.0, 1.0);
    checks::atLeast("maxIterations", maxIterations, 1);
    checks::nonNegative("tolerance", tolerance);
}

ElasticNet::ElasticNet(ElasticNetParams params)
    : m_params(params)
{
    m_params.validate();
}

void ElasticNet::fit(const Eigen::Ref<const Eigen::MatrixXd> &X,
                     const Eigen::Ref<const Eigen::VectorXd> &y,
                     Observer &observer)
{
    m_params.validate();
    checks::trainingInput(X, y.size(), "elastic net");
    if (!y.allFinite())
        throw std::invalid_argument("y contains NaN or infinite values");
    if (observer.cancelled())
        throw Cancelled{};

    const Eigen::Index n = X.rows();
    const Eigen::Index p = X.cols();
    const ColumnMoments moments = columnMoments(X);
    const Eigen::VectorXd mean = m_params.fitIntercept ? moments.mean : Eigen::VectorXd::Zero(p);
    const double yMean = m_params.fitIntercept ? y.mean() : 0.0;

    Problem pb;
    pb.n = n;
    pb.l1 = m_params.alpha * m_params.l1Ratio * double(n);
    pb.l2 = m_params.alpha * (1.0 - m_params.l1Ratio) * double(n);
    pb.yNorm2 = (y.array() - yMean).matrix().squaredNorm();
    const double gapTolerance = m_params.tolerance * pb.yNorm2;

    Eigen::VectorXd w = Eigen::VectorXd::Zero(p);
    auto run = [&](auto &solver) {
        m_converged = false;
        for (int it = 1; it <= m_params.maxIterations; ++it) {
            if (observer.cancelled())
                throw Cancelled{};
            const Sweep s = solver.sweep(w);
            m_iterations = it;
            std::vector<MetricValue> metrics{
                {"loss", objective(pb, w, solver.residualNorm2(w))},
                {"max_change", s.maxChange},
            };
            // scikit-learn's rule: the gap is only worth computing once the coefficients
            // have (almost) stopped moving, and after the last sweep.
            if (s.maxWeight == 0.0 || s.maxChange / s.maxWeight < m_params.tolerance
                || it == m_params.maxIterations) {
                const double gap = solver.gap(w);
                m_dualGap = gap / double(n);
                metrics.push_back({"dual_gap", m_dualGap});
                if (gap <= gapTolerance)
                    m_converged = true;
            }
            observer.onIteration(it, metrics);
            observer.onProgress(double(it) / double(m_params.maxIterations));
            if (m_converged)
                break;
        }
    };

    const bool useGram = m_params.gram == ElasticNetParams::Gram::Always
                         || (m_params.gram == ElasticNetParams::Gram::Auto && n > p && p <= 4096);
    if (useGram) {
        GramSolver
            solver(pb, centredCrossProducts(X, mean, y.data(), yMean, observer, &moments.variance));
        run(solver);
    } else {
        ResidualSolver solver(pb, X, mean, y, yMean);
        run(solver);
    }
    m_coef = std::move(w);
    m_intercept = yMean - mean.dot(m_coef);
    observer.onLog("coordinate descent: " + std::to_string(m_iterations) + " sweeps ("
                   + (useGram ? "covariance" : "residual") + " updates), duality gap "
                   + checks::number(m_dualGap) + (m_converged ? "" : ", not converged"));
}

Eigen::VectorXd ElasticNet::predict(const Eigen::Ref<const Eigen::MatrixXd> &X) const
{
    checks::featureCount(X, featureCount());
    Eigen::VectorXd out = X * m_coef;
    out.array() += m_intercept;
    return out;
}

void ElasticNet::save(Archive &archive) const
{
    archive.setString("kind", kind());
    archive.setInt("version", kArchiveVersion);
    archive.setDouble("alpha", m_params.alpha);
    archive.setDouble("l1_ratio", m_params.l1Ratio);
    archive.setInt("fit_intercept", m_params.fitIntercept ? 1 : 0);
    archive.setInt("max_iterations", m_params.maxIterations);
    archive.setDouble("tolerance", m_params.tolerance);
    archive.setVector("coefficients", m_coef);
    archive.setDouble("intercept", m_intercept);
    archive.setInt("iterations", m_iterations);
    archive.setInt("converged", m_converged ? 1 : 0);
    archive.setDouble("dual_gap", m_dualGap);
}

std::unique_ptr<Estimator> ElasticNet::load(const Archive &archive)
{
    checks::archiveHeader(archive, kKind, kArchiveVersion);
    ElasticNetParams params;
    params.alpha = archive.getDouble("alpha");
    params.l1Ratio = archive.getDouble("l1_ratio");
    params.fitIntercept = archive.getInt("fit_intercept") != 0;
    params.maxIterations = int(archive.getInt("max_iterations"));
    params.tolerance = archive.getDouble("tolerance");
    checks::archivedParams(params, kKind);

    Eigen::VectorXd coef = archive.getVector("coefficients");
    const double intercept = archive.getDouble("intercept");
    checks::archiveExpect(coef.size() > 0, kKind, "'coefficients' is empty");
    checks::archiveExpect(coef.allFinite() && std::isfinite(intercept),
                          kKind,
                          "coefficients contain NaN or infinite values");
    auto model = std::make_unique<ElasticNet>(params);
    model->m_coef = std::move(coef);
    model->m_intercept = intercept;
    model->m_iterations = int(archive.getInt("iterations"));
    model->m_converged = archive.getInt("converged") != 0;
    model->m_dualGap = archive.getDouble("dual_gap");
    return model;
}

} // namespace fb::ml
