#pragma once

#include "ml/common/Archive.h"

#include <Eigen/Core>

#include <cstdint>
#include <string>

namespace fb::ml {

// CART's split quality: gini and entropy (information gain) for classification, squared error
// (variance reduction) for regression (Breiman, Friedman, Olshen & Stone, "Classification and
// Regression Trees", 1984), named as scikit-learn's `criterion`.
enum class SplitCriterion { Gini, Entropy, SquaredError };
std::string criterionName(SplitCriterion criterion);    // "gini", "entropy", "squared_error"
SplitCriterion parseCriterion(const std::string &name); // throws std::invalid_argument

// How many features a node examines, as scikit-learn's max_features: all, sqrt(p), log2(p),
// a fraction of p or a count (at least one, at most p).
struct MaxFeatures
{
    enum class Kind { All, Sqrt, Log2, Fraction, Count };
    Kind kind = Kind::All;
    double value = 1.0; // Fraction: in (0, 1]; Count: >= 1

    // "all", "sqrt", "log2", a fraction with a decimal point ("0.3", "1.0") or a count ("10").
    static MaxFeatures parse(const std::string &text); // throws std::invalid_argument
    std::string toString() const;
    int resolve(Eigen::Index features) const;
    void validate() const;
};

// A decision tree's parameters (scikit-learn's DecisionTree* names and defaults), also used by
// every tree of a random forest.
struct DecisionTreeParams
{
    SplitCriterion criterion = SplitCriterion::Gini;
    int maxDepth = 0;                 // 0: unlimited (grow until leaves are pure or too small)
    int minSamplesSplit = 2;          // rows a node needs to be split, >= 2
    int minSamplesLeaf = 1;           // rows each child must keep, >= 1
    int maxLeafNodes = 0;             // 0: unlimited; else grow best-first up to this many leaves
    double minImpurityDecrease = 0.0; // split only if the weighted impurity decrease >= this
    MaxFeatures maxFeatures;          // features examined per node (random subset), default all
    int maxBins = 255;                // histogram bins per feature, in [2, 255]
    std::uint64_t seed = 0;           // feature order and subsets (and a forest's bootstrap)

    void validate() const; // throws std::invalid_argument naming the field
    void save(Archive &archive) const;
    static DecisionTreeParams load(const Archive &archive); // throws ArchiveError
};

} // namespace fb::ml
