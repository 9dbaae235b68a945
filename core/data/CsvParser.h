#pragma once

// Pass 2 of the CSV reader: the RFC 4180 state machine that splits rows into fields and writes
// them straight into the column stores. Internal to core/data (CsvReader.cpp drives it).

#include <Eigen/Core>

#include <QString>
#include <QStringList>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace fb::csv {

// A malformed input at `pos`; thrown inside the parser, turned into CsvError (with the line
// computed from `pos`) by the reader.
struct Fault
{
    const char *pos = nullptr;
    std::int64_t column = 0; // 1-based field number, 0 = the whole line
    QString message;
};

enum class Terminator { Delimiter, Newline, End };

struct Field
{
    const char *rawBegin = nullptr; // first byte (the opening quote when quoted)
    const char *begin = nullptr;    // content, without quotes and without a '\r' before '\n'
    const char *end = nullptr;
    const char *next = nullptr;  // the terminator (delimiter, '\r' or '\n', or the end of text)
    const char *after = nullptr; // first byte after the terminator
    Terminator terminator = Terminator::End;
    bool quoted = false;
    bool escapes = false; // content holds "" pairs to collapse
};

// Splits fields. `end` is the end of the text (trailing blank lines already cut off).
class Tokenizer
{
public:
    Tokenizer(const char *end, char delimiter);

    // Reads the field starting at `p`; `column` (0-based) is only used for fault locations.
    Field read(const char *p, int column) const;
    char delimiter() const { return m_delimiter; }
    const char *end() const { return m_end; }

private:
    Terminator terminatorAt(const char *p, const char **after) const;

    const char *m_end;
    char m_delimiter;
    bool m_special[256] = {};
};

// The field's text: a view of the input unless quotes had to be collapsed into `scratch`.
std::string_view fieldText(const Field &field, std::string &scratch);

// Reads the record at `p` into `fields` and moves `p` past its terminator. Reports `badPos` (the
// first NUL / invalid UTF-8 byte, or the end of text when none) if it lies inside the record.
void readRecord(const Tokenizer &tokenizer,
                const char *&p,
                const char *base,
                const char *badPos,
                std::vector<Field> &fields);

// The fault for a NUL byte or an invalid UTF-8 sequence at `pos`.
Fault badByteFault(const char *base, const char *pos, std::int64_t column);

class MissingTokens
{
public:
    explicit MissingTokens(const QStringList &extra);
    bool contains(std::string_view trimmed) const;
    // True when a token also reads as a number ("-999"): the numeric fast path must then check.
    bool anyNumeric() const { return m_anyNumeric; }

private:
    std::vector<std::string> m_tokens;
    std::uint64_t m_lengths = 0; // bit n set when a token has n bytes (n < 64)
    bool m_longTokens = false;
    bool m_anyNumeric = false;
};

std::string_view trimmed(std::string_view s);

enum class CellKind { Missing, Number, Text };
// Missing: blank or a missing token (or a number spelt as NaN); Number: the whole trimmed text
// is a number (an optional leading '+' is accepted, "inf"/"infinity" read as infinity).
CellKind classifyCell(std::string_view text, const MissingTokens &missing, double &value);

// Parses the plain decimals most CSV files hold ("-12.3456": at most 15 digits, no exponent)
// faster than the general parser, with the same correctly rounded result. Returns the end of the
// number, or nullptr when the text at `p` is not of that form (use fast_float then).
const char *parsePlainDecimal(const char *p, const char *end, double &value);

// Distinct texts of a categorical column in order of first appearance. Open addressing over
// one byte arena: a column with millions of distinct texts (ids, names) costs a few bytes per
// level beyond the text and no allocation per level.
class LevelDict
{
public:
    std::int32_t code(std::string_view text);
    std::int32_t size() const { return std::int32_t(m_offsets.size()) - 1; }
    std::string_view level(std::int32_t code) const
    {
        return {m_bytes.data() + m_offsets[size_t(code)],
                size_t(m_offsets[size_t(code) + 1] - m_offsets[size_t(code)])};
    }

private:
    struct Slot
    {
        std::uint32_t tag = 0;  // high bits of the hash: most mismatches skip the compare
        std::int32_t code = -1; // -1 = empty
    };
    void grow();

    std::vector<char> m_bytes;
    std::vector<std::uint64_t> m_offsets{0}; // level i = m_bytes[m_offsets[i], m_offsets[i+1])
    std::vector<Slot> m_slots;               // power-of-two size, at most half full
};

enum class Sink : std::uint8_t { Numeric, Categorical, Skip };

struct ColumnPlan
{
    Sink sink = Sink::Skip;
    int slot = 0; // matrix column or categorical slot
};

// What pass 2 writes where. Shared read-only by the threads; each writes disjoint rows.
struct ParsePlan
{
    const char *base = nullptr;   // start of the buffer, for line numbers
    const char *badPos = nullptr; // first bad byte, or the end of text
    const Tokenizer *tokenizer = nullptr;
    const MissingTokens *missing = nullptr;
    std::vector<ColumnPlan> columns;
    int numericSlots = 0;
    int categoricalSlots = 0;
    double *values = nullptr; // column-major, `rows` per column
    Eigen::Index rows = 0;
    std::vector<std::int32_t *> codes; // per categorical slot, `rows` each (local codes first)
};

struct RegionResult
{
    std::vector<LevelDict> dicts;      // per categorical slot
    std::vector<std::uint8_t> sawText; // per numeric slot: a value that is not a number
    std::optional<Fault> fault;
    const char *stoppedAt = nullptr;
    Eigen::Index rowsParsed = 0;
};

// Parses the rows starting at `begin` (a row start) until a row starts at or after `end`,
// writing data rows rowBegin.. but never at or past rowEnd.
void parseRegion(const ParsePlan &plan,
                 const char *begin,
                 const char *end,
                 Eigen::Index rowBegin,
                 Eigen::Index rowEnd,
                 RegionResult &result);

// Knobs for tests: small chunks exercise the multi-threaded paths on small inputs.
struct ReaderTuning
{
    std::int64_t chunkBytes = 0;          // 0 = automatic (1-4 MB)
    std::int64_t parallelBytes = 2 << 20; // inputs smaller than this are parsed on one thread
    int threads = 0;                      // 0 = hardware concurrency (at most 8)
};
ReaderTuning &readerTuning();

} // namespace fb::csv
