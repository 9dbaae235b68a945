#include "LogisticRegression.h"

#include "ml/common/Parallel.h"
#include "ml/optim/Lbfgs.h"

#include <algorithm>
#include <cmath>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace fb::ml {

namespace {

constexpr std::int64_t kArchiveVersion = 1;

// Shortest readable form for messages: "-1", "0.5", "1e-10".
std::string number(double v)
{
    std::ostringstream out;
    out << v;
    return out.str();
}

// Rows per block of the loss/gradient pass (~256 KB of X). A block of X is read once
// from memory for X_b * W and reused from cache for X_b' * R_b, halving the memory traffic
// of the two products on data much larger than the cache.
Eigen::Index blockRows(Eigen::Index features)
{
    return std::clamp<Eigen::Index>(Eigen::Index(32768) / std::max<Eigen::Index>(features, 1),
                                    256,
                                    8192);
}

// sklearn 1.2 minimises sum_i loss_i + ||W||^2 / (2C) with L-BFGS-B (its objective over C);
// we minimise the same function so that the gradient tolerance means the same thing.
//
// Parameters are laid out as [W (p x k, column-major), b (k)], k = 1 for binary problems
// (sigmoid, HalfBinomialLoss) and k = K for multinomial ones (softmax, HalfMultinomialLoss).
class LogisticObjective
{
public:
    LogisticObjective(const Eigen::Ref<const Eigen::MatrixXd> &X,
                      const Eigen::Ref<const Eigen::VectorXi> &y,
                      Eigen::Index k,
                      double C,
                      bool fitIntercept,
                      Observer &observer)
        : m_X(X)
        , m_y(y)
        , m_k(k)
        , m_invC(1.0 / C)
        , m_fitIntercept(fitIntercept)
        , m_observer(observer)
        , m_block(std::min<Eigen::Index>(blockRows(X.cols()), std::max<Eigen::Index>(X.rows(), 1)))
        , m_parts(X.rows() >= kParts * m_block ? kParts : 1)
        , m_work(size_t(m_parts))
    {
        for (Part &part : m_work) {
            part.z.resize(m_block, k);
            part.rowMax.resize(m_block);
            part.rowSum.resize(m_block);
            part.grad.resize(parameterCount());
        }
    }

    Eigen::Index parameterCount() const { return (m_X.cols() + (m_fitIntercept ? 1 : 0)) * m_k; }

    double operator()(const Eigen::Ref<const Eigen::VectorXd> &theta,
                      Eigen::Ref<Eigen::VectorXd> grad)
    {
        // A single evaluation on large data takes long enough to be worth a check.
        if (m_observer.cancelled())
            throw Cancelled{};
        const Eigen::Index p = m_X.cols();
        const Eigen::Map<const Eigen::MatrixXd> W(theta.data(), p, m_k);
        // The rows in a fixed number of parts on every core of the budget, each part with its
        // own gradient, summed in part order: the result does not depend on the thread count.
        parallelFor(m_parts, 1, [&](Eigen::Index first, Eigen::Index last) {
            for (Eigen::Index part = first; part < last; ++part)
                evaluatePart(m_work[size_t(part)], part, theta, W);
        });
        double loss = m_work[0].loss;
        grad = m_work[0].grad;
        for (int part = 1; part < m_parts; ++part) {
            loss += m_work[size_t(part)].loss;
            grad += m_work[size_t(part)].grad;
        }
        Eigen::Map<Eigen::MatrixXd>(grad.data(), p, m_k) += m_invC * W;
        if (m_firstCall) {
            // At the starting point every residual is non-zero (sigmoid(0) - y = +-1/2,
            // 1/K - onehot), so NaN or infinity anywhere in X shows up in the gradient: this
            // replaces a separate validation pass over X, which costs as much as an evaluation.
            m_firstCall = false;
            if (!grad.allFinite() || !std::isfinite(loss))
                throw std::invalid_argument(
                    "X contains NaN or infinite values (or values so large that the "
                    "loss overflows)");
        }
        return loss + 0.5 * m_invC * W.squaredNorm();
    }

private:
    // Parts the rows are cut into: a constant, so that the summation order (and so the last
    // bits of the result) is the same for every thread budget.
    static constexpr int kParts = 8;

    // One part's buffers, sized once: an evaluation allocates nothing.
    struct Part
    {
        Eigen::MatrixXd z;
        Eigen::VectorXd rowMax;
        Eigen::VectorXd rowSum;
        Eigen::VectorXd grad;
        double loss = 0.0;
    };

