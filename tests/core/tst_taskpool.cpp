// The executor's worker pool (core/exec/TaskPool): the thread limit holds, every job runs once,
// jobs may queue more jobs, waitForDone and the destructor wait, raising the limit starts
// queued jobs. Real threads, timing only as upper bounds.
#include "exec/TaskPool.h"

#include <QtTest>

#include <atomic>
#include <chrono>
#include <thread>

using namespace std::chrono_literals;

class TestTaskPool : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void limitHoldsAndEveryJobRunsOnce_data()
    {
        QTest::addColumn<int>("limit");
        QTest::newRow("1") << 1;
        QTest::newRow("2") << 2;
        QTest::newRow("5") << 5;
    }
    void limitHoldsAndEveryJobRunsOnce()
    {
        QFETCH(int, limit);
        fb::TaskPool pool(limit);
        std::atomic<int> running{0}, peak{0};
        std::vector<std::atomic<int>> runs(60);
        for (int i = 0; i < 60; ++i)
            pool.start([&, i] {
                const int now = ++running;
                int seen = peak.load();
                while (now > seen && !peak.compare_exchange_weak(seen, now)) {}
                std::this_thread::sleep_for(1ms);
                ++runs[size_t(i)];
                --running;
            });
        pool.waitForDone();
        for (const auto &r : runs)
            QCOMPARE(r.load(), 1);
        QVERIFY(peak.load() <= limit);
        QCOMPARE(running.load(), 0);
        if (limit > 1) // 60 jobs of 1 ms overlap as soon as two threads exist
            QVERIFY(peak.load() >= 2);
    }

    void jobsQueueMoreJobs()
    {
        fb::TaskPool pool(2);
        std::atomic<int> done{0};
        // A chain like a pipeline: every job queues its successor from a worker thread.
        std::function<void(int)> step = [&](int left) {
            ++done;
            if (left > 0)
                pool.start([&, left] { step(left - 1); });
        };
        pool.start([&] { step(99); });
        pool.waitForDone();
        QCOMPARE(done.load(), 100);
    }

    void destructorFinishesQueuedJobs()
    {
        std::atomic<int> done{0};
        {
            fb::TaskPool pool(1);
            for (int i = 0; i < 10; ++i)
                pool.start([&] {
                    std::this_thread::sleep_for(2ms);
                    ++done;
                });
        }
        QCOMPARE(done.load(), 10);
    }

    void raisingTheLimitStartsQueuedJobs()
    {
        fb::TaskPool pool(1);
        std::atomic<bool> release{false};
        std::atomic<int> started{0};
        for (int i = 0; i < 2; ++i)
            pool.start([&] {
                ++started;
                while (!release.load())
                    std::this_thread::sleep_for(1ms);
            });
        std::this_thread::sleep_for(50ms);
        QCOMPARE(started.load(), 1); // the second waits for the first under a limit of 1
        pool.setMaxThreadCount(2);
        QTRY_COMPARE_WITH_TIMEOUT(started.load(), 2, 5000);
        QCOMPARE(pool.maxThreadCount(), 2);
        release = true;
        pool.waitForDone();
    }

    void waitForDoneOnAnIdlePoolReturns()
    {
        fb::TaskPool pool(3);
        pool.waitForDone(); // no thread was ever started
        pool.start([] {});
        pool.waitForDone();
        pool.waitForDone();
    }
};

QTEST_GUILESS_MAIN(TestTaskPool)
#include "tst_taskpool.moc"
