#pragma once

#include "ml/common/Observer.h"

#include <Eigen/Core>

namespace fb::ml {

// Exact (exhaustive) k-nearest-neighbour search in Euclidean distance, as scikit-learn's
// algorithm="brute": squared distances of a block of queries to a block of stored points come
// from one GEMM (||q||^2 + ||x||^2 - 2 q'x), each query keeps its k best candidates in a small
// sorted list (ties broken by the lower row index), and the distances of the chosen
// neighbours are then recomputed exactly. Query blocks run in parallel under the thread
// budget; blocks are sized so that the distance block stays in cache.
class NeighborSearch
{
public:
    NeighborSearch() = default;
    explicit NeighborSearch(Eigen::MatrixXd points);

    const Eigen::MatrixXd &points() const { return m_points; }

    // indices: queries x k rows of the nearest points, nearest first; distances: their exact
    // Euclidean distances. Requires 1 <= k <= points().rows(). Checks cancellation per block.
    void query(const Eigen::Ref<const Eigen::MatrixXd> &queries,
               int k,
               Eigen::MatrixXi &indices,
               Eigen::MatrixXd &distances,
               Observer &observer = nullObserver()) const;

private:
    Eigen::MatrixXd m_points;
    Eigen::VectorXd m_norms;
};

} // namespace fb::ml
