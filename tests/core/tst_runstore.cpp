// The SQLite run store with real files and real threads: a realistic run published through an
// EventBus by several threads and read back from other threads, prefix lookup, filters, crash
// recovery (interrupted runs), several writers on one file, and Qt's connection bookkeeping.
// The file format itself (refusals, migrations, WAL, integrity) is tested in tst_runstoreschema.

#include "RunStoreTestSupport.h"

#include "exec/EventQueue.h"
#include "store/RunStore.h"
#include "store/StoreSchema.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

#include <cerrno>
#include <cmath>
#include <condition_variable>
#include <cstdio>
#include <latch>
#include <thread>

#include <signal.h>

using namespace fb;
using namespace fbtest;
using namespace Qt::StringLiterals;

class TestRunStore : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    int m_fileCount = 0;

    QString newStorePath() { return m_dir.filePath(u"s%1/store.sqlite"_s.arg(++m_fileCount)); }

    std::unique_ptr<RunStore> openStore(const QString &path)
    {
        QString error;
        auto store = RunStore::open(path, &error);
        if (!store)
            qWarning("open failed: %s", qPrintable(error));
        return store;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        previousHandler = qInstallMessageHandler(recordSqlWarnings);
    }

    void cleanup()
    {
        std::lock_guard lock(sqlWarningsMutex);
        const QStringList warnings = std::exchange(sqlWarnings, {});
        QVERIFY2(warnings.isEmpty(), qPrintable(warnings.join(u'\n')));
    }

    void cleanupTestCase()
    {
        QCOMPARE(storeConnectionCount(), 0);
        qInstallMessageHandler(previousHandler);
    }

    void realisticRunRoundTrips()
    {
        const QString path = newStorePath();
        auto store = openStore(path);
        QVERIFY(store);
        QCOMPARE(store->path(), QFileInfo(path).absoluteFilePath());
        QCOMPARE(store->artifactRoot(), QFileInfo(path).absolutePath() + u"/artifacts"_s);
        EventBus bus;
        store->attach(bus);

        const QString run = u"20240301-101500-c0de"_s;
        const QStringList trainers = {u"train_a"_s, u"train_b"_s, u"train_c"_s, u"train_d"_s};
        RunEvent started = runStarted(run,
                                      u"churn"_s,
                                      t0,
                                      {u"load=csv_reader"_s,
                                       u"prep=standardize"_s,
                                       u"train_a=mlp"_s,
                                       u"train_b=mlp"_s,
                                       u"train_c=mlp"_s,
                                       u"train_d=mlp"_s,
                                       u"eval=evaluate"_s,
                                       u"export=export_model"_s});
        auto info = std::make_shared<RunInfo>(*started.info);
        info->overrides = QJsonObject{{u"train_a"_s, QJsonObject{{u"lr"_s, 0.05}}}};
        info->targets = {u"export"_s};
        info->taskParams = QJsonObject{
            {u"load"_s, QJsonObject{{u"path"_s, u"/data/churn.csv"_s}, {u"header"_s, true}}},
            {u"train_a"_s,
             QJsonObject{{u"lr"_s, 0.05},
                         {u"layers"_s, QJsonArray{64, 32}},
                         {u"epochs"_s, 20},
                         {u"seed"_s, QJsonValue::Null}}},
        };
        started.info = info;
        bus.publish(started);

        bus.publish(taskState(run, u"load"_s, TaskState::Queued, 0, 1));
        bus.publish(taskState(run, u"load"_s, TaskState::Running, 1, 2));
        RunEvent progress = makeEvent(RunEvent::Kind::Progress, run, u"load"_s, 3);
        progress.value = 0.5;
        bus.publish(progress); // accepted and dropped: progress is UI-only
        bus.publish(taskState(run, u"load"_s, TaskState::Success, 1, 10));
        // prep fails once and succeeds on its second try.
        bus.publish(taskState(run, u"prep"_s, TaskState::Queued, 0, 11));
        bus.publish(taskState(run, u"prep"_s, TaskState::Running, 1, 12));
        RunEvent errorLine = makeEvent(RunEvent::Kind::Log, run, u"prep"_s, 13);
        errorLine.level = LogLevel::Error;
        errorLine.tryNumber = 1;
        errorLine.text = u"column 'age' has no values"_s;
        bus.publish(errorLine);
        bus.publish(taskState(run, u"prep"_s, TaskState::UpForRetry, 1, 14, errorLine.text));
        bus.publish(taskState(run, u"prep"_s, TaskState::Queued, 1, 20));
        bus.publish(taskState(run, u"prep"_s, TaskState::Running, 2, 21));
        bus.publish(taskState(run, u"prep"_s, TaskState::Success, 2, 30));
        for (int i = 0; i < trainers.size(); ++i) {
            bus.publish(taskState(run, trainers[i], TaskState::Queued, 0, 31));
            bus.publish(taskState(run, trainers[i], TaskState::Running, 1, 40 + i));
        }

        // Four trainers log their curves at the same time, as pool threads do.
        constexpr int steps = 2500;
        auto lossAt = [](int trainer, int step) { return 1.0 / (1.0 + step) + trainer * 1e-3; };
        std::latch go(qsizetype(trainers.size()));
        std::vector<std::thread> threads;
        for (int i = 0; i < trainers.size(); ++i) {
            threads.emplace_back([&, i] {
                go.arrive_and_wait();
                for (int step = 0; step < steps; ++step) {
                    bus.publish(metric(run, trainers[i], u"loss"_s, step, lossAt(i, step)));
                    bus.publish(metric(run, trainers[i], u"accuracy"_s, step, step * 1e-4));
                    if (step % 500 == 0) {
                        RunEvent line = makeEvent(RunEvent::Kind::Log,
                                                  run,
                                                  trainers[i],
                                                  5000 + step);
                        line.tryNumber = 1;
                        line.text = u"step %1"_s.arg(step);
                        bus.publish(line);
                    }
                }
            });
        }
        for (auto &t : threads)
            t.join();
        bus.publish(metric(run, u"train_a"_s, u"grad_norm"_s, 0, std::nan("")));
        for (int i = 0; i < trainers.size(); ++i)
            bus.publish(taskState(run, trainers[i], TaskState::Success, 1, 9000 + i));

        RunEvent cached = taskState(run, u"eval"_s, TaskState::Success, 0, 9100);
        cached.cached = true;
        bus.publish(cached);
        const QString modelPath = m_dir.filePath(u"model.fbm"_s);
        const QByteArray modelBytes = QByteArray("FBM1") + QByteArray(100000, 'w');
        {
            QFile f(modelPath);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(modelBytes);
        }
        RunEvent artifact = makeEvent(RunEvent::Kind::Artifact, run, u"train_a"_s, 9200);
        artifact.key = u"model"_s;
        artifact.text = modelPath;
        artifact.detail = u"model"_s;
        bus.publish(artifact);
        RunEvent missing = artifact;
        missing.key = u"report"_s;
        missing.text = m_dir.filePath(u"never-written.html"_s);
        missing.detail = u"report"_s;
        missing.timeMs += 1;
        bus.publish(missing);
        bus.publish(taskState(run, u"export"_s, TaskState::UpstreamFailed, 0, 9300));
        bus.publish(runFinished(run, TaskState::Failed, t0 + 9400));

        QVERIFY2(store->flush(), qPrintable(store->lastError()));
        QCOMPARE(store->lastError(), QString());

        // The run.
        const QList<RunSummary> runs = store->listRuns();
        QCOMPARE(runs.size(), 1);
        const RunSummary &r = runs.first();
        QCOMPARE(r.runId, run);
        QCOMPARE(r.pipelineName, u"churn"_s);
        QCOMPARE(r.pipelinePath, info->pipelinePath);
        QCOMPARE(r.pipelineHash, info->pipelineHash);
        QCOMPARE(r.state, TaskState::Failed);
        QCOMPARE(r.startMs, t0);
        QCOMPARE(r.endMs, t0 + 9400);
        QCOMPARE(r.targets, info->targets);
        QCOMPARE(r.overrides, info->overrides);
        QCOMPARE(r.host, QSysInfo::machineHostName());
        QCOMPARE(r.pid, qint64(::getpid()));
        QCOMPARE(r.taskCount, 8);
        QCOMPARE(store->pipelineJson(run), info->pipelineJson);
        QCOMPARE(store->params(run), info->taskParams);

        // Task instances: one row per try, start order, never-started tasks last.
        const QList<TaskInstanceRecord> tasks = store->taskInstances(run);
        QStringList rows;
        for (const TaskInstanceRecord &t : tasks) {
            rows.append(u"%1#%2 %3 %4 %5-%6 %7%8"_s.arg(t.nodeId)
                            .arg(t.tryNumber)
                            .arg(t.type, taskStateName(t.state))
                            .arg(t.startMs ? t.startMs - t0 : -1)
                            .arg(t.endMs ? t.endMs - t0 : -1)
                            .arg(t.error, t.cached ? u"cached"_s : QString()));
        }
        const QStringList expected = {
            u"load#1 csv_reader success 2-10 "_s,
            u"prep#1 standardize up_for_retry 12-14 column 'age' has no values"_s,
            u"prep#2 standardize success 21-30 "_s,
            u"train_a#1 mlp success 40-9000 "_s,
            u"train_b#1 mlp success 41-9001 "_s,
            u"train_c#1 mlp success 42-9002 "_s,
            u"train_d#1 mlp success 43-9003 "_s,
            u"eval#1 evaluate success -1-9100 cached"_s,
            u"export#1 export_model upstream_failed -1-9300 "_s,
        };
        QCOMPARE(rows, expected);

        // Metrics: every point of every thread, each series by step.
        QCOMPARE(store->metrics(run).size(), trainers.size() * steps * 2 + 1);
        for (int i = 0; i < trainers.size(); ++i) {
            const QList<MetricPoint> loss = store->metrics(run, trainers[i], u"loss"_s);
            QCOMPARE(loss.size(), steps);
            for (int step = 0; step < steps; ++step) {
                QCOMPARE(loss[step].step, qint64(step));
                QCOMPARE(loss[step].value, lossAt(i, step));
                QCOMPARE(loss[step].timeMs, t0 + 5000 + step);
                QCOMPARE(loss[step].nodeId, trainers[i]);
                QCOMPARE(loss[step].key, u"loss"_s);
            }
            QCOMPARE(store->metrics(run, trainers[i]).size(), steps * 2 + (i == 0 ? 1 : 0));
        }
        const QList<MetricPoint> nan = store->metrics(run, u"train_a"_s, u"grad_norm"_s);
        QCOMPARE(nan.size(), 1);
        QVERIFY(std::isnan(nan.first().value));

        // Logs in time order, per node on request.
        const QList<LogRecord> all = store->logs(run);
        QCOMPARE(all.size(), 1 + trainers.size() * 5);
        QCOMPARE(all.first().message, errorLine.text);
        QCOMPARE(all.first().level, LogLevel::Error);
        QCOMPARE(all.first().nodeId, u"prep"_s);
        QCOMPARE(all.first().tryNumber, 1);
        QCOMPARE(all.first().timeMs, t0 + 13);
        const QList<LogRecord> trainB = store->logs(run, u"train_b"_s);
        QCOMPARE(trainB.size(), 5);
        QCOMPARE(trainB.last().message, u"step 2000"_s);
        QCOMPARE(trainB.last().level, LogLevel::Info);

        // Artifacts with the hash and size taken when they were recorded.
        const QList<ArtifactRecord> artifacts = store->artifacts(run);
        QCOMPARE(artifacts.size(), 2);
        QCOMPARE(artifacts[0].name, u"model"_s);
        QCOMPARE(artifacts[0].nodeId, u"train_a"_s);
        QCOMPARE(artifacts[0].path, modelPath);
        QCOMPARE(artifacts[0].kind, u"model"_s);
        QCOMPARE(artifacts[0].size, qint64(modelBytes.size()));
        QCOMPARE(artifacts[0].hash,
                 QString::fromLatin1(
                     QCryptographicHash::hash(modelBytes, QCryptographicHash::Sha256).toHex()));
        QCOMPARE(artifacts[0].timeMs, t0 + 9200);
        QCOMPARE(artifacts[1].name, u"report"_s);
        QCOMPARE(artifacts[1].hash, QString()); // the file did not exist
        QCOMPARE(artifacts[1].size, qint64(0));

        // Reads from other threads (each opens its own connection, removed when it ends).
        const int connectionsBefore = storeConnectionCount();
        std::vector<std::thread> readers;
        std::atomic<int> good{0};
        for (int i = 0; i < 3; ++i) {
            readers.emplace_back([&, i] {
                const bool ok = store->metrics(run, trainers[i], u"loss"_s).size() == steps
                                && store->findRun(run.left(8), nullptr).has_value()
                                && store->taskInstances(run).size() == expected.size();
                good += ok ? 1 : 0;
            });
        }
        for (auto &t : readers)
            t.join();
        QCOMPARE(good.load(), 3);
        QCOMPARE(storeConnectionCount(), connectionsBefore);

        store->detach(bus);
        store.reset();
        QCOMPARE(storeConnectionCount(), 0);
    }

    void destructorFlushesAndDetachStops()
    {
        const QString path = newStorePath();
        const QString run = u"20240301-120000-0001"_s;
        {
            auto store = openStore(path);
            QVERIFY(store);
            EventBus bus;
            store->attach(bus);
            store->attach(bus); // a second attach must not record everything twice
            bus.publish(runStarted(run, u"p"_s, t0));
            for (int step = 0; step < 1000; ++step)
                bus.publish(metric(run, u"n"_s, u"loss"_s, step, step));
            store->detach(bus);
            bus.publish(metric(run, u"n"_s, u"loss"_s, 1000, 1000));
            store->post(metric(run, u"n"_s, u"posted"_s, 0, 1));
            EventBus outlived;
            store->attach(outlived);
            outlived.publish(metric(run, u"n"_s, u"late"_s, 0, 1));
            store.reset(); // no flush(): the destructor writes what it received
            outlived.publish(metric(run, u"n"_s, u"late"_s, 1, 1)); // ignored
        }
        auto store = openStore(path);
        QVERIFY(store);
        QCOMPARE(store->metrics(run, u"n"_s, u"loss"_s).size(), 1000);
        QCOMPARE(store->metrics(run, u"n"_s, u"posted"_s).size(), 1);
        QCOMPARE(store->metrics(run, u"n"_s, u"late"_s).size(), 1);
    }

    void closingRemovesConnectionsOfLiveThreads()
    {
        // A reader thread that outlives the store (a pool thread, say): the store removes that
        // thread's connection itself, and the thread's own clean-up later finds nothing to do.
        auto first = openStore(newStorePath());
        auto second = openStore(newStorePath());
        QVERIFY(first && second);
        first->post(runStarted(u"r"_s, u"p"_s, t0));
        QVERIFY(first->flush());
        std::mutex mutex;
        std::condition_variable changed;
        int stage = 0;
        qsizetype seen = -1;
        std::thread reader([&] {
            seen = first->listRuns().size() + second->listRuns().size();
            std::unique_lock lock(mutex);
            stage = 1;
            changed.notify_all();
            changed.wait(lock, [&] { return stage == 2; });
            seen += second->listRuns().size(); // still works after the first store closed
        });
        {
            std::unique_lock lock(mutex);
            changed.wait(lock, [&] { return stage == 1; });
        }
        QCOMPARE(seen, qsizetype(1));
        const int before = storeConnectionCount();
        first.reset(); // its writer and the reader thread's connection go
        QCOMPARE(storeConnectionCount(), before - 2);
        {
            std::lock_guard lock(mutex);
            stage = 2;
        }
        changed.notify_all();
        reader.join();
        QCOMPARE(seen, qsizetype(1));
        second.reset();
        QCOMPARE(storeConnectionCount(), 0);
    }

    void eventsOfUnknownRunsAreKept()
    {
        auto store = openStore(newStorePath());
        QVERIFY(store);
        // An importer may send metrics without a RunStarted: a placeholder run row keeps them.
        store->post(metric(u"imported-1"_s, u"n"_s, u"loss"_s, 0, 0.5));
        store->post(taskState(u"imported-1"_s, u"n"_s, TaskState::Success, 1, 7));
        QVERIFY2(store->flush(), qPrintable(store->lastError()));
        const auto found = store->findRun(u"imported"_s, nullptr);
        QVERIFY(found);
        QCOMPARE(found->state, TaskState::Running);
        QCOMPARE(store->metrics(u"imported-1"_s).size(), 1);
        QCOMPARE(store->taskInstances(u"imported-1"_s).size(), 1);
        QCOMPARE(store->taskInstances(u"imported-1"_s).first().state, TaskState::Success);
    }

    void writeErrorIsKeptAndWritingGoesOn()
    {
        auto store = openStore(newStorePath());
        QVERIFY(store);
        store->post(metric(QString(), u"n"_s, u"loss"_s, 0, 1)); // no run id
        QVERIFY(!store->flush());
        QVERIFY2(store->lastError().contains(u"without a run id"_s), qPrintable(store->lastError()));
        store->post(runStarted(u"r1"_s, u"p"_s, t0));
        store->post(metric(u"r1"_s, u"n"_s, u"loss"_s, 0, 1));
        QVERIFY(store->flush());
        QCOMPARE(store->metrics(u"r1"_s).size(), 1);
    }

    void findsRunsByIdOrPrefix()
    {
        auto store = openStore(newStorePath());
        QVERIFY(store);
        for (const char *id :
             {"20240101-100000-aaaa", "20240101-100000-aaab", "20240102-090000-beef", "abc", "abcd"})
            store->post(runStarted(QString::fromLatin1(id), u"p"_s, t0));
        QVERIFY(store->flush());

        QString error;
        auto found = store->findRun(u"20240102"_s, &error);
        QVERIFY2(found, qPrintable(error));
        QCOMPARE(found->runId, u"20240102-090000-beef"_s);
        found = store->findRun(u"20240101-100000-aaab"_s, &error);
        QVERIFY(found);
        QCOMPARE(found->runId, u"20240101-100000-aaab"_s);
        found = store->findRun(u"abc"_s, &error); // exact beats the longer "abcd"
        QVERIFY(found);
        QCOMPARE(found->runId, u"abc"_s);

        QVERIFY(!store->findRun(u"20240101-100000-aa"_s, &error));
        QVERIFY2(error.contains(u"ambiguous"_s) && error.contains(u"2 runs"_s)
                     && error.contains(u"20240101-100000-aaaa"_s)
                     && error.contains(u"20240101-100000-aaab"_s),
                 qPrintable(error));
        QVERIFY(!store->findRun(u"2025"_s, &error));
        QVERIFY2(error.contains(u"No run '2025'"_s) && error.contains(store->path()),
                 qPrintable(error));
        QVERIFY(!store->findRun(u"2024*"_s, &error)); // wildcards are literal
        QVERIFY(!store->findRun(u"?"_s, &error));
        QVERIFY(!store->findRun(u"ABC"_s, &error)); // ids are case-sensitive
        QVERIFY(!store->findRun(QString(), &error));
        QVERIFY(!error.isEmpty());
    }

    void filtersRuns_data()
    {
        QTest::addColumn<QString>("pipeline");
        QTest::addColumn<int>("state"); // -1 = any
        QTest::addColumn<qint64>("since");
        QTest::addColumn<qint64>("until");
        QTest::addColumn<int>("limit");
        QTest::addColumn<QStringList>("expected");

        const int any = -1;
        QTest::newRow("all, newest first") << QString() << any << qint64(0) << qint64(0) << 100
                                           << QStringList{"r5", "r4", "r3", "r2", "r1"};
        QTest::newRow("limit") << QString() << any << qint64(0) << qint64(0) << 2
                               << QStringList{"r5", "r4"};
        QTest::newRow("pipeline name substring")
            << u"churn"_s << any << qint64(0) << qint64(0) << 100 << QStringList{"r4", "r2", "r1"};
        QTest::newRow("pipeline name, other case")
            << u"CHURN"_s << any << qint64(0) << qint64(0) << 100 << QStringList{"r4", "r2", "r1"};
        QTest::newRow("pipeline path folder") << u"/home/ada/pipelines/fraud"_s << any << qint64(0)
                                              << qint64(0) << 100 << QStringList{"r5", "r3"};
        QTest::newRow("wildcards are literal")
            << u"%"_s << any << qint64(0) << qint64(0) << 100 << QStringList{};
        QTest::newRow("underscore is literal")
            << u"churn_"_s << any << qint64(0) << qint64(0) << 100 << QStringList{"r4"};
        QTest::newRow("state") << QString() << int(TaskState::Failed) << qint64(0) << qint64(0)
                               << 100 << QStringList{"r3", "r2"};
        QTest::newRow("since") << QString() << any << t0 + 3000 << qint64(0) << 100
                               << QStringList{"r5", "r4", "r3"};
        QTest::newRow("until (exclusive)")
            << QString() << any << qint64(0) << t0 + 3000 << 100 << QStringList{"r2", "r1"};
        QTest::newRow("everything") << u"churn"_s << int(TaskState::Failed) << t0 + 1000
                                    << t0 + 5000 << 10 << QStringList{"r2"};
    }

    void filtersRuns()
    {
        QFETCH(QString, pipeline);
        QFETCH(int, state);
        QFETCH(qint64, since);
        QFETCH(qint64, until);
        QFETCH(int, limit);
        QFETCH(QStringList, expected);

        auto store = openStore(newStorePath());
        QVERIFY(store);
        const struct
        {
            const char *id;
            const char *pipeline;
            qint64 start;
            TaskState end;
        } runs[] = {{"r1", "churn", t0 + 1000, TaskState::Success},
                    {"r2", "churn", t0 + 2000, TaskState::Failed},
                    {"r3", "fraud", t0 + 3000, TaskState::Failed},
                    {"r4", "churn_v2", t0 + 4000, TaskState::Cancelled},
                    {"r5", "fraud", t0 + 5000, TaskState::Success}};
        for (const auto &r : runs) {
            store->post(
                runStarted(QString::fromLatin1(r.id), QString::fromLatin1(r.pipeline), r.start));
            store->post(runFinished(QString::fromLatin1(r.id), r.end, r.start + 10));
        }
        QVERIFY(store->flush());

        RunFilter filter;
        filter.pipeline = pipeline;
        if (state >= 0)
            filter.state = TaskState(state);
        filter.sinceMs = since;
        filter.untilMs = until;
        filter.limit = limit;
        QStringList ids;
        for (const RunSummary &r : store->listRuns(filter))
            ids.append(r.runId);
        QCOMPARE(ids, expected);
    }

    void marksRunsOfDeadProcessesInterrupted()
    {
        // A pid that surely belongs to no process: a child that has exited and been reaped.
        QProcess child;
        child.start(u"true"_s, {});
        QVERIFY(child.waitForStarted());
        const qint64 deadPid = child.processId();
        QVERIFY(child.waitForFinished());
        if (::kill(pid_t(deadPid), 0) == 0 || errno != ESRCH)
            QSKIP("the pid of the finished child was reused already");

        const QString path = newStorePath();
        {
            auto store = openStore(path);
            QVERIFY(store);
            const QStringList types = {u"done=t"_s, u"busy=t"_s, u"waiting=t"_s, u"never=t"_s};
            const QString dead = u"dead"_s;
            store->post(runStarted(dead, u"p"_s, t0, types, deadPid));
            store->post(taskState(dead, u"done"_s, TaskState::Queued, 0, 1));
            store->post(taskState(dead, u"done"_s, TaskState::Running, 1, 2));
            store->post(taskState(dead, u"done"_s, TaskState::Success, 1, 3));
            store->post(taskState(dead, u"busy"_s, TaskState::Queued, 0, 4));
            store->post(taskState(dead, u"busy"_s, TaskState::Running, 1, 5));
            store->post(metric(dead, u"busy"_s, u"loss"_s, 70, 0.1)); // t0+5070
            store->post(taskState(dead, u"waiting"_s, TaskState::Queued, 0, 6));
            // A live process (this one), another machine's process, and a finished run.
            store->post(runStarted(u"live"_s, u"p"_s, t0, types, ::getpid()));
            store->post(taskState(u"live"_s, u"busy"_s, TaskState::Running, 1, 5));
            store->post(
                runStarted(u"remote"_s, u"p"_s, t0, types, deadPid, u"another-host.invalid"_s));
            store->post(runStarted(u"finished"_s, u"p"_s, t0, types, deadPid));
            store->post(runFinished(u"finished"_s, TaskState::Success, t0 + 50));
            QVERIFY(store->flush());
            QCOMPARE(store->interruptedOnOpen(), 0);
        }

        auto store = openStore(path);
        QVERIFY(store);
        QCOMPARE(store->interruptedOnOpen(), 1);
        QString error;
        const auto dead = store->findRun(u"dead"_s, &error);
        QVERIFY(dead);
        QCOMPARE(dead->state, TaskState::Interrupted);
        QCOMPARE(dead->endMs, t0 + 5070); // the last thing it recorded
        QStringList rows;
        for (const TaskInstanceRecord &t : store->taskInstances(u"dead"_s))
            rows.append(u"%1 %2 %3"_s.arg(t.nodeId, taskStateName(t.state))
                            .arg(t.endMs ? t.endMs - t0 : -1));
        QCOMPARE(rows,
                 (QStringList{u"done success 3"_s,
                              u"busy interrupted 5070"_s,
                              u"never interrupted -1"_s,
                              u"waiting interrupted -1"_s}));

        QCOMPARE(store->findRun(u"live"_s, &error)->state, TaskState::Running);
        QCOMPARE(store->taskInstances(u"live"_s).first().state, TaskState::Running);
        QCOMPARE(store->findRun(u"remote"_s, &error)->state, TaskState::Running);
        QCOMPARE(store->findRun(u"finished"_s, &error)->state, TaskState::Success);
        QCOMPARE(store->findRun(u"finished"_s, &error)->endMs, t0 + 50);
        store.reset();

        store = openStore(path);
        QVERIFY(store);
        QCOMPARE(store->interruptedOnOpen(), 0); // already marked
    }

    void twoStoresShareOneFile()
    {
        // Like two CLI processes of one Airflow DAG: separate writers, one file, no lost rows.
        const QString path = newStorePath();
        auto a = openStore(path);
        auto b = openStore(path);
        QVERIFY(a && b);
        std::thread ta([&] {
            a->post(runStarted(u"ra"_s, u"p"_s, t0));
            for (int step = 0; step < 20000; ++step)
                a->post(metric(u"ra"_s, u"n"_s, u"loss"_s, step, step));
        });
        std::thread tb([&] {
            b->post(runStarted(u"rb"_s, u"p"_s, t0));
            for (int step = 0; step < 20000; ++step)
                b->post(metric(u"rb"_s, u"n"_s, u"loss"_s, step, step));
        });
        ta.join();
        tb.join();
        QVERIFY2(a->flush(), qPrintable(a->lastError()));
        QVERIFY2(b->flush(), qPrintable(b->lastError()));
        QCOMPARE(a->metrics(u"rb"_s).size(), 20000);
        QCOMPARE(b->metrics(u"ra"_s).size(), 20000);
        QCOMPARE(a->listRuns().size(), 2);
    }

    // Not a test of its own: the multi-process tests start this executable again with this
    // function's name and FB_CHILD_* variables, to get real concurrent processes on one store.
    void childProcess()
    {
        const QString path = qEnvironmentVariable("FB_CHILD_STORE");
        if (path.isEmpty())
            QSKIP("runs only as a child of the multi-process tests");
        const QString run = qEnvironmentVariable("FB_CHILD_RUN");
        auto store = openStore(path);
        QVERIFY(store);
        store->post(runStarted(run, u"child"_s, t0, {u"n=t"_s}, QCoreApplication::applicationPid()));
        store->post(taskState(run, u"n"_s, TaskState::Running, 1, 1));
        if (qEnvironmentVariable("FB_CHILD_MODE") == u"hang"_s) {
            QVERIFY(store->flush());
            std::fputs("child-ready\n", stdout);
            std::fflush(stdout);
            QThread::sleep(120); // until the parent kills it, as a crash would
            return;
        }
        for (int step = 0; step < 20000; ++step)
            store->post(metric(run, u"n"_s, u"loss"_s, step, step));
        store->post(taskState(run, u"n"_s, TaskState::Success, 1, 2));
        store->post(runFinished(run, TaskState::Success, t0 + 3));
        QVERIFY2(store->flush(), qPrintable(store->lastError()));
    }

    void processesShareOneStore()
    {
        const QString path = newStorePath();
        auto store = openStore(path);
        QVERIFY(store);
        std::vector<std::unique_ptr<QProcess>> children;
        for (int i = 0; i < 3; ++i) {
            auto child = std::make_unique<QProcess>();
            QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
            env.insert(u"FB_CHILD_STORE"_s, path);
            env.insert(u"FB_CHILD_RUN"_s, u"child-%1"_s.arg(i));
            env.insert(u"FB_CHILD_MODE"_s, u"write"_s);
            child->setProcessEnvironment(env);
            child->setProcessChannelMode(QProcess::MergedChannels);
            child->start(QCoreApplication::applicationFilePath(), {u"childProcess"_s});
            children.push_back(std::move(child));
        }
        // The parent writes at the same time.
        store->post(runStarted(u"parent"_s, u"p"_s, t0));
        for (int step = 0; step < 20000; ++step)
            store->post(metric(u"parent"_s, u"n"_s, u"loss"_s, step, step));
        for (auto &child : children) {
            QVERIFY(child->waitForFinished(60000));
            QVERIFY2(child->exitStatus() == QProcess::NormalExit && child->exitCode() == 0,
                     child->readAllStandardOutput().constData());
        }
        QVERIFY2(store->flush(), qPrintable(store->lastError()));
        for (int i = 0; i < 3; ++i) {
            const QString run = u"child-%1"_s.arg(i);
            QCOMPARE(store->metrics(run).size(), 20000);
            QCOMPARE(store->findRun(run, nullptr)->state, TaskState::Success);
        }
        QCOMPARE(store->metrics(u"parent"_s).size(), 20000);
    }

    void killedProcessLeavesInterruptedRun()
    {
        const QString path = newStorePath();
        QProcess child;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(u"FB_CHILD_STORE"_s, path);
        env.insert(u"FB_CHILD_RUN"_s, u"crashing"_s);
        env.insert(u"FB_CHILD_MODE"_s, u"hang"_s);
        child.setProcessEnvironment(env);
        child.start(QCoreApplication::applicationFilePath(), {u"childProcess"_s});
        QByteArray output;
        while (!output.contains("child-ready") && child.waitForReadyRead(30000))
            output += child.readAllStandardOutput();
        QVERIFY2(output.contains("child-ready"), output.constData());

        // While the child lives, opening the store leaves its run alone.
        auto store = openStore(path);
        QVERIFY(store);
        QCOMPARE(store->interruptedOnOpen(), 0);
        QCOMPARE(store->findRun(u"crashing"_s, nullptr)->state, TaskState::Running);
        store.reset();

        child.kill(); // SIGKILL: no destructor, no RunFinished
        QVERIFY(child.waitForFinished());
        store = openStore(path);
        QVERIFY(store);
        QCOMPARE(store->interruptedOnOpen(), 1);
        QCOMPARE(store->findRun(u"crashing"_s, nullptr)->state, TaskState::Interrupted);
        QCOMPARE(store->taskInstances(u"crashing"_s).first().state, TaskState::Interrupted);
    }
};

QTEST_GUILESS_MAIN(TestRunStore)
#include "tst_runstore.moc"
