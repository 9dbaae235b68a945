// Helpers of tst_csvreader: rendering tables as text, reading with a chosen chunking, and a
// generator of large CSV text with known contents.
#pragma once

#include "data/CsvParser.h"
#include "data/CsvReader.h"

#include <QRandomGenerator>
#include <QTest>

#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>
#include <vector>

namespace fb::csvtest {

inline QString sourceDir()
{
    return qEnvironmentVariable("FLOWBENCH_SOURCE_DIR",
                                QStringLiteral(FLOWBENCH_SOURCE_DIR_FALLBACK));
}

inline QString csvPath(const QString &relative)
{
    return sourceDir() + QStringLiteral("/tests/data/csv/") + relative;
}

// Sets the reader's chunking for one scope: tiny chunks put chunk boundaries everywhere (inside
// quoted fields, CRLF pairs, UTF-8 sequences are impossible by construction) on small inputs.
class Tuning
{
public:
    Tuning(std::int64_t chunkBytes, std::int64_t parallelBytes, int threads)
        : m_saved(csv::readerTuning())
    {
        csv::readerTuning() = csv::ReaderTuning{chunkBytes, parallelBytes, threads};
    }
    ~Tuning() { csv::readerTuning() = m_saved; }
    Tuning(const Tuning &) = delete;
    Tuning &operator=(const Tuning &) = delete;

private:
    csv::ReaderTuning m_saved;
};

inline QString escaped(QString s)
{
    return s.replace(QLatin1Char('\r'), QStringLiteral("\\r"))
        .replace(QLatin1Char('\n'), QStringLiteral("\\n"));
}

// The whole table as text: "name:N|name:C*" (N numeric, C categorical, * target), then one line
// per row, missing cells as "~".
inline QString render(const Table &t)
{
    QStringList lines;
    QStringList head;
    for (const Column &c : t.columns())
        head << c.name
                    + (c.kind == ColumnKind::Numeric ? QStringLiteral(":N") : QStringLiteral(":C"))
                    + (c.role == ColumnRole::Target ? QStringLiteral("*") : QString());
    lines << head.join(QLatin1Char('|'));
    for (Eigen::Index r = 0; r < t.rowCount(); ++r) {
        QStringList cells;
        for (int c = 0; c < t.columnCount(); ++c) {
            if (t.isMissing(r, c))
                cells << QStringLiteral("~");
            else if (t.column(c).kind == ColumnKind::Numeric) {
                const double v = t.numeric(c)[r];
                // QString::number drops the sign of -0.
                cells << (v == 0 && std::signbit(v) ? QStringLiteral("-0")
                                                    : QString::number(v, 'g', 10));
            } else
                cells << escaped(t.displayValue(r, c));
        }
        lines << cells.join(QLatin1Char('|'));
    }
    return lines.join(QLatin1Char('\n'));
}

// Either the rendered table or the error, to compare two ways of reading the same bytes.
inline QString outcome(const QByteArray &data, const CsvOptions &options = {})
{
    try {
        const TablePtr t = CsvReader::readData(data, QStringLiteral("mem.csv"), options);
        QString s = render(*t);
        // Storage invariants the rest of Flowbench relies on.
        const Eigen::MatrixXd &m = t->numericStore();
        int numeric = 0;
        for (const Column &c : t->columns())
            numeric += c.kind == ColumnKind::Numeric;
        if (m.cols() != numeric || (numeric > 0 && m.rows() != t->rowCount()))
            s += QStringLiteral("\nBAD NUMERIC STORE");
        for (const CategoricalColumn &c : t->categoricalStore())
            for (const std::int32_t code : c.codes)
                if (code < -1 || code >= c.levels.size())
                    s += QStringLiteral("\nBAD CODE");
        return s;
    } catch (const CsvError &e) {
        return QStringLiteral("ERROR ") + QString::fromUtf8(e.what());
    }
}

inline QString randomDoubleText(QRandomGenerator &rng, double &value)
{
    // Random bit patterns cover every exponent, subnormals and signed zeros; plus short decimals.
    if (rng.bounded(4) == 0) {
        value = double(rng.bounded(2000000) - 1000000) / 1000.0;
    } else {
        do {
            const quint64 bits = rng.generate64();
            std::memcpy(&value, &bits, sizeof value);
        } while (std::isnan(value));
    }
    char buffer[40];
    std::snprintf(buffer, sizeof buffer, "%.17g", value);
    return QString::fromLatin1(buffer);
}

struct Generated
{
    QByteArray text;
    std::vector<double> ids, values, flags; // NaN = missing
    QStringList texts;                      // "" = missing
    QStringList flagTexts;                  // the flag column as written
    std::vector<qint64> rowLine;            // physical line where each row starts
};

// id, value (random doubles, some missing), flag (numbers, then words from row `textFrom` on:
// it must end up categorical), text (words quoted with delimiters, quotes and line breaks), last.
inline Generated generate(int rows, int textFrom, quint32 seed, bool crlf = false)
{
    QRandomGenerator rng(seed);
    Generated g;
    const QByteArray eol = crlf ? "\r\n" : "\n";
    QByteArray &out = g.text;
    out = "id,value,flag,text,last" + eol;
    qint64 line = 2;
    const QStringList words{QStringLiteral("alpha"),
                            QStringLiteral("beta, gamma"),
                            QStringLiteral("say \"hi\""),
                            QStringLiteral("two\nlines"),
                            QStringLiteral("crlf\r\ninside"),
                            QStringLiteral("ünï ✓"),
                            QStringLiteral(" padded ")};
    for (int r = 0; r < rows; ++r) {
        g.rowLine.push_back(line);
        g.ids.push_back(r);
        double v = std::numeric_limits<double>::quiet_NaN();
        QString valueText;
        if (rng.bounded(10) != 0)
            valueText = randomDoubleText(rng, v);
        g.values.push_back(v);
        QString flag = r >= textFrom && r % 7 == 0 ? QStringLiteral("w%1").arg(r % 5)
                                                   : QString::number(r % 3);
        g.flagTexts << flag;
        QString text = rng.bounded(8) == 0 ? QString() : words.at(int(rng.bounded(words.size())));
        g.texts << text;
        QByteArray quoted = text.toUtf8();
        const bool quote = quoted.contains(',') || quoted.contains('"') || quoted.contains('\n')
                           || rng.bounded(3) == 0;
        if (quote && !quoted.isEmpty())
            quoted = '"' + quoted.replace("\"", "\"\"") + '"';
        out += QByteArray::number(r) + ',' + valueText.toLatin1() + ',' + flag.toUtf8() + ','
               + quoted + ',' + QByteArray::number(r % 2) + eol;
        line += 1 + text.count(QLatin1Char('\n'));
    }
    return g;
}

inline void checkGenerated(const Table &t, const Generated &g)
{
    QCOMPARE(t.rowCount(), Eigen::Index(g.ids.size()));
    QCOMPARE(t.columnNames(),
             QStringList({QStringLiteral("id"),
                          QStringLiteral("value"),
                          QStringLiteral("flag"),
                          QStringLiteral("text"),
                          QStringLiteral("last")}));
    QCOMPARE(t.column(0).kind, ColumnKind::Numeric);
    QCOMPARE(t.column(1).kind, ColumnKind::Numeric);
    QCOMPARE(t.column(3).kind, ColumnKind::Categorical);
    QCOMPARE(t.column(4).kind, ColumnKind::Numeric);
    QCOMPARE(t.numericStore().cols(), 3); // the demoted flag column left the matrix
    const auto ids = t.numeric(0);
    const auto values = t.numeric(1);
    for (size_t r = 0; r < g.ids.size(); ++r) {
        QCOMPARE(ids[Eigen::Index(r)], g.ids[r]);
        const double expected = g.values[r];
        const double got = values[Eigen::Index(r)];
        if (std::isnan(expected)) {
            QVERIFY2(std::isnan(got), qPrintable(QStringLiteral("row %1").arg(r)));
        } else {
            // Bit-identical, which also tells -0 from +0.
            QVERIFY2(std::memcmp(&expected, &got, sizeof got) == 0,
                     qPrintable(QStringLiteral("row %1: %2 != %3")
                                    .arg(r)
                                    .arg(expected, 0, 'g', 17)
                                    .arg(got, 0, 'g', 17)));
        }
        QCOMPARE(t.displayValue(Eigen::Index(r), 3), g.texts.at(int(r)));
        QCOMPARE(t.displayValue(Eigen::Index(r), 2), g.flagTexts.at(int(r)));
        QCOMPARE(t.numeric(4)[Eigen::Index(r)], double(r % 2));
    }
    // Levels in order of first appearance.
    const CategoricalColumn &flag = t.categorical(2);
    QStringList firstSeen;
    for (const QString &f : g.flagTexts)
        if (!firstSeen.contains(f))
            firstSeen << f;
    QCOMPARE(flag.levels, firstSeen);
}

} // namespace fb::csvtest
