#pragma once

#include <cstdint>

// Pass 1 of the CSV reader: a quote-parity scan that needs no parsing state at its start, so
// any number of chunks can be scanned independently (on several threads) and combined after.
//
// In well-formed CSV the number of '"' bytes before a position is odd exactly when that
// position lies inside a quoted field (an escaped quote "" adds two). A newline at even parity
// therefore ends a row. Where the file is malformed the parity may be wrong from the first error
// on; pass 2 parses with a real state machine and reports that first error, so pass 1 only has to
// be right up to it (see CsvReader.cpp).
namespace fb::csv {

struct ChunkStats
{
    const char *begin = nullptr;
    const char *end = nullptr;
    std::int64_t quotes = 0;
    std::int64_t newlinesEven = 0; // newlines at even quote parity counted from `begin`
    std::int64_t newlinesOdd = 0;
    const char *firstOddNewline = nullptr; // first newline at odd local parity, or nullptr
    // First NUL byte or first invalid UTF-8 sequence, or nullptr. `begin` and `end` must lie on
    // character boundaries (the reader cuts chunks just after a '\n').
    const char *firstBad = nullptr;
};

void scanChunk(const char *begin, const char *end, ChunkStats &stats);

// Length of the valid UTF-8 sequence starting at `p` (a byte >= 0x80), or 0 when the bytes at
// `p` are not a valid sequence (overlong forms, surrogates, > U+10FFFF, truncation at `end`).
int utf8SequenceLength(const char *p, const char *end);

// 1-based physical line of `pos` in text starting at `base` (counts '\n' bytes before it).
std::int64_t lineOf(const char *base, const char *pos);

} // namespace fb::csv
