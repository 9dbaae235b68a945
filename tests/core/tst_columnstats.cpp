// Column summaries (what the output inspector shows) checked against pandas and numpy on the
// same CSV files: counts, missing values, mean/std/min/max, histogram bins and the most
// frequent categories.

#include "data/ColumnStats.h"
#include "data/CsvReader.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>

using namespace fb;

namespace {

QString sourceDir()
{
    const QString dir = qEnvironmentVariable("FLOWBENCH_SOURCE_DIR");
    return dir.isEmpty() ? QStringLiteral(FLOWBENCH_SOURCE_DIR_FALLBACK) : dir;
}

// pandas' view of every column of `path`: describe() figures, numpy histogram with `bins`,
// value_counts() of text columns.
QJsonObject pandasStats(const QString &path, int bins)
{
    const QString script = QStringLiteral(R"(
import json, sys, numpy as np, pandas as pd
df = pd.read_csv(sys.argv[1], keep_default_na=True)
out = {}
for c in df.columns:
    s = df[c]
    if pd.api.types.is_numeric_dtype(s):
        f = s[np.isfinite(s)]
        out[c] = {"count": int(s.notna().sum()), "missing": int(s.isna().sum()),
                  "mean": float(f.mean()), "std": float(f.std()), "min": float(f.min()),
                  "max": float(f.max()),
                  "hist": [int(v) for v in np.histogram(f, bins=int(sys.argv[2]))[0]]}
    else:
        vc = s.value_counts(sort=True)
        out[c] = {"count": int(s.notna().sum()), "missing": int(s.isna().sum()),
                  "distinct": int(s.nunique()), "top": [str(k) for k in vc.index[:3]],
                  "topCounts": [int(v) for v in vc.values[:3]]}
print(json.dumps(out))
)");
    QProcess py;
    py.start(qEnvironmentVariable("FLOWBENCH_PYTHON", QStringLiteral("/usr/bin/python3")),
             {QStringLiteral("-c"), script, path, QString::number(bins)});
    if (!py.waitForFinished(60000) || py.exitCode() != 0)
        return {};
    return QJsonDocument::fromJson(py.readAllStandardOutput()).object();
}

bool pandasAvailable()
{
    QProcess py;
    py.start(qEnvironmentVariable("FLOWBENCH_PYTHON", QStringLiteral("/usr/bin/python3")),
             {QStringLiteral("-c"), QStringLiteral("import pandas, numpy")});
    return py.waitForFinished(30000) && py.exitCode() == 0;
}

bool close(double a, double b)
{
    return std::abs(a - b) <= 1e-9 * std::max(1.0, std::abs(b));
}

} // namespace

