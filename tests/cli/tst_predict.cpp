// `flowbench-cli predict MODEL INPUT.csv [-o OUT.csv] [--json]` with the real binary and models
// trained by the real `flowbench-cli run`: scored rows equal the model's own evaluation,
// output written atomically, and every bad input (missing, mistyped, extra columns, malformed
// CSV, missing model, registry references) reported by name with exit code 2.

#include "CliRunner.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QTemporaryDir>
#include <QTest>

using namespace fbtest;

namespace {

const char *const kmeansPipeline = R"({
  "format": "flowbench.pipeline", "version": 1, "name": "clusters",
  "nodes": [
    {"id": "data", "type": "sample_dataset", "params": {"dataset": "wine"}},
    {"id": "scale", "type": "minmax_scale"},
    {"id": "train", "type": "kmeans", "params": {"n_clusters": 3, "seed": 7}},
    {"id": "save", "type": "save_model", "params": {"path": "kmeans.fbm"}}
  ],
  "links": [
    {"from": "data.table", "to": "scale.train"},
    {"from": "scale.train", "to": "train.train"},
    {"from": "train.model", "to": "save.model"}
  ]
})";

QList<QByteArray> lines(const QByteArray &text)
{
    QList<QByteArray> out = text.split('\n');
    while (!out.isEmpty() && out.last().isEmpty())
        out.removeLast();
    return out;
}

} // namespace

