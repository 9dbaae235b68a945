#include "KMeans.h"

#include "ml/common/Checks.h"
#include "ml/common/Parallel.h"
#include "ml/common/Random.h"
#include "ml/common/SquaredDistances.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <optional>
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

// Bounds on the distance of each row to its own centre (upper) and to every other centre
// (lower), as Hamerly's algorithm keeps them; null when not wanted.
struct Bounds
{
    double *upper = nullptr;
    double *lower = nullptr;
};

// Relative rounding slack of the bounds: a row keeps its centre without being measured only
// when its bounds clear each other by more than this.
constexpr double kSlack = 1e-10;

struct Nearest
{
    Eigen::Index best = 0;
    double d1 = std::numeric_limits<double>::infinity(); // squared distance to the nearest centre
    double d2 = std::numeric_limits<double>::infinity(); // to the second nearest

    // Keeps the two smallest of the distances offered.
    void offer(Eigen::Index c, double v)
    {
        if (v < d1) {
            d2 = d1;
            d1 = v;
            best = c;
        } else if (v < d2) {
            d2 = v;
        }
    }
};

// The two nearest centres of X.row(row) from its squared distances d by the GEMM identity;
// where the identity's rounding error (errorBound) could order them wrongly, exact distances
// decide, so that the label is the exact nearest centre.
template<typename Distances>
Nearest nearestTwo(const Distances &d,
                   const Eigen::Ref<const Eigen::MatrixXd> &X,
                   Eigen::Index row,
                   const Eigen::MatrixXd &centers,
                   double errorBound)
{
    const Eigen::Index k = centers.rows();
    Nearest r;
    for (Eigen::Index c = 0; c < k; ++c)
        r.offer(c, d(c));
    if (k > 1 && r.d2 - r.d1 <= 2.0 * errorBound) {
        r = Nearest{};
        for (Eigen::Index c = 0; c < k; ++c)
            r.offer(c, exactSquaredDistance(X.row(row), centers.row(c)));
    }
    return r;
}

// Bounds that hold whatever the rounding of the squared distances d1, d2 (error <= e).
void setBounds(Bounds bounds, Eigen::Index row, const Nearest &r, double e)
{
    if (!bounds.upper)
        return;
    bounds.upper[row] = std::sqrt(r.d1 + e) * (1.0 + kSlack);
    bounds.lower[row] = std::sqrt(std::max(r.d2 - e, 0.0)) * (1.0 - kSlack);
}

// Per-cluster sums of rows [r0, r0 + nb) into S (k x p), column by column.
void sumBlock(const Eigen::Ref<const Eigen::MatrixXd> &X,
              const int *labels,
              Eigen::Index r0,
              Eigen::Index nb,
              Eigen::Map<Eigen::MatrixXd> S)
{
    S.setZero();
    const int *l = labels + r0;
    for (Eigen::Index j = 0; j < X.cols(); ++j) {
        const double *x = X.col(j).data() + r0;
        double *s = S.col(j).data();
        for (Eigen::Index i = 0; i < nb; ++i)
            s[l[i]] += x[i];
    }
}

// Nearest centre of every row of X: the GEMM identity for all centres, then an exact
// re-check of the rows whose two best distances are within the identity's rounding error.
// Writes labels and squared distances; returns the per-block sums of the distances (summed in
// block order by the caller, so the total does not depend on the thread count). With
// `blockSums` (k * p x blocks), also each block's per-cluster sums of its rows (a k x p matrix
// per column), taken while the block is in cache: the centre update then needs no second
// pass over X. With `bounds`, also sets every row's bounds.
std::vector<double> assign(const Eigen::Ref<const Eigen::MatrixXd> &X,
                           const Eigen::VectorXd &xNorms,
                           const Eigen::MatrixXd &centers,
                           int *labels,
                           double *distances,
                           Eigen::MatrixXd *blockSums = nullptr,
                           Bounds bounds = {})
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
                const Eigen::Index row = r0 + i;
                const double e = squaredDistanceErrorBound(X.cols(), xNorms[row], cNormMax);
                const Nearest r = nearestTwo(Db.row(i), X, row, centers, e);
                labels[row] = int(r.best);
                distances[row] = r.d1;
                setBounds(bounds, row, r, e);
                sum += r.d1;
            }
            sums[size_t(b)] = sum;
            if (blockSums)
                sumBlock(X,
                         labels,
                         r0,
                         nb,
                         Eigen::Map<Eigen::MatrixXd>(blockSums->col(b).data(), k, X.cols()));
        }
    });
    return sums;
}

