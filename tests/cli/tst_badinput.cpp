// The bad input catalogue (tests/data/bad/, described in its README.md), end to end through the
// real flowbench-cli: malformed model files, pipelines, CSV files and scoring requests, plus the
// enormous and deeply nested ones generated here (nothing > 1 MB is committed). Each must be
// refused with its specific message and exit code (or HTTP status), and nothing may be written
// or lost: an existing output file keeps its content, the store records no run for an invalid
// pipeline, no model file appears, and the scoring server keeps answering correctly.
//
// Also: pipeline and model files never execute anything and never read outside the paths they
// name (no shell or environment expansion; a FIFO named only as metadata is never opened,
// which would block the process and time the test out).

#include "CliRunner.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

#include <sys/stat.h>

using namespace fbtest;

namespace {

const QByteArray outputSentinel = "precious: an earlier result the failed command must not touch\n";

QString badDir(const QString &kind)
{
    return sourceDir() + QStringLiteral("/tests/data/bad/") + kind + u'/';
}

QString irisCsv()
{
    return sourceDir() + QStringLiteral("/resources/datasets/iris.csv");
}

// The model every catalogue case is a broken copy of (iris, logistic regression).
QString goodModel()
{
    return sourceDir() + QStringLiteral("/tests/fuzz/corpus/model/logistic_regression.fbm");
}

bool writeFile(const QString &path, const QByteArray &bytes)
{
    QFile f(path);
    return f.open(QIODevice::WriteOnly | QIODevice::Truncate) && f.write(bytes) == bytes.size();
}

QByteArray readFile(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

int runCount(const QString &storePath)
{
    if (!QFileInfo::exists(storePath))
        return 0;
    const QString name = QStringLiteral("badinput-probe");
    int count = -1;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
        db.setDatabaseName(storePath);
        if (db.open()) {
            QSqlQuery q(db);
            if (q.exec(QStringLiteral("SELECT COUNT(*) FROM runs")) && q.next())
                count = q.value(0).toInt();
            else
                count = 0; // a store created but never migrated holds no run either
        }
    }
    QSqlDatabase::removeDatabase(name);
    return count;
}

// A pipeline reading `csvPath`, training on it and saving the model: the .fbm must not appear
// when the CSV is bad.
QByteArray trainingPipeline(const QString &csvPath,
                            const QString &target = QStringLiteral("species"))
{
    const QJsonObject flow{
        {QStringLiteral("format"), QStringLiteral("flowbench.pipeline")},
        {QStringLiteral("version"), 1},
        {QStringLiteral("name"), QStringLiteral("badinput")},
        {QStringLiteral("nodes"),
         QJsonArray{QJsonObject{{QStringLiteral("id"), QStringLiteral("data")},
                                {QStringLiteral("type"), QStringLiteral("csv_source")},
                                {QStringLiteral("params"),
                                 QJsonObject{{QStringLiteral("path"), csvPath},
                                             {QStringLiteral("target"), target}}}},
                    QJsonObject{{QStringLiteral("id"), QStringLiteral("train")},
                                {QStringLiteral("type"), QStringLiteral("logistic_regression")}},
                    QJsonObject{{QStringLiteral("id"), QStringLiteral("save")},
                                {QStringLiteral("type"), QStringLiteral("save_model")}}}},
        {QStringLiteral("links"),
         QJsonArray{QJsonObject{{QStringLiteral("from"), QStringLiteral("data.table")},
                                {QStringLiteral("to"), QStringLiteral("train.train")}},
                    QJsonObject{{QStringLiteral("from"), QStringLiteral("train.model")},
                                {QStringLiteral("to"), QStringLiteral("save.model")}}}}};
    return QJsonDocument(flow).toJson();
}

struct HttpAnswer
{
    int status = 0;
    QByteArray body;
    QString error() const
    {
        return QJsonDocument::fromJson(body).object().value(QStringLiteral("message")).toString();
    }
};

// One request on a fresh connection; reads the answer by its Content-Length.
HttpAnswer exchange(quint16 port, const QByteArray &request)
{
    HttpAnswer answer;
    QTcpSocket socket;
    socket.connectToHost(QStringLiteral("127.0.0.1"), port);
    if (!socket.waitForConnected(10000))
        return answer;
    socket.write(request);
    socket.waitForBytesWritten(10000);
    QByteArray data;
    qsizetype headerEnd = -1;
    qint64 length = -1;
    while (socket.waitForReadyRead(20000) || socket.bytesAvailable() > 0) {
        data += socket.readAll();
        if (headerEnd < 0 && (headerEnd = data.indexOf("\r\n\r\n")) >= 0) {
            const auto m = QRegularExpression(QStringLiteral("\r\ncontent-length: *(\\d+)"),
                                              QRegularExpression::CaseInsensitiveOption)
                               .match(QString::fromLatin1(data.left(headerEnd + 2)));
            length = m.hasMatch() ? m.captured(1).toLongLong() : -1;
        }
        if (headerEnd >= 0 && length >= 0 && data.size() - headerEnd - 4 >= length)
            break;
    }
    const auto status = QRegularExpression(QStringLiteral("^HTTP/1\\.[01] (\\d{3}) "))
                            .match(QString::fromLatin1(data.left(20)));
    answer.status = status.hasMatch() ? status.captured(1).toInt() : 0;
    if (headerEnd >= 0)
        answer.body = data.mid(headerEnd + 4);
    return answer;
}

QByteArray post(const QByteArray &body, const QByteArray &contentType = "application/json")
{
    return "POST /invocations HTTP/1.1\r\nHost: localhost\r\nContent-Type: " + contentType
           + "\r\nContent-Length: " + QByteArray::number(body.size()) + "\r\n\r\n" + body;
}

const QByteArray goodRequest = post(
    R"({"dataframe_split": {"columns": ["sepal_length", "sepal_width", "petal_length",
 "petal_width"], "data": [[5.1, 3.5, 1.4, 0.2], [6.7, 3.0, 5.2, 2.3]]}})");

} // namespace

