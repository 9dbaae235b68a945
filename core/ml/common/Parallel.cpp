#include "Parallel.h"

#include <condition_variable>
#include <cstdint>
#include <mutex>

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

// Worker threads kept for the life of the process. One loop at a time: worker i runs chunk
// i + 1 of the current loop. Never destroyed (the workers sleep on a condition variable), so
// that no loop can race with static destruction at exit.
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
            ++m_generation;
        }
        m_wake.notify_all();
        task(context, 0);
        {
            std::unique_lock lock(m_mutex);
            m_done.wait(lock, [this] { return m_pending == 0; });
        }
        m_busy.store(false, std::memory_order_release);
        return true;
    }

private:
    void work(int index)
    {
        std::uint64_t seen = 0;
        for (;;) {
            std::unique_lock lock(m_mutex);
            m_wake.wait(lock, [&] { return m_generation != seen; });
            seen = m_generation;
            if (index + 1 >= m_chunks)
                continue; // a loop with fewer chunks than workers: not needed
            const Task task = m_task;
            void *const context = m_context;
            lock.unlock();
            task(context, index + 1);
            lock.lock();
            if (--m_pending == 0)
                m_done.notify_one();
        }
    }

    std::atomic<bool> m_busy{false};
    std::mutex m_mutex; // guards everything below
    std::condition_variable m_wake;
    std::condition_variable m_done;
    std::vector<std::thread> m_threads;
    Task m_task = nullptr;
    void *m_context = nullptr;
    int m_chunks = 0;
    int m_pending = 0;
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
        threads.emplace_back([task, context, c] { task(context, c); });
    task(context, 0);
    for (auto &t : threads)
        t.join();
}

} // namespace detail

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
