#pragma once

#include <Eigen/Core>

namespace fb::ml {

// Per row, the column of the largest value, the first one on ties (numpy's argmax), as a
// double: the class a classifier predicts from its scores or probabilities.
Eigen::VectorXd argmaxRows(const Eigen::Ref<const Eigen::MatrixXd> &scores);

} // namespace fb::ml
