#pragma once

// Gradient/impurity histograms of tree nodes over binned features, and the split search on
// them: the method of LightGBM (Ke et al., NeurIPS 2017), XGBoost "hist" and scikit-learn's
// HistGradientBoosting, extended here to CART's gini and entropy criteria so that decision
// trees, random forests and boosting share one engine.
//
// A histogram holds, per feature and bin (256 slots: value bins 0..254, 255 = missing; the
// features' slot blocks kSlotPad doubles apart), the sums of a few statistics over the node's
// rows, among them a weight and a row count:
//   pair statistics (stride 4):  [a, b, 0, count], a/b = gradient/hessian (boosting) or w y/w
//                                (CART regression); b is the weight. The padding makes an
//                                entry 32 bytes, one aligned vector add that never straddles
//                                two cache lines (two 16-byte adds without AVX).
//   unit-weight pairs (stride 2): [a, count] when every b is 1 (squared error without
//                                sample weights): the count is the weight, and a row's update
//                                is one 16-byte add.
//   class statistics (stride K+2): [w for class 0..K-1, w, count].

#include <Eigen/Core>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <tuple>

namespace fb::ml::hist {

constexpr int kBins = 256;
constexpr int kMissing = 255;
// Doubles of padding after each feature's 256 entries, so that consecutive features'
// histograms start 64 bytes further into a 4 KB page each. Unpadded, the features' entries sat
// at the same page offsets, and a histogram load was often taken for a read of a store still
// in flight to another feature (4K aliasing) and replayed: on the regression bench a fit with
// 31 bins took 20.6 s unpadded and 8.4 s padded; with 255 bins 13.9 -> 13.2 s.
constexpr int kSlotPad = 8;

// Per-row statistics of the rows being fitted.
struct RowStats
{
    const double *pairs = nullptr;         // pair statistics: (a, b) of row r at 2r, 2r+1
    bool unitWeight = false;               // pairs: every b is 1 (b is not read)
    const std::int32_t *classes = nullptr; // class statistics: class of row r
    const double *weights = nullptr;       // class statistics: weight of row r (null: 1)
    int classCount = 0;
};

namespace detail {

// A node's rows are ascending but not contiguous: the codes and statistics of the row
// kPrefetch ahead are fetched early (XGBoost's hist builder does the same), as the hardware
// prefetcher cannot guess the gaps.
constexpr Eigen::Index kPrefetch = 12;

inline void prefetchRow(const std::uint8_t *row, Eigen::Index p, const void *stats)
{
    __builtin_prefetch(row);
    __builtin_prefetch(row + p - 1);
    __builtin_prefetch(stats);
}

// Pair statistics with the layout fixed at compile time (Unit: [a, count], else
// [a, b, 0, count]), so that a row's update per feature is a byte load, an address computation
// without a multiplication and one 16-byte (Unit) or 32-byte add. Measured on the bench shapes,
// 20-25 % faster than one loop for both layouts with the stride and the count's add decided
// per row.
template<bool Mark, int Sign, bool Unit, typename FeatureAt>
__attribute__((always_inline)) inline void addPairRows(const double *pairs,
                                                       const std::int32_t *rows,
                                                       Eigen::Index m,
                                                       const std::uint8_t *codes,
                                                       Eigen::Index p,
                                                       FeatureAt featureAt,
                                                       int g,
                                                       double *hist,
                                                       std::uint64_t *bitmap)
{
    typedef double Pair __attribute__((vector_size(16)));
    constexpr double one = Sign;
    constexpr int s = Unit ? 2 : 4;
    typedef double Quad __attribute__((vector_size(32)));
    for (Eigen::Index i = 0; i < m; ++i) {
        if (i + kPrefetch < m) {
            const std::int32_t ahead = rows[i + kPrefetch];
            prefetchRow(codes + Eigen::Index(ahead) * p, p, pairs + 2 * ahead);
        }
        const std::int32_t r = rows[i];
        Pair ab;
        __builtin_memcpy(&ab, pairs + 2 * r, sizeof ab);
        if constexpr (Unit)
            ab[1] = 1.0;
        if constexpr (Sign < 0)
            ab = -ab;
        const Quad abc = {ab[0], ab[1], 0.0, one};
        const std::uint8_t *row = codes + Eigen::Index(r) * p;
        const auto update = [&](double *h, int j) {
            const unsigned c = row[featureAt(j)];
            double *e = h + c * unsigned(s);
            if constexpr (Unit) {
                Pair v;
                __builtin_memcpy(&v, e, sizeof v);
                v += ab;
                __builtin_memcpy(e, &v, sizeof v);
            } else {
                Quad v;
                __builtin_memcpy(&v, e, sizeof v);
                v += abc;
                __builtin_memcpy(e, &v, sizeof v);
            }
            if constexpr (Mark)
                bitmap[4 * j + (c >> 6)] |= std::uint64_t(1) << (c & 63);
        };
        // Four features per step: their codes and histogram slots at constant offsets, so an
        // update is a handful of instructions with no loop bookkeeping of its own (the loop
        // was bound by instruction issue, not by the cache).
        double *h = hist;
        int j = 0;
        constexpr int fs = kBins * s + kSlotPad;
        for (; j + 4 <= g; j += 4, h += 4 * fs) {
            update(h, j);
            update(h + fs, j + 1);
            update(h + 2 * fs, j + 2);
            update(h + 3 * fs, j + 3);
        }
        for (; j < g; ++j, h += fs)
            update(h, j);
    }
}

// The same, compiled for AVX where the CPU has it (checked at run time, as a package is not
// built for one CPU): the 32-byte update of weighted pairs is then one instruction.
template<bool Mark, int Sign, bool Unit, typename FeatureAt>
__attribute__((target("avx"))) void addPairRowsAvx(const double *pairs,
                                                   const std::int32_t *rows,
                                                   Eigen::Index m,
                                                   const std::uint8_t *codes,
                                                   Eigen::Index p,
                                                   FeatureAt featureAt,
                                                   int g,
                                                   double *hist,
                                                   std::uint64_t *bitmap)
{
    addPairRows<Mark, Sign, Unit>(pairs, rows, m, codes, p, featureAt, g, hist, bitmap);
}

inline bool hasAvx()
{
    static const bool avx = __builtin_cpu_supports("avx");
    return avx;
}

} // namespace detail

// Adds (Sign = +1) or subtracts (Sign = -1) the statistics of rows[0..m) into hist for g
// features, feature featureAt(j) going to hist slot j; with Mark, also sets the touched bins
// of slot j in bitmap[4 j .. 4 j + 3] (sparse histograms of small nodes).
template<bool Mark, int Sign, typename FeatureAt>
void addRows(const RowStats &stats,
             const std::int32_t *rows,
             Eigen::Index m,
             const std::uint8_t *codes,
             Eigen::Index p,
             FeatureAt featureAt,
             int g,
             double *hist,
             std::uint64_t *bitmap)
{
    constexpr double one = Sign;
    if (stats.pairs) {
        const auto args = std::make_tuple(stats.pairs, rows, m, codes, p, featureAt, g, hist, bitmap);
        if (stats.unitWeight)
            std::apply(detail::addPairRows<Mark, Sign, true, FeatureAt>, args);
        else if (detail::hasAvx())
            std::apply(detail::addPairRowsAvx<Mark, Sign, false, FeatureAt>, args);
        else
            std::apply(detail::addPairRows<Mark, Sign, false, FeatureAt>, args);
        return;
    }
    const int k = stats.classCount;
    const int s = k + 2;
    for (Eigen::Index i = 0; i < m; ++i) {
        if (i + detail::kPrefetch < m) {
            const std::int32_t ahead = rows[i + detail::kPrefetch];
            detail::prefetchRow(codes + Eigen::Index(ahead) * p, p, stats.classes + ahead);
        }
        const std::int32_t r = rows[i];
        const double w = one * (stats.weights ? stats.weights[r] : 1.0);
        const int y = stats.classes[r];
        const std::uint8_t *row = codes + Eigen::Index(r) * p;
        double *h = hist;
        for (int j = 0; j < g; ++j, h += kBins * s + kSlotPad) {
            const unsigned c = row[featureAt(j)];
            double *e = h + c * unsigned(s);
            e[y] += w;
            e[k] += w;
            e[k + 1] += one;
            if constexpr (Mark)
                bitmap[4 * j + (c >> 6)] |= std::uint64_t(1) << (c & 63);
        }
    }
}

// Full-feature histograms: adds (Sign = +1) the statistics of rows for features [f0, f1) into
// slots 0 .. f1 - f0 of hist, or subtracts them (Sign = -1): the latter turns a parent's
// histogram into the larger child's when the smaller child is too small to be worth a
// histogram of its own.
template<int Sign = 1>
void addRange(const RowStats &stats,
              const std::int32_t *rows,
              Eigen::Index m,
              const std::uint8_t *codes,
              Eigen::Index p,
              Eigen::Index f0,
              Eigen::Index f1,
              double *hist)
{
    addRows<false, Sign>(
        stats, rows, m, codes, p, [f0](int j) { return f0 + j; }, int(f1 - f0), hist, nullptr);
}

namespace detail {

// Rows per block of addAllRows: a block's statistics (16 bytes a row) stay in L2 while every
// feature's codes of the block are read.
constexpr Eigen::Index kColumnBlock = 8192;
// Features with at most this many bins are added into kCopies interleaved copies of their
// histogram (row i into copy i % kCopies, summed at the end of a block): with few bins,
// consecutive rows hit the same entry, and each add would wait for the previous one's store.
constexpr int kFewBins = 16;
constexpr int kCopies = 4;

template<bool Unit>
void addColumnBlock(const double *pairs,
                    const std::uint8_t *column,
                    Eigen::Index r0,
                    Eigen::Index r1,
                    bool fewBins,
                    double *hist)
{
    typedef double Pair __attribute__((vector_size(16)));
    typedef double Quad __attribute__((vector_size(32)));
    constexpr int s = Unit ? 2 : 4;
    const auto add = [&](double *h, Eigen::Index r) {
        Pair ab;
        __builtin_memcpy(&ab, pairs + 2 * r, sizeof ab);
        double *e = h + unsigned(column[r]) * unsigned(s);
        if constexpr (Unit) {
            ab[1] = 1.0;
            Pair v;
            __builtin_memcpy(&v, e, sizeof v);
            v += ab;
            __builtin_memcpy(e, &v, sizeof v);
        } else {
            const Quad abc = {ab[0], ab[1], 0.0, 1.0};
            Quad v;
            __builtin_memcpy(&v, e, sizeof v);
            v += abc;
            __builtin_memcpy(e, &v, sizeof v);
        }
    };
    if (!fewBins) {
        Eigen::Index r = r0;
        for (; r + 4 <= r1; r += 4) {
            add(hist, r);
            add(hist, r + 1);
            add(hist, r + 2);
            add(hist, r + 3);
        }
        for (; r < r1; ++r)
            add(hist, r);
        return;
    }
    alignas(64) double copies[kCopies][kFewBins * s] = {};
    Eigen::Index r = r0;
    for (; r + kCopies <= r1; r += kCopies)
        for (int c = 0; c < kCopies; ++c)
            add(copies[c], r + c);
    for (; r < r1; ++r)
        add(copies[0], r);
    for (int c = 0; c < kCopies; ++c)
        for (int i = 0; i < kFewBins * s; ++i)
            hist[i] += copies[c][i];
}

template<bool Unit>
__attribute__((target("avx"))) void addColumnBlockAvx(const double *pairs,
                                                      const std::uint8_t *column,
                                                      Eigen::Index r0,
                                                      Eigen::Index r1,
                                                      bool fewBins,
                                                      double *hist)
{
    addColumnBlock<Unit>(pairs, column, r0, r1, fewBins, hist);
}

} // namespace detail

// Pair statistics of every row 0 .. n - 1 of a binned matrix (a node holding all of them: the
// root), for features [f0, f1) into slots 0 .. f1 - f0 of hist, read from the column-major
// codes `columns` (n codes per feature) a block of rows at a time. Each feature's histogram
// then stays in L1 while a block of its codes streams past, where a pass over the rows
// (addRange) touches every feature's histogram per row and misses L1 on most adds: measured
// on 800,000 x 100 codes, 0.58 instead of 1.04 ns per add. Nodes with a subset of the rows
// gain nothing from it (their codes would be gathered), so they keep addRange. binCount(f):
// the feature's value bins (a missing bin may come on top).
template<typename BinCount>
void addAllRows(const RowStats &stats,
                const std::uint8_t *columns,
                Eigen::Index n,
                Eigen::Index f0,
                Eigen::Index f1,
                BinCount binCount,
                double *hist)
{
    const bool unit = stats.unitWeight;
    const int s = unit ? 2 : 4;
    const auto block = unit               ? detail::addColumnBlock<true>
                       : detail::hasAvx() ? detail::addColumnBlockAvx<false>
                                          : detail::addColumnBlock<false>;
    for (Eigen::Index r0 = 0; r0 < n; r0 += detail::kColumnBlock) {
        const Eigen::Index r1 = std::min(n, r0 + detail::kColumnBlock);
        for (Eigen::Index f = f0; f < f1; ++f) {
            double *h = hist + (f - f0) * (kBins * s + kSlotPad);
            const std::uint8_t *column = columns + f * n;
            // The copies hold the value bins only: a block with a missing value (bin 255)
            // goes straight into the histogram.
            const bool fewBins = binCount(f) <= detail::kFewBins
                                 && !std::memchr(column + r0, kMissing, size_t(r1 - r0));
            block(stats.pairs, column, r0, r1, fewBins, h);
        }
    }
}

// Scores of a set of statistics; a split's gain is score(left) + score(right) - score(node):
//   pair:    a^2 / (b + lambda)   (boosting: the loss reduction of Chen & Guestrin 2016, eq. 7,
//                                  times 2; CART regression with lambda = 0: the decrease of
//                                  the weighted squared error)
//   gini:    sum_k c_k^2 / w      (the decrease of w * gini impurity, Breiman et al. 1984)
//   entropy: sum_k c_k log(c_k / w)   (the decrease of w * entropy)
// so that a gain is exactly the weighted impurity decrease scikit-learn's feature importances
// sum up.
enum class Score { Pair, Gini, Entropy };

struct Scorer
{
    Score kind = Score::Pair;
    int classCount = 0;
    double lambda = 0.0;
    bool unitWeight = false; // pairs: the unit-weight layout (must match RowStats)