// How far the centres moved in the last update, and how close they now are to each other.
struct Motion
{
    Eigen::VectorXd moved;    // per centre
    double maxMoved = 0.0;    // the largest move
    double secondMoved = 0.0; // the largest move of the others than argMax
    Eigen::Index argMax = 0;
    Eigen::VectorXd halfGap; // half the distance from each centre to its nearest other centre

    Motion(const Eigen::MatrixXd &before, const Eigen::MatrixXd &after)
        : moved((after - before).rowwise().norm())
        , halfGap(after.rows())
    {
        const Eigen::Index k = after.rows();
        maxMoved = moved.maxCoeff(&argMax);
        for (Eigen::Index c = 0; c < k; ++c)
            if (c != argMax)
                secondMoved = std::max(secondMoved, moved[c]);
        halfGap.setConstant(std::numeric_limits<double>::infinity());
        for (Eigen::Index c = 0; c < k; ++c)
            for (Eigen::Index o = c + 1; o < k; ++o) {
                const double half = 0.5
                                    * std::sqrt(exactSquaredDistance(after.row(c), after.row(o)));
                halfGap[c] = std::min(halfGap[c], half);
                halfGap[o] = std::min(halfGap[o], half);
            }
    }
};

// Lloyd's assignment with Hamerly's bounds (G. Hamerly, "Making k-means even faster", SDM
// 2010), an exact acceleration: a row keeps its centre while the upper bound on the distance
// to it stays below both the lower bound on its distance to every other centre and half the
// distance from its centre to the nearest other one. The bounds follow the centres' moves;
// only rows whose bounds cross are measured: their own centre exactly first, then, if still
// needed, all centres by the GEMM identity on the gathered rows. Labels and bounds as
// assign() (the labels are the ones it would give); `blockChanges` gets, per block, the change
// of the per-cluster sums that the rows' moves make: late in a run few rows move, and adding
// up every row again cost more than the bounded assignment itself.
void boundedAssign(const Eigen::Ref<const Eigen::MatrixXd> &X,
                   const Eigen::VectorXd &xNorms,
                   const Eigen::MatrixXd &centers,
                   const Motion &motion,
                   int *labels,
                   Bounds bounds,
                   Eigen::MatrixXd &blockChanges)
{
    const Eigen::Index n = X.rows();
    const Eigen::Index p = X.cols();
    const Eigen::Index k = centers.rows();
    const Eigen::VectorXd cNorms = centers.rowwise().squaredNorm();
    const double cNormMax = cNorms.maxCoeff();
    parallelFor(blockCount(n), 1, [&](Eigen::Index first, Eigen::Index last) {
        std::vector<Eigen::Index> todo;
        todo.reserve(size_t(kBlock));
        std::vector<std::pair<Eigen::Index, int>> moved; // row, previous label
        moved.reserve(size_t(kBlock));
        std::vector<double> keeps; // per row of todo: what its upper bound must not exceed
        keeps.reserve(size_t(kBlock));
        Eigen::VectorXd tight(kBlock);
        Eigen::MatrixXd gathered(kBlock, p);
        Eigen::VectorXd gatheredNorms(kBlock);
        Eigen::MatrixXd D(kBlock, k);
        for (Eigen::Index b = first; b < last; ++b) {
            const Eigen::Index r0 = b * kBlock;
            const Eigen::Index nb = std::min(kBlock, n - r0);
            todo.clear();
            moved.clear();
            for (Eigen::Index row = r0; row < r0 + nb; ++row) {
                const int a = labels[row];
                const double upper = bounds.upper[row] + motion.moved[a];
                const double lower = bounds.lower[row]
                                     - (a == motion.argMax ? motion.secondMoved : motion.maxMoved);
                bounds.lower[row] = lower;
                bounds.upper[row] = upper;
                const double keep = std::max(motion.halfGap[a], lower) * (1.0 - kSlack);
                if (upper > keep) {
                    todo.push_back(row);
                    keeps.push_back(keep);
                }
            }
            // The exact distance to the own centre, column by column: the rows of a block lie
            // within a few KB of each column, whereas reading a row of the column-major X
            // touches a cache line per value (that took most of the time).
            tight.setZero();
            for (Eigen::Index j = 0; j < p; ++j) {
                const double *x = X.col(j).data();
                for (size_t t = 0; t < todo.size(); ++t) {
                    const double diff = x[todo[t]] - centers(labels[todo[t]], j);
                    tight[Eigen::Index(t)] += diff * diff;
                }
            }
            size_t kept = 0;
            for (size_t t = 0; t < todo.size(); ++t) {
                const Eigen::Index row = todo[t];
                bounds.upper[row] = std::sqrt(tight[Eigen::Index(t)]) * (1.0 + kSlack);
                if (bounds.upper[row] > keeps[t])
                    todo[kept++] = row;
            }
            todo.resize(kept);
            keeps.clear();
            const auto m = Eigen::Index(todo.size());
            if (m > 0) {
                for (Eigen::Index j = 0; j < p; ++j) { // column by column, as above
                    const double *x = X.col(j).data();
                    for (Eigen::Index t = 0; t < m; ++t)
                        gathered(t, j) = x[todo[size_t(t)]];
                }
                for (Eigen::Index t = 0; t < m; ++t)
                    gatheredNorms[t] = xNorms[todo[size_t(t)]];
                auto Dm = D.topRows(m);
                squaredDistances(gathered.topRows(m), gatheredNorms.head(m), centers, cNorms, Dm);
                for (Eigen::Index t = 0; t < m; ++t) {
                    const Eigen::Index row = todo[size_t(t)];
                    const double e = squaredDistanceErrorBound(p, xNorms[row], cNormMax);
                    const Nearest r = nearestTwo(Dm.row(t), X, row, centers, e);
                    setBounds(bounds, row, r, e);
                    if (r.best != labels[row]) {
                        moved.push_back({row, labels[row]});
                        labels[row] = int(r.best);
                    }
                }
            }
            Eigen::Map<Eigen::MatrixXd> S(blockChanges.col(b).data(), k, p);
            S.setZero();
            for (const auto &[row, from] : moved) {
                S.row(from) -= X.row(row);
                S.row(labels[row]) += X.row(row);
            }
        }
    });
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
    Eigen::VectorXd distances(n), upper(n), lower(n);
    const Bounds bounds{upper.data(), lower.data()};
    const double xNormSum = xNorms.sum();
    Eigen::MatrixXd sums(k, p);
    Eigen::MatrixXd blockSums(k * p, blockCount(n));
    Eigen::VectorXd counts(k);
    double bestInertia = std::numeric_limits<double>::infinity();
    int step = 0;

    for (int run = 0; run < m_params.nInit; ++run) {
        Eigen::MatrixXd centers = kmeansPlusPlus(Xc, xNorms, k, rng, observer);
        previous.setConstant(-1);
        bool strict = false;
        std::optional<Motion> motion; // set while the bounds are valid
        int it = 0;
        for (it = 1; it <= m_params.maxIterations; ++it) {
            if (observer.cancelled())
                throw Cancelled{};
            const auto fullPass = [&] {
                return total(
                    assign(Xc, xNorms, centers, labels.data(), distances.data(), &blockSums, bounds));
            };
            // New centres from the blocks' sums (or the changes of the sums), added in block
            // order (deterministic).
            const auto tally = [&](bool changes) {
                counts.setZero();
                for (Eigen::Index i = 0; i < n; ++i)
                    counts[labels[i]] += 1.0;
                Eigen::Map<Eigen::VectorXd> flat(sums.data(), k * p);
                if (changes)
                    flat += blockSums.rowwise().sum();
                else
                    flat = blockSums.rowwise().sum();
            };
            double inertia = 0.0;
            if (motion) {
                boundedAssign(Xc, xNorms, centers, *motion, labels.data(), bounds, blockSums);
                tally(true);
                // sum_i ||x_i - c_a||^2 from the sums, as the rows' distances are not all known.
                inertia = xNormSum - 2.0 * centers.cwiseProduct(sums).sum()
                          + counts.dot(centers.rowwise().squaredNorm());
                inertia = std::max(inertia, 0.0);
            } else {
                inertia = fullPass();
                tally(false);
            }
            // Empty clusters: the rows farthest from their centres (scikit-learn's rule).
            const auto emptyClusters = [&] {
                std::vector<Eigen::Index> out;
                for (int c = 0; c < k; ++c)
                    if (counts[c] == 0.0)
                        out.push_back(c);
                return out;
            };
            std::vector<Eigen::Index> empty = emptyClusters();
            if (!empty.empty() && motion) {
                // The rule needs every row's distance: the full pass on the same centres.
                inertia = fullPass();
                tally(false);
                empty = emptyClusters();
            }
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
            // Relocated rows changed centre without their bounds: the next pass is a full one.
            if (empty.empty())
                motion.emplace(centers, updated);
            else
                motion.reset();
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
        // Exact inertia of the final assignment: squared differences column by column (rows
        // of the column-major X are strided), then summed row by row.
        distances.setZero();
        for (Eigen::Index j = 0; j < p; ++j) {
            const double *x = Xc.col(j).data();
            for (Eigen::Index i = 0; i < n; ++i) {
                const double t = x[i] - centers(labels[i], j);
                distances[i] += t * t;
            }
        }
        const double inertia = distances.sum();
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
