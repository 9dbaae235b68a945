// The .flow format: byte-identical round trips, the shipped examples, and a corpus of
// malformed and invalid files, each refused with its specific message.

#include "pipeline/NodeRegistry.h"
#include "pipeline/PipelineFile.h"
#include "pipeline/Validation.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace fb;

namespace {

QString sourceDir()
{
    return qEnvironmentVariable("FLOWBENCH_SOURCE_DIR", QStringLiteral(FLOWBENCH_SOURCE_DIR_FALLBACK));
}

QByteArray readAll(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

} // namespace

class TestPipelineFile : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void roundTripIsByteIdentical()
    {
        PipelineData p;
        p.name = QStringLiteral("round trip ✓");
        p.description = QStringLiteral("quotes \" backslash \\ newline \n tab \t unicode é");
        Node a;
        a.id = QStringLiteral("data");
        a.type = QStringLiteral("csv_source");
        a.position = QPointF(12.5, -3.25);
        a.params = {{QStringLiteral("path"), QStringLiteral("x.csv")},
                    {QStringLiteral("categorical"), QJsonArray{QStringLiteral("a"), QStringLiteral("b")}}};
        a.retries = 2;
        a.retryDelaySeconds = 1.5;
        a.timeoutSeconds = 60;
        a.comment = QStringLiteral("reads the data");
        const int ka = p.addNode(a);
        Node b;
        b.id = QStringLiteral("split");
        b.type = QStringLiteral("train_test_split");
        b.position = QPointF(0.1 + 0.2, 1e-7); // shortest round-trip formatting matters here
        b.params = {{QStringLiteral("test_size"), 0.3}, {QStringLiteral("seed"), 7}, {QStringLiteral("stratify"), true}};
        const int kb = p.addNode(b);
        p.addLink({ka, QStringLiteral("table"), kb, QStringLiteral("table")});
        p.addAnnotation({0, QStringLiteral("A note"), QRectF(1, 2, 300, 40)});
        p.addGroup({0, QStringLiteral("Loading"), {ka, kb}});

        const QByteArray first = PipelineFile::serialize(p);
        QString error;
        const auto loaded = PipelineFile::parse(first, QStringLiteral("mem.flow"), &error);
        QVERIFY2(loaded, qPrintable(error));
        QCOMPARE(*loaded, p);
        const QByteArray second = PipelineFile::serialize(*loaded);
        QCOMPARE(second, first);
        QVERIFY(first.startsWith("{\n  \"format\": \"flowbench.pipeline\",\n  \"version\": 1,"));

