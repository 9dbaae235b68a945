#include "LinearRegression.h"

#include "ml/common/Gram.h"

#include <Eigen/Cholesky>
#include <Eigen/QR>

#include <algorithm>
#include <cmath>
#include <limits>
#include <sstream>
#include <stdexcept>
#include <string>

namespace fb::ml {

namespace {

constexpr std::int64_t kArchiveVersion = 1;
constexpr double kEps = std::numeric_limits<double>::epsilon();

// Below this reciprocal condition number the (scaled) normal matrix is numerically singular
// at the precision it carries, and the LDLT solution would be dominated by rounding.
constexpr double kSingularRcond = 1e-13;
// Below this reciprocal condition number of the scaled X'X, one step of iterative refinement
// runs (an extra pass over X); above it the normal equations are already accurate to ~1e-10.
constexpr double kRefineBelowRcond = 1e-6;

// Shortest readable form for messages: "-1", "0.5", "1e-10".
std::string number(double v)
{
    std::ostringstream out;
    out << v;
    return out.str();
}

// Least squares on centred data through the normal equations (X'X + alpha I) w = X'y. X'X is
// accumulated block by block; the singularity test and LDLT work on the Jacobi-scaled
// matrix D^-1 (X'X + alpha I) D^-1, so that the units of the features do not matter.
class NormalEquations
{
public:
    NormalEquations(const Eigen::Ref<const Eigen::MatrixXd> &X,
                    const Eigen::Ref<const Eigen::VectorXd> &y,
                    const Eigen::VectorXd &xMean,
                    const Eigen::VectorXd &xVariance,
                    double yMean,
                    double alpha,
                    Observer &observer)
        : m_X(X)
        , m_y(y)
        , m_xMean(xMean)
        , m_xVariance(xVariance)
        , m_yMean(yMean)
        , m_alpha(alpha)
        , m_observer(observer)
    {}

    // Solves for w; also sets meanSquaredError() and singular().
    void solve(Eigen::VectorXd &w)
    {
        const Eigen::Index p = m_X.cols();
        // Both passes over X run on all cores of the budget (Gram.h).
        CentredCrossProducts products = centredCrossProducts(m_X,
                                                             m_xMean,
                                                             m_y.data(),
                                                             m_yMean,
                                                             m_observer,
                                                             &m_xVariance);
        Eigen::MatrixXd &gram = products.gram;
        const Eigen::VectorXd &xty = products.xty;
        if (!gram.allFinite() || !xty.allFinite())
            throw std::invalid_argument("X or y contains values so large that X'X overflows");
        gram.diagonal().array() += m_alpha;
        m_gram = std::move(gram);

        m_scale = m_gram.diagonal().cwiseSqrt();
        for (Eigen::Index j = 0; j < p; ++j)
            if (!(m_scale[j] > 0.0))
                m_scale[j] = 1.0; // constant column: left to the singular path
        const Eigen::MatrixXd scaled = m_scale.asDiagonal().inverse() * m_gram
                                       * m_scale.asDiagonal().inverse();
        m_ldlt.compute(scaled);
        m_singular = m_ldlt.info() != Eigen::Success || !m_ldlt.isPositive()
                     || m_ldlt.rcond() < kSingularRcond;
        if (m_singular) {
            // Minimum-norm solution, like LAPACK gelsd in sklearn's LinearRegression: the
            // pseudo-inverse of X'X applied to X'y. Unscaled, because the minimum norm is
            // meant in the features' own units (scaling would change which solution it is).
            m_cod.setThreshold(10.0 * double(p) * kEps);
            m_cod.compute(m_gram);
        }
        w = solveNormal(xty);

        if (!m_singular && m_ldlt.rcond() >= kRefineBelowRcond) {
            // Well conditioned: the normal equations' error (~ cond * eps) is already far below
            // what refinement could remove, so the extra pass over X is skipped (scikit-learn's
            // Ridge never refines). The training error follows from X'X and X'y:
            // ||yc - Xc w||^2 = yc'yc - 2 w'Xc'yc + w'Xc'Xc w, without cancellation trouble
            // unless the fit is near perfect, where it is clamped at 0.
            const double syy = (m_y.array() - m_yMean).square().sum();
            const double sse = syy - 2.0 * w.dot(xty) + w.dot(m_gram * w) - m_alpha * w.squaredNorm();
            m_mse = std::max(sse, 0.0) / double(std::max<Eigen::Index>(m_X.rows(), 1));
            return;
        }

        // One step of iterative refinement with the residual computed from X itself (the
        // corrected semi-normal equations, Bjorck, "Numerical Methods for Least Squares
        // Problems", 1996, sec. 6.6.5): recovers most of the accuracy that forming X'X loses.
        const CentredResiduals residuals
            = centredResiduals(m_X, m_xMean, m_y, m_yMean, w, m_observer);
        const Eigen::VectorXd &xtr = residuals.xtr;
        double sse = residuals.sse;
        const Eigen::VectorXd dw = solveNormal(xtr - m_alpha * w);
        w += dw;
        // ||r - X dw||^2 without another pass over X; dw is tiny, so no cancellation.
        sse += -2.0 * dw.dot(xtr) + dw.dot(m_gram * dw) - m_alpha * dw.squaredNorm();
        m_mse = std::max(sse, 0.0) / double(std::max<Eigen::Index>(m_X.rows(), 1));
    }

