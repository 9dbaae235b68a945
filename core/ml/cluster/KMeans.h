#pragma once

#include "ml/common/Estimator.h"
#include "ml/common/Observer.h"

#include <Eigen/Core>

#include <cstdint>

namespace fb::ml {

// k-means clustering, as scikit-learn's KMeans (algorithm="lloyd"): minimises the inertia
// sum_i ||x_i - c_(a_i)||^2 by Lloyd's iterations from greedy k-means++ seeds, keeping the best
// of nInit runs.
// - Seeding: k-means++ (Arthur & Vassilvitskii 2007, "k-means++: the advantages of careful
//   seeding", SODA) in scikit-learn's greedy form: each new centre is the best (lowest
//   potential) of 2 + ln(k) candidates drawn with probability proportional to D(x)^2.
// - Iterations: distances by the GEMM identity ||x||^2 - 2 x'c + ||c||^2 over row blocks in
//   parallel (the fast part; as scikit-learn's lloyd). The identity loses precision when two
//   centres are nearly equidistant, so such points (gap below a rounding bound) are re-assigned
//   with exactly computed distances: the assignment is the exact nearest centre. After the
//   first iteration of a run, Hamerly's bounds (G. Hamerly, "Making k-means even faster", SDM
//   2010) skip the rows that provably keep their centre: the same labels, far fewer distances.
// - Stopping: labels unchanged, or the summed squared centre shift <= tolerance * mean feature
//   variance (scikit-learn's relative tolerance); then one last assignment as scikit-learn does.
// - Empty clusters take the points farthest from their centres (as scikit-learn).
// The data are centred first (as scikit-learn) to keep the identity accurate. Results do not
// depend on the thread count: blocks are fixed and reduced in order.
struct KMeansParams
{
    int clusters = 8;        // k (>= 1)
    int nInit = 10;          // seeded runs; the lowest inertia wins (>= 1)
    int maxIterations = 300; // Lloyd iterations per run
    double tolerance = 1e-4; // relative centre-shift tolerance (>= 0)
    std::uint64_t seed = 0;
    void validate() const; // throws std::invalid_argument naming the field
};

class KMeans final : public Estimator
{
public:
    explicit KMeans(KMeansParams params = {});

    // Reports per iteration "inertia" (of the assignment just made) and "center_shift"; the
    // iteration counter runs on across the nInit runs ("run" says which run).
    void fit(const Eigen::Ref<const Eigen::MatrixXd> &X, Observer &observer = nullObserver());

    std::string kind() const override { return "kmeans"; }
    TaskKind task() const override { return TaskKind::Clustering; }
    Eigen::Index featureCount() const override { return m_centers.cols(); }
    // Index of the nearest centre per row (exact Euclidean).
    Eigen::VectorXd predict(const Eigen::Ref<const Eigen::MatrixXd> &X) const override;
    void save(Archive &archive) const override;
    static std::unique_ptr<Estimator> load(const Archive &archive);

    // Squared distance of each row to its nearest centre, and its index.
    void nearest(const Eigen::Ref<const Eigen::MatrixXd> &X,
                 Eigen::VectorXi &labels,
                 Eigen::VectorXd &squaredDistances) const;

    const KMeansParams &params() const { return m_params; }
    const Eigen::MatrixXd &centers() const { return m_centers; } // k x p
    const Eigen::VectorXi &labels() const { return m_labels; }   // training rows
    double inertia() const { return m_inertia; }
    int iterations() const { return m_iterations; } // of the best run

private:
    KMeansParams m_params;
    Eigen::MatrixXd m_centers;
    Eigen::VectorXi m_labels;
    double m_inertia = 0.0;
    int m_iterations = 0;
};

} // namespace fb::ml
