#include "SquaredDistances.h"

#include <limits>

namespace fb::ml {

void squaredDistances(const Eigen::Ref<const Eigen::MatrixXd> &A,
                      const Eigen::Ref<const Eigen::VectorXd> &aNorms,
                      const Eigen::Ref<const Eigen::MatrixXd> &B,
                      const Eigen::Ref<const Eigen::VectorXd> &bNorms,
                      Eigen::Ref<Eigen::MatrixXd> out)
{
    out.noalias() = A * B.transpose();
    out *= -2.0;
    out.colwise() += aNorms;
    out.rowwise() += bNorms.transpose();
    out = out.cwiseMax(0.0);
}

double squaredDistanceErrorBound(Eigen::Index features, double aNorm, double bNorm)
{
    constexpr double eps = std::numeric_limits<double>::epsilon();
    return 2.0 * double(features + 4) * eps * (aNorm + bNorm);
}

} // namespace fb::ml
