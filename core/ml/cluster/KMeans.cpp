#include "KMeans.h"

#include "ml/common/Checks.h"
#include "ml/common/Parallel.h"
#include "ml/common/Random.h"
#include "ml/common/SquaredDistances.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <stdexcept>
#include <string>
#include <vector>

namespace fb::ml {

namespace {

constexpr std::int64_t kArchiveVersion = 1;
const std::string kKind = "kmeans";
// Rows per distance block: the block's distances (rows x k) and rows stay in cache.
constexpr Eigen::Index kBlock = 1024;

Eigen::Index blockCount(Eigen::Index n)
{
    return (n + kBlock - 1) / kBlock;
}

// Nearest centre of every row of X: the GEMM identity for all centres, then an exact
// re-check of the rows whose two best distances are within the identity's rounding error.
// Writes labels and squared distances; returns the per-block sums of the distances (summed in
// block order by the caller, so the total does not depend on the thread count).
std::vector<double> assign(const Eigen::Ref<const Eigen::MatrixXd> &X,
                           const Eigen::VectorXd &xNorms,
                           const Eigen::MatrixXd &centers,
                           int *labels,
                           double *distances)
{
    const Eigen::Index n = X.rows();
    const Eigen::Index k = centers.rows();
    const Eigen::VectorXd cNorms = centers.rowwise().squaredNorm();
    const double cNormMax = cNorms.maxCoeff();
    const Eigen::Index blocks = blockCount(n);
    std::vector<double> sums(static_cast<size_t>(blocks), 0.0);
    parallelFor(blocks, 1, [&](Eigen::Index first, Eigen::Index last) {
        Eigen::MatrixXd D(kBlock, k);
        for (Eigen::Index b = first; b < last; ++b) {
            const Eigen::Index r0 = b * kBlock;
            const Eigen::Index nb = std::min(kBlock, n - r0);
            auto Db = D.topRows(nb);
            squaredDistances(X.middleRows(r0, nb), xNorms.segment(r0, nb), centers, cNorms, Db);
            double sum = 0.0;
            for (Eigen::Index i = 0; i < nb; ++i) {
                Eigen::Index best = 0;
                double d1 = Db(i, 0);
                double d2 = std::numeric_limits<double>::infinity();
                for (Eigen::Index c = 1; c < k; ++c) {
                    const double d = Db(i, c);
                    if (d < d1) {
                        d2 = d1;
                        d1 = d;
                        best = c;
                    } else if (d < d2) {
                        d2 = d;
                    }
                }
                const Eigen::Index row = r0 + i;
                if (k > 1
                    && d2 - d1 <= 2.0 * squaredDistanceErrorBound(X.cols(), xNorms[row], cNormMax)) {
                    d1 = std::numeric_limits<double>::infinity();
                    for (Eigen::Index c = 0; c < k; ++c) {
                        const double d = exactSquaredDistance(X.row(row), centers.row(c));
                        if (d < d1) {
                            d1 = d;
                            best = c;
                        }
                    }
                }
                labels[row] = int(best);
                distances[row] = d1;
                sum += d1;
            }
            sums[size_t(b)] = sum;
        }
    });
    return sums;
}

double total(const std::vector<double> &parts)
{
    return std::accumulate(parts.begin(), parts.end(), 0.0);
}

// Greedy k-means++ (scikit-learn's _kmeans_plusplus): the first centre uniformly at random,
// then each centre the best of `trials` candidates drawn with probability D(x)^2, "best"
// meaning the lowest potential sum_i min(D(x_i)^2, d(x_i, candidate)^2).
Eigen::MatrixXd kmeansPlusPlus(
    const Eigen::MatrixXd &X, const Eigen::VectorXd &xNorms, int k, Rng &rng, Observer &observer)
{
    const Eigen::Index n = X.rows();
    const int trials = 2 + int(std::log(double(k)));
    Eigen::MatrixXd centers(k, X.cols());
    centers.row(0) = X.row(Eigen::Index(rng.bounded(std::uint64_t(n))));
    Eigen::VectorXd closest(n);
    {
        Eigen::MatrixXd d(n, 1);
        squaredDistances(X,
                         xNorms,
                         centers.topRows(1),
                         centers.topRows(1).rowwise().squaredNorm(),
                         d);
        closest = d.col(0);
    }
    double potential = closest.sum();
    Eigen::VectorXd cumulative(n);
    Eigen::MatrixXd candidateDistances(n, trials);
    Eigen::MatrixXd candidates(trials, X.cols());
    const Eigen::Index blocks = blockCount(n);
    Eigen::MatrixXd blockPotentials(blocks, trials);
    for (int c = 1; c < k; ++c) {
        if (observer.cancelled())
            throw Cancelled{};
        std::partial_sum(closest.data(), closest.data() + n, cumulative.data());
        std::vector<Eigen::Index> ids(static_cast<size_t>(trials));
        for (int t = 0; t < trials; ++t) {
            const double r = rng.uniform() * potential;
            // numpy.searchsorted(side="left"): the first index whose cumulative sum >= r.
            const double *pos = std::lower_bound(cumulative.data(), cumulative.data() + n, r);
            ids[size_t(t)] = std::min<Eigen::Index>(pos - cumulative.data(), n - 1);
            candidates.row(t) = X.row(ids[size_t(t)]);
        }
        const Eigen::VectorXd candNorms = candidates.rowwise().squaredNorm();
        parallelFor(blocks, 1, [&](Eigen::Index first, Eigen::Index last) {
            for (Eigen::Index b = first; b < last; ++b) {
                const Eigen::Index r0 = b * kBlock;
                const Eigen::Index nb = std::min(kBlock, n - r0);
                auto D = candidateDistances.middleRows(r0, nb);
                squaredDistances(X.middleRows(r0, nb),
                                 xNorms.segment(r0, nb),
                                 candidates,
                                 candNorms,
                                 D);
                D = D.cwiseMin(closest.segment(r0, nb).replicate(1, trials));
                blockPotentials.row(b) = D.colwise().sum();
            }
        });
        const Eigen::RowVectorXd potentials = blockPotentials.colwise().sum();
        Eigen::Index best = 0;
        potentials.minCoeff(&best);
        potential = potentials[best];
        closest = candidateDistances.col(best);
        centers.row(c) = candidates.row(best);
    }
    return centers;
}

} // namespace

void KMeansParams::validate() const
{
    checks::atLeast("clusters", clusters, 1);
    checks::atLeast("nInit", nInit, 1);
    checks::atLeast("maxIterations", maxIterations, 1);
    checks::nonNegative("tolerance", tolerance);
}

KMeans::KMeans(KMeansParams params)
    : m_params(params)
{
    m_params.validate();
}

void KMeans::fit(const Eigen::Ref<const Eigen::MatrixXd> &X, Observer &observer)
{
    m_params.validate();
    checks::trainingInput(X, -1, "k-means");
    const Eigen::Index n = X.rows();
    const Eigen::Index p = X.cols();
    const int k = m_params.clusters;
    if (n < k)
        throw std::invalid_argument("k-means needs at least clusters = " + std::to_string(k)
                                    + " rows, got " + std::to_string(n));
    if (observer.cancelled())
        throw Cancelled{};

    // Centred copy (scikit-learn does the same): smaller norms, more accurate distances.
    const Eigen::RowVectorXd mean = X.colwise().mean();
    const Eigen::MatrixXd Xc = X.rowwise() - mean;
    const Eigen::VectorXd xNorms = Xc.rowwise().squaredNorm();
    const double tolerance = m_params.tolerance
                             * (Xc.colwise().squaredNorm().sum() / double(n * p));

    Rng rng(m_params.seed);
    Eigen::VectorXi labels(n), previous(n);
    Eigen::VectorXd distances(n);
    Eigen::MatrixXd sums(k, p);
    Eigen::VectorXd counts(k);
    double bestInertia = std::numeric_limits<double>::infinity();
    int step = 0;

    for (int run = 0; run < m_params.nInit; ++run) {
        Eigen::MatrixXd centers = kmeansPlusPlus(Xc, xNorms, k, rng, observer);
        previous.setConstant(-1);
        bool strict = false;
        int it = 0;
        for (it = 1; it <= m_params.maxIterations; ++it) {
            if (observer.cancelled())
                throw Cancelled{};
            const double inertia = total(
                assign(Xc, xNorms, centers, labels.data(), distances.data()));
            // New centres: column by column in row order (deterministic), in parallel.
            counts.setZero();
            for (Eigen::Index i = 0; i < n; ++i)
                counts[labels[i]] += 1.0;
            parallelFor(p, 1, [&](Eigen::Index c0, Eigen::Index c1) {
                for (Eigen::Index j = c0; j < c1; ++j) {
                    sums.col(j).setZero();
                    const double *x = Xc.col(j).data();
                    for (Eigen::Index i = 0; i < n; ++i)
                        sums(labels[i], j) += x[i];
                }
            });
            // Empty clusters: the rows farthest from their centres (scikit-learn's rule).
            std::vector<Eigen::Index> empty;
            for (int c = 0; c < k; ++c)
                if (counts[c] == 0.0)
                    empty.push_back(c);
            if (!empty.empty()) {
                std::vector<Eigen::Index> far(static_cast<size_t>(n));
                std::iota(far.begin(), far.end(), Eigen::Index(0));
                std::partial_sort(far.begin(),
                                  far.begin() + Eigen::Index(empty.size()),
                                  far.end(),
                                  [&](Eigen::Index a, Eigen::Index b) {
                                      return distances[a] > distances[b]
                                             || (distances[a] == distances[b] && a < b);
                                  });
                for (size_t e = 0; e < empty.size(); ++e) {
                    const Eigen::Index row = far[e];
                    const int from = labels[row];
                    sums.row(from) -= Xc.row(row);
                    counts[from] -= 1.0;
                    sums.row(empty[e]) = Xc.row(row);
                    counts[empty[e]] = 1.0;
                }
            }
            Eigen::MatrixXd updated = sums.array().colwise() / counts.array().max(1.0);
            for (int c = 0; c < k; ++c)
                if (counts[c] == 0.0)
                    updated.row(c) = centers.row(c); // only when a relocated row left it empty
            const double shift = (updated - centers).squaredNorm();
            centers = std::move(updated);
            ++step;
            observer.onIteration(step,
                                 {{"inertia", inertia},
                                  {"center_shift", shift},
                                  {"run", double(run)}});
            if (labels == previous) {
                strict = true;
                break;
            }
            if (shift <= tolerance)
                break;
            previous = labels;
        }
        if (!strict) // the centres moved after the last assignment
            assign(Xc, xNorms, centers, labels.data(), distances.data());
        // Exact inertia of the final assignment.
        double inertia = 0.0;
        for (Eigen::Index i = 0; i < n; ++i)
            inertia += exactSquaredDistance(Xc.row(i), centers.row(labels[i]));
        observer.onLog("run " + std::to_string(run + 1) + ": "
                       + std::to_string(std::min(it, m_params.maxIterations))
                       + " iterations, inertia " + checks::number(inertia));
        observer.onProgress(double(run + 1) / double(m_params.nInit));
        if (inertia < bestInertia) {
            bestInertia = inertia;
            m_centers = centers.rowwise() + mean;
            m_labels = labels;
            m_iterations = std::min(it, m_params.maxIterations);
        }
    }
    m_inertia = bestInertia;
}

void KMeans::nearest(const Eigen::Ref<const Eigen::MatrixXd> &X,
                     Eigen::VectorXi &labels,
                     Eigen::VectorXd &squaredDistances) const
{
    checks::featureCount(X, featureCount());
    labels.resize(X.rows());
    squaredDistances.resize(X.rows());
    const Eigen::VectorXd xNorms = X.rowwise().squaredNorm();
    assign(X, xNorms, m_centers, labels.data(), squaredDistances.data());
}

Eigen::VectorXd KMeans::predict(const Eigen::Ref<const Eigen::MatrixXd> &X) const
{
    Eigen::VectorXi labels;
    Eigen::VectorXd distances;
    nearest(X, labels, distances);
    return labels.cast<double>();
}

void KMeans::save(Archive &archive) const
{
    archive.setString("kind", kind());
    archive.setInt("version", kArchiveVersion);
    archive.setInt("clusters", m_params.clusters);
    archive.setInt("n_init", m_params.nInit);
    archive.setInt("max_iterations", m_params.maxIterations);
    archive.setDouble("tolerance", m_params.tolerance);
    archive.setInt("seed", std::int64_t(m_params.seed));
    archive.setMatrix("centers", m_centers);
    archive.setDouble("inertia", m_inertia);
    archive.setInt("iterations", m_iterations);
}

std::unique_ptr<Estimator> KMeans::load(const Archive &archive)
{
    checks::archiveHeader(archive, kKind, kArchiveVersion);
    KMeansParams params;
    params.clusters = int(archive.getInt("clusters"));
    params.nInit = int(archive.getInt("n_init"));
    params.maxIterations = int(archive.getInt("max_iterations"));
    params.tolerance = archive.getDouble("tolerance");
    params.seed = std::uint64_t(archive.getInt("seed"));
    checks::archivedParams(params, kKind);
    Eigen::MatrixXd centers = archive.getMatrix("centers");
    checks::archiveExpect(centers.rows() == params.clusters && centers.cols() >= 1,
                          kKind,
                          "'centers' has " + std::to_string(centers.rows()) + " rows, expected "
                              + std::to_string(params.clusters));
    checks::archiveExpect(centers.allFinite(), kKind, "centers contain NaN or infinite values");
    auto model = std::make_unique<KMeans>(params);
    model->m_centers = std::move(centers);
    model->m_inertia = archive.getDouble("inertia");
    model->m_iterations = int(archive.getInt("iterations"));
    return model;
}

} // namespace fb::ml
