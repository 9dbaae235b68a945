#include "Parallel.h"

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
    (void)threads;
#endif
}
const bool g_blasInitialised = (applyBlasThreads(1), true);
} // namespace

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
