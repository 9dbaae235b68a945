#pragma once

#include "ml/common/Archive.h"

#include <cstdint>

namespace fb::ml {

// Histogram gradient boosting's parameters, with scikit-learn's HistGradientBoosting* names
// and defaults (rounds are `maxIter`, as there).
struct GradientBoostingParams
{
    double learningRate = 0.1;     // shrinkage of every tree, in (0, 1]
    int maxIter = 100;             // boosting rounds (K trees per round for K > 2 classes)
    int maxLeafNodes = 31;         // leaves per tree, grown best-first; 0 = unlimited
    int maxDepth = 0;              // 0 = unlimited; with maxLeafNodes = 0 trees grow level-wise
    int minSamplesLeaf = 20;       // rows per leaf
    double l2Regularization = 0.0; // lambda in the leaf value -G / (H + lambda)
    int maxBins = 255;             // bins per feature for values, in [2, 255] (+1 for missing)
    bool earlyStopping = false;    // hold out validationFraction and stop when its loss stalls
    double validationFraction = 0.1;
    int nIterNoChange = 10; // rounds without an improvement of more than tol
    double tol = 1e-7;
    std::uint64_t seed = 0; // binning subsample and validation split

    void validate() const; // throws std::invalid_argument naming the field
    void save(Archive &archive) const;
    static GradientBoostingParams load(const Archive &archive); // throws ArchiveError
};

} // namespace fb::ml