    void evaluatePart(Part &work,
                      Eigen::Index part,
                      const Eigen::Ref<const Eigen::VectorXd> &theta,
                      const Eigen::Map<const Eigen::MatrixXd> &W)
    {
        const Eigen::Index n = m_X.rows();
        const Eigen::Index p = m_X.cols();
        const Eigen::Index r0 = n * part / m_parts;
        const Eigen::Index r1 = n * (part + 1) / m_parts;
        Eigen::Map<Eigen::MatrixXd> gradW(work.grad.data(), p, m_k);
        work.grad.setZero();
        double loss = 0.0;
        for (Eigen::Index r = r0; r < r1; r += m_block) {
            const Eigen::Index nb = std::min(m_block, r1 - r);
            const auto Xb = m_X.middleRows(r, nb);
            auto Z = work.z.topRows(nb);
            Z.noalias() = Xb * W;
            if (m_fitIntercept)
                Z.rowwise() += theta.tail(m_k).transpose();
            loss += m_k == 1 ? binaryBlock(Z.col(0), r) : multinomialBlock(work, Z, r);
            // Z now holds the residuals dloss/dz.
            gradW.noalias() += Xb.transpose() * Z;
            if (m_fitIntercept)
                work.grad.tail(m_k) += Z.colwise().sum().transpose();
        }
        work.loss = loss;
    }

    // Binary log loss log(1 + exp(z)) - y z in the overflow-free form
    // max(z, 0) + log1p(exp(-|z|)) - y z; replaces z by sigmoid(z) - y, where sigmoid is
    // 1 / (1 + e) or e / (1 + e) with e = exp(-|z|) so that neither tail loses precision.
    // A plain loop: on baseline x86-64 (SSE2) glibc's scalar exp/log1p beat Eigen's packets.
    // The log1p terms are summed as the log of a product of up to kLogChunk factors 1 + e in
    // (1, 2] (at most 2^512, far from overflow): one log per chunk instead of a log1p per row,
    // which was a quarter of a binary fit. The error is below 1e-13 per chunk, and a term
    // e < 2^-53 that 1 + e drops is smaller than the rounding of the sum it belongs to.
    double binaryBlock(Eigen::Ref<Eigen::VectorXd> z, Eigen::Index r0) const
    {
        constexpr int kLogChunk = 512;
        double loss = 0.0;
        double product = 1.0;
        int factors = 0;
        for (Eigen::Index i = 0; i < z.size(); ++i) {
            const double zi = z[i];
            const double yi = m_y[r0 + i];
            const double e = std::exp(-std::abs(zi));
            loss += std::max(zi, 0.0) - yi * zi;
            product *= 1.0 + e;
            if (++factors == kLogChunk) {
                loss += std::log(product);
                product = 1.0;
                factors = 0;
            }
            z[i] = (zi >= 0.0 ? 1.0 : e) / (1.0 + e) - yi;
        }
        return loss + std::log(product);
    }

    // Multinomial log loss logsumexp(z) - z_y with the row maximum subtracted first;
    // replaces Z by softmax(Z) - onehot(y). Column by column, so that every loop runs over
    // contiguous memory; scalar exp for the same reason as in binaryBlock.
    double multinomialBlock(Part &work, Eigen::Ref<Eigen::MatrixXd> Z, Eigen::Index r0) const
    {
        const Eigen::Index nb = Z.rows();
        auto rowMax = work.rowMax.head(nb);
        auto rowSum = work.rowSum.head(nb);
        rowMax = Z.rowwise().maxCoeff();
        double loss = 0.0;
        // - (z_y - max), taken before exp() so that it never underflows.
        for (Eigen::Index i = 0; i < nb; ++i)
            loss -= Z(i, m_y[r0 + i]) - rowMax[i];
        rowSum.setZero();
        for (Eigen::Index c = 0; c < Z.cols(); ++c) {
            double *z = Z.col(c).data();
            for (Eigen::Index i = 0; i < nb; ++i) {
                z[i] = std::exp(z[i] - rowMax[i]);
                rowSum[i] += z[i];
            }
        }
        for (Eigen::Index i = 0; i < nb; ++i) {
            loss += std::log(rowSum[i]);
            rowSum[i] = 1.0 / rowSum[i];
        }
        Z.array().colwise() *= rowSum.array();
        for (Eigen::Index i = 0; i < nb; ++i)
            Z(i, m_y[r0 + i]) -= 1.0;
        return loss;
    }

    const Eigen::Ref<const Eigen::MatrixXd> &m_X;
    const Eigen::Ref<const Eigen::VectorXi> &m_y;
    Eigen::Index m_k;
    double m_invC;
    bool m_fitIntercept;
    Observer &m_observer;
    Eigen::Index m_block;
    int m_parts;
    bool m_firstCall = true;
    std::vector<Part> m_work;
};

} // namespace

