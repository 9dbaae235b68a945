#pragma once

#include <Eigen/Core>

#include <cstdint>

// Clustering metrics with scikit-learn's definitions (sklearn.metrics.cluster), so numbers match.
// Cluster labels are non-negative integers; they need not be contiguous.
namespace fb::ml::metrics {

// Mean silhouette coefficient over all rows, Euclidean distance (silhouette_score): for row i
// in cluster c, a = mean distance to the other rows of c, b = smallest mean distance to the
// rows of another cluster, s = (b - a) / max(a, b); rows alone in their cluster score 0.
// Exact, O(n² p) time and O(block · n) memory (distances via blocked matrix products, the
// cores shared under threadBudget()). Throws std::invalid_argument unless
// 2 <= number of clusters <= n - 1, as scikit-learn does.
double silhouetteScore(const Eigen::Ref<const Eigen::MatrixXd> &X,
                       const Eigen::Ref<const Eigen::VectorXi> &labels);

// silhouetteScore on at most `maxRows` rows: all rows when n <= maxRows, otherwise a uniform
// sample without replacement drawn with `seed` (as silhouette_score(sample_size=maxRows,
// random_state=seed), though with Flowbench's generator, so not the same rows as numpy's).
// `*sampled` (optional) tells whether a sample was used.
double silhouetteScoreSampled(const Eigen::Ref<const Eigen::MatrixXd> &X,
                              const Eigen::Ref<const Eigen::VectorXi> &labels,
                              Eigen::Index maxRows,
                              std::uint64_t seed,
                              bool *sampled = nullptr);

// adjusted_rand_score (Hubert & Arabie 1985) through the pair confusion matrix, as
// scikit-learn 1.2 computes it; 1.0 when both partitions agree up to renaming.
double adjustedRandIndex(const Eigen::Ref<const Eigen::VectorXi> &labelsTrue,
                         const Eigen::Ref<const Eigen::VectorXi> &labelsPred);

// Sum of squared distances of rows to their cluster's centre: the mean of the cluster's rows
// (within-cluster sum of squares of the partition)...
double withinClusterSumOfSquares(const Eigen::Ref<const Eigen::MatrixXd> &X,
                                 const Eigen::Ref<const Eigen::VectorXi> &labels);
// ...or the given centres (row c = centre of cluster c): k-means' inertia, -KMeans.score(X).
double inertia(const Eigen::Ref<const Eigen::MatrixXd> &X,
               const Eigen::Ref<const Eigen::VectorXi> &labels,
               const Eigen::Ref<const Eigen::MatrixXd> &centers);

} // namespace fb::ml::metrics
