#pragma once

#include <Eigen/Core>

namespace fb::ml {

// Squared Euclidean distances between the rows of A (a block of queries) and the rows of B by
// the GEMM identity ||a||^2 + ||b||^2 - 2 a'b (one matrix product: the fast way, as
// scikit-learn's euclidean_distances), clipped at 0. out is A.rows() x B.rows().
void squaredDistances(const Eigen::Ref<const Eigen::MatrixXd> &A,
                      const Eigen::Ref<const Eigen::VectorXd> &aNorms,
                      const Eigen::Ref<const Eigen::MatrixXd> &B,
                      const Eigen::Ref<const Eigen::VectorXd> &bNorms,
                      Eigen::Ref<Eigen::MatrixXd> out);

// An upper bound on the rounding error of one such distance, for rows whose squared norms are
// at most aNorm and bNorm: the dot product of p terms is off by at most ~p eps ||a|| ||b||
// (Higham, "Accuracy and Stability of Numerical Algorithms", 2nd ed., sec. 3.1), the sums
// by a few eps more. Distances closer than twice this may be ordered wrongly by the identity.
double squaredDistanceErrorBound(Eigen::Index features, double aNorm, double bNorm);

// The exact squared distance, term by term.
inline double exactSquaredDistance(const Eigen::Ref<const Eigen::RowVectorXd> &a,
                                   const Eigen::Ref<const Eigen::RowVectorXd> &b)
{
    return (a - b).squaredNorm();
}

} // namespace fb::ml
