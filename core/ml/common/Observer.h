#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace fb::ml {

// One named value reported by a training loop at an iteration (loss, train accuracy, ...).
struct MetricValue
{
    std::string name;
    double value = 0.0;
};

// What every fit() talks to while it trains. Training loops call cancelled() at least once
// per iteration and stop promptly (throwing Cancelled) when it returns true; they report
// per-iteration metrics through onIteration(). Implementations must be cheap and must never
// block: the executor's implementation only appends to a lock-protected buffer.
class Observer
{
public:
    virtual ~Observer() = default;
    virtual bool cancelled() const { return false; }
    virtual void onIteration(int iteration, const std::vector<MetricValue> &metrics) {}
    // Fraction in [0, 1] of the expected work done, when the algorithm can tell.
    virtual void onProgress(double fraction) {}
    virtual void onLog(std::string_view message) {}
};

// Observer that does nothing: for callers that do not watch (tests, prediction).
inline Observer &nullObserver()
{
    static Observer instance;
    return instance;
}

// Thrown by fit() when the observer asked to stop. Not an error: the executor maps it to
// the task state "cancelled" (or a timeout when the deadline passed).
struct Cancelled
{};

} // namespace fb::ml
