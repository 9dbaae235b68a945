#pragma once

#include "ml/common/Estimator.h"
#include "ml/common/Observer.h"

#include <Eigen/Core>

namespace fb::ml {

// Principal component analysis, as scikit-learn's PCA: the principal axes are the eigenvectors
// of the sample covariance (X - mean)'(X - mean) / (n - 1), largest eigenvalues first; the
// explained variances are those eigenvalues. The covariance is one SYRK pass over X in row
// blocks (in parallel, independent of the thread count), then a symmetric eigendecomposition
// (Eigen's SelfAdjointEigenSolver: Householder tridiagonalisation + implicit symmetric QR,
// Golub & Van Loan, "Matrix Computations", 4th ed., sec. 8.3): O(n p^2 + p^3), one read of the
// data, where scikit-learn's randomized SVD reads it 2 (n_iter + 1) times. Meant for p up to a
// few thousand features.
// Signs follow scikit-learn's svd_flip (u-based): in each component the score of largest
// magnitude over the training rows is positive, so components match scikit-learn's.
struct PcaParams
{
    // >= 1: the number of components (a whole number, at most min(n, p));
    // in (0, 1): keep the fewest components explaining more than this share of the variance;
    // 0: keep min(n, p) components.
    double nComponents = 0.0;
    bool whiten = false;   // divide the scores by sqrt(explained variance): unit variance
    void validate() const; // throws std::invalid_argument naming the field
};

class Pca final : public Estimator
{
public:
    explicit Pca(PcaParams params = {});

    // Reports one iteration with "explained_variance_ratio" (the kept share).
    void fit(const Eigen::Ref<const Eigen::MatrixXd> &X, Observer &observer = nullObserver());

    // n x k scores (X - mean) V' (whitened when asked), in parallel row blocks.
    Eigen::MatrixXd transform(const Eigen::Ref<const Eigen::MatrixXd> &X) const;
    // Back to feature space: scores V + mean (undoing the whitening).
    Eigen::MatrixXd inverseTransform(const Eigen::Ref<const Eigen::MatrixXd> &scores) const;

    std::string kind() const override { return "pca"; }
    TaskKind task() const override { return TaskKind::Transform; }
    Eigen::Index featureCount() const override { return m_mean.size(); }
    // PCA predicts nothing: throws std::logic_error; use transform().
    Eigen::VectorXd predict(const Eigen::Ref<const Eigen::MatrixXd> &X) const override;
    void save(Archive &archive) const override;
    static std::unique_ptr<Estimator> load(const Archive &archive);
    // Share of each feature in the kept variance: sum_j ratio_j * V_jf^2.
    Eigen::VectorXd featureImportance() const override;

    const PcaParams &params() const { return m_params; }
    Eigen::Index componentCount() const { return m_components.rows(); }
    const Eigen::MatrixXd &components() const { return m_components; } // k x p, rows = axes
    const Eigen::VectorXd &explainedVariance() const { return m_variance; }
    const Eigen::VectorXd &explainedVarianceRatio() const { return m_ratio; }
    const Eigen::VectorXd &mean() const { return m_mean; }

private:
    PcaParams m_params;
    Eigen::MatrixXd m_components;
    Eigen::VectorXd m_variance;
    Eigen::VectorXd m_ratio;
    Eigen::VectorXd m_mean;
};

} // namespace fb::ml
