#pragma once

#include "FeatureBinner.h"
#include "Histogram.h"
#include "Tree.h"

#include "ml/common/Observer.h"
#include "ml/common/Random.h"

#include <Eigen/Core>

#include <cstdint>
#include <vector>

namespace fb::ml {

struct GrowerParams
{
    int maxDepth = 0;     // 0: unlimited
    int maxLeafNodes = 0; // 0: unlimited, nodes split depth-first; else best-first by gain
    Eigen::Index minSamplesSplit = 2;
    Eigen::Index minSamplesLeaf = 1;
    double minChildWeight = 0.0;  // weight (hessian) per child
    double minGain = 0.0;         // CART: split when gain >= minGain; boosting: when gain > minGain
    bool cart = true;             // CART rules (pure nodes are leaves, zero-gain splits allowed)
    int maxFeatures = 0;          // features examined per node (0: all), drawn at random
    bool shuffleFeatures = false; // examine features in a random order (CART's tie-breaking)
    int threads = 1;              // feature-parallel histogram passes (full-feature mode)
    // Full-feature mode: a node of at least kSplitRows rows gets its histogram as the sum of
    // two, one per half of its rows, built in parallel: each thread then reads only half of
    // the rows' codes instead of every row's codes for half of the features. Changes the order
    // of the sums (results differ in the last bits from an unsplit pass), so it is a choice of
    // the model (boosting), independent of `threads`.
    bool splitRows = false;
};

// Grows one tree on binned data with histograms (see Histogram.h). Two modes:
// - full-feature (maxFeatures = 0 or >= p): every node gets a histogram of all features; the
//   smaller child's histogram is built and the larger child's is the parent's minus it (the
//   subtraction trick, LightGBM), so a level costs at most half a pass over its rows. Passes
//   are split over features between `threads` threads, and large nodes (splitRows) over two
//   fixed halves of their rows, so results do not depend on the number of threads.
// - sampled (random forests): each node draws maxFeatures features at random (more when all
//   drawn ones are constant in the node, as scikit-learn) and builds histograms of only those.
// Small nodes use sparse histograms (touched bins tracked in a bitmap) so that a node of a few
// rows never pays for clearing 256 bins per feature.
class TreeGrower
{
public:
    TreeGrower(const BinnedMatrix &bins,
               const FeatureBinner &binner,
               hist::Scorer scorer,
               GrowerParams params);

    // Grows a tree on `rows` (indices into the binned matrix, each at most once) with their
    // statistics. Leaf values: pair statistics give leafScale * a / (b + lambda) (width 1);
    // class statistics give the class proportions (width K). Adds each split's gain to
    // importance[feature] when importance is not null. Throws Cancelled when `observer` (if
    // given; it is called from this thread only) says so.
    Tree grow(std::vector<std::int32_t> rows,
              const hist::RowStats &stats,
              Rng &rng,
              double leafScale,
              double *importance,
              const Observer *observer = nullptr);

    // After grow(): each leaf with its rows, rows()[begin, end).
    struct LeafRows
    {
        std::int32_t node;
        std::int32_t begin;
        std::int32_t end;
    };
    const std::vector<LeafRows> &leaves() const { return m_leaves; }
    const std::vector<std::int32_t> &rows() const { return m_rows; }

private:
    struct State
    {
        std::int32_t treeNode = 0;
        std::int32_t begin = 0;
        std::int32_t end = 0;
        int depth = 0;
        int buffer = -1; // dense full-feature histogram kept for the children's subtraction
        bool splittable = false;
        bool isSplit = false;
        hist::Split split;
        std::int32_t count() const { return end - begin; }
    };
    enum class Build { Dense, Sparse, SubtractDense, SubtractRows };
    struct Task
    {
        int state;
        Build build;
        int sibling = -1; // SubtractDense / SubtractRows: the other child
        int buffer = -1;
    };

    int newState(std::int32_t begin, std::int32_t end, int depth, Tree &tree);
    double *sums(int state) { return m_sums.data() + size_t(state) * size_t(m_stride); }
    double *leftSums(int state) { return m_leftSums.data() + size_t(state) * size_t(m_stride); }
    void computeSums(int state);
    bool canSplit(int state) const;
    bool splitAcceptable(int state);
    void splitNode(int state, Tree &tree, std::vector<Task> &tasks);
    void planChild(int child, int sibling, bool parentHasBuffer, std::vector<Task> &tasks);
    void evaluateFull(std::vector<Task> &tasks);
    void evaluateSampled(int state);
    void scanGroup(
        int state, const std::int32_t *features, int g, int firstPosition, int *nonConstant);
    // A dense build of a node holding every row of the binned matrix (pair statistics):
    // hist::addAllRows, column by column.
    bool coversAllRows(const Task &task) const
    {
        return task.build == Build::Dense && m_stats->pairs
               && Eigen::Index(m_states[size_t(task.state)].count()) == m_bins.rows;
    }
    int acquireBuffer(bool clean);
    void releaseBuffer(int buffer, bool clean);
    // Histogram entries of 32 bytes must not straddle cache lines: histograms start on one
    // (their vectors hold 8 doubles more than needed).
    static double *alignToLine(double *p)
    {
        const auto at = reinterpret_cast<std::uintptr_t>(p);
        return reinterpret_cast<double *>((at + 63) & ~std::uintptr_t(63));
    }
    double *buffer(int b) { return alignToLine(m_buffers[size_t(b)].data()); }
    void finish(Tree &tree, double leafScale, double *importance);

    const BinnedMatrix &m_bins;
    const FeatureBinner &m_binner;
    hist::Scorer m_scorer;
    GrowerParams m_params;
    int m_stride = 3;
    bool m_sampled = false;
    hist::SplitLimits m_limits;

    // Per grow() call.
    const hist::RowStats *m_stats = nullptr;
    Rng *m_rng = nullptr;
    std::vector<std::int32_t> m_rows;
    std::vector<std::int32_t> m_tmp;
    std::vector<State> m_states;
    std::vector<double> m_sums;
    std::vector<double> m_leftSums;
    std::vector<LeafRows> m_leaves;

    // Workspaces kept across calls (a forest grows many trees with one grower).
    std::vector<std::vector<double>> m_buffers; // p x 256 x stride each (+ 8 to align)
    std::vector<int> m_freeClean;
    std::vector<int> m_freeDirty;
    std::vector<std::uint64_t> m_bitmaps; // Sparse builds: 4 words per feature per task
    std::vector<int> m_halves;            // per task: buffer of the second half of rows, or -1
    std::vector<hist::Split> m_results;   // per task and feature
    std::vector<double> m_resultLeft;     // per task and feature: left sums
    std::vector<std::int32_t> m_order;    // feature examination order of the current node
    std::vector<int> m_rank;              // position of each feature in m_order
    std::vector<double> m_groupHist;      // sampled mode: histograms of the drawn features
    std::vector<std::uint64_t> m_groupBitmap;
};

} // namespace fb::ml
