#include "Histogram.h"

#include <algorithm>
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

// S > 0: pair statistics of stride S, with the layout and the score known to the compiler (the
// scans of boosting); S = 0: any scorer.
template<int S>
int scan(const Scorer &scorer,
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
    const int s = S > 0 ? S : scorer.stride();
    const int cnt = S > 0 ? S - 1 : scorer.countIndex();
    const int wt = S > 0 ? 1 : scorer.weightIndex();
    const double lambda = scorer.lambda;
    const auto score = [&](const double *x) {
        if constexpr (S > 0)
            return x[0] * x[0] / (x[1] + lambda);
        else
            return scorer(x);
    };
    const double *missing = h + kMissing * s;
    const bool hasMissing = missing[cnt] > 0.0;

    std::uint8_t bins[kBins];
    const int nb = nonEmptyBins(h, s, cnt, binCount, bitmap, bins);
    const int nonEmpty = nb + (hasMissing ? 1 : 0);
    if (nonEmpty <= 1)
        return nonEmpty;

    thread_local std::vector<double> scratch;
    double local[2 * (S > 0 ? S : 1)];
    if constexpr (S == 0)
        scratch.resize(size_t(2 * s));
    double *left = S > 0 ? local : scratch.data();
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
            const double *e = h + bins[i] * s;
            for (int c = 0; c < s; ++c)
                left[c] += e[c];
            for (int c = 0; c < s; ++c)
                right[c] = total[c] - left[c];
            if (left[cnt] < limits.minCount)
                continue;
            if (right[cnt] < limits.minCount)
                break; // only shrinks from here
            if (left[wt] < limits.minWeight || right[wt] < limits.minWeight)
                continue;
            double gain;
            if constexpr (S > 0) {
                // Both sides' a^2 / (b + lambda) in one vector division: the same arithmetic
                // per side, half the divisions (they bound this loop).
                typedef double Pair __attribute__((vector_size(16)));
                const Pair a = {left[0], right[0]};
                const Pair b = {left[1] + lambda, right[1] + lambda};
                const Pair q = a * a / b;
                gain = q[0] + q[1] - parentScore;
            } else {
                gain = score(left) + score(right) - parentScore;
            }
            if (gain > best.gain
                || (gain == best.gain && best.valid() && position < best.position)) {
                best.gain = gain;
                best.feature = feature;
                best.position = position;
                best.bin = bins[i];
                best.nextBin = i + 1 < nb ? bins[i + 1] : binCount;
                best.missingLeft = missingLeft;
                best.sawMissing = hasMissing;
                for (int c = 0; c < s; ++c)
                    bestLeft[c] = left[c];
            }
        }
    }
    return nonEmpty;
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
    const auto run = [&](auto fn) {
        return fn(scorer,
                  h,
                  binCount,
                  total,
                  parentScore,
                  limits,
                  feature,
                  position,
                  bitmap,
                  best,
                  bestLeft);
    };
    if (scorer.kind == Score::Pair)
        return scorer.unitWeight ? run(scan<2>) : run(scan<4>);
    return run(scan<0>);
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
