#pragma once

#include <cstdint>
#include <iterator>
#include <random>
#include <utility>

namespace fb::ml {

// The draws of numpy's legacy np.random.RandomState(seed) (numpy/random/_mt19937.pyx and
// src/legacy, unchanged since numpy 1.17): MT19937 seeded by init_genrand, random_sample() from
// 53 bits of two 32-bit outputs, shuffle() as Fisher-Yates with masked rejection draws. An
// estimator that consumes this stream in scikit-learn's order trains the same model as
// scikit-learn for the same random_state, not just one of the same distribution: a comparison
// per seed instead of over many seeds, and results a scikit-learn user can reproduce.
// std::mt19937 is specified exactly (its 10000th output is fixed by the standard), the rest is
// spelt out here, so the stream is the same on every platform as well.
class NumpyRandomState
{
public:
    // numpy accepts seeds in [0, 2^32); larger ones keep their low 32 bits here.
    explicit NumpyRandomState(std::uint64_t seed)
        : m_gen(static_cast<std::uint32_t>(seed))
    {}

    std::uint32_t next32() { return static_cast<std::uint32_t>(m_gen()); }

    // random_sample(): uniform in [0, 1), legacy_double.
    double uniform()
    {
        const std::uint32_t a = next32() >> 5;
        const std::uint32_t b = next32() >> 6;
        return (double(a) * 67108864.0 + double(b)) / 9007199254740992.0;
    }

    // uniform(low, high) = low + (high - low) * random_sample().
    double uniform(double low, double high) { return low + (high - low) * uniform(); }

    // random_interval(max): uniform in [0, max], by rejection on the smallest covering mask.
    std::uint64_t interval(std::uint64_t max)
    {
        if (max == 0)
            return 0;
        std::uint64_t mask = max;
        for (int shift = 1; shift <= 32; shift *= 2)
            mask |= mask >> shift;
        std::uint64_t value;
        if (max <= 0xffffffffULL) {
            while ((value = (next32() & mask)) > max) {
            }
        } else {
            do {
                const std::uint64_t high = next32(); // numpy's next_uint64: high word first
                value = ((high << 32) | next32()) & mask;
            } while (value > max);
        }
        return value;
    }

    // RandomState.shuffle() of a 1-d array. Shuffling an index array in place equals
    // scikit-learn's sklearn.utils.shuffle(idx, random_state=rs) (idx[shuffled arange]), and
    // permutation(n) is this applied to 0..n-1.
    template<typename It>
    void shuffle(It first, It last)
    {
        const auto n = std::distance(first, last);
        for (auto i = n - 1; i > 0; --i) {
            const auto j = static_cast<decltype(i)>(interval(std::uint64_t(i)));
            using std::swap;
            swap(first[i], first[j]);
        }
    }

private:
    std::mt19937 m_gen;
};

} // namespace fb::ml
