#include "LinearSvc.h"

#include "DualCoordinateDescent.h"
#include "PrimalNewton.h"

#include "ml/common/ArgMax.h"
#include "ml/common/Checks.h"
#include "ml/common/Parallel.h"

#include <algorithm>
#include <cmath>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace fb::ml {

namespace {

constexpr std::int64_t kArchiveVersion = 1;
const std::string kKind = "linear_svc";

} // namespace

void LinearSvcParams::validate() const
{
    checks::positive("C", C);
    checks::positive("interceptScaling", interceptScaling);
    checks::atLeast("maxIterations", maxIterations, 1);
    checks::nonNegative("tolerance", tolerance);
}

namespace {
std::int64_t solverCode(LinearSvcParams::Solver s)
{
    return s == LinearSvcParams::Solver::Dual ? 1 : s == LinearSvcParams::Solver::Primal ? 2 : 0;
}
} // namespace

LinearSvc::LinearSvc(LinearSvcParams params)
    : m_params(params)
{
    m_params.validate();
}

void LinearSvc::fit(const Eigen::Ref<const Eigen::MatrixXd> &X,
                    const Eigen::Ref<const Eigen::VectorXi> &y,
                    int classCount,
                    Observer &observer)
{
    m_params.validate();
    checks::trainingInput(X, y.size(), "linear SVM");
    checks::classLabels(y, classCount, "linear SVM");
    if (observer.cancelled())
        throw Cancelled{};

    const Eigen::Index n = X.rows();
    const Eigen::Index p = X.cols();
    const double bias = m_params.fitIntercept ? m_params.interceptScaling : 0.0;
    const bool primal = m_params.solver == LinearSvcParams::Solver::Primal
                        || (m_params.solver == LinearSvcParams::Solver::Auto && n > p && p <= 2000);
    // The dual solver reads one sample at a time: rows must be contiguous (one copy).
    RowMajorMatrix rows;
    Eigen::VectorXd rowNorms;
    if (!primal) {
        rows.resize(n, p + (bias != 0.0 ? 1 : 0));
        rows.leftCols(p) = X;
        if (bias != 0.0)
            rows.col(p).setConstant(bias);
        rowNorms = rows.rowwise().squaredNorm();
    }

    const int problems = classCount == 2 ? 1 : classCount;
    std::vector<std::unique_ptr<BinarySvmSolver>> solvers;
    for (int k = 0; k < problems; ++k) {
        const int positive = classCount == 2 ? 1 : k;
        Eigen::VectorXd signs = (y.array() == positive).select(Eigen::VectorXd::Ones(n), -1.0);
        if (primal)
            solvers.push_back(std::make_unique<PrimalNewton>(X,
                                                             bias,
                                                             std::move(signs),
                                                             m_params.C,
                                                             m_params.tolerance));
        else
            solvers.push_back(
                std::make_unique<DualCoordinateDescent>(rows,
                                                        rowNorms,
                                                        std::move(signs),
                                                        m_params.C,
                                                        m_params.tolerance,
                                                        m_params.seed
                                                            + 0x9E3779B97F4A7C15ull
                                                                  * std::uint64_t(k + 1)));
    }

    // All problems advance one iteration at a time, so that the observer sees one curve. The
    // dual passes of the one-vs-rest problems run in parallel; a primal Newton step
    // parallelises over rows itself, so its problems run one after the other.
    for (int it = 0; it < m_params.maxIterations; ++it) {
        if (observer.cancelled())
            throw Cancelled{};
        std::vector<int> running;
        for (int k = 0; k < problems; ++k)
            if (!solvers[size_t(k)]->done())
                running.push_back(k);
        if (running.empty())
            break;
        if (primal) {
            for (int k : running)
                solvers[size_t(k)]->step();
        } else {
            parallelFor(Eigen::Index(running.size()), 1, [&](Eigen::Index b, Eigen::Index e) {
                for (Eigen::Index r = b; r < e; ++r)
                    solvers[size_t(running[size_t(r)])]->step();
            });
        }
        double loss = 0.0, stop = 0.0;
        for (const auto &s : solvers) {
            loss += s->loss();
            stop = std::max(stop, s->stoppingValue());
        }
        observer.onIteration(it + 1,
                             {{"loss", loss / double(problems)},
                              {primal ? "grad_norm" : "pg_gap", stop}});
        observer.onProgress(double(it + 1) / double(m_params.maxIterations));
    }

    m_classes = classCount;
    m_coef.resize(p, problems);
    m_intercept.resize(problems);
    m_iterations = 0;
    m_converged = true;
    for (int k = 0; k < problems; ++k) {
        const auto &s = *solvers[size_t(k)];
        m_coef.col(k) = s.weights().head(p);
        m_intercept[k] = bias != 0.0 ? s.weights()[p] * bias : 0.0;
        m_iterations = std::max(m_iterations, s.iterations());
        m_converged = m_converged && s.done();
    }
    observer.onLog(std::string(primal ? "primal Newton: " : "dual coordinate descent: ")
                   + std::to_string(m_iterations) + (primal ? " steps" : " passes")
                   + (m_converged ? "" : " (not converged: raise maxIterations)"));
}

