// Histograms of ml/tree/Histogram.h: the column-by-column pass over every row (addAllRows, the
// root's histogram) gives the histogram of the row-by-row pass (addRange), for many-bin and
// few-bin features, with and without missing values; the split search on pair histograms
// agrees with a plain loop over the candidates.
#include <ml/common/Random.h>
#include <ml/tree/Histogram.h>

#include <Eigen/Core>

#include <QtTest>

#include <cmath>
#include <vector>

namespace hist = fb::ml::hist;

namespace {

std::vector<std::int32_t> allRows(Eigen::Index n)
{
    std::vector<std::int32_t> rows(static_cast<size_t>(n));
    for (Eigen::Index r = 0; r < n; ++r)
        rows[size_t(r)] = std::int32_t(r);
    return rows;
}

hist::RowStats pairStats(const std::vector<double> &pairs, bool unitWeight)
{
    hist::RowStats stats;
    stats.pairs = pairs.data();
    stats.unitWeight = unitWeight;
    return stats;
}

} // namespace

class tst_MlHistogram : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void allRowsMatchesRowPass_data();
    void allRowsMatchesRowPass();
    void scanMatchesReference_data();
    void scanMatchesReference();
};

void tst_MlHistogram::allRowsMatchesRowPass_data()
{
    QTest::addColumn<bool>("unitWeight");
    QTest::addColumn<int>("rows");
    QTest::newRow("unit weights, several blocks") << true << 20000;
    QTest::newRow("hessians, several blocks") << false << 20000;
    QTest::newRow("unit weights, one short block") << true << 777;
    QTest::newRow("hessians, one short block") << false << 777;
}

void tst_MlHistogram::allRowsMatchesRowPass()
{
    QFETCH(bool, unitWeight);
    QFETCH(int, rows);
    const Eigen::Index n = rows;
    // Feature kinds: many bins; 2 bins (one-hot: the interleaved copies); 12 bins with a few
    // missing values in the first rows only (copies in the later blocks, not the first); 5
    // bins with missing values throughout; constant.
    const std::vector<int> binCounts = {255, 2, 12, 5, 1, 200};
    const auto p = Eigen::Index(binCounts.size());
    fb::ml::Rng rng(17);
    std::vector<std::uint8_t> codes(size_t(n * p)), columns(size_t(n * p));
    for (Eigen::Index r = 0; r < n; ++r) {
        for (Eigen::Index f = 0; f < p; ++f) {
            auto c = std::uint8_t(rng.bounded(std::uint64_t(binCounts[size_t(f)])));
            if ((f == 2 && r < 100 && r % 7 == 0) || (f == 3 && r % 13 == 0))
                c = hist::kMissing;
            codes[size_t(r * p + f)] = c;
            columns[size_t(f * n + r)] = c;
        }
    }
    std::vector<double> pairs(size_t(2 * n));
    for (Eigen::Index r = 0; r < n; ++r) {
        pairs[size_t(2 * r)] = rng.normal();
        pairs[size_t(2 * r + 1)] = unitWeight ? 1.0 : 0.25 * rng.uniform();
    }
    const std::vector<std::int32_t> all = allRows(n);
    const hist::RowStats stats = pairStats(pairs, unitWeight);
    const int s = unitWeight ? 2 : 4;
    const size_t slot = size_t(hist::kBins * s + hist::kSlotPad);

    std::vector<double> byRows(size_t(p) * slot, 0.0), byColumns(size_t(p) * slot, 0.0);
    hist::addRange(stats, all.data(), n, codes.data(), p, 0, p, byRows.data());
    // Features [1, p) only, into slots 0 .. p - 2: the slot offset follows f0.
    hist::addAllRows(
        stats,
        columns.data(),
        n,
        1,
        p,
        [&](Eigen::Index f) { return binCounts[size_t(f)]; },
        byColumns.data());
    hist::addAllRows(
        stats,
        columns.data(),
        n,
        0,
        1,
        [&](Eigen::Index f) { return binCounts[size_t(f)]; },
        byColumns.data() + (p - 1) * Eigen::Index(slot));

    for (Eigen::Index f = 0; f < p; ++f) {
        const double *a = byRows.data() + f * Eigen::Index(slot);
        const double *b = byColumns.data() + (f == 0 ? p - 1 : f - 1) * Eigen::Index(slot);
        double countSum = 0.0;
        for (int bin = 0; bin < hist::kBins; ++bin) {
            for (int c = 0; c < s; ++c) {
                const double x = a[bin * s + c], y = b[bin * s + c];
                // Rows are added in the same order, except through the copies of few-bin
                // features, whose partial sums are added last: equal to rounding.
                QVERIFY2(std::abs(x - y) <= 1e-12 * double(n),
                         qPrintable(QString("feature %1 bin %2 statistic %3: %4 vs %5")
                                        .arg(f)
                                        .arg(bin)
                                        .arg(c)
                                        .arg(y, 0, 'g', 17)
                                        .arg(x, 0, 'g', 17)));
            }
            QCOMPARE(b[bin * s + s - 1], a[bin * s + s - 1]); // counts: exactly
            countSum += b[bin * s + s - 1];
        }
        QCOMPARE(countSum, double(n));
        if (binCounts[size_t(f)] > 16) // no copies: the very same sums
            QVERIFY(std::equal(a, a + hist::kBins * s, b));
    }
}

