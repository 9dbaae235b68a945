#include "Parallel.h"

namespace fb::ml {

namespace {
std::atomic<int> g_budget{1};
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
}

} // namespace fb::ml