class TestColumnStats : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void matchesPandas_data()
    {
        QTest::addColumn<QString>("path");
        QTest::newRow("iris") << sourceDir() + QStringLiteral("/resources/datasets/iris.csv");
        QTest::newRow("diabetes") << sourceDir() + QStringLiteral("/resources/datasets/diabetes.csv");
        QTest::newRow("mixed") << QStringLiteral("mixed");
    }

    void matchesPandas()
    {
        QFETCH(QString, path);
        if (!pandasAvailable())
            QSKIP("python3-pandas is not installed: cannot compare with pandas");
        QTemporaryDir dir;
        if (path == u"mixed") {
            // Missing values in both kinds, ties in counts, a large offset (Welford's territory).
            path = dir.filePath(QStringLiteral("mixed.csv"));
            QFile f(path);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write("x,city,y\n");
            for (int i = 0; i < 997; ++i) {
                const char *city = i % 3 == 0 ? "Oslo" : i % 3 == 1 ? "Lima" : (i % 7 ? "Pune" : "");
                const QByteArray x = i % 11 == 0 ? QByteArray() : QByteArray::number(1e9 + (i * 37 % 101) * 0.25, 'g', 17);
                f.write(x + ',' + city + ',' + QByteArray::number(std::sin(i) * 5.0, 'g', 17) + '\n');
            }
        }
        const int bins = 7;
        const QJsonObject expected = pandasStats(path, bins);
        QVERIFY2(!expected.isEmpty(), "pandas run failed");
        const TablePtr table = CsvReader::readFile(path);
        ColumnStatsOptions options;
        options.bins = bins;
        options.topLevels = 3;
        const QList<ColumnStats> stats = computeColumnStats(*table, options);
        QCOMPARE(stats.size(), table->columnCount());
        for (const ColumnStats &s : stats) {
            const QJsonObject e = expected.value(s.name).toObject();
            QVERIFY2(!e.isEmpty(), qPrintable(s.name));
            QCOMPARE(s.count, qint64(e.value(QStringLiteral("count")).toInteger()));
            QCOMPARE(s.missing, qint64(e.value(QStringLiteral("missing")).toInteger()));
            if (s.kind == ColumnKind::Numeric) {
                for (const auto &[key, value] : {std::pair{"mean", s.mean}, {"std", s.std}, {"min", s.min}, {"max", s.max}})
                    QVERIFY2(close(value, e.value(QLatin1String(key)).toDouble()),
                             qPrintable(QStringLiteral("%1.%2: %3 vs pandas %4")
                                            .arg(s.name, QLatin1String(key))
                                            .arg(value, 0, 'g', 17)
                                            .arg(e.value(QLatin1String(key)).toDouble(), 0, 'g', 17)));
                const QJsonArray hist = e.value(QStringLiteral("hist")).toArray();
                QCOMPARE(qsizetype(s.histogram.size()), hist.size());
                for (qsizetype b = 0; b < hist.size(); ++b)
                    QCOMPARE(s.histogram[size_t(b)], qint64(hist.at(b).toInteger()));
            } else {
                QCOMPARE(s.distinct, qint64(e.value(QStringLiteral("distinct")).toInteger()));
                const QJsonArray counts = e.value(QStringLiteral("topCounts")).toArray();
                QCOMPARE(qsizetype(s.histogram.size()), counts.size());
                for (qsizetype k = 0; k < counts.size(); ++k)
                    QCOMPARE(s.histogram[size_t(k)], qint64(counts.at(k).toInteger()));
                // Level names: compare as sets of equal counts (pandas' tie order differs).
                QCOMPARE(s.levels.size(), counts.size());
            }
        }
    }

    void emptyAndConstantColumns()
    {
        Eigen::MatrixXd m(4, 3);
        const double nan = std::numeric_limits<double>::quiet_NaN();
        m << nan, 2, 1, //
            nan, 2, std::numeric_limits<double>::infinity(), //
            nan, 2, 3, //
            nan, 2, nan;
        const TablePtr t = Table::fromMatrix({QStringLiteral("none"), QStringLiteral("const"), QStringLiteral("inf")}, m);
        const QList<ColumnStats> s = computeColumnStats(*t);
        QCOMPARE(s[0].count, qint64(0));
        QCOMPARE(s[0].missing, qint64(4));
        QVERIFY(std::isnan(s[0].mean));
        QVERIFY(s[0].histogram.empty());
        QCOMPARE(s[1].std, 0.0);
        QCOMPARE(s[1].histogram[0], qint64(4)); // a constant column lands in one bin
        QCOMPARE(s[2].infinite, qint64(1));
        QCOMPARE(s[2].count, qint64(3));
        QCOMPARE(s[2].mean, 2.0);
        QCOMPARE(s[2].histogram.front() + s[2].histogram.back(), qint64(2));
    }

    void progressCanStop()
    {
        const TablePtr t = Table::fromMatrix({QStringLiteral("a"), QStringLiteral("b"), QStringLiteral("c")},
                                             Eigen::MatrixXd::Ones(5, 3));
        ColumnStatsOptions options;
        options.progress = [](int done, int) { return done < 2; };
        QCOMPARE(computeColumnStats(*t, options).size(), 2);
    }
};

QTEST_GUILESS_MAIN(TestColumnStats)
#include "tst_columnstats.moc"
