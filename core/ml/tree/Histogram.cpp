#include "Histogram.h"

#include <algorithm>
#include <limits>
#include <vector>

namespace fb::ml::hist {

namespace {

// Non-empty value bins of a histogram in ascending order (missing bin excluded).
int nonEmptyBins(const double *h,
                 int stride,
                 int countIndex,
                 int binCount,
                 const std::uint64_t *bitmap,
                 std::uint8_t *out)
{
    int n = 0;
    if (bitmap) {
        for (int w = 0; w < 4; ++w) {
            std::uint64_t bits = bitmap[w];
            while (bits) {
                const int b = w * 64 + __builtin_ctzll(bits);
                bits &= bits - 1;
                if (b < binCount)
                    out[n++] = std::uint8_t(b);
            }
        }
        return n;
    }
    const double *count = h + countIndex;
    for (int b = 0; b < binCount; ++b)
        if (count[b * stride] > 0.0)
            out[n++] = std::uint8_t(b);
    return n;
}

// scanFeature's arguments, for the scans below.
struct ScanArgs
{
    const Scorer &scorer;
    const double *h;
    int binCount;
    const double *total;
    double parentScore;
    const SplitLimits &limits;
    std::int32_t feature;
    int position;
    const std::uint64_t *bitmap;
    Split &best;
    double *bestLeft;
};

// A feature's split candidates: its non-empty value bins and whether it has missing values.
struct Candidates
{
    std::uint8_t bins[kBins];
    int nb = 0;
    bool hasMissing = false;
    int nonEmpty = 0;

    Candidates(const ScanArgs &in, int stride, int countIndex)
        : hasMissing(in.h[kMissing * stride + countIndex] > 0.0)
    {
        nb = nonEmptyBins(in.h, stride, countIndex, in.binCount, in.bitmap, bins);
        nonEmpty = nb + (hasMissing ? 1 : 0);
    }

