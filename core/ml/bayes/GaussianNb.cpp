#include "GaussianNb.h"

#include "ml/common/ArgMax.h"
#include "ml/common/Checks.h"
#include "ml/common/Parallel.h"

#include <cmath>
#include <limits>
#include <numbers>
#include <stdexcept>
#include <string>

namespace fb::ml {

namespace {

constexpr std::int64_t kArchiveVersion = 1;
const std::string kKind = "gaussian_nb";
constexpr Eigen::Index kBlock = 1024;

// Rows of P become softmax(rows of P), in place (log-sum-exp with the row maximum removed).
void softmaxRows(Eigen::MatrixXd &P)
{
    for (Eigen::Index i = 0; i < P.rows(); ++i) {
        const double m = P.row(i).maxCoeff();
        P.row(i) = (P.row(i).array() - m).exp().matrix();
        P.row(i) /= P.row(i).sum();
    }
}

} // namespace

void GaussianNbParams::validate() const
{
    checks::nonNegative("varSmoothing", varSmoothing);
    if (priors.size() > 0) {
        if ((priors.array() < 0.0).any() || !priors.allFinite())
            throw std::invalid_argument("priors must be >= 0");
        if (std::abs(priors.sum() - 1.0) > 1e-8)
            throw std::invalid_argument("priors must sum to 1, got " + checks::number(priors.sum()));
    }
}

GaussianNb::GaussianNb(GaussianNbParams params)
    : m_params(std::move(params))
{
    m_params.validate();
}

void GaussianNb::fit(const Eigen::Ref<const Eigen::MatrixXd> &X,
                     const Eigen::Ref<const Eigen::VectorXi> &y,
                     int classCount,
                     Observer &observer)
{
    m_params.validate();
    checks::trainingInput(X, y.size(), "Gaussian naive Bayes");
    checks::classLabels(y, classCount, "Gaussian naive Bayes");
    if (m_params.priors.size() > 0 && m_params.priors.size() != classCount)
        throw std::invalid_argument("priors has " + std::to_string(m_params.priors.size())
                                    + " values for " + std::to_string(classCount) + " classes");
    if (observer.cancelled())
        throw Cancelled{};
    const Eigen::Index n = X.rows();
    const Eigen::Index p = X.cols();

    // Two passes per column (mean, then squared deviations): no cancellation, unlike
    // E[x^2] - E[x]^2. Columns in parallel.
    Eigen::VectorXd counts = Eigen::VectorXd::Zero(classCount);
    for (Eigen::Index i = 0; i < n; ++i)
        counts[y[i]] += 1.0;
    m_theta = Eigen::MatrixXd::Zero(classCount, p);
    m_variance = Eigen::MatrixXd::Zero(classCount, p);
    Eigen::VectorXd featureVariance(p);
    parallelFor(p, 1, [&](Eigen::Index c0, Eigen::Index c1) {
        for (Eigen::Index j = c0; j < c1; ++j) {
            const auto x = X.col(j);
            for (Eigen::Index i = 0; i < n; ++i)
                m_theta(y[i], j) += x[i];
            m_theta.col(j).array() /= counts.array().max(1.0);
            for (Eigen::Index i = 0; i < n; ++i) {
                const double d = x[i] - m_theta(y[i], j);
                m_variance(y[i], j) += d * d;
            }
            m_variance.col(j).array() /= counts.array().max(1.0);
            featureVariance[j] = (x.array() - x.mean()).square().sum() / double(n);
        }
    });
    m_epsilon = m_params.varSmoothing * featureVariance.maxCoeff();
    if (!(m_epsilon > 0.0)) // every feature constant: keep the densities finite
        m_epsilon = std::max(m_params.varSmoothing, std::numeric_limits<double>::min());
    m_variance.array() += m_epsilon;
    m_prior = m_params.priors.size() > 0 ? m_params.priors : Eigen::VectorXd(counts / double(n));

    // Training log loss, for the record.
    const Eigen::MatrixXd P = predictProba(X);
    double loss = 0.0;
    for (Eigen::Index i = 0; i < n; ++i)
        loss -= std::log(std::max(P(i, y[i]), 1e-15));
    observer.onIteration(1, {{"loss", loss / double(n)}});
}

Eigen::MatrixXd GaussianNb::jointLogLikelihood(const Eigen::Ref<const Eigen::MatrixXd> &X) const
{
    checks::featureCount(X, featureCount());
    const Eigen::Index k = m_theta.rows();
    const Eigen::MatrixXd inverseVariance = m_variance.cwiseInverse();
    Eigen::VectorXd constant(k);
    for (Eigen::Index c = 0; c < k; ++c)
        constant[c] = std::log(m_prior[c])
                      - 0.5 * (2.0 * std::numbers::pi * m_variance.row(c).array()).log().sum();
    Eigen::MatrixXd out(X.rows(), k);
    const Eigen::Index blocks = (X.rows() + kBlock - 1) / kBlock;
    parallelFor(blocks, 1, [&](Eigen::Index first, Eigen::Index last) {
        Eigen::MatrixXd diff(kBlock, X.cols());
        for (Eigen::Index b = first; b < last; ++b) {
            const Eigen::Index r0 = b * kBlock;
            const Eigen::Index nb = std::min(kBlock, X.rows() - r0);
            auto d = diff.topRows(nb);
            // Direct (x - theta)^2 / var, not the expanded quadratic form: exact for features
            // whose mean is large compared with their spread.
            for (Eigen::Index c = 0; c < k; ++c) {
                d = X.middleRows(r0, nb).rowwise() - m_theta.row(c);
                out.col(c).segment(r0, nb) = constant[c]
                                             - 0.5
                                                   * (d.array().square().rowwise()
                                                      * inverseVariance.row(c).array())
                                                         .rowwise()
                                                         .sum();
            }
        }
    });
    return out;
}

Eigen::MatrixXd GaussianNb::predictProba(const Eigen::Ref<const Eigen::MatrixXd> &X) const
{
    Eigen::MatrixXd P = jointLogLikelihood(X);
    softmaxRows(P);
    return P;
}

Eigen::VectorXd GaussianNb::predict(const Eigen::Ref<const Eigen::MatrixXd> &X) const
{
    return argmaxRows(jointLogLikelihood(X));
}

void GaussianNb::save(Archive &archive) const
{
    archive.setString("kind", kind());
    archive.setInt("version", kArchiveVersion);
    archive.setDouble("var_smoothing", m_params.varSmoothing);
    archive.setVector("priors", m_params.priors);
    archive.setMatrix("theta", m_theta);
    archive.setMatrix("variance", m_variance);
    archive.setVector("class_prior", m_prior);
    archive.setDouble("epsilon", m_epsilon);
}

std::unique_ptr<Estimator> GaussianNb::load(const Archive &archive)
{
    checks::archiveHeader(archive, kKind, kArchiveVersion);
    GaussianNbParams params;
    params.varSmoothing = archive.getDouble("var_smoothing");
    params.priors = archive.getVector("priors");
    checks::archivedParams(params, kKind);
    auto model = std::make_unique<GaussianNb>(params);
    model->m_theta = archive.getMatrix("theta");
    model->m_variance = archive.getMatrix("variance");
    model->m_prior = archive.getVector("class_prior");
    model->m_epsilon = archive.getDouble("epsilon");
    const Eigen::Index k = model->m_theta.rows();
    checks::archiveExpect(k >= 2 && model->m_theta.cols() >= 1 && model->m_variance.rows() == k
                              && model->m_variance.cols() == model->m_theta.cols()
                              && model->m_prior.size() == k,
                          kKind,
                          "theta, variance and class_prior do not agree in size");
    checks::archiveExpect(model->m_theta.allFinite() && (model->m_variance.array() > 0.0).all()
                              && model->m_variance.allFinite()
                              && (model->m_prior.array() >= 0.0).all(),
                          kKind,
                          "means must be finite, variances positive, priors >= 0");
    return model;
}

} // namespace fb::ml
