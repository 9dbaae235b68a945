#pragma once

#include "Observer.h"

#include <Eigen/Core>

namespace fb::ml {

// Cross products of centred data, the sufficient statistics of least squares and PCA:
//   gram = sum_i (x_i - mean)(x_i - mean)'   (p x p, both triangles)
//   xty  = sum_i (x_i - mean) (y_i - yMean)  (p, only when y, X.rows() values, is given)
// Rows are centred block by block into a small copy and accumulated with a symmetric rank-k
// update (SYRK). X'X - n mean mean' cancels when the means are large compared with the spread,
// so it is used instead (SYRK straight on X's rows, no copy) only when `variance`, the columns'
// variances, shows every |mean| within two standard deviations, or the means are zero. The rows are cut into a fixed number of parts processed in parallel under the
// thread budget and summed in a fixed order, so the result does not depend on the thread
// count. Checks cancellation once per block.
struct CentredCrossProducts
{
    Eigen::MatrixXd gram;
    Eigen::VectorXd xty;
};

CentredCrossProducts centredCrossProducts(const Eigen::Ref<const Eigen::MatrixXd> &X,
                                          const Eigen::Ref<const Eigen::VectorXd> &mean,
                                          const double *y,
                                          double yMean,
                                          Observer &observer,
                                          const Eigen::VectorXd *variance = nullptr);

// Column means and (population) variances of X in one pass, the columns in parallel under the
// thread budget, each column summed in row order (so the result does not depend on the thread
// count). The variance is sum(x^2)/n - mean^2, clamped at 0: inaccurate when the mean dwarfs
// the spread, which is all centredCrossProducts needs it to tell.
struct ColumnMoments
{
    Eigen::VectorXd mean;
    Eigen::VectorXd variance;
};
ColumnMoments columnMoments(const Eigen::Ref<const Eigen::MatrixXd> &X);

// The residual statistics of a least-squares fit w on the same centred data, in one pass:
//   xtr = sum_i (x_i - mean) r_i  and  sse = sum_i r_i^2,  r_i = (y_i - yMean) - (x_i - mean)'w
// Parts and order as centredCrossProducts; checks cancellation once per block.
struct CentredResiduals
{
    Eigen::VectorXd xtr;
    double sse = 0.0;
};

CentredResiduals centredResiduals(const Eigen::Ref<const Eigen::MatrixXd> &X,
                                  const Eigen::Ref<const Eigen::VectorXd> &mean,
                                  const Eigen::Ref<const Eigen::VectorXd> &y,
                                  double yMean,
                                  const Eigen::Ref<const Eigen::VectorXd> &w,
                                  Observer &observer);

} // namespace fb::ml
