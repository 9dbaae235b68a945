// Load and leak checks of the executor (with the run store recording, as in the CLI and the
// GUI): a 10,000-node pipeline, run repeatedly, and 1,000 back-to-back runs, must leave no
// threads (/proc/self/task), no file descriptors (/proc/self/fd) and no memory behind (resident
// set size stable within a bound once the allocator has warmed up), and no temporary folders.
//
// The RSS bound is skipped under AddressSanitizer and ThreadSanitizer: their allocators keep
// freed memory in quarantine on purpose; LeakSanitizer checks leaks in those builds instead.

#include "exec/EventQueue.h"
#include "exec/Executor.h"
#include "pipeline/NodeRegistry.h"
#include "store/RunStore.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <malloc.h>

using namespace fb;

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define FLOWBENCH_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define FLOWBENCH_SANITIZED 1
#endif
#endif

namespace {

int entriesIn(const char *dir)
{
    return int(QDir(QString::fromLatin1(dir))
                   .entryList(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::System)
                   .size());
}

int threadCount()
{
    return entriesIn("/proc/self/task");
}

int fdCount()
{
    return entriesIn("/proc/self/fd");
}

// Anonymous resident memory (heap, stacks): file-backed pages, such as the store's SQLite file
// mapped into memory, grow with the data stored and are not a leak.
qint64 rssKb()
{
    // Give freed memory back first (glibc keeps it in its arenas), so what is left is in use.
    malloc_trim(0);
    QFile f(QStringLiteral("/proc/self/status"));
    if (!f.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray &line : f.readAll().split('\n'))
        if (line.startsWith("RssAnon:"))
            return line.mid(8).trimmed().split(' ').value(0).toLongLong();
    return -1;
}

// A sanitizer's allocator keeps freed memory in quarantine, so memory bounds mean nothing under
// it: compiled in (the asan/tsan presets) or preloaded (scripts/sanitize.sh leaks).
bool sanitizerAllocator()
{
#ifdef FLOWBENCH_SANITIZED
    return true;
#else
    return qEnvironmentVariable("LD_PRELOAD").contains(QStringLiteral("san"));
#endif
}

// Layered like bench_executor: `width` independent chains of no-op nodes, each node depending
// on the node `width` before it, all chains joined by one last node per 100 (fan-in).
PipelineData layered(int count, int width)
{
    PipelineData p;
    QList<int> keys;
    keys.reserve(count);
    for (int i = 0; i < count; ++i) {
        Node n;
        n.id = QStringLiteral("n%1").arg(i);
        n.type = QStringLiteral("empty");
        const int key = p.addNode(n);
        if (i >= width)
            p.addLink({keys.at(i - width), QStringLiteral("out"), key, QStringLiteral("in")});
        keys.append(key);
    }
    return p;
}

} // namespace

