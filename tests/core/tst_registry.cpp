// The model registry and runs shared by several processes, on both store backends: SQLite
// files, and a real PostgreSQL server when FLOWBENCH_TEST_PG_URL names one (scripts/
// with-postgres.sh starts a throwaway server and sets it; without it the PostgreSQL rows are
// skipped with a message saying so). Each PostgreSQL row works in a schema of its own.

#include "RunStoreTestSupport.h"

#include "store/ModelRegistry.h"
#include "store/RunStore.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>
#include <thread>
#include <vector>

using namespace fb;
using namespace fbtest;
using namespace Qt::StringLiterals;

class TestRegistry : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    int m_count = 0;
    QString m_model; // a valid .fbm file

    // A fresh store of the row's backend.
    QString newStore()
    {
        QFETCH_GLOBAL(QString, backend);
        ++m_count;
        if (backend == u"sqlite"_s)
            return m_dir.filePath(u"s%1/store.sqlite"_s.arg(m_count));
        const QString url = qEnvironmentVariable("FLOWBENCH_TEST_PG_URL");
        return url + (url.contains(u'?') ? u"&"_s : u"?"_s)
               + u"schema=t%1_%2"_s.arg(QCoreApplication::applicationPid()).arg(m_count);
    }

    std::unique_ptr<RunStore> open(const QString &spec)
    {
        QString error;
        auto store = RunStore::open(spec, &error);
        if (!store)
            qWarning("open failed: %s", qPrintable(error));
        return store;
    }

    void skipWithoutServer()
    {
        QFETCH_GLOBAL(QString, backend);
        if (backend == u"postgres"_s && qEnvironmentVariableIsEmpty("FLOWBENCH_TEST_PG_URL"))
            QSKIP("FLOWBENCH_TEST_PG_URL is not set: PostgreSQL store tests skipped (run them "
                  "with scripts/with-postgres.sh)");
    }

