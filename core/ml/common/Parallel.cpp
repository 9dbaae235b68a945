#include "Parallel.h"

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>

#ifdef FLOWBENCH_HAVE_OPENBLAS
extern "C" void openblas_set_num_threads(int threads); // cblas.h, without its macros
#endif

namespace fb::ml {

namespace {
std::atomic<int> g_budget{1};
std::atomic<int> g_parallelRegions{0};

// OpenBLAS (under Eigen's products, EIGEN_USE_BLAS) follows the budget; it starts with every
// core, so it is brought in line with the initial budget of 1 when the library loads.
void applyBlasThreads(int threads)
{
#ifdef FLOWBENCH_HAVE_OPENBLAS
    openblas_set_num_threads(threads);
#else
    (void) threads;
#endif
}
const bool g_blasInitialised = (applyBlasThreads(1), true);

// Waits that end within this many microseconds are spun out instead of sleeping on a
// condition variable: waking a sleeping thread costs tens of microseconds (two context
// switches, an inter-processor interrupt that a virtual machine relays), while boosting and
// tree growing run thousands of parallel loops per fit, most of them a few hundred
// microseconds long, back to back. Measured on the 2-core build VM: growing the trees of the
// bench's boosted classifier took 1.75 s instead of 1.96 s on both cores (2.6 s on one). A
// spinning thread gives up after this long, so an idle pool costs nothing.
constexpr std::chrono::microseconds kSpin{100};

inline void cpuRelax()
{
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#else
    std::this_thread::yield();
#endif
}

// Spins until done() or kSpin has passed; returns done().
template<typename Done>
bool spinUntil(Done done)
{
    const auto until = std::chrono::steady_clock::now() + kSpin;
    for (int i = 1;; ++i) {
        if (done())
            return true;
        cpuRelax();
        if (i % 64 == 0 && std::chrono::steady_clock::now() >= until)
            return done();
    }
}

// Worker threads kept for the life of the process. One loop at a time: worker i runs chunk
// i + 1 of the current loop. Never destroyed (the workers sleep on a condition variable), so
// that no loop can race with static destruction at exit. Everything a loop hands over is read
// and written under the mutex; the two atomics only tell a spinning thread when taking the
// mutex is worth it, and a thread sleeps (and is woken) only when its spin ran out.
class WorkerPool
{
public:
    using Task = void (*)(void *context, int chunk);

    static WorkerPool &instance()
    {
        static WorkerPool *pool = new WorkerPool;
        return *pool;
    }

    // False, without running anything, when the pool is running another loop.
    bool tryRun(int chunks, Task task, void *context)
    {
        bool expected = false;
        if (!m_busy.compare_exchange_strong(expected, true, std::memory_order_acquire))
            return false;
        bool wake = false;
        {
            std::lock_guard lock(m_mutex);
            try {
                while (int(m_threads.size()) < chunks - 1) {
                    const int index = int(m_threads.size());
                    m_threads.emplace_back([this, index] { work(index); });
                }
            } catch (...) { // no more threads: the caller's fallback will report it
                m_busy.store(false, std::memory_order_release);
                return false;
            }
            m_task = task;
            m_context = context;
            m_chunks = chunks;
            m_pending = chunks - 1;
            m_unfinished.store(chunks - 1, std::memory_order_relaxed);
            ++m_generation;
            m_published.store(m_generation, std::memory_order_release);
            wake = m_sleepers > 0;
        }
        if (wake)
            m_wake.notify_all();
        task(context, 0);
        spinUntil([this] { return m_unfinished.load(std::memory_order_acquire) == 0; });
        {
            std::unique_lock lock(m_mutex);
            m_waiting = true;
            m_done.wait(lock, [this] { return m_pending == 0; });
            m_waiting = false;
        }
        m_busy.store(false, std::memory_order_release);
        return true;
    }

private:
    void work(int index)
    {
        std::uint64_t seen = 0;
        for (;;) {
            spinUntil([&] { return m_published.load(std::memory_order_acquire) != seen; });
            std::unique_lock lock(m_mutex);
            if (m_generation == seen) {
                ++m_sleepers;
                m_wake.wait(lock, [&] { return m_generation != seen; });
                --m_sleepers;
            }
            seen = m_generation;
            if (index + 1 >= m_chunks)
                continue; // a loop with fewer chunks than workers: not needed
            const Task task = m_task;
            void *const context = m_context;
            lock.unlock();
            clearUpperVectorState();
            task(context, index + 1);
            lock.lock();
            if (--m_pending == 0) {
                m_unfinished.store(0, std::memory_order_release);
                if (m_waiting)
                    m_done.notify_one();
            }
        }
    }

    std::atomic<bool> m_busy{false};
    std::atomic<std::uint64_t> m_published{0}; // m_generation, for spinning workers
    std::atomic<int> m_unfinished{0};          // 0 once m_pending is, for the spinning caller
    std::mutex m_mutex;                        // guards everything below
    std::condition_variable m_wake;
    std::condition_variable m_done;
    std::vector<std::thread> m_threads;
    Task m_task = nullptr;
    void *m_context = nullptr;
    int m_chunks = 0;
    int m_pending = 0;
    int m_sleepers = 0;     // workers waiting on m_wake
    bool m_waiting = false; // the caller waits on m_done
    std::uint64_t m_generation = 0;
};
} // namespace

namespace detail {

void runChunks(int chunks, void (*task)(void *context, int chunk), void *context)
{
    if (chunks <= 1) {
        task(context, 0);
        return;
    }
    if (WorkerPool::instance().tryRun(chunks, task, context))
        return;
    std::vector<std::thread> threads;
    threads.reserve(size_t(chunks - 1));
    for (int c = 1; c < chunks; ++c)
        threads.emplace_back([task, context, c] {
            clearUpperVectorState();
            task(context, c);
        });
    task(context, 0);
    for (auto &t : threads)
        t.join();
}

} // namespace detail

#if defined(__x86_64__) || defined(__i386__)
namespace {
__attribute__((target("avx"))) void vzeroupper()
{
    __builtin_ia32_vzeroupper();
}
} // namespace
#endif

void clearUpperVectorState()
{
#if defined(__x86_64__) || defined(__i386__)
    static const bool avx = __builtin_cpu_supports("avx");
    if (avx)
        vzeroupper();
#endif
}

int hardwareThreads()
{
    return std::max(1, int(std::thread::hardware_concurrency()));
}

int threadBudget()
{
    return g_budget.load(std::memory_order_relaxed);
}

void setThreadBudget(int threads)
{
    g_budget.store(std::clamp(threads, 1, hardwareThreads()), std::memory_order_relaxed);
    if (g_parallelRegions.load(std::memory_order_relaxed) == 0)
        applyBlasThreads(threadBudget());
}

BlasSerialScope::BlasSerialScope()
{
    if (g_parallelRegions.fetch_add(1, std::memory_order_relaxed) == 0)
        applyBlasThreads(1);
}

BlasSerialScope::~BlasSerialScope()
{
    if (g_parallelRegions.fetch_sub(1, std::memory_order_relaxed) == 1)
        applyBlasThreads(threadBudget());
}

} // namespace fb::ml
