// Crash safety, end to end: `flowbench-cli run` is killed with SIGKILL while a model trains
// (and another branch has already saved its model), several times at different moments, on
// one store. After each kill the store must open, pass SQLite's integrity check and hold the
// run as interrupted with its unfinished tasks; the finished branch's model file must be whole
// and the killed branch must have left no model file, half or whole, and no temporary file
// that looks like an output. The store must stay usable for the next run.
//
// Deterministic: the kill waits until the store shows the fast branch saved and the slow
// training loop has recorded loss points, so it always lands mid-training, never before.

#include "CliRunner.h"

#include "exec/PortDataIO.h"
#include "model/ModelFile.h"
#include "store/RunStore.h"

#include <QCryptographicHash>
#include <QDeadlineTimer>
#include <QDir>
#include <QDirIterator>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

using namespace fb;
using namespace fbtest;

namespace {

// Two independent branches: iris -> logistic regression -> save (done in a moment), and
// digits -> standardize -> an MLP that would train for days -> save.
const char *const crashPipeline = R"({
  "format": "flowbench.pipeline",
  "version": 1,
  "name": "crash",
  "nodes": [
    {"id": "iris", "type": "sample_dataset"},
    {"id": "fast", "type": "logistic_regression"},
    {"id": "fast_save", "type": "save_model"},
    {"id": "digits", "type": "sample_dataset", "params": {"dataset": "digits"}},
    {"id": "scale", "type": "standardize"},
    {"id": "slow", "type": "mlp_classifier",
     "params": {"hidden_layer_sizes": "128,128", "max_iter": 1000000, "tol": 0,
                "n_iter_no_change": 100000}},
    {"id": "slow_save", "type": "save_model"}
  ],
  "links": [
    {"from": "iris.table", "to": "fast.train"},
    {"from": "fast.model", "to": "fast_save.model"},
    {"from": "digits.table", "to": "scale.train"},
    {"from": "scale.train", "to": "slow.train"},
    {"from": "slow.model", "to": "slow_save.model"}
  ]
})";

QString sqlScalar(const QString &storePath, const QString &sql, const QString &runId)
{
    const QString name = QStringLiteral("crash-probe");
    QString value;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
        db.setDatabaseName(storePath);
        db.setConnectOptions(QStringLiteral("QSQLITE_BUSY_TIMEOUT=2000"));
        if (db.open()) {
            QSqlQuery q(db);
            q.prepare(sql);
            if (!runId.isNull())
                q.addBindValue(runId);
            if (q.exec() && q.next())
                value = q.value(0).toString();
        }
    }
    QSqlDatabase::removeDatabase(name);
    return value;
}

QString sha256(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    QCryptographicHash h(QCryptographicHash::Sha256);
    h.addData(&f);
    return QString::fromLatin1(h.result().toHex());
}

} // namespace