private Q_SLOTS:
    void initTestCase_data()
    {
        QTest::addColumn<QString>("backend");
        QTest::newRow("sqlite") << u"sqlite"_s;
        QTest::newRow("postgres") << u"postgres"_s;
        if (qEnvironmentVariableIsEmpty("FLOWBENCH_TEST_PG_URL"))
            qInfo("FLOWBENCH_TEST_PG_URL is not set: the postgres rows will be skipped");
    }

    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        // PostgreSQL stores keep their files here (registry copies, cache).
        qputenv("FLOWBENCH_DATA_DIR", m_dir.filePath(u"pgdata"_s).toUtf8());
        m_model = QString::fromUtf8(FLOWBENCH_SOURCE_DIR_FALLBACK)
                  + u"/tests/fuzz/corpus/model/logistic_regression.fbm"_s;
        QVERIFY2(QFileInfo::exists(m_model), qPrintable(m_model));
    }

    void init() { skipWithoutServer(); }

    void registersResolvesAndDeletes()
    {
        auto store = open(newStore());
        QVERIFY(store);
        ModelRegistry registry(*store);
        QString error;
        RegisterOptions options;
        options.name = u"churn"_s;
        options.description = u"first"_s;
        options.tags = {{u"team"_s, u"ml"_s}};
        options.aliases = {u"champion"_s};
        const auto v1 = registry.registerModel(m_model, options, &error);
        QVERIFY2(v1, qPrintable(error));
        QCOMPARE(v1->version, 1);
        QCOMPARE(v1->path, QDir::cleanPath(store->dataDir() + u"/registry/churn/1/model.fbm"_s));
        QFile copy(v1->path);
        QVERIFY(copy.open(QIODevice::ReadOnly));
        QCOMPARE(v1->sha256,
                 QString::fromLatin1(
                     QCryptographicHash::hash(copy.readAll(), QCryptographicHash::Sha256).toHex()));
        copy.close();
        QCOMPARE(v1->algorithm, u"logistic_regression"_s);
        QCOMPARE(v1->task, u"classification"_s);

        options.aliases = {};
        options.description = u"second"_s;
        const auto v2 = registry.registerModel(m_model, options, &error);
        QVERIFY2(v2, qPrintable(error));
        QCOMPARE(v2->version, 2);

        // References.
        QCOMPARE(registry.resolve(u"churn"_s, &error)->version, 2);
        QCOMPARE(registry.resolve(u"churn@latest"_s, &error)->version, 2);
        QCOMPARE(registry.resolve(u"models:/churn@champion"_s, &error)->version, 1);
        QCOMPARE(registry.resolve(u"churn/1"_s, &error)->tags.value(u"team"_s), u"ml"_s);
        QVERIFY(!registry.resolve(u"churn/7"_s, &error));
        QVERIFY2(error.contains(u"has no version 7 (versions: 1, 2)"_s), qPrintable(error));
        QVERIFY(!registry.resolve(u"churn@prod"_s, &error));
        QVERIFY2(error.contains(u"no alias 'prod' (aliases: champion)"_s), qPrintable(error));
        QVERIFY(!registry.resolve(u"nope@champion"_s, &error));
        QVERIFY2(error.contains(u"No registered model 'nope'"_s), qPrintable(error));
        QCOMPARE(resolveModelReference(u"churn@champion"_s, *store, &error), v1->path);
        QCOMPARE(resolveModelReference(m_model, *store, &error),
                 QFileInfo(m_model).absoluteFilePath());

        // Moving an alias; an alias to a missing version is refused and changes nothing.
        QVERIFY2(registry.setAlias(u"churn"_s, u"champion"_s, 2, &error), qPrintable(error));
        QCOMPARE(registry.resolve(u"churn@champion"_s, &error)->version, 2);
        QVERIFY(!registry.setAlias(u"churn"_s, u"champion"_s, 9, &error));
        QVERIFY2(error.contains(u"no version 9"_s), qPrintable(error));
        QCOMPARE(registry.resolve(u"churn@champion"_s, &error)->version, 2);
        QVERIFY(!registry.setAlias(u"churn"_s, u"latest"_s, 1, &error));

        const auto models = registry.listModels(&error);
        QCOMPARE(models.size(), 1);
        QCOMPARE(models.first().description, u"first"_s); // the model keeps its first one
        QCOMPARE(models.first().latestVersion, 2);
        QCOMPARE(models.first().aliases.value(u"champion"_s), 2);

        // Deleting a version removes its alias and file; numbers are never reused.
        QVERIFY2(registry.deleteVersion(u"churn"_s, 2, &error), qPrintable(error));
        QVERIFY(!QFileInfo::exists(v2->path));
        QVERIFY(!registry.resolve(u"churn@champion"_s, &error));
        QCOMPARE(registry.resolve(u"churn"_s, &error)->version, 1);
        const auto v3 = registry.registerModel(m_model, options, &error);
        QVERIFY2(v3, qPrintable(error));
        QCOMPARE(v3->version, 3);
        QVERIFY2(registry.deleteModel(u"churn"_s, &error), qPrintable(error));
        QVERIFY(registry.listModels(&error).isEmpty());
        QVERIFY(!QFileInfo::exists(store->dataDir() + u"/registry/churn"_s));
        QVERIFY(!registry.deleteModel(u"churn"_s, &error));
    }

    void refusesBadInputAndTampering()
    {
        auto store = open(newStore());
        QVERIFY(store);
        ModelRegistry registry(*store);
        QString error;
        RegisterOptions options;
        options.name = u"../evil"_s;
        QVERIFY(!registry.registerModel(m_model, options, &error));
        QVERIFY2(error.contains(u"not a valid model name"_s), qPrintable(error));

        const QString broken = m_dir.filePath(u"broken.fbm"_s);
        QFile f(broken);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("{\"format\": \"flowbench.model\", \"version\": 1}");
        f.close();
        options.name = u"m"_s;
        QVERIFY(!registry.registerModel(broken, options, &error));
        QVERIFY2(error.contains(broken), qPrintable(error));
        QVERIFY(registry.listModels(&error).isEmpty()); // nothing half-registered
        QVERIFY(!QFileInfo::exists(registry.registryRoot() + u"/m"_s));

        const auto v = registry.registerModel(m_model, options, &error);
        QVERIFY2(v, qPrintable(error));
        QFile copy(v->path);
        QVERIFY(copy.open(QIODevice::Append));
        copy.write(" ");
        copy.close();
        QVERIFY(resolveModelReference(u"m/1"_s, *store, &error).isEmpty());
        QVERIFY2(error.contains(u"sha256 mismatch"_s), qPrintable(error));
        QVERIFY(resolveModelReference(u"m/x"_s, *store, &error).isEmpty());
    }

    void concurrentRegistrationsGetDistinctVersions()
    {
        const QString spec = newStore();
        auto store = open(spec);
        QVERIFY(store);
        std::vector<std::thread> threads;
        std::vector<int> got(4 * 3, 0);
        for (int t = 0; t < 4; ++t) {
            threads.emplace_back([&, t] {
                ModelRegistry registry(*store);
                RegisterOptions options;
                options.name = u"race"_s;
                for (int i = 0; i < 3; ++i) {
                    QString error;
                    const auto v = registry.registerModel(m_model, options, &error);
                    got[size_t(t * 3 + i)] = v ? v->version : -1;
                }
            });
        }
        for (std::thread &t : threads)
            t.join();
        std::sort(got.begin(), got.end());
        for (int i = 0; i < int(got.size()); ++i)
            QCOMPARE(got[size_t(i)], i + 1);
    }

    // The run store itself on the row's backend: a run with a NaN metric, prefix lookup, a
    // case-insensitive filter, and the interrupted check for a dead process.
    void runsRoundTripAndDeadRunsAreInterrupted()
    {
        const QString spec = newStore();
        QProcess child;
        child.start(u"true"_s, {});
        QVERIFY(child.waitForStarted());
        const qint64 deadPid = child.processId();
        QVERIFY(child.waitForFinished());
        {
            auto store = open(spec);
            QVERIFY(store);
            const QString run = u"20260101-000000-abcd"_s;
            store->post(runStarted(run, u"Churn"_s, t0, {u"n=t"_s}));
            store->post(taskState(run, u"n"_s, TaskState::Queued, 0, 1));
            store->post(taskState(run, u"n"_s, TaskState::Running, 1, 2));
            for (int step = 0; step < 200; ++step)
                store->post(metric(run, u"n"_s, u"loss"_s, step, step * 0.5));
            store->post(metric(run, u"n"_s, u"loss"_s, 200, std::nan("")));
            store->post(taskState(run, u"n"_s, TaskState::Success, 1, 3));
            store->post(runFinished(run, TaskState::Success, t0 + 10));
            store->post(runStarted(u"dead"_s, u"p"_s, t0, {u"n=t"_s}, deadPid));
            store->post(taskState(u"dead"_s, u"n"_s, TaskState::Running, 1, 5));
            QVERIFY2(store->flush(), qPrintable(store->lastError()));
            QString error;
            const auto found = store->findRun(u"20260101"_s, &error);
            QVERIFY2(found, qPrintable(error));
            QCOMPARE(found->state, TaskState::Success);
            QCOMPARE(found->endMs, t0 + 10);
            QCOMPARE(found->taskCount, 1);
            const QList<MetricPoint> points = store->metrics(run);
            QCOMPARE(points.size(), 201);
            QCOMPARE(points[199].value, 99.5);
            QVERIFY(std::isnan(points[200].value));
            RunFilter filter;
            filter.pipeline = u"cHURN"_s;
            QCOMPARE(store->listRuns(filter).size(), 1);
            QCOMPARE(store->taskInstances(run).first().state, TaskState::Success);
        }
        auto store = open(spec);
        QVERIFY(store);
        QCOMPARE(store->interruptedOnOpen(), 1);
        QCOMPARE(store->findRun(u"dead"_s, nullptr)->state, TaskState::Interrupted);
        QCOMPARE(store->findRun(u"2026"_s, nullptr)->state, TaskState::Success);
    }

    // Two processes (invocations) of one run id, as two Airflow tasks: the second runs
    // "train" and takes "data" from the cache; the run is running until both end.
    void sharedRunIdBuildsOneRun()
    {
        const QString spec = newStore();
        auto a = open(spec);
        auto b = open(spec);
        QVERIFY(a && b);
        const QString run = u"manual__2024"_s;
        const QStringList types = {u"data=csv"_s, u"train=lr"_s};
        const qint64 pidA = QCoreApplication::applicationPid();
        const qint64 pidB = ::getppid(); // alive, so no open marks it interrupted
        a->post(runStarted(run, u"p"_s, t0, types, pidA));
        a->post(taskState(run, u"data"_s, TaskState::Queued, 0, 1));
        a->post(taskState(run, u"data"_s, TaskState::Running, 1, 2));
        a->post(taskState(run, u"data"_s, TaskState::Success, 1, 3));
        a->post(runFinished(run, TaskState::Success, t0 + 4));
        QVERIFY2(a->flush(), qPrintable(a->lastError()));

        b->post(runStarted(run, u"p"_s, t0 + 10, types, pidB));
        b->post(taskState(run, u"data"_s, TaskState::Queued, 0, 11));
        RunEvent cached = taskState(run, u"data"_s, TaskState::Success, 0, 12);
        cached.cached = true;
        b->post(cached);
        b->post(taskState(run, u"train"_s, TaskState::Queued, 0, 13));
        b->post(taskState(run, u"train"_s, TaskState::Running, 1, 14));
        QVERIFY2(b->flush(), qPrintable(b->lastError()));
        QCOMPARE(a->findRun(run, nullptr)->state, TaskState::Running);

        // train fails once (an Airflow retry is a new invocation), then succeeds.
        b->post(taskState(run, u"train"_s, TaskState::Failed, 1, 15, u"boom"_s));
        b->post(runFinished(run, TaskState::Failed, t0 + 16));
        QVERIFY2(b->flush(), qPrintable(b->lastError()));
        QCOMPARE(a->findRun(run, nullptr)->state, TaskState::Failed);
        b.reset();
        auto c = open(spec);
        QVERIFY(c);
        const qint64 pidC = 1; // init: alive; a retry is a new process
        c->post(runStarted(run, u"p"_s, t0 + 20, types, pidC));
        c->post(taskState(run, u"train"_s, TaskState::Queued, 0, 21));
        c->post(taskState(run, u"train"_s, TaskState::Running, 1, 22));
        c->post(taskState(run, u"train"_s, TaskState::Success, 1, 23));
        c->post(runFinished(run, TaskState::Success, t0 + 24));
        QVERIFY2(c->flush(), qPrintable(c->lastError()));

        const auto summary = a->findRun(run, nullptr);
        QVERIFY(summary);
        QCOMPARE(summary->state, TaskState::Success);
        QCOMPARE(summary->startMs, t0);
        QCOMPARE(summary->endMs, t0 + 24);
        QCOMPARE(a->listRuns().size(), 1);
        QStringList rows;
        for (const TaskInstanceRecord &t : a->taskInstances(run))
            rows.append(u"%1 %2 %3 %4 %5"_s.arg(t.nodeId)
                            .arg(t.tryNumber)
                            .arg(taskStateName(t.state))
                            .arg(t.cached ? u"cached"_s : u"ran"_s)
                            .arg(t.pid == pidA   ? u"A"_s
                                 : t.pid == pidB ? u"B"_s
                                                 : u"C"_s));
        rows.sort();
        QCOMPARE(rows,
                 (QStringList{u"data 1 success ran A"_s,
                              u"train 1 failed ran B"_s,
                              u"train 2 success ran C"_s}));
        QCOMPARE(a->invocations(run).size(), 3);
    }
};

QTEST_GUILESS_MAIN(TestRegistry)
#include "tst_registry.moc"
