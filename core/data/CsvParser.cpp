#include "CsvParser.h"

#include <fast_float/fast_float.h>

#include <cmath>
#include <cstring>
#include <limits>

namespace fb::csv {

namespace {

constexpr double kMissing = std::numeric_limits<double>::quiet_NaN();

inline bool isBlank(char c)
{
    return c == ' ' || c == '\t';
}

QString expectedFields(std::int64_t expected)
{
    return expected == 1 ? QStringLiteral("expected 1 field")
                         : QStringLiteral("expected %1 fields").arg(expected);
}

// Reads a field and, should it be malformed after a bad byte, reports the bad byte instead:
// the first problem in the file wins.
inline Field readChecked(
    const Tokenizer &tok, const char *p, int column, const char *base, const char *badPos)
{
    Field f;
    try {
        f = tok.read(p, column);
    } catch (const Fault &fault) {
        if (badPos >= p && badPos < fault.pos)
            throw badByteFault(base, badPos, column + 1);
        throw;
    }
    if (badPos < f.next)
        throw badByteFault(base, badPos, column + 1);
    return f;
}

[[noreturn]] void throwTooMany(const Tokenizer &tok, const Field &last, std::int64_t expected)
{
    // Count the extra fields for the message; stop counting at a malformed one.
    const char *extra = last.after;
    std::int64_t found = expected;
    bool exact = true;
    try {
        const char *p = extra;
        for (;;) {
            const Field f = tok.read(p, 0);
            ++found;
            if (f.terminator != Terminator::Delimiter)
                break;
            p = f.after;
        }
    } catch (const Fault &) {
        exact = false;
    }
    throw Fault{extra,
                expected + 1,
                exact ? QStringLiteral("%1, found %2").arg(expectedFields(expected)).arg(found)
                      : QStringLiteral("%1, found more").arg(expectedFields(expected))};
}

[[noreturn]] void throwTooFew(const Field &f, int column, std::int64_t expected)
{
    if (column == 0 && !f.quoted && f.begin == f.end)
        throw Fault{f.next,
                    0,
                    QStringLiteral("%1, found an empty line").arg(expectedFields(expected))};
    throw Fault{f.next,
                column + 2,
                QStringLiteral("%1, found %2").arg(expectedFields(expected)).arg(column + 1)};
}

constexpr double kPow10[]
    = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15};

} // namespace

const char *parsePlainDecimal(const char *p, const char *end, double &value)
{
    const char *s = p;
    const bool negative = s < end && *s == '-';
    if (negative)
        ++s;
    std::uint64_t mantissa = 0; // wraps harmlessly past 19 digits: such input is refused below
    const char *digits = s;
    while (s < end && unsigned(*s - '0') < 10)
        mantissa = mantissa * 10 + unsigned(*s++ - '0');
    std::ptrdiff_t count = s - digits;
    std::ptrdiff_t fraction = 0;
    if (s < end && *s == '.') {
        const char *first = ++s;
        while (s < end && unsigned(*s - '0') < 10)
            mantissa = mantissa * 10 + unsigned(*s++ - '0');
        fraction = s - first;
        count += fraction;
    }
    if (count == 0 || count > 15 || (s < end && (*s == 'e' || *s == 'E')))
        return nullptr;
    // Clinger's fast path (W. D. Clinger, "How to read floating point numbers accurately",
    // PLDI 1990): mantissa < 10^15 < 2^53 and 10^fraction are exact doubles, so one IEEE
    // division gives the correctly rounded result, the same double as fast_float.
    double v = double(mantissa);
    if (fraction > 0)
        v /= kPow10[fraction];
    value = negative ? -v : v;
    return s;
}

Tokenizer::Tokenizer(const char *end, char delimiter)
    : m_end(end)
    , m_delimiter(delimiter)
{
    m_special[static_cast<unsigned char>(delimiter)] = true;
    m_special[static_cast<unsigned char>('\n')] = true;
    m_special[static_cast<unsigned char>('"')] = true;
}

Terminator Tokenizer::terminatorAt(const char *p, const char **after) const
{
    if (p == m_end) {
        *after = p;
        return Terminator::End;
    }
    if (*p == m_delimiter) {
        *after = p + 1;
        return Terminator::Delimiter;
    }
    if (*p == '\n') {
        *after = p + 1;
        return Terminator::Newline;
    }
    if (*p == '\r' && p + 1 < m_end && p[1] == '\n') {
        *after = p + 2;
        return Terminator::Newline;
    }
    *after = nullptr;
    return Terminator::End;
}