void LogisticRegressionParams::validate() const
{
    if (!(C > 0.0))
        throw std::invalid_argument("C must be > 0, got " + number(C));
    if (std::isinf(C))
        throw std::invalid_argument("C must be finite, got " + number(C));
    if (maxIterations < 1)
        throw std::invalid_argument("maxIterations must be >= 1, got "
                                    + std::to_string(maxIterations));
    if (!(tolerance >= 0.0))
        throw std::invalid_argument("tolerance must be >= 0, got " + number(tolerance));
    if (memory < 1 || memory > 1000)
        throw std::invalid_argument("memory must be in [1, 1000], got " + std::to_string(memory));
    if (!(relativeDecrease >= 0.0))
        throw std::invalid_argument("relativeDecrease must be >= 0, got "
                                    + number(relativeDecrease));
}

LogisticRegression::LogisticRegression(LogisticRegressionParams params)
    : m_params(params)
{
    m_params.validate();
}

void LogisticRegression::fit(const Eigen::Ref<const Eigen::MatrixXd> &X,
                             const Eigen::Ref<const Eigen::VectorXi> &y,
                             int classCount,
                             Observer &observer)
{
    m_params.validate();
    if (classCount < 2)
        throw std::invalid_argument("classCount must be >= 2, got " + std::to_string(classCount));
    if (X.rows() != y.size())
        throw std::invalid_argument("X has " + std::to_string(X.rows()) + " rows but y has "
                                    + std::to_string(y.size()) + " labels");
    if (X.rows() == 0 || X.cols() == 0)
        throw std::invalid_argument(
            "logistic regression needs at least one sample and one feature");
    if (y.minCoeff() < 0 || y.maxCoeff() >= classCount)
        throw std::invalid_argument("labels must be in [0, " + std::to_string(classCount - 1) + "]");
    if (y.minCoeff() == y.maxCoeff())
        throw std::invalid_argument("y contains a single class; logistic regression needs two");

    const Eigen::Index p = X.cols();
    const Eigen::Index k = classCount == 2 ? 1 : classCount;
    LogisticObjective objective(X, y, k, m_params.C, m_params.fitIntercept, observer);
    Eigen::VectorXd theta = Eigen::VectorXd::Zero(objective.parameterCount());

    LbfgsParams lp;
    lp.memory = m_params.memory;
    lp.maxIterations = m_params.maxIterations;
    lp.gradientTolerance = m_params.tolerance;
    lp.relativeDecrease = m_params.relativeDecrease;
    Lbfgs solver(lp);
    const LbfgsResult result
        = solver.minimize([&objective](const Eigen::Ref<const Eigen::VectorXd> &x,
                                       Eigen::Ref<Eigen::VectorXd> g) { return objective(x, g); },
                          theta,
                          observerCallback(observer,
                                           1.0 / double(X.rows()),
                                           m_params.maxIterations));

    m_classes = classCount;
    m_coef = Eigen::Map<const Eigen::MatrixXd>(theta.data(), p, k);
    m_intercept = m_params.fitIntercept ? Eigen::VectorXd(theta.tail(k)) : Eigen::VectorXd::Zero(k);
    m_iterations = result.iterations;
    m_converged = result.converged();
    observer.onLog("L-BFGS stopped after " + std::to_string(result.iterations) + " iterations ("
                   + std::to_string(result.evaluations)
                   + " evaluations): " + toString(result.status));
}

Eigen::VectorXd LogisticRegression::predict(const Eigen::Ref<const Eigen::MatrixXd> &X) const
{
    if (X.cols() != featureCount())
        throw std::invalid_argument("model expects " + std::to_string(featureCount())
                                    + " features, got " + std::to_string(X.cols()));
    Eigen::MatrixXd Z = X * m_coef;
    Z.rowwise() += m_intercept.transpose();
    Eigen::VectorXd out(X.rows());
    if (m_coef.cols() == 1) {
        out = (Z.col(0).array() > 0.0).cast<double>(); // as sklearn: decision > 0 -> class 1
        return out;
    }
    for (Eigen::Index i = 0; i < Z.rows(); ++i) {
        Eigen::Index best = 0; // first maximum on ties, like numpy's argmax
        for (Eigen::Index c = 1; c < Z.cols(); ++c)
            if (Z(i, c) > Z(i, best))
                best = c;
        out[i] = double(best);
    }
    return out;
}

