#pragma once

#include <Eigen/Core>

#include <algorithm>
#include <exception>
#include <atomic>
#include <thread>
#include <vector>

namespace fb::ml {

// How many threads an algorithm may use for its own parallel loops right now. The executor
// sets it from the number of tasks running (all cores when one task trains alone, one thread
// each when several run: the pool already uses the cores). See docs/architecture.md.
int threadBudget();
void setThreadBudget(int threads);
int hardwareThreads();

// While alive, OpenBLAS (Eigen's products) runs single-threaded: parallelFor's own threads
// already use the budget, and a multithreaded BLAS called from each of them would
// oversubscribe the cores (OpenBLAS's pthreads server degrades badly then).
class BlasSerialScope
{
public:
    BlasSerialScope();
    ~BlasSerialScope();
    BlasSerialScope(const BlasSerialScope &) = delete;
    BlasSerialScope &operator=(const BlasSerialScope &) = delete;
};

// Calls fn(begin, end) on up to threadBudget() contiguous chunks of [0, n), each at least
// `minChunk` long; the calling thread takes the first chunk. Exceptions from chunks are
// rethrown on the calling thread (the first one wins).
template<typename Fn>
void parallelFor(Eigen::Index n, Eigen::Index minChunk, Fn &&fn)
{
    const Eigen::Index maxChunks = std::max<Eigen::Index>(1, n / std::max<Eigen::Index>(1, minChunk));
    const int chunks = int(std::min<Eigen::Index>(threadBudget(), maxChunks));
    if (chunks <= 1 || n <= 1) {
        fn(Eigen::Index(0), n);
        return;
    }
    const BlasSerialScope serialBlas;
    std::vector<std::thread> threads;
    std::vector<std::exception_ptr> errors(static_cast<size_t>(chunks));
    auto bounds = [&](int c) { return std::pair<Eigen::Index, Eigen::Index>(n * c / chunks, n * (c + 1) / chunks); };
    for (int c = 1; c < chunks; ++c) {
        threads.emplace_back([&, c] {
            try {
                const auto [b, e] = bounds(c);
                fn(b, e);
            } catch (...) {
                errors[size_t(c)] = std::current_exception();
            }
        });
    }
    try {
        const auto [b, e] = bounds(0);
        fn(b, e);
    } catch (...) {
        errors[0] = std::current_exception();
    }
    for (auto &t : threads)
        t.join();
    for (const auto &e : errors)
        if (e)
            std::rethrow_exception(e);
}

} // namespace fb::ml