class TestCrash : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    QString m_flow;
    QString store() const { return m_dir.filePath(QStringLiteral("store/store.sqlite")); }
    QString artifacts() const { return m_dir.filePath(QStringLiteral("store/artifacts")); }
    QStringList m_killed;

    // Waits until the fast branch saved its model and the MLP recorded `points` loss values.
    bool waitForTraining(QProcess &cli, const QString &runId, int points)
    {
        const QDeadlineTimer deadline(120000); // a failure bound, not a measurement
        while (!deadline.hasExpired() && cli.state() == QProcess::Running) {
            const bool saved
                = sqlScalar(store(),
                            QStringLiteral("SELECT state FROM task_instances WHERE run_id = ? AND "
                                           "node_id = 'fast_save' ORDER BY try_number DESC"),
                            runId)
                  == u"success";
            const int losses = sqlScalar(store(),
                                         QStringLiteral(
                                             "SELECT COUNT(*) FROM metrics WHERE run_id = ? AND "
                                             "node_id = 'slow'"),
                                         runId)
                                   .toInt();
            if (saved && losses >= points)
                return true;
            QThread::msleep(20);
        }
        return false;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY2(QFile::exists(cliPath()), "FLOWBENCH_CLI must point at the built flowbench-cli");
        QVERIFY(m_dir.isValid());
        m_flow = m_dir.filePath(QStringLiteral("crash.flow"));
        QFile f(m_flow);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(crashPipeline);
    }

    void killMidTraining_data()
    {
        QTest::addColumn<int>("points");
        QTest::addColumn<int>("extraDelayMs");
        // Different moments of the training loop and of the store writer's batches.
        QTest::newRow("first loss") << 1 << 0;
        QTest::newRow("a few epochs") << 3 << 25;
        QTest::newRow("later") << 5 << 150;
        QTest::newRow("much later") << 8 << 600;
    }

    void killMidTraining()
    {
        QFETCH(int, points);
        QFETCH(int, extraDelayMs);
        const QString runId = QStringLiteral("crash-%1").arg(m_killed.size() + 1);

        QProcess cli;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("OPENBLAS_NUM_THREADS"), QStringLiteral("1"));
        cli.setProcessEnvironment(env);
        cli.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        cli.start(cliPath(),
                  {QStringLiteral("run"),
                   m_flow,
                   QStringLiteral("--store"),
                   store(),
                   QStringLiteral("--run-id"),
                   runId,
                   QStringLiteral("--threads"),
                   QStringLiteral("2"),
                   QStringLiteral("--quiet")});
        QVERIFY(cli.waitForStarted(10000));
        const bool training = waitForTraining(cli, runId, points);
        if (!training) {
            cli.kill();
            cli.waitForFinished(10000);
            QFAIL(qPrintable(
                QStringLiteral("the MLP never recorded %1 loss points (cli %2, exit %3): %4")
                    .arg(points)
                    .arg(cli.state() == QProcess::NotRunning ? QStringLiteral("ended")
                                                             : QStringLiteral("running"))
                    .arg(cli.exitCode())
                    .arg(QString::fromUtf8(cli.readAllStandardOutput()))));
        }
        QThread::msleep(extraDelayMs);
        QCOMPARE(cli.state(), QProcess::Running); // it must still be training when killed
        cli.kill(); // SIGKILL: no handler, no flush, no destructor runs
        QVERIFY(cli.waitForFinished(10000));
        QCOMPARE(cli.exitStatus(), QProcess::CrashExit);
        m_killed.append(runId);

        // The CLI of the next user finds the run and closes it as interrupted.
        const CliResult show = runCli({QStringLiteral("runs"),
                                       QStringLiteral("show"),
                                       runId,
                                       QStringLiteral("--store"),
                                       store(),
                                       QStringLiteral("--json")});
        QVERIFY2(show.exitCode == 0, qPrintable(show.err));
        QCOMPARE(show.json().value(QStringLiteral("state")).toString(),
                 QStringLiteral("interrupted"));

        // SQLite's own check of every page and index.
        QCOMPARE(sqlScalar(store(), QStringLiteral("PRAGMA integrity_check"), QString()),
                 QStringLiteral("ok"));
        QCOMPARE(sqlScalar(store(), QStringLiteral("PRAGMA foreign_key_check"), QString()),
                 QString());

        QString error;
        const auto s = RunStore::open(store(), &error);
        QVERIFY2(s, qPrintable(error));
        QCOMPARE(s->interruptedOnOpen(), 0); // already closed by the CLI above
        const auto run = s->findRun(runId, &error);
        QVERIFY2(run, qPrintable(error));
        QCOMPARE(run->state, TaskState::Interrupted);
        QVERIFY(run->endMs >= run->startMs);
        QHash<QString, TaskInstanceRecord> tasks;
        for (const TaskInstanceRecord &t : s->taskInstances(runId))
            tasks.insert(t.nodeId, t);
        for (const QString &done :
             {QStringLiteral("iris"), QStringLiteral("fast"), QStringLiteral("fast_save")})
            QCOMPARE(taskStateName(tasks.value(done).state), QStringLiteral("success"));
        QCOMPARE(taskStateName(tasks.value(QStringLiteral("slow")).state),
                 QStringLiteral("interrupted"));
        QVERIFY(tasks.value(QStringLiteral("slow")).startMs > 0);
        // The task that never started is recorded too, and closed.
        QVERIFY2(tasks.contains(QStringLiteral("slow_save")),
                 "the unfinished downstream task is not recorded");
        QCOMPARE(taskStateName(tasks.value(QStringLiteral("slow_save")).state),
                 QStringLiteral("interrupted"));
        for (const TaskInstanceRecord &t : tasks)
            QVERIFY2(isFinal(t.state), qPrintable(t.nodeId));
        // What was recorded before the kill survived it.
        QVERIFY(s->metrics(runId, QStringLiteral("slow")).size() >= points);

        // Outputs: the saved model whole and as recorded; nothing at all from the killed branch.
        const QList<ArtifactRecord> recorded = s->artifacts(runId);
        QCOMPARE(recorded.size(), 1);
        QCOMPARE(recorded.first().nodeId, QStringLiteral("fast_save"));
        const QStringList files = filesUnder(artifacts() + u'/' + runId);
        QCOMPARE(files, QStringList{QFileInfo(recorded.first().path).absoluteFilePath()});
        QCOMPARE(sha256(files.first()), recorded.first().hash);
        QVERIFY2(ModelFile::load(files.first(), &error), qPrintable(error));

        // The output cache: every entry under its real name is complete (entries are written in
        // a temporary folder and renamed, so a kill can leave only a tmp-* folder).
        const QString cache = s->cacheDir();
        for (const QString &path : filesUnder(cache)) {
            if (path.contains(QStringLiteral("/tmp-"))) {
                qInfo("left by the kill, invisible to readers: %s", qPrintable(path));
                continue;
            }
            if (path.endsWith(QStringLiteral(".fbt"))) {
                QVERIFY2(readPortData(PortType::Table, path, &error), qPrintable(error));
            } else if (path.endsWith(QStringLiteral(".fbm"))) {
                QVERIFY2(readPortData(PortType::Model, path, &error), qPrintable(error));
            } else {
                QFile f(path);
                QVERIFY(f.open(QIODevice::ReadOnly));
                QVERIFY2(!QJsonDocument::fromJson(f.readAll()).isNull(), qPrintable(path));
            }
        }
    }

    void storeStaysUsable()
    {
        QVERIFY(!m_killed.isEmpty());
        // A normal run on the same store after the kills: the fast branch only.
        const CliResult r = runCli({QStringLiteral("run"),
                                    m_flow,
                                    QStringLiteral("--store"),
                                    store(),
                                    QStringLiteral("--node"),
                                    QStringLiteral("fast_save"),
                                    QStringLiteral("--json")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err + r.out));
        QCOMPARE(r.json().value(QStringLiteral("state")).toString(), QStringLiteral("success"));
        const CliResult list = runCli({QStringLiteral("runs"),
                                       QStringLiteral("list"),
                                       QStringLiteral("--store"),
                                       store(),
                                       QStringLiteral("--state"),
                                       QStringLiteral("interrupted"),
                                       QStringLiteral("--json")});
        QCOMPARE(list.exitCode, 0);
        QStringList interrupted;
        for (const QJsonValue &v : QJsonDocument::fromJson(list.out.toUtf8()).array())
            interrupted.append(v.toObject().value(QStringLiteral("run_id")).toString());
        interrupted.sort();
        QStringList expected = m_killed;
        expected.sort();
        QCOMPARE(interrupted, expected);
        QCOMPARE(sqlScalar(store(), QStringLiteral("PRAGMA integrity_check"), QString()),
                 QStringLiteral("ok"));
    }
};

QTEST_GUILESS_MAIN(TestCrash)
#include "tst_crash.moc"