void tst_MlHistogram::scanMatchesReference_data()
{
    QTest::addColumn<bool>("unitWeight");
    QTest::addColumn<bool>("withMissing");
    QTest::addColumn<double>("minCount");
    QTest::newRow("unit weights") << true << false << 1.0;
    QTest::newRow("unit weights, missing values, 200 rows a side") << true << true << 200.0;
    QTest::newRow("hessians") << false << false << 20.0;
    QTest::newRow("hessians, missing values") << false << true << 1.0;
}

// The split search on pair histograms (vectorised) chooses the split a plain loop over the
// candidates chooses -- missing values right then left, limits, first best wins -- with the
// same gain and left sums, and breaks ties between features by examination order.
void tst_MlHistogram::scanMatchesReference()
{
    QFETCH(bool, unitWeight);
    QFETCH(bool, withMissing);
    QFETCH(double, minCount);
    const Eigen::Index n = 5000;
    const int binCount = 40;
    fb::ml::Rng rng(23);
    std::vector<std::uint8_t> codes(static_cast<size_t>(n));
    std::vector<double> pairs(size_t(2 * n));
    for (Eigen::Index r = 0; r < n; ++r) {
        // Bins 5..9 stay empty.
        auto c = std::uint8_t(rng.bounded(binCount - 5));
        c = c >= 5 ? std::uint8_t(c + 5) : c;
        if (withMissing && r % 17 == 0)
            c = hist::kMissing;
        codes[size_t(r)] = c;
        // Bin 0 (~140 rows) stands out: the best split unless a side needs 200 rows.
        const double signal = c == hist::kMissing ? 0.7 : c == 0 ? 5.0 : std::sin(0.3 * c);
        pairs[size_t(2 * r)] = signal + rng.normal();
        pairs[size_t(2 * r + 1)] = unitWeight ? 1.0 : 0.05 + 0.2 * rng.uniform();
    }
    const std::vector<std::int32_t> all = allRows(n);
    const hist::RowStats stats = pairStats(pairs, unitWeight);
    hist::Scorer scorer;
    scorer.lambda = unitWeight ? 0.0 : 1.0;
    scorer.unitWeight = unitWeight;
    const int s = scorer.stride();
    std::vector<double> h(size_t(hist::kBins * s + hist::kSlotPad), 0.0);
    hist::addRange(stats, all.data(), n, codes.data(), 1, 0, 1, h.data());
    std::vector<double> total(size_t(s), 0.0);
    for (int b = 0; b < hist::kBins; ++b)
        for (int c = 0; c < s; ++c)
            total[size_t(c)] += h[size_t(b * s + c)];
    const double parentScore = scorer(total.data());
    const hist::SplitLimits limits{minCount, unitWeight ? 0.0 : 1e-3};

    // Reference: every candidate in order, the first strictly best kept.
    const int cnt = s - 1;
    std::vector<int> bins;
    for (int b = 0; b < binCount; ++b)
        if (h[size_t(b * s + cnt)] > 0.0)
            bins.push_back(b);
    const bool hasMissing = h[size_t(hist::kMissing * s + cnt)] > 0.0;
    QCOMPARE(hasMissing, withMissing);
    hist::Split expected;
    std::vector<double> expectedLeft(size_t(s), 0.0);
    for (int pass = 0; pass < (hasMissing ? 2 : 1); ++pass) {
        std::vector<double> left(size_t(s), 0.0);
        if (pass == 1)
            for (int c = 0; c < s; ++c)
                left[size_t(c)] = h[size_t(hist::kMissing * s + c)];
        const int last = pass == 1 || !hasMissing ? int(bins.size()) - 1 : int(bins.size());
        for (int i = 0; i < last; ++i) {
            std::vector<double> right(static_cast<size_t>(s));
            for (int c = 0; c < s; ++c) {
                left[size_t(c)] += h[size_t(bins[size_t(i)] * s + c)];
                right[size_t(c)] = total[size_t(c)] - left[size_t(c)];
            }
            if (left[size_t(cnt)] < limits.minCount || right[size_t(cnt)] < limits.minCount
                || left[1] < limits.minWeight || right[1] < limits.minWeight)
                continue;
            const double gain = left[0] * left[0] / (left[1] + scorer.lambda)
                                + right[0] * right[0] / (right[1] + scorer.lambda) - parentScore;
            if (gain > expected.gain) {
                expected.gain = gain;
                expected.feature = 0;
                expected.bin = bins[size_t(i)];
                expected.nextBin = i + 1 < int(bins.size()) ? bins[size_t(i + 1)] : binCount;
                expected.missingLeft = pass == 1;
                expectedLeft = left;
            }
        }
    }
    QVERIFY(expected.valid());
    QCOMPARE(expected.bin == 0, minCount < 200.0); // the limit matters

    std::vector<double> gotLeft(static_cast<size_t>(s), -1.0);
    // Scans h as feature `feature`, examined at `position`, against the best split so far.
    const auto scan = [&](std::int32_t feature, int position, hist::Split &best) {
        return hist::scanFeature(scorer,
                                 h.data(),
                                 binCount,
                                 total.data(),
                                 parentScore,
                                 limits,
                                 feature,
                                 position,
                                 nullptr,
                                 best,
                                 gotLeft.data());
    };
    hist::Split got;
    QCOMPARE(scan(0, 3, got), int(bins.size()) + (hasMissing ? 1 : 0));
    QCOMPARE(got.bin, expected.bin);
    QCOMPARE(got.nextBin, expected.nextBin);
    QCOMPARE(got.missingLeft, expected.missingLeft);
    QCOMPARE(got.sawMissing, hasMissing);
    QCOMPARE(got.gain, expected.gain);
    QVERIFY(gotLeft == expectedLeft);

    // The same histogram as a feature examined later (position 5) does not take the split;
    // as one examined earlier (position 1) it does, with the same gain.
    hist::Split later = got;
    scan(7, 5, later);
    QCOMPARE(later.feature, 0);
    hist::Split earlier = got;
    scan(9, 1, earlier);
    QCOMPARE(earlier.feature, 9);
    QCOMPARE(earlier.position, 1);
    QCOMPARE(earlier.bin, expected.bin);
    QVERIFY(gotLeft == expectedLeft);
}

QTEST_APPLESS_MAIN(tst_MlHistogram)
#include "tst_ml_histogram.moc"
