// Histogram builders of ml/tree/Histogram.h against each other: the column-by-column pass over
// every row (addAllRows, the root's histogram) gives the histogram of the row-by-row pass
// (addRange), for many-bin and few-bin features, with and without missing values.
#include <ml/common/Random.h>
#include <ml/tree/Histogram.h>

#include <Eigen/Core>

#include <QtTest>

#include <cmath>
#include <vector>

namespace hist = fb::ml::hist;

class tst_MlHistogram : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void allRowsMatchesRowPass_data();
    void allRowsMatchesRowPass();
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
    std::vector<std::int32_t> all(static_cast<size_t>(n));
    for (Eigen::Index r = 0; r < n; ++r)
        all[size_t(r)] = std::int32_t(r);
    hist::RowStats stats;
    stats.pairs = pairs.data();
    stats.unitWeight = unitWeight;
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

QTEST_APPLESS_MAIN(tst_MlHistogram)
#include "tst_ml_histogram.moc"
