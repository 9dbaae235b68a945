// End to end: the real flowbench-cli binary on the shipped examples, with the store contents
// checked, plus the malformed-input corpus with its exit codes and messages.

#include "CliRunner.h"

#include "model/ModelFile.h"
#include "store/RunStore.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

using namespace fb;
using namespace fbtest;

class TestCli : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    QString store() const { return m_dir.filePath(QStringLiteral("store.sqlite")); }
    QString example(const QString &name) const
    {
        return sourceDir() + QStringLiteral("/resources/examples/") + name;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY2(QFile::exists(cliPath()), "FLOWBENCH_CLI must point at the built flowbench-cli");
        QVERIFY(m_dir.isValid());
    }

    void classificationExampleRunsAndIsRecorded()
    {
        const CliResult r = runCli({QStringLiteral("run"), example(QStringLiteral("classification.flow")),
                                    QStringLiteral("--store"), store(), QStringLiteral("--json")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err + r.out));
        const QJsonObject j = r.json();
        QCOMPARE(j.value(QStringLiteral("state")).toString(), QStringLiteral("success"));
        const QString runId = j.value(QStringLiteral("run_id")).toString();
        QVERIFY(!runId.isEmpty());
        const double accuracy = j.value(QStringLiteral("metrics")).toObject().value(QStringLiteral("evaluate.accuracy")).toDouble();
        QVERIFY2(accuracy >= 0.9, qPrintable(QString::number(accuracy)));
        const QJsonObject nodes = j.value(QStringLiteral("nodes")).toObject();
        for (const QString &id : {QStringLiteral("data"), QStringLiteral("split"), QStringLiteral("scale"),
                                  QStringLiteral("train"), QStringLiteral("evaluate"), QStringLiteral("save")})
            QCOMPARE(nodes.value(id).toObject().value(QStringLiteral("state")).toString(), QStringLiteral("success"));

        // The store holds the run, its tasks, the per-iteration loss, params and the model.
        QString error;
        auto s = RunStore::open(store(), &error);
        QVERIFY2(s, qPrintable(error));
        const auto run = s->findRun(runId, &error);
        QVERIFY2(run, qPrintable(error));
        QCOMPARE(run->state, TaskState::Success);
        QCOMPARE(run->pipelineName, QStringLiteral("classification"));
        QVERIFY(run->pipelinePath.endsWith(QStringLiteral("classification.flow")));
        QCOMPARE(run->pipelineHash.size(), 64);
        const auto tasks = s->taskInstances(runId);
        QCOMPARE(tasks.size(), 6);
        for (const auto &t : tasks) {
            QCOMPARE(t.state, TaskState::Success);
            QVERIFY(t.endMs >= t.startMs && t.startMs > 0);
        }
        const auto loss = s->metrics(runId, QStringLiteral("train"), QStringLiteral("loss"));
        QVERIFY2(loss.size() >= 5, "expected one loss point per L-BFGS iteration");
        for (int i = 1; i < loss.size(); ++i) {
            QVERIFY(loss[i].step > loss[i - 1].step);
            QVERIFY(loss[i].value <= loss[i - 1].value + 1e-12); // L-BFGS with a Wolfe search descends
        }
        QCOMPARE(s->params(runId).value(QStringLiteral("train")).toObject().value(QStringLiteral("C")).toDouble(), 1.0);
        const auto accuracyPoints = s->metrics(runId, QStringLiteral("evaluate"), QStringLiteral("accuracy"));
        QCOMPARE(accuracyPoints.size(), 1);
        QCOMPARE(accuracyPoints.first().value, accuracy);
        const auto artifacts = s->artifacts(runId);
        QCOMPARE(artifacts.size(), 1);
        QCOMPARE(artifacts.first().kind, QStringLiteral("model"));
        QFile model(artifacts.first().path);
        QVERIFY(model.open(QIODevice::ReadOnly));
        const QByteArray bytes = model.readAll();
        QCOMPARE(artifacts.first().hash, QString::fromLatin1(QCryptographicHash::hash(bytes, QCryptographicHash::Sha256).toHex()));
        // The model file carries its preprocessing and lineage.
        const ModelPtr m = ModelFile::parse(bytes, artifacts.first().path, &error);
        QVERIFY2(m, qPrintable(error));
        QCOMPARE(m->lineage.runId, runId);
        QCOMPARE(m->preprocessing.size(), 1);
        QCOMPARE(m->classes, (QStringList{QStringLiteral("setosa"), QStringLiteral("versicolor"), QStringLiteral("virginica")}));
        QCOMPARE(m->inputs.size(), 4);

        // The database is sound.
        {
            QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("check"));
            db.setDatabaseName(store());
            QVERIFY(db.open());
            QSqlQuery q(db);
            QVERIFY(q.exec(QStringLiteral("PRAGMA integrity_check")) && q.next());
            QCOMPARE(q.value(0).toString(), QStringLiteral("ok"));
        }
        QSqlDatabase::removeDatabase(QStringLiteral("check"));
    }

    void regressionExampleRuns()
    {
        const CliResult r = runCli({QStringLiteral("run"), example(QStringLiteral("regression.flow")),
                                    QStringLiteral("--store"), store(), QStringLiteral("--json")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err + r.out));
        const QJsonObject metrics = r.json().value(QStringLiteral("metrics")).toObject();
        const double r2 = metrics.value(QStringLiteral("evaluate.r2")).toDouble();
        QVERIFY2(r2 > 0.3 && r2 < 1.0, qPrintable(QString::number(r2)));
        QVERIFY(metrics.value(QStringLiteral("evaluate.rmse")).toDouble() > 0);
        QVERIFY(metrics.contains(QStringLiteral("evaluate.mae")));
    }

    void setPointsTheExampleAtUserData()
    {
        // A user's own file: wine, semicolon-separated, target renamed.
        QFile in(sourceDir() + QStringLiteral("/resources/datasets/wine.csv"));
        QVERIFY(in.open(QIODevice::ReadOnly));
        QByteArray text = in.readAll();
        text.replace(',', ';').replace("cultivar", "grape");
        const QString path = m_dir.filePath(QStringLiteral("my wine.csv"));
        QFile out(path);
        QVERIFY(out.open(QIODevice::WriteOnly));
        out.write(text);
        out.close();
        const CliResult r = runCli({QStringLiteral("run"), example(QStringLiteral("classification.flow")),
                                    QStringLiteral("--store"), store(), QStringLiteral("--json"),
                                    QStringLiteral("--set"), QStringLiteral("data.path=") + path,
                                    QStringLiteral("--set"), QStringLiteral("data.target=grape"),
                                    QStringLiteral("--set"), QStringLiteral("train.C=0.5")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err + r.out));
        QVERIFY(r.json().value(QStringLiteral("metrics")).toObject().value(QStringLiteral("evaluate.accuracy")).toDouble() > 0.9);
        QString error;
        auto s = RunStore::open(store(), &error);
        const auto run = s->findRun(r.json().value(QStringLiteral("run_id")).toString(), &error);
        QVERIFY(run);
        QCOMPARE(run->overrides.value(QStringLiteral("train")).toObject().value(QStringLiteral("C")).toDouble(), 0.5);
        QCOMPARE(s->params(run->runId).value(QStringLiteral("train")).toObject().value(QStringLiteral("C")).toDouble(), 0.5);
    }

    void nodeRunsOnlyWhatItNeeds()
    {
        const CliResult r = runCli({QStringLiteral("run"), example(QStringLiteral("classification.flow")),
                                    QStringLiteral("--store"), store(), QStringLiteral("--json"),
                                    QStringLiteral("--node"), QStringLiteral("scale")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const QJsonObject nodes = r.json().value(QStringLiteral("nodes")).toObject();
        const QStringList keys = nodes.keys();
        QCOMPARE(QSet<QString>(keys.begin(), keys.end()),
                 (QSet<QString>{QStringLiteral("data"), QStringLiteral("split"), QStringLiteral("scale")}));
    }

    void failingRunExitsThreeAndMarksDownstream()
    {
        const CliResult r = runCli({QStringLiteral("run"), example(QStringLiteral("classification.flow")),
                                    QStringLiteral("--store"), store(), QStringLiteral("--json"),
                                    QStringLiteral("--set"), QStringLiteral("data.target=no_such_column")});
        QCOMPARE(r.exitCode, 3);
        const QJsonObject nodes = r.json().value(QStringLiteral("nodes")).toObject();
        const QJsonObject data = nodes.value(QStringLiteral("data")).toObject();
        QCOMPARE(data.value(QStringLiteral("state")).toString(), QStringLiteral("failed"));
        QVERIFY2(data.value(QStringLiteral("error")).toString().contains(QStringLiteral("no_such_column")),
                 qPrintable(data.value(QStringLiteral("error")).toString()));
        QCOMPARE(nodes.value(QStringLiteral("train")).toObject().value(QStringLiteral("state")).toString(),
                 QStringLiteral("upstream_failed"));
        QCOMPARE(r.json().value(QStringLiteral("state")).toString(), QStringLiteral("failed"));
    }

    void invalidInputExitsTwo_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("expected");
        const QString bad = sourceDir() + QStringLiteral("/tests/data/flow/bad/");
        const QString invalid = sourceDir() + QStringLiteral("/tests/data/flow/invalid/");
        const QString ex = example(QStringLiteral("classification.flow"));
        QTest::newRow("no command") << QStringList{} << "Usage: flowbench-cli COMMAND";
        QTest::newRow("unknown command") << QStringList{"fly"} << "unknown command 'fly'";
        QTest::newRow("unknown option") << QStringList{"run", ex, "--colour"} << "Unknown option 'colour'";
        QTest::newRow("missing file") << QStringList{"run", "/nonexistent/x.flow"} << "/nonexistent/x.flow: cannot open";
        QTest::newRow("bad json") << QStringList{"run", bad + "trailing_comma.flow"} << "not valid JSON";
        QTest::newRow("newer version") << QStringList{"validate", bad + "newer_version.flow"} << "newer Flowbench";
        QTest::newRow("cycle") << QStringList{"run", invalid + "cycle.flow"} << "the links form a cycle through: a, b";
        QTest::newRow("validate range") << QStringList{"validate", invalid + "param_out_of_range.flow"} << "must be between 0.01 and 0.99, got 1.5";
        QTest::newRow("set syntax") << QStringList{"run", ex, "--set", "train"} << "--set train: expected NODE.PARAM=VALUE";
        QTest::newRow("set node") << QStringList{"run", ex, "--set", "ghost.C=1"} << "no node has the id 'ghost'";
        QTest::newRow("set param") << QStringList{"run", ex, "--set", "train.gamma=1"} << "has no parameter 'gamma'";
        QTest::newRow("set type") << QStringList{"run", ex, "--set", "train.C=lots"} << "expected a number, got 'lots'";
        QTest::newRow("set range") << QStringList{"run", ex, "--set", "split.test_size=2"} << "must be between 0.01 and 0.99";
        QTest::newRow("node unknown") << QStringList{"run", ex, "--node", "ghost"} << "--node: no node has the id 'ghost'";
        QTest::newRow("runs show unknown") << QStringList{"runs", "show", "zzzz"} << "run 'zzzz'";
        QTest::newRow("nodes unknown") << QStringList{"nodes", "mystery"} << "no node type 'mystery'";
    }

    void invalidInputExitsTwo()
    {
        QFETCH(QStringList, args);
        QFETCH(QString, expected);
        if (args.value(0) == u"run" || args.value(0) == u"runs")
            args << QStringLiteral("--store") << store();
        const CliResult r = runCli(args);
        QCOMPARE(r.exitCode, 2);
        const QString all = r.err + r.out;
        QVERIFY2(all.contains(expected), qPrintable(all));
    }

    void validateAcceptsTheExamples()
    {
        for (const QString &name : {QStringLiteral("classification.flow"), QStringLiteral("regression.flow")}) {
            const CliResult r = runCli({QStringLiteral("validate"), example(name)});
            QCOMPARE(r.exitCode, 0);
            QVERIFY(r.out.contains(QStringLiteral("valid (6 nodes, 7 links)")));
        }
    }

    void nodesListsTheLibrary()
    {
        const CliResult r = runCli({QStringLiteral("nodes"), QStringLiteral("--json")});
        QCOMPARE(r.exitCode, 0);
        const QJsonArray types = QJsonDocument::fromJson(r.out.toUtf8()).array();
        QStringList names;
        for (const QJsonValue &t : types) {
            names.append(t.toObject().value(QStringLiteral("name")).toString());
            QVERIFY(!t.toObject().value(QStringLiteral("doc")).toString().isEmpty());
            for (const QJsonValue &p : t.toObject().value(QStringLiteral("params")).toArray())
                QVERIFY(!p.toObject().value(QStringLiteral("doc")).toString().isEmpty());
        }
        for (const char *expected : {"csv_source", "sample_dataset", "select_columns", "train_test_split", "standardize",
                                     "logistic_regression", "linear_regression", "ridge_regression", "evaluate", "save_model"})
            QVERIFY2(names.contains(QLatin1String(expected)), expected);
        const CliResult human = runCli({QStringLiteral("nodes"), QStringLiteral("logistic_regression")});
        QVERIFY(human.out.contains(QStringLiteral("--set ID.C=")));
    }

    void runsListAndShow()
    {
        const CliResult list = runCli({QStringLiteral("runs"), QStringLiteral("list"), QStringLiteral("--store"), store(), QStringLiteral("--json")});
        QCOMPARE(list.exitCode, 0);
        const QJsonArray runs = QJsonDocument::fromJson(list.out.toUtf8()).array();
        QVERIFY(runs.size() >= 3);
        const QString newest = runs.first().toObject().value(QStringLiteral("run_id")).toString();
        const CliResult show = runCli({QStringLiteral("runs"), QStringLiteral("show"), newest,
                                       QStringLiteral("--store"), store(), QStringLiteral("--json"), QStringLiteral("--logs")});
        QCOMPARE(show.exitCode, 0);
        const QJsonObject j = show.json();
        QCOMPARE(j.value(QStringLiteral("run_id")).toString(), newest);
        QVERIFY(!j.value(QStringLiteral("task_instances")).toArray().isEmpty());
        QVERIFY(!j.value(QStringLiteral("logs")).toArray().isEmpty());
        const CliResult failed = runCli({QStringLiteral("runs"), QStringLiteral("list"), QStringLiteral("--store"), store(),
                                         QStringLiteral("--state"), QStringLiteral("failed")});
        QCOMPARE(failed.exitCode, 0);
        QVERIFY(failed.out.contains(QStringLiteral("failed")));
        QVERIFY(!failed.out.contains(QStringLiteral(" success ")));
    }
};

QTEST_GUILESS_MAIN(TestCli)
#include "tst_cli.moc"