    // Makes candidate i (rows up to bins[i] left; missing values left or right) the best.
    void take(const ScanArgs &in, double gain, int i, bool missingLeft) const
    {
        Split &best = in.best;
        best.gain = gain;
        best.feature = in.feature;
        best.position = in.position;
        best.bin = bins[i];
        best.nextBin = i + 1 < nb ? bins[i + 1] : in.binCount;
        best.missingLeft = missingLeft;
        best.sawMissing = hasMissing;
    }
};

// Any scorer (class statistics: gini, entropy); pair statistics go to scanPairs.
int scanGeneric(const ScanArgs &in)
{
    const Scorer &scorer = in.scorer;
    const int s = scorer.stride();
    const int cnt = scorer.countIndex();
    const int wt = scorer.weightIndex();
    const Candidates cand(in, s, cnt);
    if (cand.nonEmpty <= 1)
        return cand.nonEmpty;
    const double *missing = in.h + kMissing * s;
    const std::uint8_t *bins = cand.bins;
    const int nb = cand.nb;
    const bool hasMissing = cand.hasMissing;

    thread_local std::vector<double> scratch;
    scratch.resize(size_t(2 * s));
    double *left = scratch.data();
    double *right = left + s;

    // Missing values right (every value bin may go left when there are missing values), then
    // missing values left (at least one value bin must stay right), as scikit-learn's
    // left-to-right and right-to-left scans.
    for (int pass = 0; pass < (hasMissing ? 2 : 1); ++pass) {
        const bool missingLeft = pass == 1;
        for (int c = 0; c < s; ++c)
            left[c] = missingLeft ? missing[c] : 0.0;
        const int last = missingLeft || !hasMissing ? nb - 1 : nb;
        for (int i = 0; i < last; ++i) {
            const double *e = in.h + bins[i] * s;
            for (int c = 0; c < s; ++c)
                left[c] += e[c];
            for (int c = 0; c < s; ++c)
                right[c] = in.total[c] - left[c];
            if (left[cnt] < in.limits.minCount)
                continue;
            if (right[cnt] < in.limits.minCount)
                break; // only shrinks from here
            if (left[wt] < in.limits.minWeight || right[wt] < in.limits.minWeight)
                continue;
            const double gain = scorer(left) + scorer(right) - in.parentScore;
            if (gain > in.best.gain
                || (gain == in.best.gain && in.best.valid() && in.position < in.best.position)) {
                cand.take(in, gain, i, missingLeft);
                std::copy(left, left + s, in.bestLeft);
            }
        }
    }
    return cand.nonEmpty;
}

// The scan of pair statistics (S = 2: [a, count], S = 4: [a, b, 0, count]; the score
// a^2 / (b + lambda)) in three sweeps instead of scanGeneric's one loop with tests per
// candidate: running sums over the non-empty bins, every candidate's gain two at a time
// without branches (explicit vectors: GCC does not vectorise it at -O2), then the first
// largest. Same sums and arithmetic, so the same splits; the one loop was bound by its
// branches and by the dependency of the best gain (6-7 % of a boosting fit less).
template<int S>
int scanPairs(const ScanArgs &in)
{
    constexpr int cnt = S - 1;
    constexpr int wt = 1;
    const Candidates cand(in, S, cnt);
    if (cand.nonEmpty <= 1)
        return cand.nonEmpty;
    const double lambda = in.scorer.lambda;
    const double *h = in.h;
    const double *total = in.total;
    const double parentScore = in.parentScore;
    const SplitLimits &limits = in.limits;
    const Split &best = in.best;
    const double *missing = h + kMissing * S;
    const std::uint8_t *bins = cand.bins;
    const int nb = cand.nb;
    const bool hasMissing = cand.hasMissing;

    alignas(32) double la[kBins], lw[kBins], lc[kBins], gain[kBins];
    constexpr double kNone = -std::numeric_limits<double>::infinity();
    for (int pass = 0; pass < (hasMissing ? 2 : 1); ++pass) {
        const bool missingLeft = pass == 1;
        const int last = missingLeft || !hasMissing ? nb - 1 : nb;
        double a = missingLeft ? missing[0] : 0.0;
        double w = missingLeft ? missing[wt] : 0.0;
        double c = missingLeft ? missing[cnt] : 0.0;
        for (int i = 0; i < last; ++i) {
            const double *e = h + bins[i] * S;
            a += e[0];
            w += e[wt];
            c += e[cnt];
            la[i] = a;
            lw[i] = w;
            lc[i] = c;
        }
        typedef double V2 __attribute__((vector_size(16)));
        const auto gainAt = [&](const V2 a, const V2 w, const V2 c) {
            const V2 ra = total[0] - a;
            const V2 rw = total[wt] - w;
            const V2 rc = total[cnt] - c;
            const V2 g = a * a / (w + lambda) + ra * ra / (rw + lambda) - parentScore;
            const auto ok = (c >= limits.minCount) & (rc >= limits.minCount)
                            & (w >= limits.minWeight) & (rw >= limits.minWeight);
            return ok ? g : V2{kNone, kNone};
        };
        int i = 0;
        for (; i + 2 <= last; i += 2) {
            V2 a, w, c;
            std::memcpy(&a, la + i, sizeof a);
            std::memcpy(&w, lw + i, sizeof w);
            std::memcpy(&c, lc + i, sizeof c);
            const V2 g = gainAt(a, w, c);
            std::memcpy(gain + i, &g, sizeof g);
        }
        if (i < last)
            gain[i] = gainAt(V2{la[i], 0.0}, V2{lw[i], 1.0}, V2{lc[i], 0.0})[0];
        // The largest gain (NaN never wins: comparisons with it are false), in two lanes of
        // two accumulators, then its first position.
        V2 top0 = {kNone, kNone}, top1 = top0;
        i = 0;
        for (; i + 4 <= last; i += 4) {
            V2 g0, g1;
            std::memcpy(&g0, gain + i, sizeof g0);
            std::memcpy(&g1, gain + i + 2, sizeof g1);
            top0 = g0 > top0 ? g0 : top0;
            top1 = g1 > top1 ? g1 : top1;
        }
        double top = std::max(std::max(top0[0], top0[1]), std::max(top1[0], top1[1]));
        for (; i < last; ++i)
            top = gain[i] > top ? gain[i] : top;
        int at = -1;
        if (top > best.gain)
            at = int(std::find(gain, gain + last, top) - gain);
        // An equal gain found earlier in another feature examined later loses the tie.
        if (at < 0 && best.valid() && in.position < best.position) {
            for (int i = 0; i < last; ++i) {
                if (gain[i] == best.gain) {
                    at = i;
                    break;
                }
            }
        }
        if (at < 0)
            continue;
        cand.take(in, gain[at], at, missingLeft);
        in.bestLeft[0] = la[at];
        in.bestLeft[wt] = lw[at];
        in.bestLeft[cnt] = lc[at];
        if constexpr (S == 4)
            in.bestLeft[2] = 0.0;
    }
    return cand.nonEmpty;
}

} // namespace

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
                double *bestLeft)
{
    const ScanArgs in{
        scorer, h, binCount, total, parentScore, limits, feature, position, bitmap, best, bestLeft};
    if (scorer.kind == Score::Pair)
        return scorer.unitWeight ? scanPairs<2>(in) : scanPairs<4>(in);
    return scanGeneric(in);
}

void clearMarked(double *h, int stride, std::uint64_t *bitmap)
{
    for (int w = 0; w < 4; ++w) {
        std::uint64_t bits = bitmap[w];
        while (bits) {
            const int b = w * 64 + __builtin_ctzll(bits);
            bits &= bits - 1;
            std::fill(h + b * stride, h + (b + 1) * stride, 0.0);
        }
        bitmap[w] = 0;
    }
}

} // namespace fb::ml::hist
