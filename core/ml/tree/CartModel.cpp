#include "CartModel.h"

#include "FeatureBinner.h"
#include "TreeEnsemble.h"
#include "TreeGrower.h"

#include "ml/common/Parallel.h"
#include "ml/common/Random.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <limits>
#include <memory>
#include <stdexcept>

namespace fb::ml {

namespace {

// Lets every thread's grower stop in the middle of a tree, so a cancelled forest returns
// within one tree level rather than one whole tree (measured: up to 0.6 s on 60k rows). Only
// the calling thread asks the real observer, which need not be thread-safe; the others read
// the flag it sets.
class StopCheck final : public Observer
{
public:
    StopCheck(const Observer *outer, std::atomic<bool> &stop)
        : m_outer(outer)
        , m_stop(stop)
    {}
    bool cancelled() const override
    {
        if (m_outer && m_outer->cancelled())
            m_stop = true;
        return m_stop.load();
    }

private:
    const Observer *m_outer;
    std::atomic<bool> &m_stop;
};

// Independent seeds for the trees of a forest (SplitMix64, Steele, Lea & Flood 2014).
std::uint64_t treeSeed(std::uint64_t seed, std::uint64_t tree)
{
    std::uint64_t z = seed + 0x9E3779B97F4A7C15ull * (tree + 1);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

void checkShape(const Eigen::Ref<const Eigen::MatrixXd> &X, Eigen::Index targets)
{
    if (X.rows() != targets)
        throw std::invalid_argument("X has " + std::to_string(X.rows()) + " rows but y has "
                                    + std::to_string(targets) + " values");
    if (X.rows() == 0 || X.cols() == 0)
        throw std::invalid_argument("trees need at least one sample and one feature");
    if (X.rows() >= (Eigen::Index(1) << 31))
        throw std::invalid_argument("trees are limited to 2^31 - 1 rows");
}

// Makes every threshold float-exact (Tree::floatExactThreshold), with the training values
// nearest to it on either side as the values that must keep their side. Why: a tree of a
// bootstrapped forest splits between the values of its own sample, and the midpoint of two
// values that are not neighbours in the data can fall on (or within float rounding of) a
// value left out of the sample: 0.5 * 1.31 + 0.5 * 1.41 is the double just below 1.36, so
// Flowbench sent x = 1.36 right while a float comparison (ONNX Runtime with float inputs)
// sent it left. Values of the whole column are a superset of any node's values, so the
// partition seen in training never changes. Features in parallel.
void makeThresholdsFloatExact(const Eigen::Ref<const Eigen::MatrixXd> &X, std::vector<Tree> &trees)
{
    std::vector<std::vector<std::pair<size_t, std::int32_t>>> byFeature(size_t(X.cols()));
    for (size_t t = 0; t < trees.size(); ++t) {
        const auto &nodes = trees[t].nodes();
        for (size_t n = 0; n < nodes.size(); ++n)
            if (nodes[n].feature >= 0)
                byFeature[size_t(nodes[n].feature)].emplace_back(t, std::int32_t(n));
    }
    // Per feature, the nearest values on either side of each distinct threshold: one pass over
    // the column with a binary search among the thresholds (n log k, no sorted copy of X),
    // then running maxima / minima over the thresholds.
    constexpr double inf = std::numeric_limits<double>::infinity();
    parallelFor(X.cols(), 1, [&](Eigen::Index f0, Eigen::Index f1) {
        std::vector<double> thresholds, below, above;
        for (Eigen::Index f = f0; f < f1; ++f) {
            const auto &splits = byFeature[size_t(f)];
            if (splits.empty())
                continue;
            thresholds.clear();
            for (const auto &[t, n] : splits)
                thresholds.push_back(trees[t].nodes()[size_t(n)].threshold);
            std::sort(thresholds.begin(), thresholds.end());
            thresholds.erase(std::unique(thresholds.begin(), thresholds.end()), thresholds.end());
            const size_t k = thresholds.size();
            below.assign(k, -inf); // below[j]: the largest value <= thresholds[j]
            above.assign(k, inf);  // above[j]: the smallest value > thresholds[j]
            for (Eigen::Index i = 0; i < X.rows(); ++i) {
                const double x = X(i, f);
                if (std::isnan(x))
                    continue;
                const auto j = size_t(std::lower_bound(thresholds.begin(), thresholds.end(), x)
                                      - thresholds.begin());
                if (j < k)
                    below[j] = std::max(below[j], x);
                if (j > 0)
                    above[j - 1] = std::min(above[j - 1], x);
            }
            for (size_t j = 1; j < k; ++j)
                below[j] = std::max(below[j], below[j - 1]);
            for (size_t j = k - 1; j-- > 0;)
                above[j] = std::min(above[j], above[j + 1]);
            for (const auto &[t, n] : splits) {
                const double threshold = trees[t].nodes()[size_t(n)].threshold;
                const auto j = size_t(
                    std::lower_bound(thresholds.begin(), thresholds.end(), threshold)
                    - thresholds.begin());
                trees[t].setThreshold(n, Tree::floatExactThreshold(threshold, below[j], above[j]));
            }
        }
    });
}

} // namespace

void CartModel::fitClassifier(const Eigen::Ref<const Eigen::MatrixXd> &X,
                              const Eigen::Ref<const Eigen::VectorXi> &y,
                              int classCount,
                              const DecisionTreeParams &params,
                              const Options &options,
                              Observer &observer)
{
    checkShape(X, y.size());
    if (classCount < 1)
        throw std::invalid_argument("classCount must be >= 1, got " + std::to_string(classCount));
    if (y.minCoeff() < 0 || y.maxCoeff() >= classCount)
        throw std::invalid_argument("labels must be in [0, " + std::to_string(classCount - 1) + "]");
    if (params.criterion == SplitCriterion::SquaredError)
        throw std::invalid_argument(
            "criterion squared_error is for regression; use gini or entropy");
    const Eigen::VectorXi labels = y; // contiguous
    Target target;
    target.classes = labels.data();
    target.classCount = classCount;
    fit(X, target, params, options, observer);
    m_classes = classCount;
}

void CartModel::fitRegressor(const Eigen::Ref<const Eigen::MatrixXd> &X,
                             const Eigen::Ref<const Eigen::VectorXd> &y,
                             const DecisionTreeParams &params,
                             const Options &options,
                             Observer &observer)
{
    checkShape(X, y.size());
    if (!y.allFinite())
        throw std::invalid_argument("y contains NaN or infinite values");
    if (params.criterion != SplitCriterion::SquaredError)
        throw std::invalid_argument("criterion " + criterionName(params.criterion)
                                    + " is for classification; use squared_error");
    const Eigen::VectorXd values = y;
    Target target;
    target.values = values.data();
    fit(X, target, params, options, observer);
    m_classes = 0;
}

void CartModel::fit(const Eigen::Ref<const Eigen::MatrixXd> &X,
                    const Target &target,
                    const DecisionTreeParams &params,
                    const Options &options,
                    Observer &observer)
{
    params.validate();
    if (options.trees < 1)
        throw std::invalid_argument("the number of trees must be >= 1, got "
                                    + std::to_string(options.trees));
    if (observer.cancelled())
        throw Cancelled{};
    const Eigen::Index n = X.rows();
    const Eigen::Index p = X.cols();

    FeatureBinner binner;
    const BinnedMatrix bins = binner.fitTransform(X, params.maxBins, params.seed);

    hist::Scorer scorer;
    if (target.values) {
        scorer.kind = hist::Score::Pair;
        scorer.unitWeight = !options.bootstrap; // bootstrap counts are weights
    } else {
        scorer.kind = params.criterion == SplitCriterion::Gini ? hist::Score::Gini
                                                               : hist::Score::Entropy;
        scorer.classCount = target.classCount;
    }
    const int trees = options.trees;
    const int threads = std::max(1, std::min(threadBudget(), trees));
    GrowerParams gp;
    gp.maxDepth = params.maxDepth;
    gp.maxLeafNodes = params.maxLeafNodes;
    gp.minSamplesSplit = params.minSamplesSplit;
    gp.minSamplesLeaf = params.minSamplesLeaf;
    // scikit-learn compares N_t / N * impurity decrease with min_impurity_decrease; a gain
    // here is N_t times the decrease (N counts bootstrap draws, n of them).
    gp.minGain = params.minImpurityDecrease * double(n);
    gp.cart = true;
    const int mtry = params.maxFeatures.resolve(p);
    gp.maxFeatures = mtry < p ? mtry : 0;
    gp.shuffleFeatures = true;
    gp.threads = trees == 1 ? threadBudget() : 1;

    // Statistics shared by trees without bootstrap: (y, 1) pairs or the labels.
    std::vector<double> pairs;
    if (target.values && !options.bootstrap) {
        pairs.resize(size_t(2 * n));
        for (Eigen::Index i = 0; i < n; ++i) {
            pairs[size_t(2 * i)] = target.values[i];
            pairs[size_t(2 * i + 1)] = 1.0;
        }
    }

    std::vector<Tree> grown(static_cast<size_t>(trees));
    std::vector<Eigen::VectorXd> importances(static_cast<size_t>(trees));
    std::atomic<int> next{0};
    std::atomic<int> done{0};
    std::atomic<long long> leaves{0};
    std::atomic<bool> stop{false};
    int reported = 0;
    const auto report = [&] {
        const int d = done.load();
        if (d == reported)
            return;
        reported = d;
        observer.onIteration(d, {{"trees", double(d)}, {"mean_leaves", double(leaves.load()) / d}});
        observer.onProgress(double(d) / trees);
    };

    // Each thread takes the next tree until none is left; the calling thread (chunk 0) also
    // watches the observer between its trees, the others only the stop flag.
    parallelFor(threads, 1, [&](Eigen::Index c0, Eigen::Index c1) {
        for (Eigen::Index c = c0; c < c1; ++c) {
            const bool caller = c == 0;
            TreeGrower grower(bins, binner, scorer, gp);
            std::vector<double> ownPairs;
            std::vector<double> weights;
            std::vector<std::int32_t> counts;
            for (;;) {
                if (caller) {
                    report();
                    if (observer.cancelled())
                        stop = true;
                }
                if (stop)
                    return;
                const int t = next++;
                if (t >= trees)
                    return;
                Rng rng(treeSeed(params.seed, std::uint64_t(t)));
                std::vector<std::int32_t> rows;
                hist::RowStats stats;
                stats.classes = target.classes;
                stats.classCount = target.classCount;
                stats.pairs = target.values ? pairs.data() : nullptr;
                stats.unitWeight = scorer.unitWeight;
                if (options.bootstrap) {
                    counts.assign(size_t(n), 0);
                    for (Eigen::Index i = 0; i < n; ++i)
                        ++counts[size_t(rng.bounded(std::uint64_t(n)))];
                    rows.reserve(size_t(n));
                    for (Eigen::Index i = 0; i < n; ++i)
                        if (counts[size_t(i)] > 0)
                            rows.push_back(std::int32_t(i));
                    if (target.values) {
                        ownPairs.resize(size_t(2 * n));
                        for (std::int32_t i : rows) {
                            ownPairs[size_t(2 * i)] = counts[size_t(i)] * target.values[i];
                            ownPairs[size_t(2 * i + 1)] = counts[size_t(i)];
                        }
                        stats.pairs = ownPairs.data();
                    } else {
                        weights.resize(size_t(n));
                        for (std::int32_t i : rows)
                            weights[size_t(i)] = counts[size_t(i)];
                        stats.weights = weights.data();
                    }
                } else {
                    rows.resize(size_t(n));
                    for (Eigen::Index i = 0; i < n; ++i)
                        rows[size_t(i)] = std::int32_t(i);
                }
                Eigen::VectorXd importance = Eigen::VectorXd::Zero(p);
                StopCheck check(caller ? &observer : nullptr, stop);
                Tree tree;
                try {
                    tree = grower.grow(std::move(rows),
                                       stats,
                                       rng,
                                       1.0,
                                       importance.data(),
                                       caller && trees == 1 ? &observer : &check);
                } catch (const Cancelled &) {
                    stop = true;
                    return;
                }
                // Each tree's importances sum to one (scikit-learn's feature_importances_).
                const double total = importance.sum();
                if (total > 0.0)
                    importance /= total;
                leaves += tree.leafCount();
                grown[size_t(t)] = std::move(tree);
                importances[size_t(t)] = std::move(importance);
                ++done;
            }
        }
    });
    if (stop)
        throw Cancelled{};
    report();

    Eigen::VectorXd importance = Eigen::VectorXd::Zero(p);
    for (const Eigen::VectorXd &imp : importances)
        importance += imp;
    if (importance.sum() > 0.0)
        importance /= importance.sum();
    makeThresholdsFloatExact(X, grown);
    m_trees = std::move(grown);
    m_features = p;
    m_importance = std::move(importance);
}

Eigen::MatrixXd CartModel::predictProba(const Eigen::Ref<const Eigen::MatrixXd> &X) const
{
    trees::checkFeatureCount(X, m_features);
    return trees::sum(m_trees, X, m_classes) / double(m_trees.size());
}

Eigen::VectorXd CartModel::predictValues(const Eigen::Ref<const Eigen::MatrixXd> &X) const
{
    trees::checkFeatureCount(X, m_features);
    return trees::sum(m_trees, X, 1).col(0) / double(m_trees.size());
}

void CartModel::save(Archive &archive) const
{
    archive.setInt("features", m_features);
    archive.setInt("classes", m_classes);
    archive.setVector("importance", m_importance);
    trees::save(archive, "trees", m_trees);
}

void CartModel::load(const Archive &archive, const std::string &model)
{
    const Eigen::Index features = trees::loadFeatureCount(archive, model);
    const std::int64_t classes = archive.getInt("classes");
    if (classes < 0 || classes > 1'000'000)
        throw ArchiveError(model + " archive: 'classes' must be >= 0, got "
                           + std::to_string(classes));
    Eigen::VectorXd importance = trees::loadImportance(archive, model, features);
    std::vector<Tree> loaded = trees::load(archive,
                                           "trees",
                                           features,
                                           classes > 0 ? int(classes) : 1);
    m_trees = std::move(loaded);
    m_features = features;
    m_classes = int(classes);
    m_importance = std::move(importance);
}

} // namespace fb::ml
