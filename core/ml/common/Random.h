#pragma once

#include <cmath>
#include <cstdint>
#include <iterator>
#include <random>
#include <utility>

namespace fb::ml {

__extension__ typedef unsigned __int128 Uint128; // GCC/Clang extension, for Lemire's bounded draw

// A seeded generator whose draws are identical on every platform and standard library:
// std::mt19937_64 is specified exactly, but std::uniform_int_distribution and std::shuffle
// are not, so bounded draws and shuffles are implemented here. Same seed, same split, same
// model, everywhere.
class Rng
{
public:
    explicit Rng(std::uint64_t seed)
        : m_gen(seed)
    {}

    std::uint64_t next() { return m_gen(); }

    // Uniform in [0, n), unbiased (Lemire's multiply-shift with rejection).
    std::uint64_t bounded(std::uint64_t n)
    {
        if (n == 0)
            return 0;
        Uint128 m = static_cast<Uint128>(next()) * n;
        std::uint64_t low = static_cast<std::uint64_t>(m);
        if (low < n) {
            const std::uint64_t threshold = (0 - n) % n;
            while (low < threshold) {
                m = static_cast<Uint128>(next()) * n;
                low = static_cast<std::uint64_t>(m);
            }
        }
        return static_cast<std::uint64_t>(m >> 64);
    }

    // Uniform in [0, 1) with 53 random bits.
    double uniform() { return double(next() >> 11) * 0x1.0p-53; }

    // Standard normal (Marsaglia's polar method; the spare value is kept).
    double normal()
    {
        if (m_hasSpare) {
            m_hasSpare = false;
            return m_spare;
        }
        double u, v, s;
        do {
            u = 2.0 * uniform() - 1.0;
            v = 2.0 * uniform() - 1.0;
            s = u * u + v * v;
        } while (s >= 1.0 || s == 0.0);
        const double f = std::sqrt(-2.0 * std::log(s) / s);
        m_spare = v * f;
        m_hasSpare = true;
        return u * f;
    }

    // Fisher-Yates.
    template<typename It>
    void shuffle(It first, It last)
    {
        const auto n = std::distance(first, last);
        for (auto i = n - 1; i > 0; --i) {
            const auto j = static_cast<decltype(i)>(bounded(std::uint64_t(i) + 1));
            using std::swap;
            swap(first[i], first[j]);
        }
    }

private:
    std::mt19937_64 m_gen;
    double m_spare = 0.0;
    bool m_hasSpare = false;
};

} // namespace fb::ml
