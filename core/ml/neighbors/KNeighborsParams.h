#pragma once

#include "ml/common/Archive.h"

#include <Eigen/Core>

#include <string>

namespace fb::ml {

// Settings shared by the k-nearest-neighbour classifier and regressor (scikit-learn's
// n_neighbors and weights; the metric is Euclidean, the search exhaustive).
struct KNeighborsParams
{
    enum class Weights { Uniform, Distance };
    int neighbors = 5;                  // k (>= 1, at most the training rows)
    Weights weights = Weights::Uniform; // Distance: weight 1/d (exact matches take all weight)
    void validate() const;              // throws std::invalid_argument naming the field

    void save(Archive &archive) const;
    static KNeighborsParams load(const Archive &archive, const std::string &kind);
};

// Vote weights of the neighbours (rows of `distances`), as scikit-learn's _get_weights:
// all 1 for Uniform; 1/d for Distance, except that a row with a zero distance gives weight 1
// to its exact matches and 0 to the others.
Eigen::MatrixXd neighborWeights(const Eigen::MatrixXd &distances, KNeighborsParams::Weights weights);

} // namespace fb::ml