class TestBadInput : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    QProcess m_server;
    quint16 m_port = 0;

    QString path(const QString &name) const { return m_dir.filePath(name); }
    QString store() const { return path(QStringLiteral("store/store.sqlite")); }
    QString artifacts() const { return path(QStringLiteral("store/artifacts")); }

    // Runs a command that must fail with `exitCode` and `message`, and checks that it wrote
    // nothing: the output file keeps its content, no run is recorded, no file appears.
    void expectRefused(QStringList args,
                       int exitCode,
                       const QString &message,
                       const QString &output = {})
    {
        if (!output.isEmpty())
            QVERIFY(writeFile(output, outputSentinel));
        const int runsBefore = runCount(store());
        const QStringList filesBefore = filesUnder(m_dir.path());
        if (args.value(0) == u"run" || args.value(0) == u"predict"
            || args.value(0) == u"export-onnx")
            args << QStringLiteral("--store") << store();
        const CliResult r = runCli(args);
        const QString all = r.err + r.out;
        QVERIFY2(r.exitCode == exitCode,
                 qPrintable(QStringLiteral("exit %1, expected %2: %3")
                                .arg(r.exitCode)
                                .arg(exitCode)
                                .arg(all)));
        QVERIFY2(all.contains(message),
                 qPrintable(QStringLiteral("expected '%1' in: %2").arg(message, all)));
        QVERIFY2(!all.contains(QStringLiteral("internal error")), qPrintable(all));
        if (!output.isEmpty())
            QCOMPARE(readFile(output), outputSentinel);
        if (exitCode == 2)
            QCOMPARE(runCount(store()), runsBefore);
        QStringList filesAfter = filesUnder(m_dir.path());
        // The store's own files may be created or grow (it is opened); nothing else may appear.
        filesAfter.removeIf([this](const QString &f) { return f.startsWith(store()); });
        QStringList expected = filesBefore;
        expected.removeIf([this](const QString &f) { return f.startsWith(store()); });
        QCOMPARE(filesAfter, expected);
    }

    // The server for the request cases: a 1 MiB body limit so the oversized body stays small.
    void startServer()
    {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("OPENBLAS_NUM_THREADS"), QStringLiteral("1"));
        m_server.setProcessEnvironment(env);
        m_server.start(cliPath(),
                       {QStringLiteral("serve"),
                        goodModel(),
                        QStringLiteral("--port"),
                        QStringLiteral("0"),
                        QStringLiteral("--threads"),
                        QStringLiteral("2"),
                        QStringLiteral("--max-body-mb"),
                        QStringLiteral("1"),
                        QStringLiteral("--store"),
                        store()});
        QVERIFY(m_server.waitForStarted(10000));
        QByteArray line;
        while (!line.contains('\n') && m_server.waitForReadyRead(60000))
            line += m_server.readAllStandardOutput();
        const auto m = QRegularExpression(QStringLiteral("^http://127\\.0\\.0\\.1:(\\d+)"))
                           .match(QString::fromUtf8(line));
        QVERIFY2(m.hasMatch(),
                 qPrintable(QString::fromUtf8(line + m_server.readAllStandardError())));
        m_port = quint16(m.captured(1).toUInt());
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        QVERIFY2(QFileInfo(cliPath()).isExecutable(), "FLOWBENCH_CLI must point at flowbench-cli");
        QVERIFY(QDir().mkpath(path(QStringLiteral("work"))));
        QVERIFY(QFileInfo::exists(goodModel()));
    }

    // --- Model files --------------------------------------------------------------------------
    void modelFile_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<QString>("message");
        const auto row = [](const char *file, const char *message) {
            QTest::newRow(file) << QString::fromLatin1(file) << QString::fromUtf8(message);
        };
        row("empty.fbm", "not a Flowbench model file (invalid JSON at byte 0");
        row("truncated.fbm",
            "not a Flowbench model file (invalid JSON at byte 301: unterminated string)");
        row("invalid_utf8.fbm", "invalid UTF8 string");
        row("huge_number.fbm", "illegal number");
        row("nan_literal.fbm", "illegal number");
        row("wrong_format.fbm", "expected \"format\": \"flowbench.model\"");
        row("version_string.fbm", "\"version\" must be a positive integer");
        row("newer_version.fbm", "written by a newer Flowbench (model format version 99)");
        // Both were undefined behaviour (a double converted to int64 out of range), found by
        // fuzz/model and fixed in ModelFile.cpp and ArchiveJson.cpp.
        row("version_huge.fbm", "written by a newer Flowbench (model format version 1.22222e+89)");
        row("integers_out_of_range.fbm", "model file: field 'feature' must hold integers");
        row("unknown_kind.fbm", "unknown model kind 'exec'");
        row("duplicate_classes.fbm", "\"classes\" lists 'setosa' twice; class names must be unique");
        row("coefficients_strings.fbm", "field 'coefficients' must hold numbers");
        row("coefficients_short.fbm", "matrix 'coefficients' has inconsistent dimensions");
        row("matrix_huge_dims.fbm", "matrix 'coefficients' has inconsistent dimensions");
        row("classes_huge.fbm", "field 'classes' is not an integer");
        row("feature_count_mismatch.fbm", "the estimator expects 4 features but the file lists 5");
        row("input_type_shell.fbm", "input 'sepal_length' has an unknown type '$(rm -rf /)'");
    }

    void modelFile()
    {
        QFETCH(QString, file);
        QFETCH(QString, message);
        const QString output = path(QStringLiteral("work/scored.csv"));
        expectRefused({QStringLiteral("predict"),
                       badDir(QStringLiteral("model")) + file,
                       irisCsv(),
                       QStringLiteral("-o"),
                       output},
                      2,
                      message,
                      output);
        // export-onnx reads models through the same loader and must not leave an .onnx behind.
        const QString onnx = path(QStringLiteral("work/model.onnx"));
        expectRefused({QStringLiteral("export-onnx"),
                       badDir(QStringLiteral("model")) + file,
                       QStringLiteral("-o"),
                       onnx},
                      2,
                      message);
        QVERIFY(!QFileInfo::exists(onnx));
    }

    void generatedModelFiles()
    {
        // 100,000 nested arrays: the JSON parser's depth limit, not a stack overflow.
        const QString deep = path(QStringLiteral("work/deep.fbm"));
        QVERIFY(writeFile(deep, QByteArray(100000, '[') + QByteArray(100000, ']')));
        expectRefused({QStringLiteral("predict"), deep, irisCsv()},
                      2,
                      QStringLiteral("too deeply nested document"));
        // Larger than any model: refused by its size, without reading it (sparse, no disk used).
        const QString huge = path(QStringLiteral("work/huge.fbm"));
        QFile f(huge);
        QVERIFY(f.open(QIODevice::WriteOnly) && f.resize(2LL * 1024 * 1024 * 1024 + 1));
        f.close();
        expectRefused({QStringLiteral("predict"), huge, irisCsv()},
                      2,
                      QStringLiteral("model files larger than 2 GB are refused"));
        QFile::remove(huge);
        QFile::remove(deep);
    }

    // --- Pipelines ----------------------------------------------------------------------------
    void flowFile_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<QString>("message");
        const auto row = [](const char *file, const char *message) {
            QTest::newRow(file) << QString::fromLatin1(file) << QString::fromUtf8(message);
        };
        row("truncated.flow", "truncated.flow:27:11: not valid JSON: unterminated string");
        row("invalid_utf8.flow", "invalid_utf8.flow:1:60: not valid JSON: invalid UTF8 string");
        row("huge_number_literal.flow", "not valid JSON: illegal number");
        row("duplicate_id.flow", "nodes[1] ('a'): duplicate node id 'a'");
        row("cycle.flow", "the links form a cycle through: a, b");
        row("unknown_type.flow", "node 'train': unknown node type 'run_shell_command'");
        row("missing_param.flow", "node 'data', 'path': required parameter is not set");
        row("wrong_type.flow", "node 's', 'test_size': expected a number, got a string");
        row("huge_seed.flow", "node 's', 'seed': expected an integer, got 1e+300");
        row("seed_2p64.flow", "node 's', 'seed': expected an integer, got 1.84467440737e+19");
        row("huge_retries.flow", "nodes[0] ('s').retries: expected an integer from 0 to 100");
        // Was undefined behaviour (1e30 converted to qint64 for the message), found by fuzz/flow.
        row("version_huge.flow", "written by a newer Flowbench (pipeline format version 1e+30)");
    }

    void flowFile()
    {
        QFETCH(QString, file);
        QFETCH(QString, message);
        expectRefused({QStringLiteral("run"), badDir(QStringLiteral("flow")) + file}, 2, message);
        expectRefused({QStringLiteral("validate"), badDir(QStringLiteral("flow")) + file},
                      2,
                      message);

        // Refused before the store is opened: `run --store NEW` in an empty folder leaves it
        // empty (no store file, cache or artifacts).
        const QString folder = path(QStringLiteral("fresh-store"));
        QVERIFY(QDir().mkpath(folder));
        const CliResult r = runCli({QStringLiteral("run"),
                                    badDir(QStringLiteral("flow")) + file,
                                    QStringLiteral("--store"),
                                    folder + QStringLiteral("/new.db")});
        QVERIFY2(r.exitCode == 2,
                 qPrintable(QStringLiteral("exit %1: %2").arg(r.exitCode).arg(r.err)));
        QVERIFY2(r.err.contains(message), qPrintable(r.err));
        QCOMPARE(QDir(folder).entryList(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden),
                 QStringList());
        QVERIFY(QDir(folder).removeRecursively());
    }

    void generatedFlowFiles()
    {
        const QByteArray head
            = R"({"format": "flowbench.pipeline", "version": 1, "nodes": [], "links": [], "x": )";
        const QString deep = path(QStringLiteral("work/deep.flow"));
        QVERIFY(writeFile(deep, head + QByteArray(100000, '[') + QByteArray(100000, ']') + '}'));
        expectRefused({QStringLiteral("run"), deep},
                      2,
                      QStringLiteral("not valid JSON: too deeply nested document"));
        const QString huge = path(QStringLiteral("work/huge.flow"));
        QFile f(huge);
        QVERIFY(f.open(QIODevice::WriteOnly) && f.resize(65LL * 1024 * 1024));
        f.close();
        expectRefused({QStringLiteral("run"), huge},
                      2,
                      QStringLiteral("file is 65 MB; pipelines larger than 64 MB are refused"));
        QFile::remove(huge);
        QFile::remove(deep);
    }

    // --- CSV files ----------------------------------------------------------------------------
    void csvFile_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<QString>("message");
        const auto row = [](const char *file, const char *message) {
            QTest::newRow(file) << QString::fromLatin1(file) << QString::fromUtf8(message);
        };
        row("empty.csv", "empty.csv:1:0: the file is empty; expected a header line");
        row("invalid_utf8.csv", "invalid_utf8.csv:3:2: invalid UTF-8 (byte 0xFF)");
        row("nul_byte.csv", "nul_byte.csv:3:2: NUL byte in the text");
        row("unterminated_quote.csv", "unterminated_quote.csv:3:1: unterminated quoted field");
        row("ragged.csv", "ragged.csv:3:4: expected 4 fields, found 3");
        row("duplicate_header.csv",
            "duplicate_header.csv:1:5: duplicate column name 'sepal_length'");
        row("missing_column.csv", "does not fit the model: missing column(s): petal_width");
        row("wrong_type.csv", "column 'sepal_length' must be numeric, it has 'lots' (row 2)");
        row("missing_value.csv", "column 'sepal_length' has a missing value (row 2)");
        row("huge_number.csv", "column 'sepal_length' has an infinite value (row 2)");
    }

    void csvFile()
    {
        QFETCH(QString, file);
        QFETCH(QString, message);
        const QString output = path(QStringLiteral("work/scored.csv"));
        expectRefused({QStringLiteral("predict"),
                       goodModel(),
                       badDir(QStringLiteral("csv")) + file,
                       QStringLiteral("-o"),
                       output},
                      2,
                      message,
                      output);
    }

    // A 10,000-column file: messages name the missing column and the file, and only the first
    // 20 of the file's columns (the whole header line used to be echoed: 150 KB of message).
    void wideCsvMessagesStayShort()
    {
        QByteArray header;
        QByteArray row;
        for (int i = 0; i < 10000; ++i) {
            header += "extra_column_" + QByteArray::number(i) + ',';
            row += "1,";
        }
        const QString partial = path(QStringLiteral("work/wide.csv"));
        QVERIFY(
            writeFile(partial,
                      header + "sepal_length,sepal_width,petal_length\n" + row + "5.1,3.5,1.4\n"));
        // predict: the model's missing input by name, not the file's 10,003 others.
        expectRefused({QStringLiteral("predict"), goodModel(), partial},
                      2,
                      QStringLiteral(
                          "wide.csv does not fit the model: missing column(s): petal_width"));
        CliResult r = runCli({QStringLiteral("predict"), goodModel(), partial});
        QVERIFY2(r.err.size() < 1000, qPrintable(r.err.left(2000)));

        // As a pipeline's data, lacking the pipeline's target: the run fails at the reader.
        const QString flow = path(QStringLiteral("work/wide.flow"));
        QVERIFY(writeFile(flow, trainingPipeline(partial)));
        r = runCli({QStringLiteral("run"), flow, QStringLiteral("--store"), store()});
        QCOMPARE(r.exitCode, 3);
        const QString all = r.err + r.out;
        QVERIFY2(all.contains(QStringLiteral("wide.csv")), qPrintable(all.left(2000)));
        QVERIFY2(all.contains(QStringLiteral(
                     "target column 'species' not found; columns are: extra_column_0, "
                     "extra_column_1, ")),
                 qPrintable(all.left(2000)));
        QVERIFY2(all.contains(QStringLiteral("extra_column_19, … and 9983 more")),
                 qPrintable(all.left(2000)));
        QVERIFY(!all.contains(QStringLiteral("extra_column_20")));
        QVERIFY2(all.size() < 4000, qPrintable(QString::number(all.size())));

        // Every input plus 10,000 others: scored, with a short note on the ignored ones.
        const QString full = path(QStringLiteral("work/wide_full.csv"));
        QVERIFY(writeFile(full,
                          header + "sepal_length,sepal_width,petal_length,petal_width\n" + row
                              + "5.1,3.5,1.4,0.2\n"));
        const QString scored = path(QStringLiteral("work/wide_scored.csv"));
        r = runCli({QStringLiteral("predict"), goodModel(), full, QStringLiteral("-o"), scored});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err.left(2000)));
        QVERIFY2(r.err.contains(QStringLiteral(
                     "note: ignoring column(s) the model does not use: extra_column_0, ")),
                 qPrintable(r.err.left(2000)));
        QVERIFY2(r.err.contains(QStringLiteral("extra_column_19, … and 9980 more")),
                 qPrintable(r.err.left(2000)));
        QVERIFY2(r.err.size() < 1000, qPrintable(QString::number(r.err.size())));
        QVERIFY(readFile(scored).contains("setosa"));
        for (const QString &f : {partial, flow, full, scored})
            QFile::remove(f);
    }

    // The same files as a pipeline's data: the run fails (exit 3) at the reader, is recorded as
    // failed, and no model file is saved.
    void csvFileInPipeline_data() { csvFile_data(); }

    void csvFileInPipeline()
    {
        QFETCH(QString, file);
        QFETCH(QString, message);
        if (file == u"missing_column.csv" || file == u"wrong_type.csv"
            || file == u"missing_value.csv" || file == u"huge_number.csv")
            QSKIP("valid CSV; only a model's expectations make it bad");
        const QString flow = path(QStringLiteral("work/pipeline.flow"));
        // A target the files have, so the reader's own error is the one reported.
        QVERIFY(writeFile(flow,
                          trainingPipeline(badDir(QStringLiteral("csv")) + file,
                                           QStringLiteral("petal_width"))));
        const int runsBefore = runCount(store());
        const CliResult r = runCli({QStringLiteral("run"),
                                    flow,
                                    QStringLiteral("--store"),
                                    store(),
                                    QStringLiteral("--json")});
        QCOMPARE(r.exitCode, 3);
        QVERIFY2(r.err.contains(message), qPrintable(r.err));
        const QJsonObject summary = r.json();
        QCOMPARE(summary.value(QStringLiteral("state")).toString(), QStringLiteral("failed"));
        const QJsonObject nodes = summary.value(QStringLiteral("nodes")).toObject();
        QCOMPARE(nodes.value(QStringLiteral("data"))
                     .toObject()
                     .value(QStringLiteral("state"))
                     .toString(),
                 QStringLiteral("failed"));
        QCOMPARE(nodes.value(QStringLiteral("save"))
                     .toObject()
                     .value(QStringLiteral("state"))
                     .toString(),
                 QStringLiteral("upstream_failed"));
        QCOMPARE(runCount(store()), runsBefore + 1);
        const QStringList models = filesUnder(artifacts())
                                       .filter(QRegularExpression(QStringLiteral("\\.fbm$")));
        QVERIFY2(models.isEmpty(), qPrintable(models.join(u' ')));
    }

    // --- Paths are literal, loaders open only what they name ----------------------------------
    void pathsAreNeverExpanded_data()
    {
        QTest::addColumn<QString>("csvPath");
        QTest::newRow("command substitution") << QStringLiteral("$(touch MARKER).csv");
        QTest::newRow("backticks") << QStringLiteral("`touch MARKER`.csv");
        QTest::newRow("shell separator") << QStringLiteral("x.csv; touch MARKER");
        QTest::newRow("environment variable") << QStringLiteral("$HOME/MARKER.csv");
        QTest::newRow("braced variable") << QStringLiteral("${PWD}/MARKER.csv");
        QTest::newRow("tilde") << QStringLiteral("~/MARKER.csv");
        QTest::newRow("glob") << QStringLiteral("*.csv");
    }

    void pathsAreNeverExpanded()
    {
        QFETCH(QString, csvPath);
        const QString marker = path(QStringLiteral("work/MARKER"));
        csvPath.replace(QStringLiteral("MARKER"), marker);
        // A CSV the glob would match, and one at $HOME-like places the expansion would find.
        QVERIFY(writeFile(path(QStringLiteral("work/match.csv")), readFile(irisCsv())));
        const QString flow = path(QStringLiteral("work/literal.flow"));
        QVERIFY(writeFile(flow, trainingPipeline(csvPath)));
        const CliResult r = runCli({QStringLiteral("run"), flow, QStringLiteral("--store"), store()},
                                   120000,
                                   path(QStringLiteral("work")));
        QCOMPARE(r.exitCode, 3);
        // Relative paths resolve against the pipeline's folder, character for character.
        const QString shown = QDir::cleanPath(
            QDir::isAbsolutePath(csvPath) ? csvPath : path(QStringLiteral("work/")) + csvPath);
        QVERIFY2(r.err.contains(
                     shown
                     + QStringLiteral(":0:0: cannot open the file: No such file or directory")),
                 qPrintable(r.err));
        QVERIFY(!QFileInfo::exists(marker));
        QVERIFY(!QFileInfo::exists(marker + QStringLiteral(".csv")));
        QFile::remove(path(QStringLiteral("work/match.csv")));
    }

    // A pipeline pointed at a credentials-like file gets a CSV attempt and a clear error.
    void secretFileIsJustACsvAttempt()
    {
        const QString secret = path(QStringLiteral("work/shadow"));
        QVERIFY(writeFile(secret, "root:*:20228:0:99999:7:::\ndaemon:*:20228:0:99999:7:::\n"));
        const QString flow = path(QStringLiteral("work/secret.flow"));
        QVERIFY(writeFile(flow, trainingPipeline(secret)));
        const CliResult r = runCli(
            {QStringLiteral("run"), flow, QStringLiteral("--store"), store()});
        QCOMPARE(r.exitCode, 3);
        QVERIFY2(r.err.contains(secret + QStringLiteral(":1:0: target column 'species' not found")),
                 qPrintable(r.err));
        QVERIFY(
            filesUnder(artifacts()).filter(QRegularExpression(QStringLiteral("\\.fbm$"))).isEmpty());
    }

    // Opening a FIFO for reading blocks until a writer comes, so a loader that touched one of
    // these would hang the command (and the test would fail on its timeout).
    void loadersOpenOnlyWhatTheyName()
    {
        const QString fifo = path(QStringLiteral("work/trap.csv"));
        QVERIFY(::mkfifo(QFile::encodeName(fifo).constData(), 0600) == 0);

        // A model whose lineage names the FIFO as its training data: metadata, never opened.
        QJsonObject model = QJsonDocument::fromJson(readFile(goodModel())).object();
        QJsonObject lineage = model.value(QStringLiteral("lineage")).toObject();
        lineage.insert(QStringLiteral("data_origin"), fifo);
        model.insert(QStringLiteral("lineage"), lineage);
        const QString modelPath = path(QStringLiteral("work/lineage.fbm"));
        QVERIFY(writeFile(modelPath, QJsonDocument(model).toJson()));
        CliResult r = runCli({QStringLiteral("predict"),
                              modelPath,
                              irisCsv(),
                              QStringLiteral("--store"),
                              store()},
                             60000);
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));

        // Validating a pipeline does not read its data.
        const QString flow = path(QStringLiteral("work/fifo.flow"));
        QVERIFY(writeFile(flow, trainingPipeline(fifo)));
        r = runCli({QStringLiteral("validate"), flow}, 60000);
        QVERIFY2(r.exitCode == 0, qPrintable(r.err + r.out));
        QFile::remove(fifo);
    }

    // --- Scoring requests ---------------------------------------------------------------------
    void request_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<int>("status");
        QTest::addColumn<QString>("message");
        const auto row = [](const char *file, int status, const char *message) {
            QTest::newRow(file) << QString::fromLatin1(file) << status
                                << QString::fromUtf8(message);
        };
        row("malformed_request_line.http", 400, "malformed request line");
        row("wrong_method.http", 405, "/invocations accepts POST only");
        row("path_traversal.http", 404, "no endpoint /../../etc/passwd");
        row("http2_version.http", 505, "only HTTP/1.0 and HTTP/1.1 are supported");
        row("negative_content_length.http", 400, "malformed or conflicting Content-Length");
        row("huge_content_length.http", 400, "malformed or conflicting Content-Length");
        row("conflicting_content_length.http", 400, "malformed or conflicting Content-Length");
        row("too_large_body.http", 413, "the request body is larger than the server's limit");
        row("smuggling_cl_te.http", 400, "may not have both Content-Length and Transfer-Encoding");
        row("bad_chunk_size.http", 400, "malformed chunk size");
        row("huge_chunk_size.http", 400, "malformed chunk size");
        row("unsupported_content_type.http", 415, "unsupported content type 'text/plain'");
        row("empty_body.http", 400, "malformed JSON at offset 0");
        row("truncated_json.http", 400, "malformed JSON at offset 20: unterminated object");
        row("huge_number.http", 400, "illegal number");
        row("invalid_utf8.http", 400, "invalid UTF8 string");
        row("wrong_type.http",
            400,
            "column 'sepal_length' expects a number, got the text \"a\" (row 1)");
        row("missing_columns.http",
            400,
            "missing column(s): sepal_width, petal_length, petal_width");
        row("ragged_row.http", 400, "row 1 has 3 values, expected 4");
        row("not_an_object.http", 400, "the body must be a JSON object");
        row("instances_not_array.http", 400, "instances must be an array");
        row("csv_unterminated_quote.http", 400, "unterminated quoted field");
        // RFC 9110 5.5: no NUL, CR, LF or other control character (HTAB aside) in a field.
        row("nul_in_header_value.http",
            400,
            "malformed value of header 'X-Trace' (control character 0x00)");
        row("nul_in_header_name.http", 400, "malformed header name (control character 0x00)");
        row("bare_cr_in_header_value.http",
            400,
            "malformed value of header 'X-Trace' (control character 0x0D)");
        row("escape_in_header_value.http",
            400,
            "malformed value of header 'X-Trace' (control character 0x1B)");
        row("generated: 100k nested arrays", 400, "too deeply nested");
        row("generated: 70 KB header", 431, "the request line and headers are too large");
        row("generated: 2 MB body", 413, "the request body is larger than the server's limit");
        row("generated: infinite value in CSV", 400, "sepal_length");
    }

    void request()
    {
        QFETCH(QString, file);
        QFETCH(int, status);
        QFETCH(QString, message);
        if (m_port == 0)
            startServer();
        QVERIFY(m_port != 0);
        QByteArray raw;
        if (file == u"generated: 100k nested arrays")
            raw = post(QByteArray(100000, '[') + QByteArray(100000, ']'));
        else if (file == u"generated: 70 KB header")
            raw = "GET /ping HTTP/1.1\r\nHost: localhost\r\nX-Padding: "
                  + QByteArray(70 * 1024, 'a') + "\r\n\r\n";
        else if (file == u"generated: 2 MB body")
            raw = post(R"({"instances": [)" + QByteArray(2 * 1024 * 1024, ' ') + "]}");
        else if (file == u"generated: infinite value in CSV")
            raw = post("sepal_length,sepal_width,petal_length,petal_width\n1e999,3.0,1.4,0.2\n",
                       "text/csv");
        else
            raw = readFile(badDir(QStringLiteral("request")) + file);
        QVERIFY(!raw.isEmpty());
        const HttpAnswer answer = exchange(m_port, raw);
        QCOMPARE(answer.status, status);
        if (answer.status == status)
            QVERIFY2(answer.error().contains(message), answer.body.constData());
        // MLflow's error shape: {"error_code": ..., "message": ...}.
        const QString errorCode = QJsonDocument::fromJson(answer.body)
                                      .object()
                                      .value(QStringLiteral("error_code"))
                                      .toString();
        QVERIFY2(!errorCode.isEmpty(), answer.body.constData());
        if (file.contains(u"_header"))
            QCOMPARE(errorCode, QStringLiteral("BAD_REQUEST"));
        // The server is unharmed: the next client gets the right answer.
        const HttpAnswer good = exchange(m_port, goodRequest);
        QCOMPARE(good.status, 200);
        QCOMPARE(QJsonDocument::fromJson(good.body)
                     .object()
                     .value(QStringLiteral("predictions"))
                     .toArray(),
                 (QJsonArray{QStringLiteral("setosa"), QStringLiteral("virginica")}));
        QCOMPARE(m_server.state(), QProcess::Running);
    }

    void cleanupTestCase()
    {
        if (m_server.state() == QProcess::Running) {
            m_server.terminate(); // SIGTERM: the server stops cleanly
            QVERIFY(m_server.waitForFinished(30000));
            QCOMPARE(m_server.exitStatus(), QProcess::NormalExit);
        }
    }
};

QTEST_GUILESS_MAIN(TestBadInput)
#include "tst_badinput.moc"