Eigen::MatrixXd LogisticRegression::predictProba(const Eigen::Ref<const Eigen::MatrixXd> &X) const
{
    if (X.cols() != featureCount())
        throw std::invalid_argument("model expects " + std::to_string(featureCount())
                                    + " features, got " + std::to_string(X.cols()));
    Eigen::MatrixXd Z = X * m_coef;
    Z.rowwise() += m_intercept.transpose();
    if (m_coef.cols() == 1) {
        Eigen::MatrixXd P(X.rows(), 2);
        const auto z = Z.col(0).array();
        const Eigen::ArrayXd e = (-z.abs()).exp();
        // Each probability from its own stable form, so that neither underflows to 1 - 1.
        P.col(1) = (z >= 0.0).select(1.0 / (1.0 + e), e / (1.0 + e)).matrix();
        P.col(0) = (z >= 0.0).select(e / (1.0 + e), 1.0 / (1.0 + e)).matrix();
        return P;
    }
    const Eigen::VectorXd rowMax = Z.rowwise().maxCoeff();
    Z.colwise() -= rowMax;
    Z = Z.array().exp().matrix();
    const Eigen::VectorXd rowSum = Z.rowwise().sum();
    Z.array().colwise() /= rowSum.array();
    return Z;
}

void LogisticRegression::save(Archive &archive) const
{
    archive.setString("kind", kind());
    archive.setInt("version", kArchiveVersion);
    archive.setDouble("C", m_params.C);
    archive.setInt("fit_intercept", m_params.fitIntercept ? 1 : 0);
    archive.setInt("max_iterations", m_params.maxIterations);
    archive.setDouble("tolerance", m_params.tolerance);
    archive.setInt("memory", m_params.memory);
    archive.setDouble("relative_decrease", m_params.relativeDecrease);
    archive.setInt("classes", m_classes);
    archive.setMatrix("coefficients", m_coef);
    archive.setVector("intercepts", m_intercept);
    archive.setInt("iterations", m_iterations);
    archive.setInt("converged", m_converged ? 1 : 0);
}

std::unique_ptr<Estimator> LogisticRegression::load(const Archive &archive)
{
    const std::string name = "logistic_regression";
    if (archive.getString("kind") != name)
        throw ArchiveError("not a " + name + " archive (kind '" + archive.getString("kind") + "')");
    archive.checkVersion(name, kArchiveVersion);

    LogisticRegressionParams params;
    params.C = archive.getDouble("C");
    params.fitIntercept = archive.getInt("fit_intercept") != 0;
    params.maxIterations = int(archive.getInt("max_iterations"));
    params.tolerance = archive.getDouble("tolerance");
    params.memory = int(archive.getInt("memory"));
    if (archive.contains("relative_decrease")) // training-only; the default otherwise
        params.relativeDecrease = archive.getDouble("relative_decrease");
    try {
        params.validate();
    } catch (const std::invalid_argument &e) {
        throw ArchiveError(name + " archive: invalid parameters: " + e.what());
    }

    const std::int64_t classes = archive.getInt("classes");
    if (classes < 2 || classes > 1'000'000)
        throw ArchiveError(name + " archive: 'classes' must be >= 2, got "
                           + std::to_string(classes));
    Eigen::MatrixXd coef = archive.getMatrix("coefficients");
    Eigen::VectorXd intercept = archive.getVector("intercepts");
    const Eigen::Index k = classes == 2 ? 1 : Eigen::Index(classes);
    if (coef.cols() != k || coef.rows() < 1)
        throw ArchiveError(name + " archive: 'coefficients' is " + std::to_string(coef.rows())
                           + " x " + std::to_string(coef.cols()) + ", expected p x "
                           + std::to_string(k) + " for " + std::to_string(classes) + " classes");
    if (intercept.size() != k)
        throw ArchiveError(name + " archive: 'intercepts' has " + std::to_string(intercept.size())
                           + " values, expected " + std::to_string(k));
    if (!coef.allFinite() || !intercept.allFinite())
        throw ArchiveError(name + " archive: coefficients contain NaN or infinite values");

    auto model = std::make_unique<LogisticRegression>(params);
    model->m_classes = int(classes);
    model->m_coef = std::move(coef);
    model->m_intercept = std::move(intercept);
    model->m_iterations = archive.contains("iterations") ? int(archive.getInt("iterations")) : 0;
    model->m_converged = archive.contains("converged") && archive.getInt("converged") != 0;
    return model;
}

Eigen::VectorXd LogisticRegression::featureImportance() const
{
    return m_coef.cwiseAbs().rowwise().mean();
}

} // namespace fb::ml
