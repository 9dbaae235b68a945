#include "CsvScan.h"

#include <algorithm>
#include <bit>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace fb::csv {

int utf8SequenceLength(const char *p, const char *end)
{
    // Unicode 15, table 3-7 "Well-Formed UTF-8 Byte Sequences".
    const auto *u = reinterpret_cast<const unsigned char *>(p);
    const std::ptrdiff_t avail = end - p;
    const unsigned char lead = u[0];
    auto cont = [&](int i, unsigned char lo = 0x80, unsigned char hi = 0xBF) {
        return i < avail && u[i] >= lo && u[i] <= hi;
    };
    if (lead >= 0xC2 && lead <= 0xDF)
        return cont(1) ? 2 : 0;
    if (lead == 0xE0)
        return cont(1, 0xA0) && cont(2) ? 3 : 0;
    if ((lead >= 0xE1 && lead <= 0xEC) || lead == 0xEE || lead == 0xEF)
        return cont(1) && cont(2) ? 3 : 0;
    if (lead == 0xED) // excludes the UTF-16 surrogates U+D800..U+DFFF
        return cont(1, 0x80, 0x9F) && cont(2) ? 3 : 0;
    if (lead == 0xF0)
        return cont(1, 0x90) && cont(2) && cont(3) ? 4 : 0;
    if (lead >= 0xF1 && lead <= 0xF3)
        return cont(1) && cont(2) && cont(3) ? 4 : 0;
    if (lead == 0xF4) // up to U+10FFFF
        return cont(1, 0x80, 0x8F) && cont(2) && cont(3) ? 4 : 0;
    return 0;
}

namespace {

// Portable x86-64 has no POPCNT instruction; std::popcount then calls into libgcc.
inline int popcount16(unsigned x)
{
    x = x - ((x >> 1) & 0x5555u);
    x = (x & 0x3333u) + ((x >> 2) & 0x3333u);
    x = (x + (x >> 4)) & 0x0F0Fu;
    return int((x + (x >> 8)) & 0x1Fu);
}

inline void countNewline(const char *p, int parity, ChunkStats &s)
{
    if (parity == 0) {
        ++s.newlinesEven;
    } else {
        ++s.newlinesOdd;
        if (!s.firstOddNewline)
            s.firstOddNewline = p;
    }
}

// Byte-wise scan of [p, stop); a multi-byte sequence starting before `stop` is validated whole,
// so the returned position may lie up to 3 bytes past `stop`.
const char *scanScalar(const char *p, const char *stop, const char *end, int &parity, ChunkStats &s)
{
    while (p < stop) {
        const auto c = static_cast<unsigned char>(*p);
        if (c < 0x80) {
            if (c == '\n')
                countNewline(p, parity, s);
            else if (c == '"') {
                parity ^= 1;
                ++s.quotes;
            } else if (c == 0 && !s.firstBad)
                s.firstBad = p;
            ++p;
        } else {
            const int len = utf8SequenceLength(p, end);
            if (len == 0) {
                if (!s.firstBad)
                    s.firstBad = p;
                ++p;
            } else {
                p += len;
            }
        }
    }
    return p;
}

} // namespace

void scanChunk(const char *begin, const char *end, ChunkStats &s)
{
    s = ChunkStats{};
    s.begin = begin;
    s.end = end;
    int parity = 0;
    const char *p = begin;
#if defined(__SSE2__)
    // 16 bytes at a time: most blocks of a numeric file hold neither quotes nor non-ASCII bytes,
    // and then only the newline mask matters.
    const __m128i newline = _mm_set1_epi8('\n');
    const __m128i quote = _mm_set1_epi8('"');
    const __m128i zero = _mm_setzero_si128();
    while (end - p >= 16) {
        const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i *>(p));
        unsigned nl = unsigned(_mm_movemask_epi8(_mm_cmpeq_epi8(v, newline)));
        const unsigned q = unsigned(_mm_movemask_epi8(_mm_cmpeq_epi8(v, quote)));
        // High bit set (non-ASCII) or NUL.
        const unsigned odd = unsigned(_mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(v, zero), v)));
        if (odd != 0) {
            p = scanScalar(p, p + 16, end, parity, s);
            continue;
        }
        if (q == 0) {
            if (nl) {
                const int n = popcount16(nl);
                if (parity == 0) {
                    s.newlinesEven += n;
                } else {
                    s.newlinesOdd += n;
                    if (!s.firstOddNewline)
                        s.firstOddNewline = p + std::countr_zero(nl);
                }
            }
        } else {
            // Walk quotes and newlines in order; quotes flip the parity.
            unsigned bits = nl | q;
            while (bits) {
                const int i = std::countr_zero(bits);
                bits &= bits - 1;
                if (q >> i & 1u) {
                    parity ^= 1;
                    ++s.quotes;
                } else {
                    countNewline(p + i, parity, s);
                }
            }
        }
        p += 16;
    }
#endif
    scanScalar(p, end, end, parity, s);
}

std::int64_t lineOf(const char *base, const char *pos)
{
    return 1 + std::count(base, pos, '\n');
}

} // namespace fb::csv