Eigen::MatrixXd LinearSvc::decisionFunction(const Eigen::Ref<const Eigen::MatrixXd> &X) const
{
    checks::featureCount(X, featureCount());
    Eigen::MatrixXd Z = X * m_coef;
    Z.rowwise() += m_intercept.transpose();
    return Z;
}

Eigen::VectorXd LinearSvc::predict(const Eigen::Ref<const Eigen::MatrixXd> &X) const
{
    const Eigen::MatrixXd Z = decisionFunction(X);
    if (Z.cols() == 1) // binary: class 1 when the score is positive
        return (Z.col(0).array() > 0.0).cast<double>().matrix();
    return argmaxRows(Z);
}

Eigen::MatrixXd LinearSvc::predictProba(const Eigen::Ref<const Eigen::MatrixXd> &X) const
{
    Eigen::MatrixXd Z = decisionFunction(X);
    if (Z.cols() == 1) {
        Eigen::MatrixXd P(Z.rows(), 2);
        P.col(1) = (1.0 / (1.0 + (-Z.col(0).array()).exp())).matrix();
        P.col(0) = (1.0 - P.col(1).array()).matrix();
        return P;
    }
    Z.colwise() -= Z.rowwise().maxCoeff();
    Z = Z.array().exp().matrix();
    Z.array().colwise() /= Z.rowwise().sum().array();
    return Z;
}

Eigen::VectorXd LinearSvc::featureImportance() const
{
    return m_coef.cwiseAbs().rowwise().mean();
}

void LinearSvc::save(Archive &archive) const
{
    archive.setString("kind", kind());
    archive.setInt("version", kArchiveVersion);
    archive.setDouble("C", m_params.C);
    archive.setInt("fit_intercept", m_params.fitIntercept ? 1 : 0);
    archive.setDouble("intercept_scaling", m_params.interceptScaling);
    archive.setInt("max_iterations", m_params.maxIterations);
    archive.setDouble("tolerance", m_params.tolerance);
    archive.setInt("seed", std::int64_t(m_params.seed));
    archive.setInt("solver", solverCode(m_params.solver));
    archive.setInt("classes", m_classes);
    archive.setMatrix("coefficients", m_coef);
    archive.setVector("intercepts", m_intercept);
    archive.setInt("iterations", m_iterations);
    archive.setInt("converged", m_converged ? 1 : 0);
}

std::unique_ptr<Estimator> LinearSvc::load(const Archive &archive)
{
    checks::archiveHeader(archive, kKind, kArchiveVersion);
    LinearSvcParams params;
    params.C = archive.getDouble("C");
    params.fitIntercept = archive.getInt("fit_intercept") != 0;
    params.interceptScaling = archive.getDouble("intercept_scaling");
    params.maxIterations = int(archive.getInt("max_iterations"));
    params.tolerance = archive.getDouble("tolerance");
    params.seed = std::uint64_t(archive.getInt("seed"));
    const std::int64_t solver = archive.getInt("solver");
    params.solver = solver == 1   ? LinearSvcParams::Solver::Dual
                    : solver == 2 ? LinearSvcParams::Solver::Primal
                                  : LinearSvcParams::Solver::Auto;
    checks::archivedParams(params, kKind);

    const std::int64_t classes = archive.getInt("classes");
    checks::archiveExpect(classes >= 2 && classes <= 1'000'000,
                          kKind,
                          "'classes' must be >= 2, got " + std::to_string(classes));
    Eigen::MatrixXd coef = archive.getMatrix("coefficients");
    Eigen::VectorXd intercept = archive.getVector("intercepts");
    const Eigen::Index k = classes == 2 ? 1 : Eigen::Index(classes);
    checks::archiveExpect(coef.cols() == k && coef.rows() >= 1 && intercept.size() == k,
                          kKind,
                          "coefficients are " + std::to_string(coef.rows()) + " x "
                              + std::to_string(coef.cols()) + " with "
                              + std::to_string(intercept.size()) + " intercepts, expected p x "
                              + std::to_string(k));
    checks::archiveExpect(coef.allFinite() && intercept.allFinite(),
                          kKind,
                          "coefficients contain NaN or infinite values");
    auto model = std::make_unique<LinearSvc>(params);
    model->m_classes = int(classes);
    model->m_coef = std::move(coef);
    model->m_intercept = std::move(intercept);
    model->m_iterations = int(archive.getInt("iterations"));
    model->m_converged = archive.getInt("converged") != 0;
    return model;
}

} // namespace fb::ml
