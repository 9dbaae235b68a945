#pragma once

#include <Eigen/Core>

#include <algorithm>
#include <atomic>
#include <exception>
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

// Marks the upper halves of the AVX registers clean (vzeroupper) on CPUs with AVX. Code that
// leaves 256/512-bit state dirty (here, something in the CLI's command-line parsing, Qt or the
// C library under it: every thread started afterwards inherited the state) makes the SSE code
// of baseline x86-64 builds pay a merge with the upper halves: with a boosting histogram built
// without AVX instructions, libm's exp() in the loss pass took 15x its time, a third of the
// fit (an AVX function on the way happened to clean the state until then). parallelFor calls
// it on every thread it runs a chunk on, and the executor before each task.
void clearUpperVectorState();

namespace detail {
// Runs task(context, c) for every c in [0, chunks) and returns when all have finished: chunk 0
// on the calling thread, the others on a persistent pool of worker threads (started once,
// then reused: starting threads for every loop cost more than short loops themselves), or
// on threads started for this call when the pool is already running another loop (a loop
// nested in a chunk, or several tasks' loops at once). `task` must not throw.
void runChunks(int chunks, void (*task)(void *context, int chunk), void *context);
} // namespace detail

// Calls fn(begin, end) on up to threadBudget() contiguous chunks of [0, n), each at least
// `minChunk` long; the calling thread takes the first chunk. Exceptions from chunks are
// rethrown on the calling thread (the first one wins).
template<typename Fn>
void parallelFor(Eigen::Index n, Eigen::Index minChunk, Fn &&fn)
{
    const Eigen::Index maxChunks = std::max<Eigen::Index>(1,
                                                          n / std::max<Eigen::Index>(1, minChunk));
    const int chunks = int(std::min<Eigen::Index>(threadBudget(), maxChunks));
    clearUpperVectorState();
    if (chunks <= 1 || n <= 1) {
        fn(Eigen::Index(0), n);
        return;
    }
    const BlasSerialScope serialBlas;
    std::vector<std::exception_ptr> errors(static_cast<size_t>(chunks));
    auto body = [&](int c) {
        try {
            fn(n * c / chunks, n * (c + 1) / chunks);
        } catch (...) {
            errors[size_t(c)] = std::current_exception();
        }
    };
    using Body = decltype(body);
    detail::runChunks(
        chunks, [](void *context, int c) { (*static_cast<Body *>(context))(c); }, &body);
    for (const auto &e : errors)
        if (e)
            std::rethrow_exception(e);
}

} // namespace fb::ml
