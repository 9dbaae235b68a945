// The CSV reader: a corpus of malformed files, each refused with its message and location; good
// files rendered cell by cell; the shipped datasets; bit-exact round trips; the multi-threaded
// paths (forced onto small inputs with tiny chunks) checked against the sequential reader,
// including errors far into the file and randomly mutated inputs; cancellation.

#include "CsvTestSupport.h"

#include <fast_float/fast_float.h>

#include <QDir>
#include <QFile>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>
#include <cstring>
#include <limits>
#include <optional>

using namespace fb;
using namespace fb::csvtest;

class TestCsvReader : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void badFiles_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<QString>("target");
        QTest::addColumn<QStringList>("categorical");
        QTest::addColumn<qint64>("line");
        QTest::addColumn<qint64>("column");
        QTest::addColumn<QString>("message");
        auto add = [](const char *tag,
                      const char *file,
                      qint64 line,
                      qint64 column,
                      const QString &message,
                      const QString &target = {},
                      const QStringList &categorical = {}) {
            QTest::newRow(tag) << QString::fromLatin1(file) << target << categorical << line
                               << column << message;
        };
        add("ragged", "bad/ragged.csv", 7, 5, QStringLiteral("expected 5 fields, found 4"));
        add("ragged long", "bad/ragged_long.csv", 3, 4, QStringLiteral("expected 3 fields, found 4"));
        add("ragged after multi-line field",
            "bad/ragged_after_multiline.csv",
            4,
            3,
            QStringLiteral("expected 3 fields, found 2"));
        add("blank line in the middle",
            "bad/blank_line_middle.csv",
            3,
            0,
            QStringLiteral("expected 2 fields, found an empty line"));
        add("unterminated quote",
            "bad/unterminated_quote.csv",
            5,
            2,
            QStringLiteral("unterminated quoted field"));
        add("quote in unquoted field",
            "bad/quote_in_field.csv",
            3,
            2,
            QStringLiteral("quote inside an unquoted field"));
        add("text after closing quote",
            "bad/text_after_quote.csv",
            4,
            1,
            QStringLiteral("unexpected text after the closing quote"));
        add("empty file",
            "bad/empty.csv",
            1,
            0,
            QStringLiteral("the file is empty; expected a header line"));
        add("only a blank line",
            "bad/no_header.csv",
            1,
            0,
            QStringLiteral("only blank lines; expected a header line"));
        add("only a BOM", "bad/bom_only.csv", 1, 0, QStringLiteral("the file is empty"));
        add("Latin-1 byte", "bad/bad_utf8.csv", 3, 1, QStringLiteral("invalid UTF-8 (byte 0xF6)"));
        add("invalid UTF-8 in the header",
            "bad/bad_utf8_header.csv",
            1,
            2,
            QStringLiteral("invalid UTF-8 (byte 0xFF)"));
        add("overlong UTF-8",
            "bad/bad_utf8_overlong.csv",
            2,
            2,
            QStringLiteral("invalid UTF-8 (byte 0xC0)"));
        add("UTF-8 surrogate",
            "bad/bad_utf8_surrogate.csv",
            3,
            2,
            QStringLiteral("invalid UTF-8 (byte 0xED)"));
        add("truncated UTF-8",
            "bad/bad_utf8_truncated.csv",
            2,
            2,
            QStringLiteral("invalid UTF-8 (byte 0xE2)"));
        add("UTF-16", "bad/utf16.csv", 1, 1, QStringLiteral("the file is UTF-16 encoded"));
        add("NUL byte", "bad/nul_byte.csv", 3, 2, QStringLiteral("NUL byte"));
        add("duplicate header",
            "bad/duplicate_header.csv",
            1,
            3,
            QStringLiteral("duplicate column name 'a' (also the name of column 1)"));
        add("empty header",
            "bad/empty_header.csv",
            1,
            2,
            QStringLiteral("column 2 of the header has no name"));
        add("blank header name",
            "bad/blank_header_name.csv",
            1,
            2,
            QStringLiteral("column 2 of the header has no name"));
        add("missing target",
            "good/target.csv",
            1,
            0,
            QStringLiteral("target column 'nope' not found; columns are: f1, f2, label"),
            QStringLiteral("nope"));
        add("unknown categorical",
            "good/target.csv",
            1,
            0,
            QStringLiteral("categorical columns 'zz', 'yy' not found; columns are: f1, f2, label"),
            QString(),
            QStringList{QStringLiteral("zz"), QStringLiteral("f1"), QStringLiteral("yy")});
        add("cannot open",
            "bad/does_not_exist.csv",
            0,
            0,
            QStringLiteral("cannot open the file: No such file or directory"));
    }

    void badFiles()
    {
        QFETCH(QString, file);
        QFETCH(QString, target);
        QFETCH(QStringList, categorical);
        QFETCH(qint64, line);
        QFETCH(qint64, column);
        QFETCH(QString, message);
        CsvOptions options;
        options.target = target;
        options.categorical = categorical;
        const QString path = csvPath(file);
        std::optional<CsvError> error;
        try {
            CsvReader::readFile(path, options);
        } catch (const CsvError &e) {
            error = e;
        }
        QVERIFY2(error, "the file was accepted");
        QVERIFY2(error->message.contains(message), qPrintable(error->message));
        QCOMPARE(error->file, path);
        QCOMPARE(error->line, line);
        QCOMPARE(error->column, column);
        QCOMPARE(QString::fromUtf8(error->what()),
                 QStringLiteral("%1:%2:%3: %4").arg(path).arg(line).arg(column).arg(error->message));

        // Same verdict from memory, and from the multi-threaded path with tiny chunks.
        QFile f(path);
        if (f.open(QIODevice::ReadOnly)) {
            const QByteArray data = f.readAll();
            const QString sequential = outcome(data, options);
            QVERIFY(sequential.startsWith(
                QStringLiteral("ERROR mem.csv:%1:%2: ").arg(line).arg(column)));
            const Tuning tiny(3, 0, 2);
            QCOMPARE(outcome(data, options), sequential);
        }
    }

    void goodFiles_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<int>("delimiter");
        QTest::addColumn<QString>("target");
        QTest::addColumn<QStringList>("categorical");
        QTest::addColumn<QStringList>("missing");
        QTest::addColumn<QString>("expected");
        auto add = [](const char *tag,
                      const char *file,
                      const char *expected,
                      int delimiter = 0,
                      const QString &target = {},
                      const QStringList &categorical = {},
                      const QStringList &missing = {}) {
            QTest::newRow(tag) << QString::fromLatin1(file) << delimiter << target << categorical
                               << missing << QString::fromUtf8(expected);
        };
        add("quoted fields",
            "good/quoted.csv",
            "id:N|name:C|comment:C|score:N\n"
            "1|Smith, John|said \"hi\"|1.5\n"
            "2|plain|line one\\nline two|2.5\n"
            "3|~|~|3\n"
            "4|\"quoted\"|a,b,c|-0.004");
        add("semicolon detected", "good/semicolon.csv", "a:N|b:N|c:C\n1|2.5|x\n3|4|y");
        add("semicolon file read with ','", "good/semicolon.csv", "a;b;c:C\n1;2.5;x\n3;4;y", ',');
        add("tab detected", "good/tab.csv", "a:N|b c:N|d:C\n1|2|x, y\n3|4|z");
        add("BOM stripped", "good/bom.csv", "x:N|y:N\n1|2");
        add("CRLF", "good/crlf.csv", "id:N|text:C|kind:C\n1|two\\r\\nlines|a\n2|plain|b");
        add("missing tokens",
            "good/missing.csv",
            "num:N|cat:C\n1|a\n~|~\n~|b\n~|~\n~|~\n~|~\n~|~\n~|c\n2|~",
            0,
            {},
            {},
            {QStringLiteral("?")});
        add("without the extra token",
            "good/missing.csv",
            "num:C|cat:C\n1|a\n~|~\n~|b\n~|~\n~|~\n~|~\n~|?\n?|c\n 2 |~");
        add("categorical detected",
            "good/categorical.csv",
            "size:C|color:C|n:N\n3|red|1\n4|blue|2\n5|red|3\nfive|green|4");
        add("numbers look numeric",
            "good/forced_categorical.csv",
            "zip:N|rent:N\n2134|1500\n10001|2500\n2134|1700");
        add("forced categorical",
            "good/forced_categorical.csv",
            "zip:C|rent:N\n02134|1500\n10001|2500\n02134|1700",
            0,
            {},
            {QStringLiteral("zip")});
        add("target role",
            "good/target.csv",
            "f1:N|f2:N|label:C*\n0.5|1|yes\n1.5|2|no",
            0,
            QStringLiteral("label"));
        add("numeric target",
            "good/target.csv",
            "f1:N|f2:N*|label:C\n0.5|1|yes\n1.5|2|no",
            0,
            QStringLiteral("f2"));
        add("header only", "good/header_only.csv", "a:N|b:N|c:N");
        add("header only, no newline", "good/header_only_no_newline.csv", "a:N|b:N|c:N");
        add("no trailing newline", "good/no_trailing_newline.csv", "a:N|b:N\n1|2\n3|4");
        add("trailing blank lines", "good/trailing_blank_lines.csv", "a:N|b:N\n1|2");
        add("number forms",
            "good/numbers.csv",
            "x:N|y:N\n1.5|3\ninf|-inf\n1000|-0\n0.5|5\n-0.0125|1.23456789e+19");
        add("single column", "good/single_column.csv", "x:N\n1\n~\n3");
        add("UTF-8 text", "good/utf8.csv", "stadt:C|einwohner:N\nKöln|1\n東京|2\nZürich, CH|3");
        add("quoted header", "good/quoted_header.csv", "first name:N|a \"b\":N|c:N\n1|2|3");
    }

    void goodFiles()
    {
        QFETCH(QString, file);
        QFETCH(int, delimiter);
        QFETCH(QString, target);
        QFETCH(QStringList, categorical);
        QFETCH(QStringList, missing);
        QFETCH(QString, expected);
        CsvOptions options;
        options.delimiter = char(delimiter);
        options.target = target;
        options.categorical = categorical;
        options.missingTokens = missing;
        TablePtr t;
        try {
            t = CsvReader::readFile(csvPath(file), options);
        } catch (const CsvError &e) {
            QFAIL(e.what());
        }
        QCOMPARE(render(*t), expected);
        QFile f(csvPath(file));
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QByteArray data = f.readAll();
        QCOMPARE(outcome(data, options), expected);
        const Tuning tiny(1, 0, 2);
        QCOMPARE(outcome(data, options), expected);
    }

    void inlineData_data()
    {
        QTest::addColumn<QByteArray>("data");
        QTest::addColumn<int>("delimiter");
        QTest::addColumn<QString>("expected");
        auto add = [](const char *tag, const QByteArray &data, int delimiter, const char *expected) {
            QTest::newRow(tag) << data << delimiter << QString::fromUtf8(expected);
        };
        add("pipe", "a|b\n1|x\n", '|', "a:N|b:C\n1|x");
        add("colon", "a:b\n1:2\n", ':', "a:N|b:N\n1|2");
        add("space", "a b c\n1 2 3\n4  6\n", ' ', "a:N|b:N|c:N\n1|2|3\n4|~|6");
        add("space: trailing space is a field",
            "a b\n1 2 \n",
            ' ',
            "ERROR mem.csv:2:3: expected 2 fields, found 3");
        add("unsupported delimiter",
            "a.b\n1.2\n",
            '.',
            "ERROR mem.csv:0:0: unsupported delimiter '.': use ',', ';', tab, '|', ':' or space");
        add("padded numbers", "a,b\n 1 ,  2\n", 0, "a:N|b:N\n1|2");
        add("tab is not padding for numbers", "a;b\n1\t;2\n", 0, "a:N|b:N\n1|2");
        add("number then text", "a,b\n1x,2\n", 0, "a:C|b:N\n1x|2");
        add("exponent without digits", "a\n1e\n", 0, "a:C\n1e");
        add("two signs", "a\n+-1\n", 0, "a:C\n+-1");
        add("hex is text", "a\n0x10\n", 0, "a:C\n0x10");
        add("quoted number", "a,b\n\"1.5\",\" 2 \"\n", 0, "a:N|b:N\n1.5|2");
        add("quoted empty is missing", "a,b\n\"\",x\n1,y\n", 0, "a:N|b:C\n~|x\n1|y");
        add("lone CR is data", "a,b\nx\ry,1\n", 0, "a:C|b:N\nx\\ry|1");
        add("header line with CRLF only at the end", "a,b\r\n1,2", 0, "a:N|b:N\n1|2");
        add("too few after a quoted field",
            "a,b,c\n\"x\",2\n",
            0,
            "ERROR mem.csv:2:3: expected 3 fields, found 2");
        add("quote after closing quote and CR",
            "a\n\"x\"\ry\n",
            0,
            "ERROR mem.csv:2:1: unexpected text after the closing quote; expected the delimiter or "
            "the end of the line");
        add("duplicate after trimming",
            "a, a\n1,2\n",
            0,
            "ERROR mem.csv:1:2: duplicate column name 'a' (also the name of column 1)");
    }

    void inlineData()
    {
        QFETCH(QByteArray, data);
        QFETCH(int, delimiter);
        QFETCH(QString, expected);
        CsvOptions options;
        options.delimiter = char(delimiter);
        QCOMPARE(outcome(data, options), expected);
        const Tuning tiny(2, 0, 2);
        QCOMPARE(outcome(data, options), expected);
    }

    void levelsInOrderOfFirstAppearance()
    {
        const TablePtr t = CsvReader::readFile(csvPath(QStringLiteral("good/categorical.csv")));
        QCOMPARE(t->categorical(1).levels,
                 QStringList(
                     {QStringLiteral("red"), QStringLiteral("blue"), QStringLiteral("green")}));
        QCOMPARE(t->categorical(1).codes, std::vector<std::int32_t>({0, 1, 0, 2}));
        QCOMPARE(t->categorical(0).levels,
                 QStringList({QStringLiteral("3"),
                              QStringLiteral("4"),
                              QStringLiteral("5"),
                              QStringLiteral("five")}));
    }

    void shippedDatasets_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QString>("target");
        QTest::addColumn<int>("rows");
        QTest::addColumn<int>("numeric");
        QTest::addColumn<int>("levels"); // of the categorical target; 0 = numeric target
        QTest::newRow("iris") << "iris"
                              << "species" << 150 << 4 << 3;
        QTest::newRow("wine") << "wine"
                              << "cultivar" << 178 << 13 << 3;
        QTest::newRow("breast_cancer") << "breast_cancer"
                                       << "diagnosis" << 569 << 30 << 2;
        QTest::newRow("diabetes") << "diabetes"
                                  << "progression" << 442 << 11 << 0;
        QTest::newRow("digits") << "digits"
                                << "digit" << 1797 << 65 << 0;
    }

    void shippedDatasets()
    {
        QFETCH(QString, name);
        QFETCH(QString, target);
        QFETCH(int, rows);
        QFETCH(int, numeric);
        QFETCH(int, levels);
        CsvOptions options;
        options.target = target;
        const TablePtr t = CsvReader::readFile(sourceDir() + QStringLiteral("/resources/datasets/")
                                                   + name + QStringLiteral(".csv"),
                                               options);
        QCOMPARE(t->rowCount(), Eigen::Index(rows));
        QCOMPARE(t->numericStore().cols(), Eigen::Index(numeric));
        QCOMPARE(t->numericStore().rows(), Eigen::Index(rows));
        QCOMPARE(t->columnCount(), numeric + (levels > 0 ? 1 : 0));
        const int ti = t->targetColumn();
        QCOMPARE(ti, t->columnCount() - 1);
        QCOMPARE(t->column(ti).name, target);
        QCOMPARE(t->column(ti).kind, levels > 0 ? ColumnKind::Categorical : ColumnKind::Numeric);
        if (levels > 0)
            QCOMPARE(t->categorical(ti).levels.size(), levels);
        for (int c = 0; c < t->columnCount(); ++c)
            for (Eigen::Index r = 0; r < t->rowCount(); ++r)
                QVERIFY(!t->isMissing(r, c));
        if (name == u"iris") {
            QCOMPARE(t->categorical(4).levels,
                     QStringList({QStringLiteral("setosa"),
                                  QStringLiteral("versicolor"),
                                  QStringLiteral("virginica")}));
            QCOMPARE(render(*t).section(QLatin1Char('\n'), 0, 1),
                     QStringLiteral("sepal_length:N|sepal_width:N|petal_length:N|petal_width:N|"
                                    "species:C*\n5.1|3.5|1.4|0.2|setosa"));
        }
    }

    void plainDecimalMatchesFastFloat()
    {
        // The reader's shortcut for plain decimals must give the very same double.
        QRandomGenerator rng(7);
        const char digits[] = "0123456789";
        for (int i = 0; i < 200000; ++i) {
            QByteArray s;
            if (rng.bounded(2))
                s += '-';
            const int intDigits = int(rng.bounded(9));
            for (int d = 0; d < intDigits; ++d)
                s += digits[rng.bounded(10)];
            if (rng.bounded(4))
                s += '.';
            const int fracDigits = int(rng.bounded(12));
            for (int d = 0; d < fracDigits; ++d)
                s += digits[rng.bounded(10)];
            if (rng.bounded(20) == 0)
                s += "e5";
            const char *b = s.constData();
            const char *e = b + s.size();
            double fast = 0;
            double reference = 0;
            const char *end = csv::parsePlainDecimal(b, e, fast);
            const auto r = fast_float::from_chars(b, e, reference);
            if (!end)
                continue;
            QVERIFY2(r.ec == std::errc() && r.ptr == end, s.constData());
            QVERIFY2(std::memcmp(&fast, &reference, sizeof fast) == 0, s.constData());
        }
    }

    void roundTrip_data()
    {
        QTest::addColumn<int>("chunk");
        QTest::addColumn<int>("threads");
        QTest::addColumn<bool>("crlf");
        QTest::newRow("one thread") << 0 << 1 << false;
        QTest::newRow("two threads, 4 KB chunks") << 4096 << 2 << false;
        QTest::newRow("three threads, 61-byte chunks, CRLF") << 61 << 3 << true;
    }

    void roundTrip()
    {
        // Random doubles written with %.17g read back bit-identical, text with quotes, delimiters
        // and line breaks intact, and a column that turns to text after the type sample.
        QFETCH(int, chunk);
        QFETCH(int, threads);
        QFETCH(bool, crlf);
        const Generated g = generate(6000, 2500, 42, crlf);
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString path = dir.filePath(QStringLiteral("round.csv"));
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(g.text);
        f.close();
        const Tuning tuning(chunk, chunk > 0 ? 0 : std::int64_t(1) << 40, threads);
        const TablePtr mapped = CsvReader::readFile(path);
        checkGenerated(*mapped, g);
        if (QTest::currentTestFailed())
            return;
        const TablePtr inMemory = CsvReader::readData(g.text, QStringLiteral("round.csv"));
        checkGenerated(*inMemory, g);
    }

    void errorsFarIntoTheFile_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::addColumn<qint64>("column");
        QTest::addColumn<QString>("message");
        QTest::newRow("ragged") << "ragged" << qint64(6) << "expected 5 fields, found 6";
        QTest::newRow("bad byte") << "badbyte" << qint64(1) << "invalid UTF-8 (byte 0xFF)";
        QTest::newRow("NUL") << "nul" << qint64(2) << "NUL byte";
        QTest::newRow("unterminated quote")
            << "unterminated" << qint64(1) << "unterminated quoted field";
        QTest::newRow("quote in field") << "quote" << qint64(2) << "quote inside an unquoted field";
    }

    void errorsFarIntoTheFile()
    {
        // One fault in row 4321 of 6000, with multi-line quoted fields before and after: every
        // reading (any chunking, any number of threads) reports it at its physical line.
        QFETCH(QString, kind);
        QFETCH(qint64, column);
        QFETCH(QString, message);
        const int badRow = 4321;
        Generated g = generate(6000, 6000, 9);
        // Find the row's start: the text after the line break that precedes its id.
        const QByteArray idText = '\n' + QByteArray::number(badRow) + ',';
        const qsizetype start = g.text.indexOf(idText) + 1;
        QVERIFY(start > 0);
        if (kind == u"ragged")
            g.text.insert(start, "7,");
        else if (kind == u"badbyte")
            g.text.insert(start, "\xff");
        else if (kind == u"nul")
            g.text.insert(start + idText.size() - 1, QByteArray(1, '\0'));
        else if (kind == u"unterminated") {
            // No quote after it can close it.
            QByteArray rest = g.text.mid(start);
            g.text = g.text.left(start) + '"' + rest.replace('"', "");
        } else if (kind == u"quote")
            g.text.insert(start + idText.size() - 1, "1\"");
        // A surplus field is reported where it starts, after the row's text (which may span lines).
        const qint64 line = g.rowLine[size_t(badRow)]
                            + (kind == u"ragged" ? g.texts.at(badRow).count(QLatin1Char('\n')) : 0);
        const QString expected = QStringLiteral("ERROR mem.csv:%1:%2: ").arg(line).arg(column);
        const QString sequential = outcome(g.text);
        QVERIFY2(sequential.startsWith(expected) && sequential.contains(message),
                 qPrintable(sequential));
        for (const int chunk : {64, 1000, 100000}) {
            const Tuning tuning(chunk, 0, 2);
            QCOMPARE(outcome(g.text), sequential);
        }
    }

    void mutatedInputsAgree()
    {
        // Randomly damaged CSV: never a crash, and the multi-threaded reader (tiny chunks) gives
        // exactly the sequential verdict, table or error.
        QRandomGenerator rng(1234);
        const QByteArray seeds[] = {
            "a,b,c\n1,\"x,y\",3\n4,\"multi\nline\",6\n7,\"q\"\"q\",9\n",
            "x;y\r\n1;2\r\n\"3\";\"4\r\n5\"\r\n",
            "n,t\n1.5,abc\n-2e3,\"\"\n,NA\n\xc3\xa9,\xe2\x82\xac\n",
        };
        const char alphabet[] = {',',
                                 ';',
                                 '\t',
                                 '"',
                                 '\n',
                                 '\r',
                                 '0',
                                 '1',
                                 '.',
                                 'e',
                                 '-',
                                 'a',
                                 ' ',
                                 '\0',
                                 '\xff',
                                 '\xc3',
                                 '\xa9'};
        for (int i = 0; i < 3000; ++i) {
            QByteArray data = seeds[rng.bounded(3)];
            const int edits = 1 + int(rng.bounded(4));
            for (int e = 0; e < edits; ++e) {
                const qsizetype at = qsizetype(rng.bounded(int(data.size()) + 1));
                const char c = alphabet[rng.bounded(int(sizeof alphabet))];
                switch (rng.bounded(4)) {
                case 0:
                    data.insert(at, c);
                    break;
                case 1:
                    if (at < data.size())
                        data[at] = c;
                    break;
                case 2:
                    data.remove(at, 1);
                    break;
                default:
                    data.truncate(at);
                }
            }
            const QString sequential = outcome(data);
            const Tuning tuning(1 + rng.bounded(8), 0, 2);
            const QString parallel = outcome(data);
            QVERIFY(!sequential.contains(QStringLiteral("BAD ")));
            QVERIFY(!sequential.contains(QStringLiteral("internal error")));
            if (parallel != sequential)
                QFAIL(qPrintable(QStringLiteral("input %1 %2:\n%3\n--- vs ---\n%4")
                                     .arg(i)
                                     .arg(QString::fromLatin1(data.toHex()), sequential, parallel)));
        }
    }

    void progressAndCancel()
    {
        // ~6 MB: large enough for the default multi-threaded path and several progress calls.
        QByteArray data = "a,b,c\n";
        for (int r = 0; data.size() < 6 * 1024 * 1024; ++r)
            data += QByteArray::number(r) + ",0.25," + QByteArray::number(r % 10) + '\n';
        QList<double> seen;
        CsvOptions options;
        options.progress = [&seen](double f) {
            seen << f;
            return true;
        };
        const TablePtr t = CsvReader::readData(data, QStringLiteral("big.csv"), options);
        QVERIFY(t->rowCount() > 100000);
        QVERIFY2(seen.size() >= 4, qPrintable(QString::number(seen.size())));
        QCOMPARE(seen.first(), 0.0);
        QCOMPARE(seen.last(), 1.0);
        for (int i = 1; i < seen.size(); ++i)
            QVERIFY(seen[i] >= seen[i - 1]);

        for (const int stopAt : {1, 2, 3}) {
            int calls = 0;
            options.progress = [&calls, stopAt](double) { return ++calls < stopAt; };
            bool cancelled = false;
            try {
                CsvReader::readData(data, QStringLiteral("big.csv"), options);
            } catch (const CsvCancelled &) {
                cancelled = true;
            }
            QVERIFY(cancelled);
            QCOMPARE(calls, stopAt); // stops at once: no call after the refusal
        }
    }
};

QTEST_GUILESS_MAIN(TestCsvReader)
#include "tst_csvreader.moc"