class TestExecutorLoad : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    std::unique_ptr<RunStore> m_store;

    // One run with a fresh executor (as the CLI does) or a reused one (as the GUI does),
    // recorded in the store.
    TaskState runOnce(Executor &executor, const PipelineData &pipeline, int index)
    {
        m_store->attach(executor.events());
        RunRequest request;
        request.pipeline = pipeline;
        request.runId = QStringLiteral("load-%1").arg(index);
        request.artifactRoot = m_dir.filePath(QStringLiteral("artifacts/") + request.runId);
        request.keepOutputs = false;
        QString error;
        if (!executor.start(request, &error)) {
            qWarning("start: %s", qPrintable(error));
            return TaskState::Failed;
        }
        const bool finished = executor.wait(120000);
        m_store->flush();
        m_store->detach(executor.events());
        return finished ? executor.result().state : TaskState::Failed;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        QString error;
        m_store = RunStore::open(m_dir.filePath(QStringLiteral("store.sqlite")), &error);
        QVERIFY2(m_store, qPrintable(error));
    }

    void tenThousandNodes()
    {
        const PipelineData pipeline = layered(10000, 100);
        QCOMPARE(pipeline.nodes().size(), 10000);
        // Warm-up: thread pools, the store's writer and page cache, allocator arenas.
        for (int i = 0; i < 3; ++i) {
            Executor executor(NodeRegistry::builtin());
            QCOMPARE(runOnce(executor, pipeline, i), TaskState::Success);
            QCOMPARE(executor.result().tasks.size(), 10000);
        }
        const int threads = threadCount();
        const int fds = fdCount();
        const qint64 rss = rssKb();
        for (int i = 3; i < 13; ++i) {
            Executor executor(NodeRegistry::builtin());
            QCOMPARE(runOnce(executor, pipeline, i), TaskState::Success);
        }
        // A joined thread leaves /proc/self/task a moment after pthread_join returns.
        QTRY_COMPARE_WITH_TIMEOUT(threadCount(), threads, 5000);
        QCOMPARE(fdCount(), fds);
        const qint64 grown = rssKb() - rss;
        qInfo("10,000 nodes x 10 runs: %d threads, %d fds, RSS %lld KB -> %+lld KB",
              threads,
              fds,
              rss,
              grown);
        if (sanitizerAllocator())
            return;
        // One run's bookkeeping (10,000 task results, events, store rows) is several MB; keeping
        // it for each of ten runs would exceed this. Measured: within +/-10 MB, no trend.
        QVERIFY2(grown < 32 * 1024, qPrintable(QStringLiteral("RSS grew by %1 KB").arg(grown)));
    }

    void thousandBackToBackRuns()
    {
        const PipelineData pipeline = layered(50, 5);
        Executor reused(NodeRegistry::builtin());
        int threads = 0;
        int fds = 0;
        qint64 rss = 0;
        constexpr int runs = 1000;
        constexpr int warmUp = 100;
        for (int i = 0; i < runs; ++i) {
            // Every fourth run on a fresh executor (and its own thread pool), the rest reuse one.
            if (i % 4 == 3) {
                Executor fresh(NodeRegistry::builtin());
                QCOMPARE(runOnce(fresh, pipeline, 100 + i), TaskState::Success);
            } else {
                QCOMPARE(runOnce(reused, pipeline, 100 + i), TaskState::Success);
            }
            if (i == warmUp) {
                threads = threadCount();
                fds = fdCount();
                rss = rssKb();
            }
        }
        // Threads of an idle pool may have expired since the warm-up; none may have been added.
        QTRY_VERIFY2_WITH_TIMEOUT(threadCount() <= threads,
                                  qPrintable(QStringLiteral("%1 threads, %2 after the warm-up")
                                                 .arg(threadCount())
                                                 .arg(threads)),
                                  5000);
        QCOMPARE(fdCount(), fds);
        const qint64 grown = rssKb() - rss;
        qInfo("1,000 runs: %d threads, %d fds, RSS %lld KB -> %+lld KB", threads, fds, rss, grown);
        if (!sanitizerAllocator()) {
            // 4 MB catches anything above 5 KB per run. (It caught the executor queueing a copy
            // of every run's result for a `finished` signal nobody was connected to.)
            QVERIFY2(grown < 4 * 1024,
                     qPrintable(QStringLiteral("RSS grew by %1 KB over %2 runs")
                                    .arg(grown)
                                    .arg(runs - warmUp)));
        }
        // Every run is in the store, none half-recorded.
        RunFilter all;
        all.limit = 100000;
        QCOMPARE(m_store->listRuns(all).size(), 3 + 10 + runs);
    }

    void noTemporaryFoldersLeft()
    {
        // Runs without an artifact folder of their own write under the temp folder; a run that
        // wrote nothing must not leave an empty folder per run there.
        const QString root = QDir::tempPath() + QStringLiteral("/flowbench-runs");
        const int before = QDir(root).entryList(QDir::Dirs | QDir::NoDotAndDotDot).size();
        Executor executor(NodeRegistry::builtin());
        for (int i = 0; i < 20; ++i) {
            RunRequest request;
            request.pipeline = layered(10, 2);
            QVERIFY(executor.start(request, nullptr));
            QVERIFY(executor.wait(60000));
            QCOMPARE(executor.result().state, TaskState::Success);
        }
        QCOMPARE(QDir(root).entryList(QDir::Dirs | QDir::NoDotAndDotDot).size(), before);
    }

    void cleanupTestCase() { m_store.reset(); }
};

QTEST_GUILESS_MAIN(TestExecutorLoad)
#include "tst_executor_load.moc"