class TestPredict : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;

    QString path(const QString &name) const { return m_dir.filePath(name); }
    QString dataset(const QString &name) const
    {
        return sourceDir() + QStringLiteral("/resources/datasets/") + name;
    }

    void write(const QString &name, const QByteArray &bytes)
    {
        QFile f(path(name));
        QVERIFY(f.open(QIODevice::WriteOnly));
        QCOMPARE(f.write(bytes), bytes.size());
    }

    QByteArray read(const QString &file)
    {
        QFile f(file);
        return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
    }

    CliResult predict(const QStringList &args)
    {
        return runCli(QStringList{QStringLiteral("predict")} + args);
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY2(QFile::exists(cliPath()), "FLOWBENCH_CLI must point at the built flowbench-cli");
        QVERIFY(m_dir.isValid());
        const QString examples = sourceDir() + QStringLiteral("/resources/examples/");
        const QString store = path(QStringLiteral("store.sqlite"));
        CliResult r = runCli({QStringLiteral("run"),
                              examples + QStringLiteral("classification.flow"),
                              QStringLiteral("--store"),
                              store,
                              QStringLiteral("--set"),
                              QStringLiteral("save.path=") + path(QStringLiteral("iris.fbm"))},
                             300000);
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        r = runCli({QStringLiteral("run"),
                    examples + QStringLiteral("regression.flow"),
                    QStringLiteral("--store"),
                    store,
                    QStringLiteral("--set"),
                    QStringLiteral("save.path=") + path(QStringLiteral("diabetes.fbm"))},
                   300000);
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        write(QStringLiteral("clusters.flow"), kmeansPipeline);
        r = runCli({QStringLiteral("run"),
                    path(QStringLiteral("clusters.flow")),
                    QStringLiteral("--store"),
                    store},
                   300000);
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    }

    // Input columns, then prediction and proba_<class>; the target column the model does not
    // use passes through with a note. Every label agrees with --json and the probabilities sum to 1.
    void classifierToFile()
    {
        const QString out = path(QStringLiteral("scored/iris_scored.csv"));
        QVERIFY(QDir().mkpath(path(QStringLiteral("scored"))));
        const CliResult r = predict({path(QStringLiteral("iris.fbm")),
                                     dataset(QStringLiteral("iris.csv")),
                                     QStringLiteral("-o"),
                                     out});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QVERIFY2(r.err.contains(
                     QStringLiteral("ignoring column(s) the model does not use: species")),
                 qPrintable(r.err));
        QVERIFY(r.out.isEmpty());
        // Atomic write: only the result is in the folder, no temporary file left over.
        QCOMPARE(QDir(path(QStringLiteral("scored"))).entryList(QDir::Files | QDir::Hidden),
                 QStringList{QStringLiteral("iris_scored.csv")});

        const QList<QByteArray> rows = lines(read(out));
        QCOMPARE(rows.size(), 151);
        QCOMPARE(rows.first(),
                 QByteArray("sepal_length,sepal_width,petal_length,petal_width,species,prediction,"
                            "proba_setosa,proba_versicolor,proba_virginica"));
        const QJsonObject json = predict({path(QStringLiteral("iris.fbm")),
                                          dataset(QStringLiteral("iris.csv")),
                                          QStringLiteral("--json")})
                                     .json();
        const QJsonArray labels = json.value(QStringLiteral("predictions")).toArray();
        const QJsonArray proba = json.value(QStringLiteral("probabilities")).toArray();
        QCOMPARE(labels.size(), 150);
        QCOMPARE(json.value(QStringLiteral("classes")).toArray().size(), 3);
        int agree = 0;
        for (int i = 1; i <= 150; ++i) {
            const QList<QByteArray> f = rows.at(i).split(',');
            QCOMPARE(f.size(), 9);
            QCOMPARE(QString::fromUtf8(f.at(5)), labels.at(i - 1).toString());
            double sum = 0;
            for (int k = 0; k < 3; ++k) {
                QCOMPARE(f.at(6 + k).toDouble(), proba.at(i - 1).toArray().at(k).toDouble());
                sum += f.at(6 + k).toDouble();
            }
            QVERIFY(qAbs(sum - 1.0) < 1e-9);
            agree += f.at(4) == f.at(5);
        }
        QVERIFY2(agree >= 140,
                 qPrintable(QStringLiteral("%1 of 150 labels equal the species").arg(agree)));
    }

    void regressorToStdout()
    {
        const CliResult r = predict({path(QStringLiteral("diabetes.fbm")),
                                     dataset(QStringLiteral("diabetes.csv")),
                                     QStringLiteral("--column"),
                                     QStringLiteral("predicted_progression")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const QList<QByteArray> rows = lines(r.out.toUtf8());
        QCOMPARE(rows.size(), 443);
        QVERIFY(rows.first().endsWith(",progression,predicted_progression"));
        double sumSq = 0;
        for (int i = 1; i < rows.size(); ++i) {
            const QList<QByteArray> f = rows.at(i).split(',');
            QCOMPARE(f.size(), 12);
            bool ok = false;
            const double predicted = f.at(11).toDouble(&ok);
            QVERIFY(ok);
            sumSq += (predicted - f.at(10).toDouble()) * (predicted - f.at(10).toDouble());
        }
        // Ridge on diabetes: RMSE about 53 (the target's spread is 77).
        QVERIFY2(std::sqrt(sumSq / 442) < 60, qPrintable(QString::number(std::sqrt(sumSq / 442))));
    }

    void clustersAndJson()
    {
        const CliResult r = predict({path(QStringLiteral("kmeans.fbm")),
                                     dataset(QStringLiteral("wine.csv")),
                                     QStringLiteral("--json")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const QJsonArray clusters = r.json().value(QStringLiteral("predictions")).toArray();
        QCOMPARE(clusters.size(), 178);
        QSet<int> seen;
        for (const QJsonValue &v : clusters) {
            QVERIFY(v.isDouble());
            seen.insert(v.toInt());
        }
        QCOMPARE(seen, (QSet<int>{0, 1, 2}));
        QVERIFY(!r.json().contains(QStringLiteral("probabilities")));
    }

    // Columns in any order, quoted fields, a categorical-looking extra column: still scored.
    void reorderedAndQuotedInput()
    {
        write(QStringLiteral("reordered.csv"),
              "note,petal_width,petal_length,sepal_width,sepal_length\n"
              "\"first, with comma\",0.2,1.4,3.5,5.1\n"
              "\"say \"\"hi\"\"\",2.5,6.0,3.3,6.3\n");
        const CliResult r = predict(
            {path(QStringLiteral("iris.fbm")), path(QStringLiteral("reordered.csv"))});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QVERIFY2(r.err.contains(QStringLiteral("note")), qPrintable(r.err));
        const QList<QByteArray> rows = lines(r.out.toUtf8());
        QCOMPARE(rows.size(), 3);
        QVERIFY2(rows.at(1).startsWith("\"first, with comma\",0.2,1.4,3.5,5.1,setosa,"),
                 rows.at(1).constData());
        QVERIFY2(rows.at(2).startsWith("\"say \"\"hi\"\"\",2.5,6,3.3,6.3,virginica,"),
                 rows.at(2).constData());
    }

    // A registered model is scored by NAME@ALIAS and NAME/VERSION from the store's registry.
    void registryReference()
    {
        const QString store = path(QStringLiteral("store.sqlite"));
        const CliResult reg = runCli({QStringLiteral("models"),
                                      QStringLiteral("register"),
                                      path(QStringLiteral("iris.fbm")),
                                      QStringLiteral("--name"),
                                      QStringLiteral("iris"),
                                      QStringLiteral("--alias"),
                                      QStringLiteral("champion"),
                                      QStringLiteral("--store"),
                                      store});
        QVERIFY2(reg.exitCode == 0, qPrintable(reg.err));
        const QJsonObject byFile = predict({path(QStringLiteral("iris.fbm")),
                                            dataset(QStringLiteral("iris.csv")),
                                            QStringLiteral("--json")})
                                       .json();
        QVERIFY(!byFile.isEmpty());
        for (const QString &ref : {QStringLiteral("iris@champion"), QStringLiteral("iris/1")}) {
            const CliResult r = predict({ref,
                                         dataset(QStringLiteral("iris.csv")),
                                         QStringLiteral("--json"),
                                         QStringLiteral("--store"),
                                         store});
            QVERIFY2(r.exitCode == 0, qPrintable(r.err));
            QCOMPARE(r.json(), byFile);
        }
        const CliResult unknown = predict({QStringLiteral("iris@nobody"),
                                           dataset(QStringLiteral("iris.csv")),
                                           QStringLiteral("--store"),
                                           store});
        QCOMPARE(unknown.exitCode, 2);
        QVERIFY2(unknown.err.contains(QStringLiteral("iris@nobody")), qPrintable(unknown.err));
    }

    void badInputs_data()
    {
        QTest::addColumn<QByteArray>("csv");
        QTest::addColumn<QStringList>("mentions");
        QTest::newRow("missing columns")
            << QByteArray("sepal_length,sepal_width\n5.1,3.5\n")
            << QStringList{QStringLiteral("missing column(s): petal_length, petal_width")};
        QTest::newRow("text in numeric column")
            << QByteArray("sepal_length,sepal_width,petal_length,petal_width\n5.1,3.5,1.4,0.2\n5.0,"
                          "wide,1.4,0.2\n")
            << QStringList{QStringLiteral("sepal_width"),
                           QStringLiteral("wide"),
                           QStringLiteral("row 2")};
        QTest::newRow("missing value")
            << QByteArray("sepal_length,sepal_width,petal_length,petal_width\n5.1,3.5,,0.2\n")
            << QStringList{QStringLiteral("petal_length")};
        QTest::newRow("unterminated quote")
            << QByteArray("sepal_length,sepal_width,petal_length,petal_width\n\"5.1,3.5,1.4,0.2\n")
            << QStringList{QStringLiteral("bad.csv")};
        QTest::newRow("empty file") << QByteArray() << QStringList{QStringLiteral("bad.csv")};
        QTest::newRow("clashing column") << QByteArray(
            "sepal_length,sepal_width,petal_length,petal_width,prediction\n5.1,3.5,1.4,0.2,x\n")
                                         << QStringList{QStringLiteral("'prediction'"),
                                                        QStringLiteral("--column")};
    }

    void badInputs()
    {
        QFETCH(QByteArray, csv);
        QFETCH(QStringList, mentions);
        write(QStringLiteral("bad.csv"), csv);
        const QString out = path(QStringLiteral("bad_out.csv"));
        const CliResult r = predict({path(QStringLiteral("iris.fbm")),
                                     path(QStringLiteral("bad.csv")),
                                     QStringLiteral("-o"),
                                     out});
        QCOMPARE(r.exitCode, 2);
        for (const QString &m : mentions)
            QVERIFY2(r.err.contains(m), qPrintable(r.err));
        QVERIFY(!QFile::exists(out)); // nothing half-written
    }

    void badArguments()
    {
        CliResult r = predict(
            {path(QStringLiteral("absent.fbm")), dataset(QStringLiteral("iris.csv"))});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains(QStringLiteral("absent.fbm")), qPrintable(r.err));

        r = predict({QStringLiteral("churn@champion"),
                     dataset(QStringLiteral("iris.csv")),
                     QStringLiteral("--store"),
                     path(QStringLiteral("store.sqlite"))});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains(QStringLiteral("churn@champion")), qPrintable(r.err));

        r = predict({path(QStringLiteral("iris.fbm")), path(QStringLiteral("absent.csv"))});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains(QStringLiteral("absent.csv")), qPrintable(r.err));

        write(QStringLiteral("broken.fbm"), "{\"format\": \"flowbench.model\", \"version\": 1");
        r = predict({path(QStringLiteral("broken.fbm")), dataset(QStringLiteral("iris.csv"))});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains(QStringLiteral("broken.fbm")), qPrintable(r.err));

        r = predict({path(QStringLiteral("iris.fbm"))});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains(QStringLiteral("expected MODEL and INPUT.csv")), qPrintable(r.err));

        // A folder that cannot be made (under a file): an environment problem (exit 1), named.
        r = predict({path(QStringLiteral("iris.fbm")),
                     dataset(QStringLiteral("iris.csv")),
                     QStringLiteral("-o"),
                     path(QStringLiteral("iris.fbm/out.csv"))});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains(QStringLiteral("out.csv")), qPrintable(r.err));
    }
};

QTEST_GUILESS_MAIN(TestPredict)
#include "tst_predict.moc"