    int stride() const { return kind == Score::Pair ? (unitWeight ? 2 : 4) : classCount + 2; }
    int weightIndex() const { return kind == Score::Pair ? 1 : classCount; }
    int countIndex() const { return stride() - 1; }
    double operator()(const double *s) const
    {
        if (kind == Score::Pair)
            return s[0] * s[0] / (s[1] + lambda);
        const double w = s[classCount];
        if (!(w > 0.0))
            return 0.0;
        double out = 0.0;
        if (kind == Score::Gini) {
            for (int c = 0; c < classCount; ++c)
                out += s[c] * s[c];
            return out / w;
        }
        for (int c = 0; c < classCount; ++c)
            if (s[c] > 0.0)
                out += s[c] * std::log(s[c] / w);
        return out;
    }
};

// The best split of one node found so far. Rows whose code is <= bin go left; missing values
// go left when missingLeft.
struct Split
{
    double gain = -std::numeric_limits<double>::infinity();
    std::int32_t feature = -1;
    int position = 0; // order in which the feature was examined, to break ties the same way
    int bin = 0;      // last non-empty bin on the left
    int nextBin = 0;  // first non-empty bin on the right (binCount: none)
    bool missingLeft = false;
    bool sawMissing = false; // the node had missing values in this feature
    bool valid() const { return feature >= 0; }
    // Strictly better, or as good and examined earlier: the first best in examination order,
    // whatever the thread that found it (parallel and serial searches agree).
    bool betterThan(const Split &o) const
    {
        return gain > o.gain
               || (gain == o.gain && valid() && (!o.valid() || position < o.position));
    }
};

struct SplitLimits
{
    double minCount = 1.0;  // rows per child
    double minWeight = 0.0; // weight (hessian) per child
};

// Scans one feature's histogram h (kBins x stride) of a node with totals `total` and score
// `parentScore`; updates best (and bestLeft, the left child's statistics) when a better split
// is found. Empty bins are skipped through `bitmap` (4 words) when given, else by count.
// Returns the number of non-empty bins (1 or less: the feature is constant in the node).
int scanFeature(const Scorer &scorer,
                const double *h,
                int binCount,
                const double *total,
                double parentScore,
                const SplitLimits &limits,
                std::int32_t feature,
                int position,
                const std::uint64_t *bitmap,
                Split &best,
                double *bestLeft);

// Zeroes the bins of a sparse histogram marked in bitmap (4 words) and the bitmap.
void clearMarked(double *h, int stride, std::uint64_t *bitmap);

} // namespace fb::ml::hist
