#include "FeatureBinner.h"

#include "ml/common/Parallel.h"
#include "ml/common/Random.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <stdexcept>
#include <string>

namespace fb::ml {

namespace {

constexpr double kMax = std::numeric_limits<double>::max();

// A finite threshold t with a <= t < b for a < b: the midpoint, with infinities clipped to the
// largest finite double (as scikit-learn's ALMOST_INF) so that model files stay finite.
double midpoint(double a, double b)
{
    const double m = 0.5 * a + 0.5 * b; // no overflow for large finite a, b
    if (std::isfinite(m))
        return m;
    if (std::isinf(b) && b > 0)
        return std::isfinite(a) ? kMax : 0.0;
    return -kMax; // a == -inf, b finite
}

// Number of edges < x, i.e. the bin of x, for edges padded to 255 with +infinity: eight
// halving steps whose comparisons become additions (no branches to mispredict; measured 3x
// faster than std::upper_bound on random data).
inline std::uint8_t binOf(const double *e, double x)
{
    unsigned i = 0;
    i += unsigned(e[i + 127] < x) << 7;
    i += unsigned(e[i + 63] < x) << 6;
    i += unsigned(e[i + 31] < x) << 5;
    i += unsigned(e[i + 15] < x) << 4;
    i += unsigned(e[i + 7] < x) << 3;
    i += unsigned(e[i + 3] < x) << 2;
    i += unsigned(e[i + 1] < x) << 1;
    i += unsigned(e[i] < x);
    return std::uint8_t(i);
}

// Sorts doubles (no NaN) ascending with an LSD radix sort on their order-preserving 64-bit
// keys, 11 bits per pass (2048 buckets stay in cache), skipping passes whose digit is the same
// for every key: several times faster than std::sort on the 2e5-value samples edges come from.
void radixSort(std::vector<double> &values,
               std::vector<std::uint64_t> &keys,
               std::vector<std::uint64_t> &tmp)
{
    constexpr int kBits = 11;
    constexpr int kPasses = 6;
    constexpr size_t kBuckets = size_t(1) << kBits;
    const size_t n = values.size();
    keys.resize(n);
    tmp.resize(n);
    for (size_t i = 0; i < n; ++i) {
        std::uint64_t k;
        std::memcpy(&k, &values[i], sizeof k);
        keys[i] = (k & 0x8000000000000000ull) ? ~k : k | 0x8000000000000000ull;
    }
    std::vector<size_t> counts(kPasses * kBuckets, 0);
    for (std::uint64_t k : keys)
        for (int d = 0; d < kPasses; ++d)
            ++counts[size_t(d) * kBuckets + ((k >> (kBits * d)) & (kBuckets - 1))];
    for (int d = 0; d < kPasses; ++d) {
        size_t *c = counts.data() + size_t(d) * kBuckets;
        if (c[(keys[0] >> (kBits * d)) & (kBuckets - 1)] == n)
            continue; // one digit value: this pass would not move anything
        size_t sum = 0;
        for (size_t b = 0; b < kBuckets; ++b) {
            const size_t count = c[b];
            c[b] = sum;
            sum += count;
        }
        for (std::uint64_t k : keys)
            tmp[c[(k >> (kBits * d)) & (kBuckets - 1)]++] = k;
        keys.swap(tmp);
    }
    for (size_t i = 0; i < n; ++i) {
        const std::uint64_t k = keys[i];
        const std::uint64_t bits = (k & 0x8000000000000000ull) ? k & 0x7FFFFFFFFFFFFFFFull : ~k;
        std::memcpy(&values[i], &bits, sizeof bits);
    }
}

// Rows per block of the encoding pass: the block's codes (rows x features bytes) stay in cache
// while the columns of X are read one after another.
constexpr Eigen::Index kBlockRows = 2048;

} // namespace

BinnedMatrix FeatureBinner::fitTransform(const Eigen::Ref<const Eigen::MatrixXd> &X,
                                         int maxBins,
                                         std::uint64_t seed,
                                         const std::vector<std::int32_t> *fitRows,
                                         Eigen::Index subsample)
{
    if (maxBins < 2 || maxBins > kMaxBins)
        throw std::invalid_argument("maxBins must be in [2, 255], got " + std::to_string(maxBins));
    const Eigen::Index p = X.cols();
    // Rows the edges are computed from: all (or fitRows), or a seeded sample of them without
    // replacement, sorted so that reading them walks X forwards.
    std::vector<std::int32_t> sample;
    if (fitRows) {
        sample = *fitRows;
    } else {
        sample.resize(size_t(X.rows()));
        for (Eigen::Index i = 0; i < X.rows(); ++i)
            sample[size_t(i)] = std::int32_t(i);
    }
    const auto n = Eigen::Index(sample.size());
    if (subsample > 0 && n > subsample) {
        Rng rng(seed);
        for (Eigen::Index i = 0; i < subsample; ++i) // partial Fisher-Yates
            std::swap(sample[size_t(i)],
                      sample[size_t(i + Eigen::Index(rng.bounded(std::uint64_t(n - i))))]);
        sample.resize(size_t(subsample));
    }
    std::sort(sample.begin(), sample.end());
    m_edges.assign(size_t(p), {});
    m_bounds.assign(size_t(p), {});
    parallelFor(p, 1, [&](Eigen::Index f0, Eigen::Index f1) {
        std::vector<double> values;
        values.reserve(sample.size());
        for (Eigen::Index f = f0; f < f1; ++f) {
            values.clear();
            const auto col = X.col(f);
            for (std::int32_t i : sample)
                if (!std::isnan(col[i]))
                    values.push_back(col[i]);
            fitFeature(f, values, maxBins);
        }
    });
    return transform(X);
}

void FeatureBinner::fitFeature(Eigen::Index feature, std::vector<double> &values, int maxBins)
{
    std::vector<double> &edges = m_edges[size_t(feature)];
    std::vector<Bounds> &bounds = m_bounds[size_t(feature)];
    if (values.empty()) { // all missing: one (empty) bin
        bounds.push_back({0.0, 0.0});
        return;
    }
    thread_local std::vector<std::uint64_t> keys, tmp;
    if (values.size() > 256)
        radixSort(values, keys, tmp);
    else
        std::sort(values.begin(), values.end());
    std::vector<double> distinct(values);
    distinct.erase(std::unique(distinct.begin(), distinct.end()), distinct.end());
    if (distinct.size() <= size_t(maxBins)) {
        // One bin per value: splits between bins are exactly CART's splits between values.
        for (size_t i = 0; i + 1 < distinct.size(); ++i)
            edges.push_back(midpoint(distinct[i], distinct[i + 1]));
        for (double v : distinct)
            bounds.push_back({v, v});
        return;
    }
    // numpy's percentile(values, 100 k / maxBins, method="midpoint"), k = 1 .. maxBins - 1,
    // as scikit-learn's _find_binning_thresholds; repeated edges (heavy values) merged.
    const double last = double(values.size() - 1);
    for (int k = 1; k < maxBins; ++k) {
        const double pos = last * double(k) / double(maxBins);
        const auto lo = size_t(std::floor(pos));
        const auto hi = size_t(std::ceil(pos));
        double e = values[lo] == values[hi] ? values[lo] : midpoint(values[lo], values[hi]);
        if (e >= values.back()) // a heavy maximum: keep it apart from the values below it
            e = midpoint(distinct[distinct.size() - 2], distinct.back());
        if (edges.empty() || e > edges.back())
            edges.push_back(e);
    }
    // The smallest and largest sampled value inside each bin.
    bounds.assign(edges.size() + 1, {kMax, -kMax});
    size_t b = 0;
    for (double v : values) {
        while (b < edges.size() && v > edges[b])
            ++b;
        bounds[b].low = std::min(bounds[b].low, v);
        bounds[b].high = std::max(bounds[b].high, v);
    }
    for (size_t i = 0; i < bounds.size(); ++i) {
        if (bounds[i].low > bounds[i].high) { // no sampled value: use the edges themselves
            const double e = i < edges.size() ? edges[i] : edges.back();
            bounds[i] = {e, e};
        }
    }
}

BinnedMatrix FeatureBinner::transform(const Eigen::Ref<const Eigen::MatrixXd> &X) const
{
    if (X.cols() != featureCount())
        throw std::invalid_argument("binner expects " + std::to_string(featureCount())
                                    + " features, got " + std::to_string(X.cols()));
    BinnedMatrix out;
    out.rows = X.rows();
    out.cols = X.cols();
    out.codes.resize(size_t(X.rows() * X.cols()));
    out.columns.resize(out.codes.size());
    const Eigen::Index blocks = (X.rows() + kBlockRows - 1) / kBlockRows;
    parallelFor(blocks, 1, [&](Eigen::Index b0, Eigen::Index b1) {
        for (Eigen::Index b = b0; b < b1; ++b) {
            const Eigen::Index begin = b * kBlockRows;
            const Eigen::Index end = std::min(X.rows(), begin + kBlockRows);
            encodeBlock(X, begin, end, out.codes.data() + begin * X.cols(), out.columns.data());
        }
    });
    return out;
}

void FeatureBinner::encodeBlock(const Eigen::Ref<const Eigen::MatrixXd> &X,
                                Eigen::Index begin,
                                Eigen::Index end,
                                std::uint8_t *out,
                                std::uint8_t *columns) const
{
    const Eigen::Index p = X.cols();
    double padded[256];
    for (Eigen::Index f = 0; f < p; ++f) {
        const std::vector<double> &edges = m_edges[size_t(f)];
        std::fill(std::copy(edges.begin(), edges.end(), padded),
                  padded + 256,
                  std::numeric_limits<double>::infinity());
        const double *col = X.col(f).data();
        std::uint8_t *column = columns + f * X.rows();
        std::uint8_t *dst = out + f;
        for (Eigen::Index i = begin; i < end; ++i, dst += p) {
            const double x = col[i];
            const std::uint8_t code = std::isnan(x) ? kMissingBin : binOf(padded, x);
            *dst = code;
            column[i] = code;
        }
    }
}

double FeatureBinner::splitThreshold(Eigen::Index feature, int left, int right) const
{
    const std::vector<double> &edges = m_edges[size_t(feature)];
    const std::vector<Bounds> &bounds = m_bounds[size_t(feature)];
    if (right >= binCount(feature)) // every value goes left, only missing values go right
        return kMax;
    const double t = midpoint(bounds[size_t(left)].high, bounds[size_t(right)].low);
    return std::clamp(t, edges[size_t(left)], edges[size_t(right - 1)]);
}

} // namespace fb::ml
