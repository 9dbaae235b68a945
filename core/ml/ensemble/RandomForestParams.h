#pragma once

#include "ml/common/Archive.h"
#include "ml/tree/TreeParams.h"

namespace fb::ml {

// A random forest's parameters, scikit-learn's RandomForest* names and defaults: the trees'
// parameters plus the number of trees and the bootstrap. The classifier examines sqrt(p)
// features per node by default, the regressor all of them (scikit-learn >= 1.1).
struct RandomForestParams
{
    int nEstimators = 100; // trees, >= 1
    bool bootstrap = true; // each tree on n rows drawn with replacement, else on all rows
    DecisionTreeParams tree = classifierTree();

    static DecisionTreeParams classifierTree(); // gini, maxFeatures sqrt
    static DecisionTreeParams regressorTree();  // squared_error, maxFeatures all
    static RandomForestParams regressor();

    void validate() const; // throws std::invalid_argument naming the field
    void save(Archive &archive) const;
    static RandomForestParams load(const Archive &archive); // throws ArchiveError
};

} // namespace fb::ml