    // Training mean squared error of y - Xw - b.
    double meanSquaredError() const { return m_mse; }
    bool singular() const { return m_singular; }

private:
    Eigen::VectorXd solveNormal(const Eigen::VectorXd &rhs) const
    {
        if (m_singular)
            return m_cod.solve(rhs);
        const Eigen::VectorXd v = m_ldlt.solve(rhs.cwiseQuotient(m_scale));
        return v.cwiseQuotient(m_scale);
    }

    const Eigen::Ref<const Eigen::MatrixXd> &m_X;
    const Eigen::Ref<const Eigen::VectorXd> &m_y;
    const Eigen::VectorXd &m_xMean;
    const Eigen::VectorXd &m_xVariance;
    double m_yMean;
    double m_alpha;
    Observer &m_observer;
    Eigen::MatrixXd m_gram; // X'X + alpha I, both triangles
    Eigen::VectorXd m_scale;
    Eigen::LDLT<Eigen::MatrixXd> m_ldlt;
    Eigen::CompleteOrthogonalDecomposition<Eigen::MatrixXd> m_cod;
    bool m_singular = false;
    double m_mse = 0.0;
};

} // namespace

void LinearRegressionParams::validate() const
{
    if (!(alpha >= 0.0))
        throw std::invalid_argument("alpha must be >= 0, got " + number(alpha));
    if (std::isinf(alpha))
        throw std::invalid_argument("alpha must be finite, got " + number(alpha));
}

LinearRegression::LinearRegression(LinearRegressionParams params)
    : m_params(params)
{
    m_params.validate();
}

void LinearRegression::fit(const Eigen::Ref<const Eigen::MatrixXd> &X,
                           const Eigen::Ref<const Eigen::VectorXd> &y,
                           Observer &observer)
{
    m_params.validate();
    if (X.rows() != y.size())
        throw std::invalid_argument("X has " + std::to_string(X.rows()) + " rows but y has "
                                    + std::to_string(y.size()) + " values");
    if (X.rows() == 0 || X.cols() == 0)
        throw std::invalid_argument("linear regression needs at least one sample and one feature");
    if (observer.cancelled())
        throw Cancelled{};

    // The intercept is not penalised: fit on centred data, then b = mean(y) - mean(X) w
    // (as sklearn's _preprocess_data does for LinearRegression and Ridge).
    // The column means (taken even without an intercept) double as the check for NaN and
    // infinity, which make their column's mean non-finite: one pass over X fewer.
    const ColumnMoments moments = columnMoments(X);
    if (!moments.mean.allFinite() || !y.allFinite())
        throw std::invalid_argument("X or y contains NaN or infinite values (or values whose "
                                    "sum overflows)");
    const Eigen::VectorXd xMean = m_params.fitIntercept ? moments.mean
                                                        : Eigen::VectorXd::Zero(X.cols());
    const double yMean = m_params.fitIntercept ? y.mean() : 0.0;

    NormalEquations normal(X, y, xMean, moments.variance, yMean, m_params.alpha, observer);
    Eigen::VectorXd w;
    normal.solve(w);
    const double mse = normal.meanSquaredError();
    m_trainingMse = mse;
    m_trainingTargetVariance = (y.array() - y.mean()).square().mean();

    m_coef = std::move(w);
    m_intercept = m_params.fitIntercept ? yMean - xMean.dot(m_coef) : 0.0;
    if (normal.singular())
        observer.onLog("X'X is singular (collinear or constant features): minimum-norm solution");
    observer.onIteration(1, {{"loss", mse}});
    observer.onProgress(1.0);
}

Eigen::VectorXd LinearRegression::predict(const Eigen::Ref<const Eigen::MatrixXd> &X) const
{
    if (X.cols() != featureCount())
        throw std::invalid_argument("model expects " + std::to_string(featureCount())
                                    + " features, got " + std::to_string(X.cols()));
    Eigen::VectorXd out = X * m_coef;
    out.array() += m_intercept;
    return out;
}

void LinearRegression::save(Archive &archive) const
{
    archive.setString("kind", kind());
    archive.setInt("version", kArchiveVersion);
    archive.setDouble("alpha", m_params.alpha);
    archive.setInt("fit_intercept", m_params.fitIntercept ? 1 : 0);
    archive.setVector("coefficients", m_coef);
    archive.setDouble("intercept", m_intercept);
}

std::unique_ptr<Estimator> LinearRegression::load(const Archive &archive)
{
    const std::string name = "linear_regression";
    if (archive.getString("kind") != name)
        throw ArchiveError("not a " + name + " archive (kind '" + archive.getString("kind") + "')");
    archive.checkVersion(name, kArchiveVersion);

    LinearRegressionParams params;
    params.alpha = archive.getDouble("alpha");
    params.fitIntercept = archive.getInt("fit_intercept") != 0;
    try {
        params.validate();
    } catch (const std::invalid_argument &e) {
        throw ArchiveError(name + " archive: invalid parameters: " + e.what());
    }
    Eigen::VectorXd coef = archive.getVector("coefficients");
    const double intercept = archive.getDouble("intercept");
    if (coef.size() < 1)
        throw ArchiveError(name + " archive: 'coefficients' is empty");
    if (!coef.allFinite() || !std::isfinite(intercept))
        throw ArchiveError(name + " archive: coefficients contain NaN or infinite values");
    if (!params.fitIntercept && intercept != 0.0)
        throw ArchiveError(name + " archive: non-zero intercept with fit_intercept = 0");

    auto model = std::make_unique<LinearRegression>(params);
    model->m_coef = std::move(coef);
    model->m_intercept = intercept;
    return model;
}

Eigen::VectorXd LinearRegression::featureImportance() const
{
    return m_coef.cwiseAbs();
}

} // namespace fb::ml
