#include "Pca.h"

#include "ml/common/Checks.h"
#include "ml/common/Gram.h"
#include "ml/common/Parallel.h"

#include <Eigen/Eigenvalues>

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>
#include <vector>

namespace fb::ml {

namespace {

constexpr std::int64_t kArchiveVersion = 1;
const std::string kKind = "pca";
constexpr Eigen::Index kBlock = 2048;

// Applies f(r0, rows) to fixed row blocks of [0, n) in parallel.
template<typename Fn>
void forEachBlock(Eigen::Index n, Fn &&f)
{
    const Eigen::Index blocks = (n + kBlock - 1) / kBlock;
    parallelFor(blocks, 1, [&](Eigen::Index first, Eigen::Index last) {
        for (Eigen::Index b = first; b < last; ++b)
            f(b, b * kBlock, std::min(kBlock, n - b * kBlock));
    });
}

} // namespace

void PcaParams::validate() const
{
    checks::nonNegative("nComponents", nComponents);
    if (nComponents >= 1.0 && nComponents != std::floor(nComponents))
        throw std::invalid_argument("nComponents must be a whole number when >= 1, got "
                                    + checks::number(nComponents));
}

Pca::Pca(PcaParams params)
    : m_params(params)
{
    m_params.validate();
}

void Pca::fit(const Eigen::Ref<const Eigen::MatrixXd> &X, Observer &observer)
{
    m_params.validate();
    checks::trainingInput(X, -1, "PCA");
    const Eigen::Index n = X.rows();
    const Eigen::Index p = X.cols();
    if (n < 2)
        throw std::invalid_argument("PCA needs at least 2 rows, got " + std::to_string(n));
    const Eigen::Index maxComponents = std::min(n, p);
    if (m_params.nComponents >= 1.0 && Eigen::Index(m_params.nComponents) > maxComponents)
        throw std::invalid_argument("nComponents = " + checks::number(m_params.nComponents)
                                    + " exceeds min(rows, features) = "
                                    + std::to_string(maxComponents));
    if (p > 4000)
        observer.onLog("PCA on " + std::to_string(p) + " features: the eigendecomposition of the "
                       + "covariance takes O(p^3) time");

    const ColumnMoments moments = columnMoments(X);
    const Eigen::VectorXd &mean = moments.mean;
    const Eigen::MatrixXd gram
        = centredCrossProducts(X, mean, nullptr, 0.0, observer, &moments.variance).gram;
    if (observer.cancelled())
        throw Cancelled{};
    // Serial BLAS: the tridiagonalisation's symmetric matrix-vector products (SYMV under
    // EIGEN_USE_BLAS) sum per-thread partial results, in an order that depends on the thread
    // count; at p x p the eigendecomposition is cheap next to the pass over X anyway.
    const BlasSerialScope serialBlas;
    Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eig(gram / double(n - 1));
    if (eig.info() != Eigen::Success)
        throw std::runtime_error("PCA: the eigendecomposition did not converge");
    // Ascending -> descending; tiny negative eigenvalues are rounding.
    const Eigen::VectorXd values = eig.eigenvalues().reverse().cwiseMax(0.0);
    const Eigen::MatrixXd vectors = eig.eigenvectors().rowwise().reverse();
    const double totalVariance = values.sum();
    const Eigen::VectorXd ratio = totalVariance > 0.0 ? Eigen::VectorXd(values / totalVariance)
                                                      : Eigen::VectorXd::Zero(p);

    Eigen::Index k = maxComponents;
    if (m_params.nComponents >= 1.0) {
        k = Eigen::Index(m_params.nComponents);
    } else if (m_params.nComponents > 0.0) {
        // scikit-learn: searchsorted(cumsum(ratio), fraction, side="right") + 1.
        double cumulative = 0.0;
        k = 0;
        while (k < maxComponents && cumulative <= m_params.nComponents)
            cumulative += ratio[k++];
        k = std::max<Eigen::Index>(k, 1);
    }

    m_mean = mean;
    m_components = vectors.leftCols(k).transpose();
    m_variance = values.head(k);
    m_ratio = ratio.head(k);

    // svd_flip, u-based: the largest |score| of each component over the rows is positive.
    const Eigen::Index blocks = (n + kBlock - 1) / kBlock;
    Eigen::MatrixXd blockExtreme(blocks, k); // signed score of largest magnitude, per block
    forEachBlock(n, [&](Eigen::Index b, Eigen::Index r0, Eigen::Index nb) {
        const Eigen::MatrixXd scores = (X.middleRows(r0, nb).rowwise() - mean.transpose())
                                       * m_components.transpose();
        for (Eigen::Index j = 0; j < k; ++j) {
            Eigen::Index at = 0;
            scores.col(j).cwiseAbs().maxCoeff(&at);
            blockExtreme(b, j) = scores(at, j);
        }
    });
    for (Eigen::Index j = 0; j < k; ++j) {
        Eigen::Index at = 0;
        blockExtreme.col(j).cwiseAbs().maxCoeff(&at); // first maximum, as numpy's argmax
        if (blockExtreme(at, j) < 0.0)
            m_components.row(j) *= -1.0;
    }
    observer.onIteration(1, {{"explained_variance_ratio", m_ratio.sum()}});
    observer.onLog(std::to_string(k) + " components explain "
                   + checks::number(100.0 * m_ratio.sum()) + "% of the variance");
}

Eigen::MatrixXd Pca::transform(const Eigen::Ref<const Eigen::MatrixXd> &X) const
{
    checks::featureCount(X, featureCount());
    Eigen::MatrixXd out(X.rows(), componentCount());
    Eigen::RowVectorXd scale = Eigen::RowVectorXd::Ones(componentCount());
    if (m_params.whiten)
        for (Eigen::Index j = 0; j < scale.size(); ++j)
            scale[j] = m_variance[j] > 0.0 ? 1.0 / std::sqrt(m_variance[j]) : 1.0;
    forEachBlock(X.rows(), [&](Eigen::Index, Eigen::Index r0, Eigen::Index nb) {
        auto block = out.middleRows(r0, nb);
        block.noalias() = (X.middleRows(r0, nb).rowwise() - m_mean.transpose())
                          * m_components.transpose();
        if (m_params.whiten)
            block.array().rowwise() *= scale.array();
    });
    return out;
}

Eigen::MatrixXd Pca::inverseTransform(const Eigen::Ref<const Eigen::MatrixXd> &scores) const
{
    if (scores.cols() != componentCount())
        throw std::invalid_argument("expected " + std::to_string(componentCount())
                                    + " score columns, got " + std::to_string(scores.cols()));
    Eigen::MatrixXd s = scores;
    if (m_params.whiten)
        s.array().rowwise() *= m_variance.transpose().array().max(0.0).sqrt();
    Eigen::MatrixXd out = s * m_components;
    out.rowwise() += m_mean.transpose();
    return out;
}

Eigen::VectorXd Pca::predict(const Eigen::Ref<const Eigen::MatrixXd> &) const
{
    throw std::logic_error("PCA is a transform: it has no predictions (use transform)");
}

Eigen::VectorXd Pca::featureImportance() const
{
    return m_components.cwiseAbs2().transpose() * m_ratio;
}

void Pca::save(Archive &archive) const
{
    archive.setString("kind", kind());
    archive.setInt("version", kArchiveVersion);
    archive.setDouble("n_components", m_params.nComponents);
    archive.setInt("whiten", m_params.whiten ? 1 : 0);
    archive.setMatrix("components", m_components);
    archive.setVector("explained_variance", m_variance);
    archive.setVector("explained_variance_ratio", m_ratio);
    archive.setVector("mean", m_mean);
}

std::unique_ptr<Estimator> Pca::load(const Archive &archive)
{
    checks::archiveHeader(archive, kKind, kArchiveVersion);
    PcaParams params;
    params.nComponents = archive.getDouble("n_components");
    params.whiten = archive.getInt("whiten") != 0;
    checks::archivedParams(params, kKind);
    auto model = std::make_unique<Pca>(params);
    model->m_components = archive.getMatrix("components");
    model->m_variance = archive.getVector("explained_variance");
    model->m_ratio = archive.getVector("explained_variance_ratio");
    model->m_mean = archive.getVector("mean");
    const Eigen::Index k = model->m_components.rows();
    checks::archiveExpect(k >= 1 && model->m_components.cols() == model->m_mean.size()
                              && model->m_variance.size() == k && model->m_ratio.size() == k,
                          kKind,
                          "components, variances and mean do not agree in size");
    checks::archiveExpect(model->m_components.allFinite() && model->m_mean.allFinite()
                              && model->m_variance.allFinite(),
                          kKind,
                          "values contain NaN or infinite values");
    return model;
}

} // namespace fb::ml
