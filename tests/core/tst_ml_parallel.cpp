// parallelFor on its persistent worker pool: every index once, exceptions carried to the
// caller, loops nested in a chunk and loops started from several threads at once.

#include <ml/common/Parallel.h>

#include <QtTest>

#include <atomic>
#include <stdexcept>
#include <thread>
#include <vector>

using fb::ml::parallelFor;

namespace {

// Runs one loop over [0, n) that counts how often each index is visited.
std::vector<int> visits(Eigen::Index n, Eigen::Index minChunk)
{
    std::vector<std::atomic<int>> counts(static_cast<size_t>(n));
    parallelFor(n, minChunk, [&](Eigen::Index begin, Eigen::Index end) {
        for (Eigen::Index i = begin; i < end; ++i)
            counts[size_t(i)].fetch_add(1, std::memory_order_relaxed);
    });
    std::vector<int> out;
    for (const auto &c : counts)
        out.push_back(c.load());
    return out;
}

#if defined(__x86_64__)
// XINUSE bit 2: the upper halves of ymm0-15 are in use (dirty). XGETBV with ECX = 1 needs
// CPUID.(EAX = 0DH, ECX = 1):EAX bit 2.
bool canReadInUse()
{
    unsigned a, b, c, d;
    asm volatile("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(0), "c"(0));
    if (a < 0xd)
        return false;
    asm volatile("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(0xd), "c"(1));
    return (a & 4u) != 0 && __builtin_cpu_supports("avx");
}

bool upperDirty()
{
    unsigned a, d;
    asm volatile("xgetbv" : "=a"(a), "=d"(d) : "c"(1));
    return (a & 4u) != 0;
}

// Sets ymm15's upper half without a vzeroupper, as code that forgets it does (plain inline
// assembly: a function compiled for AVX would get a vzeroupper on return). Needs AVX.
void dirtyUpper()
{
    asm volatile(
        "vpcmpeqd %%xmm15, %%xmm15, %%xmm15\n\tvinsertf128 $1, %%xmm15, %%ymm15, %%ymm15" ::
            : "xmm15");
}
#endif

} // namespace

class tst_MlParallel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanupTestCase();
    void everyIndexOnce_data();
    void everyIndexOnce();
    void workersArePersistent();
    void exceptionReachesCaller();
    void nestedLoops();
    void concurrentCallers();
    void chunksStartWithCleanVectorState();
};

void tst_MlParallel::init()
{
    fb::ml::setThreadBudget(2);
}

void tst_MlParallel::cleanupTestCase()
{
    fb::ml::setThreadBudget(1);
}

void tst_MlParallel::everyIndexOnce_data()
{
    QTest::addColumn<int>("budget");
    QTest::addColumn<int>("n");
    QTest::addColumn<int>("minChunk");
    QTest::newRow("serial") << 1 << 1000 << 1;
    QTest::newRow("two threads") << 2 << 1000 << 1;
    QTest::newRow("two threads, odd size") << 2 << 7 << 1;
    QTest::newRow("one chunk by minChunk") << 2 << 100 << 100;
    QTest::newRow("single index") << 2 << 1 << 1;
    QTest::newRow("empty") << 2 << 0 << 1;
}

void tst_MlParallel::everyIndexOnce()
{
    QFETCH(int, budget);
    QFETCH(int, n);
    QFETCH(int, minChunk);
    fb::ml::setThreadBudget(budget);
    // Many loops in a row: the pool is reused by each, and none may lose or repeat a chunk.
    for (int repeat = 0; repeat < 200; ++repeat) {
        const std::vector<int> counts = visits(n, minChunk);
        for (int i = 0; i < n; ++i)
            QCOMPARE(counts[size_t(i)], 1);
    }
}

void tst_MlParallel::workersArePersistent()
{
    if (fb::ml::hardwareThreads() < 2)
        QSKIP("one hardware thread: parallelFor runs everything on the caller");
    // A thread-local counter survives from loop to loop only on a thread that lives on: on
    // threads started per loop, the second chunk would always see 1.
    constexpr int loops = 50;
    int lastSeen = 0;
    const auto caller = std::this_thread::get_id();
    bool onCaller = false;
    for (int l = 0; l < loops; ++l) {
        parallelFor(2, 1, [&](Eigen::Index begin, Eigen::Index) {
            if (begin != 1)
                return;
            static thread_local int calls = 0;
            lastSeen = ++calls;
            onCaller = onCaller || std::this_thread::get_id() == caller;
        });
    }
    QVERIFY(!onCaller);
    QCOMPARE(lastSeen, loops);
}

void tst_MlParallel::exceptionReachesCaller()
{
    for (int thrower = 0; thrower < 2; ++thrower) {
        bool caught = false;
        try {
            parallelFor(2, 1, [&](Eigen::Index begin, Eigen::Index) {
                if (begin == thrower)
                    throw std::runtime_error("chunk " + std::to_string(begin));
            });
        } catch (const std::runtime_error &e) {
            caught = true;
            QCOMPARE(QString::fromStdString(e.what()), QStringLiteral("chunk %1").arg(thrower));
        }
        QVERIFY(caught);
        // The pool is usable afterwards.
        const std::vector<int> counts = visits(64, 1);
        for (int c : counts)
            QCOMPARE(c, 1);
    }
}

void tst_MlParallel::nestedLoops()
{
    // A loop inside a chunk finds the pool busy and runs on its own threads.
    std::vector<std::atomic<int>> counts(100);
    parallelFor(10, 1, [&](Eigen::Index b0, Eigen::Index b1) {
        for (Eigen::Index b = b0; b < b1; ++b)
            parallelFor(10, 1, [&](Eigen::Index i0, Eigen::Index i1) {
                for (Eigen::Index i = i0; i < i1; ++i)
                    counts[size_t(b * 10 + i)].fetch_add(1);
            });
    });
    for (const auto &c : counts)
        QCOMPARE(c.load(), 1);
}

void tst_MlParallel::concurrentCallers()
{
    // Loops from several threads at once (the executor's tasks): one gets the pool, the
    // others run on threads of their own; all finish with the right results.
    constexpr int callers = 3;
    constexpr int loops = 200;
    std::vector<long long> sums(callers, 0);
    std::vector<std::thread> threads;
    for (int t = 0; t < callers; ++t) {
        threads.emplace_back([&, t] {
            for (int l = 0; l < loops; ++l) {
                std::atomic<long long> sum{0};
                parallelFor(1000, 1, [&](Eigen::Index begin, Eigen::Index end) {
                    long long s = 0;
                    for (Eigen::Index i = begin; i < end; ++i)
                        s += i;
                    sum += s;
                });
                sums[size_t(t)] += sum.load();
            }
        });
    }
    for (auto &t : threads)
        t.join();
    for (long long s : sums)
        QCOMPARE(s, loops * 999LL * 1000LL / 2);
}

// A loop's chunks run with the upper halves of the vector registers clean even when the
// calling thread left them dirty (and its workers were started from a dirty thread): SSE code
// in a chunk would otherwise pay a merge per instruction (see clearUpperVectorState).
void tst_MlParallel::chunksStartWithCleanVectorState()
{
#if defined(__x86_64__)
    if (!canReadInUse())
        QSKIP("the CPU cannot report which register state is in use (XGETBV 1)");
    dirtyUpper();
    QVERIFY(upperDirty()); // the check can see a dirty state
    // XINUSE may report a component in use although it is in its initial state (the SDM allows
    // it): only a CPU that reports vzeroupper's effect can tell the chunks' state.
    fb::ml::clearUpperVectorState();
    if (upperDirty())
        QSKIP("this CPU does not report the upper state as clean after vzeroupper");
    for (const int budget : {1, 2}) {
        fb::ml::setThreadBudget(budget);
        std::atomic<int> dirty{0};
        std::atomic<int> chunks{0};
        dirtyUpper();
        parallelFor(2, 1, [&](Eigen::Index, Eigen::Index) {
            chunks += 1;
            dirty += upperDirty() ? 1 : 0;
        });
        QCOMPARE(chunks.load(), std::min(budget, fb::ml::hardwareThreads()));
        QCOMPARE(dirty.load(), 0);
    }
    std::thread([] { // a worker thread started dirty (it inherits its creator's state)
        dirtyUpper();
        std::thread([] {
            std::atomic<int> dirty{0};
            parallelFor(2, 1, [&](Eigen::Index, Eigen::Index) { dirty += upperDirty() ? 1 : 0; });
            QCOMPARE(dirty.load(), 0);
        }).join();
    })
        .join();
#else
    QSKIP("x86 only");
#endif
}

QTEST_GUILESS_MAIN(tst_MlParallel)
#include "tst_ml_parallel.moc"
