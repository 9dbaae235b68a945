// flowbench-cli models with the real binary on a real store: register, list, show, alias,
// export (fbm and onnx), delete, with their exit codes and messages.

#include "cli/CliRunner.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QTemporaryDir>
#include <QTest>

using namespace fbtest;
using namespace Qt::StringLiterals;

namespace {

QByteArray sha256(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return QCryptographicHash::hash(f.readAll(), QCryptographicHash::Sha256).toHex();
}

} // namespace

class TestModels : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    QString m_store;
    QString m_model;

    CliResult models(const QStringList &args)
    {
        return runCli(QStringList{u"models"_s} + args + QStringList{u"--store"_s, m_store});
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        QVERIFY2(QFileInfo(cliPath()).isExecutable(), qPrintable(cliPath()));
        m_store = m_dir.filePath(u"store/store.sqlite"_s);
        m_model = sourceDir() + u"/tests/fuzz/corpus/model/logistic_regression.fbm"_s;
        QVERIFY(QFileInfo::exists(m_model));
    }

    void registersListsShowsAndExports()
    {
        CliResult r = models({u"register"_s,
                              m_model,
                              u"--name"_s,
                              u"churn"_s,
                              u"--tag"_s,
                              u"team=ml"_s,
                              u"--alias"_s,
                              u"staging"_s,
                              u"--json"_s});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QCOMPARE(r.json()[u"version"_s].toInt(), 1);
        QCOMPARE(r.json()[u"aliases"_s].toArray(), QJsonArray{u"staging"_s});
        r = models({u"register"_s, m_model, u"--name"_s, u"churn"_s, u"--description"_s, u"v2"_s});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QVERIFY2(r.out.contains(u"as churn/2"_s), qPrintable(r.out));

        r = models({u"list"_s});
        QCOMPARE(r.exitCode, 0);
        QVERIFY2(r.out.contains(u"churn"_s) && r.out.contains(u"staging=1"_s), qPrintable(r.out));

        r = models({u"alias"_s, u"churn"_s, u"2"_s, u"champion"_s});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        r = models({u"show"_s, u"churn@champion"_s, u"--json"_s});
        QCOMPARE(r.exitCode, 0);
        QCOMPARE(r.json()[u"version"_s].toInt(), 2);
        QCOMPARE(r.json()[u"description"_s].toString(), u"v2"_s);
        QCOMPARE(r.json()[u"algorithm"_s].toString(), u"logistic_regression"_s);
        QCOMPARE(r.json()[u"sha256"_s].toString().toLatin1(), sha256(m_model));

        const QString fbm = m_dir.filePath(u"out/churn.fbm"_s);
        QDir().mkpath(QFileInfo(fbm).absolutePath());
        r = models({u"export"_s, u"churn@champion"_s, u"-o"_s, fbm});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QCOMPARE(sha256(fbm), sha256(m_model));
        const QString onnx = m_dir.filePath(u"out/churn.onnx"_s);
        r = models({u"export"_s, u"churn/1"_s, u"-o"_s, onnx, u"--format"_s, u"onnx"_s});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QVERIFY(QFileInfo(onnx).size() > 100);
    }

    void refusesWithMessages_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("message");
        QTest::newRow("unknown version")
            << QStringList{u"show"_s, u"churn/9"_s} << u"has no version 9 (versions: 1, 2)"_s;
        QTest::newRow("unknown alias")
            << QStringList{u"show"_s, u"churn@prod"_s} << u"has no alias 'prod'"_s;
        QTest::newRow("unknown model")
            << QStringList{u"show"_s, u"nope"_s} << u"No registered model 'nope'"_s;
        QTest::newRow("bad name") << QStringList{u"register"_s, u"x.fbm"_s, u"--name"_s, u"a/b"_s}
                                  << u"not a valid model name"_s;
        QTest::newRow("missing file")
            << QStringList{u"register"_s, u"/nonexistent/m.fbm"_s, u"--name"_s, u"m"_s}
            << u"/nonexistent/m.fbm"_s;
        QTest::newRow("alias to missing version")
            << QStringList{u"alias"_s, u"churn"_s, u"5"_s, u"x"_s} << u"no version 5"_s;
        QTest::newRow("format") << QStringList{u"export"_s,
                                               u"churn/1"_s,
                                               u"-o"_s,
                                               u"x"_s,
                                               u"--format"_s,
                                               u"pmml"_s}
                                << u"--format 'pmml'"_s;
        QTest::newRow("delete needs yes") << QStringList{u"delete"_s, u"churn/1"_s} << u"--yes"_s;
        QTest::newRow("unknown action") << QStringList{u"frobnicate"_s} << u"unknown action"_s;
    }

    void refusesWithMessages()
    {
        QFETCH(QStringList, args);
        QFETCH(QString, message);
        const CliResult r = models(args);
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains(message), qPrintable(r.err));
    }

    void deletes()
    {
        CliResult r = models({u"delete"_s, u"churn/1"_s, u"--yes"_s});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        r = models({u"show"_s, u"churn"_s, u"--json"_s});
        QCOMPARE(r.json()[u"version_count"_s].toInt(), 1);
        QVERIFY(!QFileInfo::exists(m_dir.filePath(u"store/registry/churn/1/model.fbm"_s)));
        r = models({u"delete"_s, u"churn"_s, u"--yes"_s});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        r = models({u"list"_s, u"--json"_s});
        QCOMPARE(r.exitCode, 0);
        const QJsonDocument doc = QJsonDocument::fromJson(r.out.toUtf8());
        QVERIFY2(doc.isArray() && doc.array().isEmpty(), qPrintable(r.out));
    }
};

QTEST_GUILESS_MAIN(TestModels)
#include "tst_models.moc"