        // Through a real file, saved atomically.
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("sub/dir/p.flow"));
        QVERIFY2(PipelineFile::save(*loaded, path, &error), qPrintable(error));
        QCOMPARE(readAll(path), first);
        QCOMPARE(QDir(dir.filePath(QStringLiteral("sub/dir"))).entryList(QDir::Files), QStringList{QStringLiteral("p.flow")});
    }

    void examplesAreCanonicalAndValid_data()
    {
        QTest::addColumn<QString>("file");
        const QDir examples(sourceDir() + QStringLiteral("/resources/examples"));
        const QStringList files = examples.entryList({QStringLiteral("*.flow")}, QDir::Files);
        QVERIFY(files.contains(QStringLiteral("classification.flow")));
        QVERIFY(files.contains(QStringLiteral("regression.flow")));
        for (const QString &f : files)
            QTest::newRow(qPrintable(f)) << examples.filePath(f);
    }

    void examplesAreCanonicalAndValid()
    {
        QFETCH(QString, file);
        QString error;
        const auto p = PipelineFile::load(file, &error);
        QVERIFY2(p, qPrintable(error));
        QCOMPARE(PipelineFile::serialize(*p), readAll(file));
        const QList<Problem> problems = validatePipeline(*p, NodeRegistry::builtin());
        QVERIFY2(problems.isEmpty(), qPrintable(problems.value(0).toString()));
    }

    void malformedFilesAreRefused_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<QString>("expected");
        const QString dir = sourceDir() + QStringLiteral("/tests/data/flow/bad/");
        auto row = [&](const char *name, const char *expected) {
            QTest::newRow(name) << dir + QLatin1String(name) << QString::fromUtf8(expected);
        };
        row("trailing_comma.flow", "trailing_comma.flow:5:34: not valid JSON: object is missing after a comma");
        row("not_object.flow", "not a Flowbench pipeline (expected a JSON object at the top)");
        row("wrong_format.flow", "not a Flowbench pipeline (expected \"format\": \"flowbench.pipeline\")");
        row("missing_format.flow", "not a Flowbench pipeline");
        row("newer_version.flow", "was written by a newer Flowbench (pipeline format version 99)");
        row("version_string.flow", "\"version\" must be a positive integer");
        row("missing_nodes.flow", "missing field 'nodes'");
        row("duplicate_id.flow", "nodes[1] ('a'): duplicate node id 'a'");
        row("link_unknown_node.flow", "links[0].to: no node has the id 'ghost'");
        row("link_bad_endpoint.flow", "links[0].from: expected \"NODE.PORT\", got \"a\"");
        row("bad_position.flow", "nodes[0] ('a').position: expected 2 numbers, got 1");
        row("type_not_string.flow", "nodes[0] ('a').type: expected a string");
        row("unknown_field.flow", "nodes[0] ('a'): unknown field 'colour'");
        row("negative_retries.flow", "nodes[0] ('a').retries: expected an integer from 0 to 100");
        row("empty.flow", "empty.flow:1:1: not valid JSON");
        row("params_not_object.flow", "nodes[0] ('a').params: expected an object");
        row("nodes_not_list.flow", "nodes: expected a list");
    }

    void malformedFilesAreRefused()
    {
        QFETCH(QString, file);
        QFETCH(QString, expected);
        QString error;
        QVERIFY(QFile::exists(file));
        const auto p = PipelineFile::load(file, &error);
        QVERIFY(!p);
        QVERIFY2(error.startsWith(file), qPrintable(error)); // names the file
        QVERIFY2(error.contains(expected), qPrintable(error));
    }

    void invalidPipelinesAreExplained_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<QString>("expected");
        const QString dir = sourceDir() + QStringLiteral("/tests/data/flow/invalid/");
        auto row = [&](const char *name, const char *expected) {
            QTest::newRow(name) << dir + QLatin1String(name) << QString::fromUtf8(expected);
        };
        row("unknown_type.flow", "node 'a': unknown node type 'mystery_node'");
        row("param_out_of_range.flow", "node 's', 'test_size': must be between 0.01 and 0.99, got 1.5");
        row("param_wrong_type.flow", "node 's', 'seed': expected an integer, got a string");
        row("param_bad_choice.flow", "node 'd', 'dataset': expected one of iris, wine, breast_cancer, diabetes, digits, got 'titanic'");
        row("param_unknown.flow", "node 'd', 'colour': unknown parameter of sample_dataset");
        row("param_missing.flow", "node 'd', 'path': required parameter is not set");
        row("input_missing.flow", "node 's', 'table': required input is not connected (expects a table)");
        row("type_mismatch.flow", "type mismatch: d.table gives a table, e.model takes a model");
        row("input_occupied.flow", "input s.table is already connected to a.table");
        row("cycle.flow", "the links form a cycle through: a, b");
        row("invalid_id.flow", "node 'bad.id': invalid id");
    }

    void invalidPipelinesAreExplained()
    {
        QFETCH(QString, file);
        QFETCH(QString, expected);
        QString error;
        const auto p = PipelineFile::load(file, &error);
        QVERIFY2(p, qPrintable(error));
        QStringList messages;
        for (const Problem &problem : validatePipeline(*p, NodeRegistry::builtin()))
            messages.append(problem.toString());
        QVERIFY2(messages.join(u'\n').contains(expected), qPrintable(messages.join(u'\n')));
    }

    void saveFailureLeavesTheOldFile()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("p.flow"));
        PipelineData p;
        QString error;
        QVERIFY(PipelineFile::save(p, path, &error));
        const QByteArray before = readAll(path);
        // A folder where the file's folder should be: the write must fail cleanly.
        QVERIFY(!PipelineFile::save(p, path + QStringLiteral("/cannot/be"), &error));
        QVERIFY2(error.contains(QStringLiteral("cannot")), qPrintable(error));
        QCOMPARE(readAll(path), before);
    }
};

QTEST_GUILESS_MAIN(TestPipelineFile)
#include "tst_pipelinefile.moc"