Field Tokenizer::read(const char *p, int column) const
{
    Field f;
    f.rawBegin = p;
    if (p < m_end && *p == '"') {
        const char *q = p + 1;
        for (;;) {
            q = static_cast<const char *>(std::memchr(q, '"', size_t(m_end - q)));
            if (!q)
                throw Fault{p,
                            column + 1,
                            QStringLiteral(
                                "unterminated quoted field: the quote opened here is never "
                                "closed")};
            if (q + 1 < m_end && q[1] == '"') {
                f.escapes = true;
                q += 2;
                continue;
            }
            break;
        }
        f.quoted = true;
        f.begin = p + 1;
        f.end = q;
        f.next = q + 1;
        f.terminator = terminatorAt(f.next, &f.after);
        if (!f.after)
            throw Fault{f.next,
                        column + 1,
                        QStringLiteral("unexpected text after the closing quote; expected the "
                                       "delimiter or the end of the line")};
        return f;
    }
    const char *q = p;
    while (q < m_end && !m_special[static_cast<unsigned char>(*q)])
        ++q;
    if (q < m_end && *q == '"')
        throw Fault{q,
                    column + 1,
                    QStringLiteral("quote inside an unquoted field; a field containing quotes "
                                   "must be quoted as a whole, with inner quotes doubled (\"\")")};
    f.begin = p;
    f.end = (q < m_end && *q == '\n' && q > p && q[-1] == '\r') ? q - 1 : q;
    f.next = f.end;
    f.terminator = terminatorAt(f.next, &f.after);
    return f;
}

std::string_view fieldText(const Field &field, std::string &scratch)
{
    if (!field.escapes)
        return {field.begin, size_t(field.end - field.begin)};
    scratch.clear();
    for (const char *p = field.begin; p < field.end; ++p) {
        scratch.push_back(*p);
        if (*p == '"')
            ++p; // skip the second quote of the pair
    }
    return scratch;
}

void readRecord(const Tokenizer &tok,
                const char *&p,
                const char *base,
                const char *badPos,
                std::vector<Field> &fields)
{
    fields.clear();
    for (;;) {
        const Field f = readChecked(tok, p, int(fields.size()), base, badPos);
        fields.push_back(f);
        p = f.after;
        if (f.terminator != Terminator::Delimiter)
            return;
    }
}

Fault badByteFault(const char *base, const char *pos, std::int64_t column)
{
    const auto byte = static_cast<unsigned char>(*pos);
    if (byte == 0)
        return Fault{pos,
                     column,
                     QStringLiteral("NUL byte in the text; this is a binary file or UTF-16 text, "
                                    "expected UTF-8")};
    if (base && pos == base && (byte == 0xFF || byte == 0xFE))
        return Fault{pos, column, QStringLiteral("the file is UTF-16 encoded; save it as UTF-8")};
    const QString hex = QString::number(uint(byte), 16).toUpper();
    return Fault{pos,
                 column,
                 QStringLiteral("invalid UTF-8 (byte 0x%1); save the file as UTF-8 (it may be "
                                "Latin-1 or Windows-1252)")
                     .arg(hex)};
}

std::string_view trimmed(std::string_view s)
{
    while (!s.empty() && isBlank(s.front()))
        s.remove_prefix(1);
    while (!s.empty() && isBlank(s.back()))
        s.remove_suffix(1);
    return s;
}

MissingTokens::MissingTokens(const QStringList &extra)
{
    QStringList all{QStringLiteral("NA"),
                    QStringLiteral("NaN"),
                    QStringLiteral("nan"),
                    QStringLiteral("N/A"),
                    QStringLiteral("null")};
    all += extra;
    for (const QString &t : all) {
        const QByteArray utf8 = t.toUtf8();
        const std::string token(trimmed(std::string_view(utf8.constData(), size_t(utf8.size()))));
        if (token.empty())
            continue; // blank is always missing
        if (token.size() < 64)
            m_lengths |= std::uint64_t(1) << token.size();
        else
            m_longTokens = true;
        double v = 0;
        const auto r = fast_float::from_chars(token.data(), token.data() + token.size(), v);
        if (r.ec == std::errc() && !std::isnan(v))
            m_anyNumeric = true;
        m_tokens.push_back(token);
    }
}

bool MissingTokens::contains(std::string_view s) const
{
    if (s.size() < 64 ? !(m_lengths >> s.size() & 1u) : !m_longTokens)
        return false;
    for (const std::string &t : m_tokens)
        if (t == s)
            return true;
    return false;
}

CellKind classifyCell(std::string_view text, const MissingTokens &missing, double &value)
{
    const std::string_view t = trimmed(text);
    if (t.empty() || missing.contains(t))
        return CellKind::Missing;
    const char *b = t.data();
    const char *e = b + t.size();
    // fast_float follows std::from_chars and refuses a leading '+'; spreadsheets write it.
    if (*b == '+' && e - b > 1 && b[1] != '-' && b[1] != '+')
        ++b;
    const auto r = fast_float::from_chars(b, e, value);
    if (r.ec != std::errc() || r.ptr != e)
        return CellKind::Text;
    return std::isnan(value) ? CellKind::Missing : CellKind::Number;
}

