#include "TreeGrower.h"

#include "ml/common/Parallel.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <stdexcept>
#include <type_traits>
#include <queue>

namespace fb::ml {

namespace {

// Nodes with fewer rows get sparse histograms (full-feature mode: without a kept histogram,
// so their children are built directly). Measured on the bench shapes: clearing and scanning
// 256 bins per feature costs about as much as adding ~1000 rows.
constexpr std::int32_t kDenseRows = 1024;
// Nodes split together between two histogram passes in depth-first mode: one parallel region
// serves all of them. Fixed, so that results do not depend on the number of threads.
constexpr int kBatch = 16;
// Work below which a pass runs on one thread, in row-feature adds (~1 ns each; the scan or
// subtraction of a dense histogram counts its entries): ~15 us. The pool's workers spin
// between loops, so handing over costs a few microseconds; with the threshold at 65536 and
// scans not counted, a sixth of the bench classifier's passes (190 us each) ran on one core.
constexpr double kParallelWork = 16384.0;
// Rows from which a node's histogram is built in two halves (GrowerParams::splitRows): the
// extra clearing and adding of a p x 256 histogram costs less than a tenth of the pass here.
constexpr std::int32_t kSplitRows = 16384;

} // namespace

TreeGrower::TreeGrower(const BinnedMatrix &bins,
                       const FeatureBinner &binner,
                       hist::Scorer scorer,
                       GrowerParams params)
    : m_bins(bins)
    , m_binner(binner)
    , m_scorer(scorer)
    , m_params(params)
    , m_stride(scorer.stride())
{
    const Eigen::Index p = bins.cols;
    m_sampled = params.maxFeatures > 0 && params.maxFeatures < p;
    m_limits.minCount = double(std::max<Eigen::Index>(1, params.minSamplesLeaf));
    m_limits.minWeight = params.minChildWeight;
    m_order.resize(size_t(p));
    for (Eigen::Index f = 0; f < p; ++f)
        m_order[size_t(f)] = std::int32_t(f);
}

int TreeGrower::newState(std::int32_t begin, std::int32_t end, int depth, Tree &tree)
{
    State s;
    s.treeNode = tree.addLeaf();
    s.begin = begin;
    s.end = end;
    s.depth = depth;
    m_states.push_back(s);
    m_sums.resize(m_sums.size() + size_t(m_stride), 0.0);
    m_leftSums.resize(m_leftSums.size() + size_t(m_stride), 0.0);
    return int(m_states.size() - 1);
}

void TreeGrower::computeSums(int state)
{
    const State &s = m_states[size_t(state)];
    double *out = sums(state);
    std::fill(out, out + m_stride, 0.0);
    const hist::RowStats &st = *m_stats;
    for (std::int32_t i = s.begin; i < s.end; ++i) {
        const std::int32_t r = m_rows[size_t(i)];
        if (st.pairs) {
            out[0] += st.pairs[2 * r];
            if (!st.unitWeight)
                out[1] += st.pairs[2 * r + 1];
        } else {
            const double w = st.weights ? st.weights[r] : 1.0;
            out[st.classes[r]] += w;
            out[st.classCount] += w;
        }
        out[m_scorer.countIndex()] += 1.0;
    }
}

bool TreeGrower::canSplit(int state) const
{
    const State &s = m_states[size_t(state)];
    const Eigen::Index n = s.count();
    if (n < m_params.minSamplesSplit || n < 2 * std::max<Eigen::Index>(1, m_params.minSamplesLeaf))
        return false;
    if (m_params.maxDepth > 0 && s.depth >= m_params.maxDepth)
        return false;
    if (!m_params.cart)
        return true;
    // CART leaves pure nodes alone (scikit-learn: impurity <= EPSILON).
    const hist::RowStats &st = *m_stats;
    if (!st.pairs) {
        const double *c = m_sums.data() + size_t(state) * size_t(m_stride);
        for (int k = 0; k < st.classCount; ++k)
            if (c[k] >= c[st.classCount])
                return false;
        return true;
    }
    const auto y = [&st](std::int32_t r) {
        return st.unitWeight ? st.pairs[2 * r] : st.pairs[2 * r] / st.pairs[2 * r + 1];
    };
    const double y0 = y(m_rows[size_t(s.begin)]);
    for (std::int32_t i = s.begin + 1; i < s.end; ++i)
        if (y(m_rows[size_t(i)]) != y0)
            return true;
    return false;
}

bool TreeGrower::splitAcceptable(int state)
{
    const hist::Split &split = m_states[size_t(state)].split;
    if (!split.valid())
        return false;
    if (!m_params.cart)
        return split.gain > m_params.minGain;
    // CART splits a node even when the best split does not lower the impurity (scikit-learn
    // with min_impurity_decrease = 0); a positive threshold allows for rounding.
    return m_params.minGain <= 0.0 || split.gain >= m_params.minGain * (1.0 - 1e-12);
}

int TreeGrower::acquireBuffer(bool clean)
{
    const size_t size = size_t(m_bins.cols) * (hist::kBins * size_t(m_stride) + hist::kSlotPad);
    std::vector<int> &first = clean ? m_freeClean : m_freeDirty;
    std::vector<int> &second = clean ? m_freeDirty : m_freeClean;
    int b = -1;
    if (!first.empty()) {
        b = first.back();
        first.pop_back();
    } else if (!second.empty()) {
        b = second.back();
        second.pop_back();
        if (clean)
            std::memset(buffer(b), 0, size * sizeof(double));
    } else {
        m_buffers.emplace_back(size + 8, 0.0);
        b = int(m_buffers.size() - 1);
    }
    return b;
}

void TreeGrower::releaseBuffer(int b, bool clean)
{
    (clean ? m_freeClean : m_freeDirty).push_back(b);
}

void TreeGrower::splitNode(int state, Tree &tree, std::vector<Task> &tasks)
{
    const hist::Split split = m_states[size_t(state)].split;
    const std::int32_t begin = m_states[size_t(state)].begin;
    const std::int32_t end = m_states[size_t(state)].end;
    const int depth = m_states[size_t(state)].depth;
    const int parentBuffer = m_states[size_t(state)].buffer;
    m_states[size_t(state)].buffer = -1;
    m_states[size_t(state)].isSplit = true;

    // Stable partition: rows keep their ascending order, so that later passes over a node
    // read the binned matrix forwards. Large nodes (split rows mode) are partitioned as two
    // halves in parallel, whose left and right parts are then joined in order: the same result.
    const std::uint8_t *const codes = m_bins.column(split.feature);
    std::int32_t *const rows = m_rows.data();
    std::int32_t *const tmp = m_tmp.data();
    // The side of each code (missing values: bin 255, never <= a value bin): one load per row
    // instead of two comparisons with values the compiler reloaded after every store.
    alignas(64) std::uint8_t side[hist::kBins];
    for (int c = 0; c < hist::kBins; ++c)
        side[c] = c == hist::kMissing ? std::uint8_t(split.missingLeft)
                                      : std::uint8_t(c <= split.bin);
    // Branch-free: the side of a row is as unpredictable as a coin, and a mispredicted branch
    // per row cost more than the two stores (out <= i, so rows[out] was already read). Rows
    // going right are gathered in tmp from the same offset. Returns the rows going left.
    const auto partition = [rows, tmp, codes, &side](std::int32_t from, std::int32_t to) {
        std::int32_t out = from;
        for (std::int32_t i = from; i < to; ++i) {
            const std::int32_t r = rows[i];
            const std::int32_t goLeft = side[codes[r]];
            rows[out] = r;
            tmp[from + (i - out)] = r; // rows gone right so far: (i - from) - (out - from)
            out += goLeft;
        }
        return out - from;
    };
    std::int32_t left = begin;
    if (m_params.splitRows && m_params.threads > 1 && end - begin >= kSplitRows) {
        const std::int32_t mid = begin + (end - begin) / 2;
        std::int32_t lefts[2] = {0, 0};
        parallelFor(2, 1, [&](Eigen::Index h0, Eigen::Index h1) {
            for (Eigen::Index h = h0; h < h1; ++h)
                lefts[h] = h == 0 ? partition(begin, mid) : partition(mid, end);
        });
        std::memmove(rows + begin + lefts[0], rows + mid, size_t(lefts[1]) * sizeof(std::int32_t));
        left = begin + lefts[0] + lefts[1];
        const std::int32_t rights0 = mid - begin - lefts[0];
        std::memcpy(rows + left, tmp + begin, size_t(rights0) * sizeof(std::int32_t));
        std::memcpy(rows + left + rights0,
                    tmp + mid,
                    size_t(end - mid - lefts[1]) * sizeof(std::int32_t));
    } else {
        left = begin + partition(begin, end);
        std::memcpy(rows + left, tmp + begin, size_t(end - left) * sizeof(std::int32_t));
    }

    const int l = newState(begin, left, depth + 1, tree);
    const int r = newState(left, end, depth + 1, tree);
    const double *total = sums(state);
    std::copy(leftSums(state), leftSums(state) + m_stride, sums(l));
    for (int c = 0; c < m_stride; ++c)
        sums(r)[c] = total[c] - sums(l)[c];
    // Without missing values in the node, unseen missing values follow the larger child
    // (scikit-learn's HistGradientBoosting).
    const bool missingLeft = split.sawMissing
                                 ? split.missingLeft
                                 : m_states[size_t(l)].count() > m_states[size_t(r)].count();
    tree.split(m_states[size_t(state)].treeNode,
               split.feature,
               m_binner.splitThreshold(split.feature, split.bin, split.nextBin),
               missingLeft,
               m_states[size_t(l)].treeNode,
               m_states[size_t(r)].treeNode);

    const bool lSplit = canSplit(l);
    const bool rSplit = canSplit(r);
    m_states[size_t(l)].splittable = lSplit;
    m_states[size_t(r)].splittable = rSplit;
    const bool leftSmaller = m_states[size_t(l)].count() <= m_states[size_t(r)].count();
    const int small = leftSmaller ? l : r;
    const int large = leftSmaller ? r : l;
    const bool needSmall = leftSmaller ? lSplit : rSplit;
    const bool needLarge = leftSmaller ? rSplit : lSplit;
    const auto direct = [&](int child) {
        const bool dense = !m_sampled && m_states[size_t(child)].count() >= kDenseRows;
        tasks.push_back({child, dense ? Build::Dense : Build::Sparse});
    };
    if (parentBuffer < 0) {
        if (needSmall)
            direct(small);
        if (needLarge)
            direct(large);
        return;
    }
    if (needLarge) {
        // The larger child's histogram is the parent's minus the smaller child's, in place.
        if (needSmall && m_states[size_t(small)].count() >= kDenseRows) {
            tasks.push_back({small, Build::Dense});
            tasks.push_back({large, Build::SubtractDense, small, parentBuffer});
        } else {
            if (needSmall)
                tasks.push_back({small, Build::Sparse});
            tasks.push_back({large, Build::SubtractRows, small, parentBuffer});
        }
        return;
    }
    releaseBuffer(parentBuffer, false);
    if (needSmall)
        direct(small);
}

void TreeGrower::evaluateFull(std::vector<Task> &tasks)
{
    const Eigen::Index p = m_bins.cols;
    const int s = m_stride;
    const size_t slot = size_t(hist::kBins) * size_t(s) + hist::kSlotPad;
    const size_t T = tasks.size();
    // Builds before subtractions: a subtraction reads its sibling's fresh histogram.
    std::stable_sort(tasks.begin(), tasks.end(), [](const Task &a, const Task &b) {
        return (a.build == Build::Dense || a.build == Build::Sparse)
               > (b.build == Build::Dense || b.build == Build::Sparse);
    });
    double work = 0.0;
    m_halves.assign(T, -1);
    std::vector<std::int32_t> halved; // tasks built in two halves
    for (size_t t = 0; t < T; ++t) {
        Task &task = tasks[t];
        State &st = m_states[size_t(task.state)];
        if (task.build == Build::Dense || task.build == Build::Sparse)
            task.buffer = acquireBuffer(task.build == Build::Sparse);
        if (task.build != Build::Sparse) {
            st.buffer = task.buffer;
            work += double(p) * double(hist::kBins); // the scan of a dense histogram
        }
        // A node of every row (the root, unless rows are held out) is added column by column
        // (hist::addAllRows), split over features, never in halves.
        if (!coversAllRows(task) && task.build == Build::Dense && m_params.splitRows
            && st.count() >= kSplitRows) {
            m_halves[t] = acquireBuffer(false);
            halved.push_back(std::int32_t(t));
            continue; // the pass below only adds the halves
        }
        const int counted = task.build == Build::SubtractRows ? task.sibling : task.state;
        work += task.build == Build::SubtractDense
                    ? double(p) * double(hist::kBins)
                    : double(m_states[size_t(counted)].count()) * double(p);
    }
    const int threads = std::max(1, m_params.threads);
    if (!halved.empty()) {
        // Job 2 i + h: half h of the rows of task halved[i], over all features, into the
        // task's buffer (h = 0) or its second buffer (h = 1).
        const auto halves = [&](Eigen::Index j0, Eigen::Index j1) {
            for (Eigen::Index j = j0; j < j1; ++j) {
                const size_t t = size_t(halved[size_t(j / 2)]);
                const State &st = m_states[size_t(tasks[t].state)];
                const std::int32_t mid = st.begin + st.count() / 2;
                const bool second = j % 2 == 1;
                double *h = buffer(second ? m_halves[t] : tasks[t].buffer);
                std::memset(h, 0, size_t(p) * slot * sizeof(double));
                const std::int32_t from = second ? mid : st.begin;
                hist::addRange(*m_stats,
                               m_rows.data() + from,
                               (second ? st.end : mid) - from,
                               m_bins.codes.data(),
                               p,
                               0,
                               p,
                               h);
            }
        };
        const auto jobs = Eigen::Index(2 * halved.size());
        if (threads > 1)
            parallelFor(jobs, 1, halves);
        else
            halves(0, jobs);
        work += double(halved.size()) * double(p) * double(hist::kBins); // adding the halves
    }
    // Examination order per task (random for CART, so that ties break as in scikit-learn).
    std::vector<int> &rank = m_rank;
    rank.resize(T * size_t(p));
    for (size_t t = 0; t < T; ++t) {
        if (m_params.shuffleFeatures) {
            m_rng->shuffle(m_order.begin(), m_order.end());
            for (Eigen::Index i = 0; i < p; ++i)
                rank[t * size_t(p) + size_t(m_order[size_t(i)])] = int(i);
        } else {
            for (Eigen::Index f = 0; f < p; ++f)
                rank[t * size_t(p) + size_t(f)] = int(f);
        }
    }
    m_results.assign(T * size_t(p), hist::Split{});
    m_resultLeft.resize(T * size_t(p) * size_t(s));
    m_bitmaps.assign(T * size_t(p) * 4, 0);

    const auto body = [&](Eigen::Index f0, Eigen::Index f1) {
        const std::uint8_t *codes = m_bins.codes.data();
        for (size_t t = 0; t < T; ++t) {
            const Task &task = tasks[t];
            const State &st = m_states[size_t(task.state)];
            double *h = buffer(task.buffer) + size_t(f0) * slot;
            const std::int32_t *rows = m_rows.data() + st.begin;
            switch (task.build) {
            case Build::Dense:
                if (m_halves[t] >= 0) {
                    const double *second = buffer(m_halves[t]) + size_t(f0) * slot;
                    const size_t n = size_t(f1 - f0) * slot;
                    for (size_t i = 0; i < n; ++i)
                        h[i] += second[i];
                    break;
                }
                std::memset(h, 0, size_t(f1 - f0) * slot * sizeof(double));
                if (coversAllRows(task))
                    hist::addAllRows(
                        *m_stats,
                        m_bins.columns.data(),
                        m_bins.rows,
                        f0,
                        f1,
                        [this](Eigen::Index f) { return m_binner.binCount(f); },
                        h);
                else
                    hist::addRange(*m_stats, rows, st.count(), codes, p, f0, f1, h);
                break;
            case Build::Sparse:
                hist::addRows<true, 1>(
                    *m_stats,
                    rows,
                    st.count(),
                    codes,
                    p,
                    [f0](int j) { return f0 + j; },
                    int(f1 - f0),
                    h,
                    m_bitmaps.data() + (t * size_t(p) + size_t(f0)) * 4);
                break;
            case Build::SubtractDense: {
                const double *sib = buffer(m_states[size_t(task.sibling)].buffer)
                                    + size_t(f0) * slot;
                const size_t n = size_t(f1 - f0) * slot;
                for (size_t i = 0; i < n; ++i)
                    h[i] -= sib[i];
                break;
            }
            case Build::SubtractRows: {
                const State &sib = m_states[size_t(task.sibling)];
                hist::addRange<-1>(*m_stats,
                                   m_rows.data() + sib.begin,
                                   sib.count(),
                                   codes,
                                   p,
                                   f0,
                                   f1,
                                   h);
                break;
            }
            }
        }
        for (size_t t = 0; t < T; ++t) {
            const Task &task = tasks[t];
            const double *total = m_sums.data() + size_t(task.state) * size_t(s);
            const double parentScore = m_scorer(total);
            for (Eigen::Index f = f0; f < f1; ++f) {
                const size_t k = t * size_t(p) + size_t(f);
                const bool sparse = task.build == Build::Sparse;
                hist::scanFeature(m_scorer,
                                  buffer(task.buffer) + size_t(f) * slot,
                                  m_binner.binCount(f),
                                  total,
                                  parentScore,
                                  m_limits,
                                  std::int32_t(f),
                                  rank[k],
                                  sparse ? m_bitmaps.data() + k * 4 : nullptr,
                                  m_results[k],
                                  m_resultLeft.data() + k * size_t(s));
                if (sparse)
                    hist::clearMarked(buffer(task.buffer) + size_t(f) * slot,
                                      s,
                                      m_bitmaps.data() + k * 4);
            }
        }
    };
    if (threads > 1 && work >= kParallelWork)
        parallelFor(p, (p + threads - 1) / threads, body);
    else
        body(0, p);

    for (size_t t = 0; t < T; ++t) {
        State &st = m_states[size_t(tasks[t].state)];
        hist::Split best;
        size_t bestK = 0;
        for (Eigen::Index f = 0; f < p; ++f) {
            const size_t k = t * size_t(p) + size_t(f);
            if (m_results[k].betterThan(best)) {
                best = m_results[k];
                bestK = k;
            }
        }
        st.split = best;
        if (best.valid())
            std::copy_n(m_resultLeft.data() + bestK * size_t(s), s, leftSums(tasks[t].state));
        if (tasks[t].build == Build::Sparse)
            releaseBuffer(tasks[t].buffer, true);
        if (m_halves[t] >= 0)
            releaseBuffer(m_halves[t], false);
    }
}

void TreeGrower::scanGroup(
    int state, const std::int32_t *features, int g, int firstPosition, int *nonConstant)
{
    const State &st = m_states[size_t(state)];
    const int s = m_stride;
    const size_t slot = size_t(hist::kBins) * size_t(s) + hist::kSlotPad;
    if (m_groupHist.size() < size_t(g) * slot + 8)
        m_groupHist.resize(size_t(g) * slot + 8, 0.0); // kept all-zero between uses
    double *const groupHist = alignToLine(m_groupHist.data());
    m_groupBitmap.assign(size_t(g) * 4, 0);
    const bool dense = st.count() >= kDenseRows;
    const std::int32_t *rows = m_rows.data() + st.begin;
    const auto at = [features](int j) { return features[j]; };
    // Dense nodes add into the zeroed histograms; sparse ones also mark the touched bins.
    const auto add = [&](auto mark, std::uint64_t *bitmap) {
        hist::addRows<decltype(mark)::value, 1>(*m_stats,
                                                rows,
                                                st.count(),
                                                m_bins.codes.data(),
                                                m_bins.cols,
                                                at,
                                                g,
                                                groupHist,
                                                bitmap);
    };
    if (dense)
        add(std::false_type{}, nullptr);
    else
        add(std::true_type{}, m_groupBitmap.data());
    const double *total = m_sums.data() + size_t(state) * size_t(s);
    const double parentScore = m_scorer(total);
    hist::Split &split = m_states[size_t(state)].split;
    for (int j = 0; j < g; ++j) {
        double *h = groupHist + size_t(j) * slot;
        std::uint64_t *bits = m_groupBitmap.data() + 4 * j;
        const int n = hist::scanFeature(m_scorer,
                                        h,
                                        m_binner.binCount(features[j]),
                                        total,
                                        parentScore,
                                        m_limits,
                                        features[j],
                                        firstPosition + j,
                                        dense ? nullptr : bits,
                                        split,
                                        leftSums(state));
        if (n > 1)
            ++*nonConstant;
        if (dense)
            std::memset(h, 0, slot * sizeof(double));
        else
            hist::clearMarked(h, s, bits);
    }
}

void TreeGrower::evaluateSampled(int state)
{
    // Features are drawn without replacement (partial Fisher-Yates); as scikit-learn, drawing
    // goes on past maxFeatures while every feature drawn so far is constant in the node.
    const int p = int(m_bins.cols);
    const int mtry = std::min(m_params.maxFeatures, p);
    m_states[size_t(state)].split = hist::Split{};
    const auto draw = [&](int from, int count) {
        for (int i = from; i < from + count; ++i)
            std::swap(m_order[size_t(i)],
                      m_order[size_t(i + int(m_rng->bounded(std::uint64_t(p - i))))]);
    };
    int nonConstant = 0;
    draw(0, mtry);
    scanGroup(state, m_order.data(), mtry, 0, &nonConstant);
    for (int drawn = mtry; nonConstant == 0 && drawn < p; ++drawn) {
        draw(drawn, 1);
        scanGroup(state, m_order.data() + drawn, 1, drawn, &nonConstant);
    }
}

Tree TreeGrower::grow(std::vector<std::int32_t> rows,
                      const hist::RowStats &stats,
                      Rng &rng,
                      double leafScale,
                      double *importance,
                      const Observer *observer)
{
    m_stats = &stats;
    m_rng = &rng;
    m_rows = std::move(rows);
    m_tmp.resize(m_rows.size());
    m_states.clear();
    m_sums.clear();
    m_leftSums.clear();
    m_leaves.clear(); // (every buffer is back in a free list since the last call ended)
    // Feature draws start from the same order in every call: a tree depends only on its own
    // generator, not on the trees this grower grew before (forests are thread-independent).
    for (size_t f = 0; f < m_order.size(); ++f)
        m_order[f] = std::int32_t(f);

    if (stats.pairs && stats.unitWeight != m_scorer.unitWeight)
        throw std::logic_error("TreeGrower: row statistics and scorer disagree on unit weights");
    Tree tree(stats.pairs ? 1 : stats.classCount);
    const int root = newState(0, std::int32_t(m_rows.size()), 0, tree);
    computeSums(root);
    std::vector<Task> tasks;
    const auto evaluate = [&] {
        if (m_sampled) {
            for (const Task &t : tasks)
                evaluateSampled(t.state);
        } else if (!tasks.empty()) {
            evaluateFull(tasks);
        }
        for (const Task &t : tasks) {
            State &st = m_states[size_t(t.state)];
            st.splittable = splitAcceptable(t.state);
            if (!st.splittable && st.buffer >= 0) {
                releaseBuffer(st.buffer, false);
                st.buffer = -1;
            }
        }
    };
    if (canSplit(root)) {
        const bool dense = !m_sampled && m_states[0].count() >= kDenseRows;
        tasks.push_back({root, dense ? Build::Dense : Build::Sparse});
        evaluate();
    }

    // Best-first: the leaf with the largest gain next (ties: the older one); else a stack.
    const auto lessPromising = [this](int a, int b) {
        const double ga = m_states[size_t(a)].split.gain;
        const double gb = m_states[size_t(b)].split.gain;
        return ga < gb || (ga == gb && a > b);
    };
    const bool bestFirst = m_params.maxLeafNodes > 0;
    std::priority_queue<int, std::vector<int>, decltype(lessPromising)> queue(lessPromising);
    std::vector<int> stack;
    const auto push = [&](int state) {
        if (bestFirst)
            queue.push(state);
        else
            stack.push_back(state);
    };
    if (m_states[0].splittable)
        push(root);
    int leaves = 1;
    while (bestFirst ? !queue.empty() : !stack.empty()) {
        if (observer && observer->cancelled())
            throw Cancelled{};
        tasks.clear();
        if (bestFirst) {
            if (leaves >= m_params.maxLeafNodes)
                break;
            const int state = queue.top();
            queue.pop();
            splitNode(state, tree, tasks);
            ++leaves;
            if (leaves >= m_params.maxLeafNodes) {
                // The leaf budget is spent: the new children stay leaves, so their histograms
                // (and the subtraction's parent histogram) are not needed.
                for (const Task &t : tasks)
                    if (t.buffer >= 0)
                        releaseBuffer(t.buffer, false);
                tasks.clear();
                break;
            }
        } else {
            for (int i = 0; i < kBatch && !stack.empty(); ++i) {
                const int state = stack.back();
                stack.pop_back();
                splitNode(state, tree, tasks);
                ++leaves;
            }
        }
        evaluate();
        for (const Task &t : tasks)
            if (m_states[size_t(t.state)].splittable)
                push(t.state);
    }
    for (State &st : m_states) { // nodes left unsplit by maxLeafNodes
        if (st.buffer >= 0)
            releaseBuffer(st.buffer, false);
        st.buffer = -1;
    }
    Tree out = std::move(tree);
    finish(out, leafScale, importance);
    return out;
}

void TreeGrower::finish(Tree &tree, double leafScale, double *importance)
{
    const hist::RowStats &st = *m_stats;
    for (size_t i = 0; i < m_states.size(); ++i) {
        const State &s = m_states[i];
        if (s.isSplit) {
            if (importance)
                importance[s.split.feature] += s.split.gain;
            continue;
        }
        const double *c = m_sums.data() + i * size_t(m_stride);
        double *v = tree.leafValues(s.treeNode);
        if (st.pairs) {
            v[0] = leafScale * c[0] / (c[1] + m_scorer.lambda);
        } else {
            for (int k = 0; k < st.classCount; ++k)
                v[k] = c[k] / c[st.classCount];
        }
        m_leaves.push_back({s.treeNode, s.begin, s.end});
    }
}

} // namespace fb::ml
