#include "Clustering.h"

#include "ml/common/Parallel.h"
#include "ml/common/Random.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

// Formulas follow scikit-learn 1.2 (sklearn/metrics/cluster/_unsupervised.py, _supervised.py).
namespace fb::ml::metrics {

namespace {

__extension__ typedef __int128 Int128; // exact pair counts: n² products overflow 64 bits

void requireRows(Eigen::Index labels, Eigen::Index rows, const char *what)
{
    if (labels != rows)
        throw std::invalid_argument(std::string(what) + ": " + std::to_string(labels)
                                    + " labels for " + std::to_string(rows) + " rows");
}

// Maps arbitrary non-negative labels onto 0..K-1 (in order of value); returns K.
int compactLabels(const Eigen::Ref<const Eigen::VectorXi> &labels,
                  Eigen::VectorXi &out,
                  const char *what)
{
    std::vector<int> values(labels.data(), labels.data() + labels.size());
    if (!values.empty() && *std::min_element(values.begin(), values.end()) < 0)
        throw std::invalid_argument(std::string(what) + ": labels must be non-negative");
    std::sort(values.begin(), values.end());
    values.erase(std::unique(values.begin(), values.end()), values.end());
    out.resize(labels.size());
    for (Eigen::Index i = 0; i < labels.size(); ++i)
        out[i] = int(std::lower_bound(values.begin(), values.end(), labels[i]) - values.begin());
    return int(values.size());
}

} // namespace

double silhouetteScore(const Eigen::Ref<const Eigen::MatrixXd> &X,
                       const Eigen::Ref<const Eigen::VectorXi> &labels)
{
    const Eigen::Index n = X.rows();
    requireRows(labels.size(), n, "silhouette");
    Eigen::VectorXi label;
    const int k = compactLabels(labels, label, "silhouette");
    if (k < 2 || k > n - 1)
        throw std::invalid_argument("silhouette: number of clusters is " + std::to_string(k)
                                    + "; valid values are 2 to n_samples - 1 ("
                                    + std::to_string(n - 1) + ")");
    Eigen::VectorXd counts = Eigen::VectorXd::Zero(k);
    for (Eigen::Index i = 0; i < n; ++i)
        counts[label[i]] += 1.0;
    const Eigen::VectorXd sq = X.rowwise().squaredNorm();

    // Rows in blocks: distances of a block to every row come from one product
    // (|x|² + |y|² - 2 x·y, as sklearn's euclidean_distances), then per-cluster sums.
    const Eigen::Index block = std::clamp<Eigen::Index>((Eigen::Index(1) << 21)
                                                            / std::max<Eigen::Index>(n, 1),
                                                        8,
                                                        512);
    const Eigen::Index blocks = (n + block - 1) / block;
    Eigen::VectorXd s(n);
    parallelFor(blocks, 1, [&](Eigen::Index b0, Eigen::Index b1) {
        Eigen::MatrixXd D, sums;
        for (Eigen::Index b = b0; b < b1; ++b) {
            const Eigen::Index r0 = b * block;
            const Eigen::Index m = std::min(block, n - r0);
            D.noalias() = X.middleRows(r0, m) * X.transpose();
            for (Eigen::Index j = 0; j < n; ++j)
                for (Eigen::Index i = 0; i < m; ++i) {
                    const double d = sq[r0 + i] + sq[j] - 2.0 * D(i, j);
                    D(i, j) = d > 0.0 ? std::sqrt(d) : 0.0;
                }
            for (Eigen::Index i = 0; i < m; ++i)
                D(i, r0 + i) = 0.0;
            sums.setZero(m, k);
            for (Eigen::Index j = 0; j < n; ++j)
                sums.col(label[j]) += D.col(j);
            for (Eigen::Index i = 0; i < m; ++i) {
                const int c = label[r0 + i];
                if (counts[c] <= 1.0) {
                    s[r0 + i] = 0.0; // a lone row scores 0
                    continue;
                }
                const double a = sums(i, c) / (counts[c] - 1.0);
                double nearest = std::numeric_limits<double>::infinity();
                for (int o = 0; o < k; ++o)
                    if (o != c)
                        nearest = std::min(nearest, sums(i, o) / counts[o]);
                const double denom = std::max(a, nearest);
                s[r0 + i] = denom > 0.0 ? (nearest - a) / denom : 0.0;
            }
        }
    });
    return s.mean();
}

double silhouetteScoreSampled(const Eigen::Ref<const Eigen::MatrixXd> &X,
                              const Eigen::Ref<const Eigen::VectorXi> &labels,
                              Eigen::Index maxRows,
                              std::uint64_t seed,
                              bool *sampled)
{
    const Eigen::Index n = X.rows();
    requireRows(labels.size(), n, "silhouette");
    if (sampled)
        *sampled = n > maxRows;
    if (n <= maxRows)
        return silhouetteScore(X, labels);
    // Partial Fisher-Yates: the first maxRows entries are a uniform sample without replacement.
    std::vector<Eigen::Index> rows(static_cast<size_t>(n));
    std::iota(rows.begin(), rows.end(), Eigen::Index(0));
    Rng rng(seed);
    for (Eigen::Index i = 0; i < maxRows; ++i) {
        const auto j = i + Eigen::Index(rng.bounded(std::uint64_t(n - i)));
        std::swap(rows[size_t(i)], rows[size_t(j)]);
    }
    std::sort(rows.begin(), rows.begin() + maxRows);
    Eigen::MatrixXd Xs(maxRows, X.cols());
    Eigen::VectorXi ls(maxRows);
    for (Eigen::Index i = 0; i < maxRows; ++i) {
        Xs.row(i) = X.row(rows[size_t(i)]);
        ls[i] = labels[rows[size_t(i)]];
    }
    return silhouetteScore(Xs, ls);
}

double adjustedRandIndex(const Eigen::Ref<const Eigen::VectorXi> &labelsTrue,
                         const Eigen::Ref<const Eigen::VectorXi> &labelsPred)
{
    requireRows(labelsPred.size(), labelsTrue.size(), "adjusted_rand_index");
    const Eigen::Index n = labelsTrue.size();
    Eigen::VectorXi a, b;
    const int ka = compactLabels(labelsTrue, a, "adjusted_rand_index");
    const int kb = compactLabels(labelsPred, b, "adjusted_rand_index");
    // Contingency table as sorted (true, predicted) pairs: no ka x kb allocation.
    std::vector<std::pair<int, int>> pairs(static_cast<size_t>(n));
    for (Eigen::Index i = 0; i < n; ++i)
        pairs[size_t(i)] = {a[i], b[i]};
    std::sort(pairs.begin(), pairs.end());
    std::vector<Int128> rowSum(size_t(ka), 0), colSum(size_t(kb), 0);
    for (const auto &p : pairs) {
        ++rowSum[size_t(p.first)];
        ++colSum[size_t(p.second)];
    }
    // Pair confusion matrix (sklearn's pair_confusion_matrix).
    Int128 sumSquares = 0, dotCols = 0, dotRows = 0;
    for (size_t i = 0; i < pairs.size();) {
        size_t j = i;
        while (j < pairs.size() && pairs[j] == pairs[i])
            ++j;
        const Int128 nij = Int128(j - i);
        sumSquares += nij * nij;
        dotCols += nij * colSum[size_t(pairs[i].second)];
        dotRows += nij * rowSum[size_t(pairs[i].first)];
        i = j;
    }
    const Int128 nn = Int128(n);
    const Int128 tp = sumSquares - nn;
    const Int128 fp = dotCols - sumSquares;
    const Int128 fn = dotRows - sumSquares;
    const Int128 tn = nn * nn - fp - fn - sumSquares;
    if (fn == 0 && fp == 0)
        return 1.0; // identical partitions, including the special cases of sklearn
    const long double num = 2.0L
                            * ((long double) tp * (long double) tn
                               - (long double) fn * (long double) fp);
    const long double den = (long double) (tp + fn) * (long double) (fn + tn)
                            + (long double) (tp + fp) * (long double) (fp + tn);
    return double(num / den);
}

double withinClusterSumOfSquares(const Eigen::Ref<const Eigen::MatrixXd> &X,
                                 const Eigen::Ref<const Eigen::VectorXi> &labels)
{
    requireRows(labels.size(), X.rows(), "within_cluster_sum_of_squares");
    Eigen::VectorXi label;
    const int k = compactLabels(labels, label, "within_cluster_sum_of_squares");
    Eigen::MatrixXd centers = Eigen::MatrixXd::Zero(k, X.cols());
    Eigen::VectorXd counts = Eigen::VectorXd::Zero(k);
    for (Eigen::Index i = 0; i < X.rows(); ++i) {
        centers.row(label[i]) += X.row(i);
        counts[label[i]] += 1.0;
    }
    for (int c = 0; c < k; ++c)
        centers.row(c) /= counts[c];
    return inertia(X, label, centers);
}

double inertia(const Eigen::Ref<const Eigen::MatrixXd> &X,
               const Eigen::Ref<const Eigen::VectorXi> &labels,
               const Eigen::Ref<const Eigen::MatrixXd> &centers)
{
    requireRows(labels.size(), X.rows(), "inertia");
    if (centers.cols() != X.cols())
        throw std::invalid_argument("inertia: centres have " + std::to_string(centers.cols())
                                    + " columns, the data " + std::to_string(X.cols()));
    double total = 0.0;
    for (Eigen::Index i = 0; i < X.rows(); ++i) {
        const int c = labels[i];
        if (c < 0 || c >= centers.rows())
            throw std::invalid_argument("inertia: label " + std::to_string(c) + " has no centre");
        total += (X.row(i) - centers.row(c)).squaredNorm();
    }
    return total;
}

} // namespace fb::ml::metrics
