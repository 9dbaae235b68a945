#include "SquaredDistances.h"

#include <limits>

namespace fb::ml {

void squaredDistances(const Eigen::Ref<const Eigen::MatrixXd> &A,
                      const Eigen::Ref<const Eigen::VectorXd> &aNorms,
                      const Eigen::Ref<const Eigen::MatrixXd> &B,
                      const Eigen::Ref<const Eigen::VectorXd> &bNorms,
                      Eigen::Ref<Eigen::MatrixXd> out)
{
    // -2 folds into the GEMM's alpha (exact: a power of two); the norms and the clipping are
    // then one pass over `out` instead of four.
    out.noalias() = (-2.0 * A) * B.transpose();
    for (Eigen::Index j = 0; j < out.cols(); ++j)
        out.col(j) = ((out.col(j) + aNorms).array() + bNorms[j]).cwiseMax(0.0).matrix();
}

double squaredDistanceErrorBound(Eigen::Index features, double aNorm, double bNorm)
{
    constexpr double eps = std::numeric_limits<double>::epsilon();
    return 2.0 * double(features + 4) * eps * (aNorm + bNorm);
}

} // namespace fb::ml