std::int32_t LevelDict::code(std::string_view text)
{
    if (m_slots.empty())
        m_slots.resize(64);
    const std::uint64_t hash = std::hash<std::string_view>{}(text);
    const auto tag = std::uint32_t(hash >> 32);
    const std::size_t mask = m_slots.size() - 1;
    for (std::size_t i = hash & mask;; i = (i + 1) & mask) {
        Slot &slot = m_slots[i];
        if (slot.code < 0) {
            const std::int32_t code = size();
            m_bytes.insert(m_bytes.end(), text.begin(), text.end());
            m_offsets.push_back(m_bytes.size());
            slot = Slot{tag, code};
            if (m_offsets.size() * 2 > m_slots.size())
                grow();
            return code;
        }
        if (slot.tag == tag && level(slot.code) == text)
            return slot.code;
    }
}

void LevelDict::grow()
{
    std::vector<Slot> table(m_slots.size() * 2);
    const std::size_t mask = table.size() - 1;
    for (std::int32_t code = 0; code < size(); ++code) {
        const std::uint64_t hash = std::hash<std::string_view>{}(level(code));
        std::size_t i = hash & mask;
        while (table[i].code >= 0)
            i = (i + 1) & mask;
        table[i] = Slot{std::uint32_t(hash >> 32), code};
    }
    m_slots.swap(table);
}

void parseRegion(const ParsePlan &plan,
                 const char *p,
                 const char *regionEnd,
                 Eigen::Index row,
                 Eigen::Index rowEnd,
                 RegionResult &out)
{
    const Tokenizer &tok = *plan.tokenizer;
    const char *const end = tok.end();
    const char delim = tok.delimiter();
    const int columnCount = int(plan.columns.size());
    const bool fastNumbers = !plan.missing->anyNumeric();
    // With a space delimiter, spaces around a number are empty fields, not padding.
    const bool skipSpaces = delim != ' ';
    out.dicts.clear();
    out.dicts.resize(size_t(plan.categoricalSlots));
    out.sawText.assign(size_t(plan.numericSlots), 0);
    std::string scratch;
    const Eigen::Index rowBegin = row;
    try {
        while (p < regionEnd) {
            if (row >= rowEnd)
                break; // more rows than pass 1 counted: only after an earlier fault
            for (int k = 0; k < columnCount; ++k) {
                const ColumnPlan cp = plan.columns[size_t(k)];
                const bool last = k + 1 == columnCount;
                if (cp.sink == Sink::Numeric && fastNumbers) {
                    // Fast path: parse in place, then expect the terminator. Numbers and spaces
                    // are ASCII, so no bad byte can hide in what it accepted.
                    const char *s = p;
                    while (skipSpaces && s < end && *s == ' ')
                        ++s;
                    double v;
                    const char *q = parsePlainDecimal(s, end, v);
                    if (!q) {
                        const auto r = fast_float::from_chars(s, end, v);
                        q = r.ec == std::errc() ? r.ptr : nullptr;
                    }
                    if (q) {
                        while (skipSpaces && q < end && *q == ' ')
                            ++q;
                        const char *after = nullptr;
                        if (!last) {
                            if (q < end && *q == delim)
                                after = q + 1;
                        } else if (q == end) {
                            after = q;
                        } else if (*q == '\n') {
                            after = q + 1;
                        } else if (*q == '\r' && q + 1 < end && q[1] == '\n') {
                            after = q + 2;
                        }
                        if (after) {
                            plan.values[Eigen::Index(cp.slot) * plan.rows + row] = v;
                            p = after;
                            continue;
                        }
                    }
                }
                const Field f = readChecked(tok, p, k, plan.base, plan.badPos);
                if (last) {
                    if (f.terminator == Terminator::Delimiter)
                        throwTooMany(tok, f, columnCount);
                } else if (f.terminator != Terminator::Delimiter) {
                    throwTooFew(f, k, columnCount);
                }
                switch (cp.sink) {
                case Sink::Numeric: {
                    double v = kMissing;
                    const CellKind kind = classifyCell(fieldText(f, scratch), *plan.missing, v);
                    if (kind == CellKind::Text)
                        out.sawText[size_t(cp.slot)] = 1;
                    plan.values[Eigen::Index(cp.slot) * plan.rows + row] = kind == CellKind::Number
                                                                               ? v
                                                                               : kMissing;
                    break;
                }
                case Sink::Categorical: {
                    const std::string_view text = fieldText(f, scratch);
                    const std::string_view t = trimmed(text);
                    const bool missing = t.empty() || plan.missing->contains(t);
                    plan.codes[size_t(cp.slot)][row] = missing
                                                           ? -1
                                                           : out.dicts[size_t(cp.slot)].code(text);
                    break;
                }
                case Sink::Skip:
                    break;
                }
                p = f.after;
            }
            ++row;
        }
    } catch (Fault &fault) {
        out.fault = std::move(fault);
    }
    out.stoppedAt = p;
    out.rowsParsed = row - rowBegin;
}

} // namespace fb::csv
