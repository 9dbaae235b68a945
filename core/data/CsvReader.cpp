#include "CsvReader.h"

#include "CsvParser.h"
#include "CsvScan.h"

#include <QFile>
#include <QHash>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <cstring>
#include <exception>
#include <limits>
#include <mutex>
#include <new>
#include <optional>
#include <system_error>
#include <thread>

#include <ml/common/Parallel.h>
#include <util/NameList.h>

#if defined(Q_OS_UNIX)
#include <sys/mman.h>
#include <unistd.h>
#endif

// How the reader works (see also CsvScan.h and CsvParser.h):
//
// 1. The text (memory-mapped for files) is cut into chunks just after a '\n'. Pass 1 scans the
//    chunks in parallel for quotes, newlines, NUL bytes and UTF-8 validity; quote parity turns
//    the newline counts into row counts and tells where the first row of each chunk starts.
// 2. The header is parsed, the column types are guessed from the first rows, and the numeric
//    matrix (rows x numeric columns) and the categorical code arrays are allocated once.
// 3. Pass 2 parses the chunks ("regions", each starting at a row) in parallel straight into
//    those stores. Each region keeps its own level dictionaries; they are merged in region order,
//    which gives the levels in order of first appearance.
// 4. A column guessed numeric that turns out to hold text is re-read as categorical (a third,
//    rare pass over that column only), and the matrix is compacted in place.
//
// Errors: every region reports its first fault; the fault of the lowest region is the first in
// the file. Regions before it were parsed from true row starts (parity is exact for well-formed
// text), so their results are trustworthy; later regions may have been cut at wrong places and
// are ignored. Mapped pages are released after each chunk so that resident memory stays close to
// the size of the parsed values rather than the size of the file plus the values.

namespace fb {

CsvError::CsvError(const QString &file, qint64 line, qint64 column, const QString &message)
    : std::runtime_error(
        QStringLiteral("%1:%2:%3: %4").arg(file).arg(line).arg(column).arg(message).toStdString())
    , file(file)
    , line(line)
    , column(column)
    , message(message)
{}

namespace csv {

ReaderTuning &readerTuning()
{
    static ReaderTuning tuning;
    return tuning;
}

} // namespace csv

namespace {

using namespace fb::csv;
using Eigen::Index;

constexpr int kSampleRows = 1000;
constexpr double kPass1Share = 0.1; // of the progress range; pass 1 is ~10x faster than pass 2

struct Region
{
    const char *begin = nullptr;
    const char *end = nullptr;
    Index rowBegin = 0;
    Index rowEnd = 0;
};

// Runs work(i) for i in [0, n) on up to `threads` threads, the calling thread being one of
// them. tick() runs on the calling thread only (so the user's progress callback never runs on
// a thread of ours) after each of its items; returning false stops the run. Returns false when
// stopped by tick().
template<typename Work, typename Tick>
bool runParallel(std::size_t n, int threads, const Work &work, const Tick &tick)
{
    std::atomic<std::size_t> next{0};
    std::atomic<bool> stop{false};
    bool cancelled = false;
    std::exception_ptr error;
    std::mutex errorMutex;
    auto loop = [&](bool caller) {
        try {
            while (!stop.load(std::memory_order_relaxed)) {
                const std::size_t i = next.fetch_add(1);
                if (i >= n)
                    return;
                work(i);
                if (caller && !tick()) {
                    cancelled = true;
                    stop = true;
                }
            }
        } catch (...) {
            const std::lock_guard lock(errorMutex);
            if (!error)
                error = std::current_exception();
            stop = true;
        }
    };
    std::vector<std::thread> pool;
    for (int t = 1; t < threads && std::size_t(t) < n; ++t) {
        try {
            pool.emplace_back(loop, false);
        } catch (const std::system_error &) {
            break; // no more threads: fewer workers do the same work
        }
    }
    loop(true);
    for (std::thread &t : pool)
        t.join();
    if (error)
        std::rethrow_exception(error);
    return !cancelled;
}

class Reader
{
public:
    Reader(const char *data, qint64 size, const QString &name, const CsvOptions &options, bool mapped)
        : m_name(name)
        , m_options(options)
        , m_mapped(mapped)
        , m_base(data)
        , m_begin(data)
        , m_end(data + size)
        , m_fileEnd(data + size)
        , m_missing(options.missingTokens)
    {}

    TablePtr read();

private:
    [[noreturn]] void fail(const Fault &fault) const
    {
        throw CsvError(m_name, lineOf(m_base, fault.pos), fault.column, fault.message);
    }
    void report(double fraction) const
    {
        if (m_options.progress && !m_options.progress(std::clamp(fraction, 0.0, 1.0)))
            throw CsvCancelled{};
    }
    void releasePages(const char *begin, const char *end) const;

    void trimText();
    void scanChunks();
    char detectDelimiter() const;
    void readHeader(char delimiter);
    void checkNamedColumns() const;
    void findFirstFault(const Tokenizer &tok);
    void buildRegions();
    std::vector<bool> sampleTextColumns(const Tokenizer &tok) const;
    void runRegions(const ParsePlan &plan, std::vector<RegionResult> &results, bool withProgress);
    void checkRegions(const std::vector<RegionResult> &results) const;
    QStringList mergeLevels(int slot,
                            const ParsePlan &plan,
                            std::vector<RegionResult> &results) const;

    QString m_name;
    const CsvOptions &m_options;
    bool m_mapped;
    const char *m_base;  // buffer start: line numbers count from here
    const char *m_begin; // after the BOM
    const char *m_end;   // trailing blank lines cut off
    const char *m_fileEnd;
    const char *m_badPos = nullptr;
    const char *m_dataStart = nullptr; // first data row
    MissingTokens m_missing;
    int m_threads = 1;
    std::vector<ChunkStats> m_chunks;
    std::vector<Region> m_regions;
    Index m_rows = 0;
    QStringList m_names;
};

void Reader::releasePages(const char *begin, const char *end) const
{
#if defined(Q_OS_UNIX) && defined(MADV_DONTNEED)
    // Pages of a read-only file mapping count as resident memory until unmapped; dropping the
    // ones already parsed keeps the peak near the size of the parsed values. They stay in the
    // page cache, so touching them again costs a cheap minor fault.
    if (!m_mapped)
        return;
    static const auto page = std::uintptr_t(sysconf(_SC_PAGESIZE));
    const auto b = (reinterpret_cast<std::uintptr_t>(begin) + page - 1) / page * page;
    const auto e = reinterpret_cast<std::uintptr_t>(end) / page * page;
    if (e > b)
        madvise(reinterpret_cast<void *>(b), e - b, MADV_DONTNEED);
#else
    Q_UNUSED(begin);
    Q_UNUSED(end);
#endif
}

void Reader::trimText()
{
    if (m_end - m_begin >= 3 && std::memcmp(m_begin, "\xEF\xBB\xBF", 3) == 0)
        m_begin += 3;
    // Blank lines at the end are not rows.
    while (m_end > m_begin && (m_end[-1] == '\n' || m_end[-1] == '\r'))
        --m_end;
    if (m_end == m_begin)
        throw CsvError(m_name,
                       1,
                       0,
                       m_fileEnd > m_begin
                           ? QStringLiteral("the file holds only blank lines; expected a header "
                                            "line with the column names")
                           : QStringLiteral("the file is empty; expected a header line with the "
                                            "column names"));
}

void Reader::scanChunks()
{
    const qint64 size = m_end - m_begin;
    const ReaderTuning &tuning = readerTuning();
    // The shared core policy: all cores when this task runs alone, one when others run too.
    const int hardware = std::min(8, ml::threadBudget());
    m_threads = size >= tuning.parallelBytes ? (tuning.threads > 0 ? tuning.threads : hardware) : 1;
    const qint64 chunk = tuning.chunkBytes > 0
                             ? tuning.chunkBytes
                             : std::clamp<qint64>(size / (qint64(m_threads) * 16), 1 << 20, 4 << 20);
    // Cut just after a newline: a character boundary, so each chunk validates UTF-8 on its own.
    std::vector<const char *> cuts{m_begin};
    for (qint64 offset = chunk; offset < size; offset += chunk) {
        const char *nominal = m_begin + offset;
        if (nominal <= cuts.back())
            continue;
        const auto *nl = static_cast<const char *>(
            std::memchr(nominal, '\n', size_t(m_end - nominal)));
        if (!nl || nl + 1 >= m_end)
            break;
        cuts.push_back(nl + 1);
        if (m_end - nl - 1 < chunk)
            break;
    }
    cuts.push_back(m_end);
    m_chunks.assign(cuts.size() - 1, ChunkStats{});
    std::atomic<qint64> done{0};
    const bool finished = runParallel(
        m_chunks.size(),
        m_threads,
        [&](std::size_t i) {
            scanChunk(cuts[i], cuts[i + 1], m_chunks[i]);
            releasePages(cuts[i], cuts[i + 1]);
            done += cuts[i + 1] - cuts[i];
        },
        [&] {
            return !m_options.progress
                   || m_options.progress(kPass1Share * double(done) / double(size));
        });
    if (!finished)
        throw CsvCancelled{};
    m_badPos = m_end;
    for (const ChunkStats &c : m_chunks) {
        if (c.firstBad) {
            m_badPos = c.firstBad;
            break;
        }
    }
}

char Reader::detectDelimiter() const
{
    // The candidate that splits the header into the most fields, preferring one that splits the
    // next rows into as many fields as the header.
    struct Score
    {
        char delimiter;
        bool consistent;
        std::size_t fields;
    };
    std::optional<Score> best;
    std::vector<Field> fields;
    for (const char candidate : {',', ';', '\t'}) {
        const Tokenizer tok(m_end, candidate);
        const char *p = m_begin;
        Score score{candidate, true, 0};
        try {
            readRecord(tok, p, m_base, m_end, fields);
            score.fields = fields.size();
            for (int row = 0; row < 20 && p < m_end; ++row) {
                readRecord(tok, p, m_base, m_end, fields);
                if (fields.size() != score.fields) {
                    score.consistent = false;
                    break;
                }
            }
        } catch (const Fault &) {
            score.consistent = false;
            if (score.fields == 0)
                continue;
        }
        if (score.fields < 2)
            continue;
        if (!best || (score.consistent && !best->consistent)
            || (score.consistent == best->consistent && score.fields > best->fields))
            best = score;
    }
    return best ? best->delimiter : ',';
}

void Reader::readHeader(char delimiter)
{
    const Tokenizer tok(m_end, delimiter);
    std::vector<Field> fields;
    const char *p = m_begin;
    try {
        readRecord(tok, p, m_base, m_badPos, fields);
    } catch (const Fault &fault) {
        fail(fault);
    }
    m_dataStart = p;
    QHash<QString, int> seen;
    std::string scratch;
    for (std::size_t i = 0; i < fields.size(); ++i) {
        const std::string_view text = fieldText(fields[i], scratch);
        const QString name = QString::fromUtf8(text.data(), qsizetype(text.size())).trimmed();
        const auto column = std::int64_t(i + 1);
        if (name.isEmpty())
            fail(Fault{fields[i].rawBegin,
                       column,
                       QStringLiteral("column %1 of the header has no name; every column needs a "
                                      "name")
                           .arg(column)});
        const auto it = seen.constFind(name);
        if (it != seen.constEnd())
            fail(Fault{fields[i].rawBegin,
                       column,
                       QStringLiteral("duplicate column name '%1' (also the name of column %2)")
                           .arg(name)
                           .arg(*it)});
        seen.insert(name, int(column));
        m_names.append(name);
    }
}

void Reader::checkNamedColumns() const
{
    // The header may have thousands of names: the message shows the first ones.
    const QString list = abbreviatedList(m_names);
    if (!m_options.target.isEmpty() && !m_names.contains(m_options.target))
        throw CsvError(m_name,
                       1,
                       0,
                       QStringLiteral("target column '%1' not found; columns are: %2")
                           .arg(m_options.target, list));
    QStringList unknown;
    for (const QString &c : m_options.categorical)
        if (!m_names.contains(c))
            unknown.append(QLatin1Char('\'') + c + QLatin1Char('\''));
    if (!unknown.isEmpty())
        throw CsvError(m_name,
                       1,
                       0,
                       QStringLiteral("categorical column%1 %2 not found; columns are: %3")
                           .arg(unknown.size() > 1 ? QStringLiteral("s") : QString(),
                                unknown.join(QStringLiteral(", ")),
                                list));
}

void Reader::findFirstFault(const Tokenizer &tok)
{
    // A bad byte was found by pass 1: the file will be refused, so find the first problem with
    // a sequential check that stores nothing (and allocates nothing).
    ParsePlan plan;
    plan.base = m_base;
    plan.badPos = m_badPos;
    plan.tokenizer = &tok;
    plan.missing = &m_missing;
    plan.columns.assign(size_t(m_names.size()), ColumnPlan{Sink::Skip, 0});
    RegionResult result;
    parseRegion(plan, m_dataStart, m_end, 0, std::numeric_limits<Index>::max(), result);
    fail(result.fault ? *result.fault : badByteFault(m_base, m_badPos, 0));
}

void Reader::buildRegions()
{
    // Quote parity at each chunk start says whether the chunk starts at a row; if not, its
    // first row starts after its first newline at odd local parity.
    std::int64_t separators = 0; // row-ending newlines before the current chunk (header's too)
    int parity = 0;
    m_regions.clear();
    m_regions.push_back(Region{m_dataStart, m_end, 0, 0});
    for (const ChunkStats &c : m_chunks) {
        const char *start = nullptr;
        std::int64_t before = separators;
        if (parity == 0) {
            start = c.begin;
        } else if (c.firstOddNewline) {
            start = c.firstOddNewline + 1;
            before += 1;
        }
        if (start && start > m_dataStart)
            m_regions.push_back(Region{start, m_end, Index(before - 1), 0});
        separators += parity == 0 ? c.newlinesEven : c.newlinesOdd;
        parity ^= int(c.quotes & 1);
    }
    // Every separator ends a row; the last row has none (trailing newlines were cut off), and
    // the first separator ends the header.
    m_rows = m_dataStart < m_end ? Index(separators) : 0;
    for (std::size_t i = 0; i < m_regions.size(); ++i) {
        const bool last = i + 1 == m_regions.size();
        m_regions[i].end = last ? m_end : m_regions[i + 1].begin;
        m_regions[i].rowEnd = last ? m_rows : m_regions[i + 1].rowBegin;
    }
    if (m_dataStart >= m_end)
        m_regions.clear();
}

std::vector<bool> Reader::sampleTextColumns(const Tokenizer &tok) const
{
    // Guess types from the first rows; a numeric guess proven wrong later costs a re-read of
    // that column, a categorical guess is final (text was seen).
    std::vector<bool> text(size_t(m_names.size()), false);
    std::vector<Field> fields;
    std::string scratch;
    const char *p = m_dataStart;
    try {
        for (int row = 0; row < kSampleRows && p < m_end; ++row) {
            readRecord(tok, p, m_base, m_badPos, fields);
            if (fields.size() != text.size())
                break; // pass 2 reports it
            for (std::size_t k = 0; k < fields.size(); ++k) {
                double v;
                if (!text[k]
                    && classifyCell(fieldText(fields[k], scratch), m_missing, v) == CellKind::Text)
                    text[k] = true;
            }
        }
    } catch (const Fault &) {
        // pass 2 reports it at its place
    }
    return text;
}

void Reader::runRegions(const ParsePlan &plan, std::vector<RegionResult> &results, bool withProgress)
{
    results.clear();
    results.resize(m_regions.size());
    std::atomic<std::size_t> firstFault{m_regions.size()};
    std::atomic<qint64> done{0};
    const double total = double(std::max<qint64>(1, m_end - m_dataStart));
    const bool finished = runParallel(
        m_regions.size(),
        m_threads,
        [&](std::size_t i) {
            const Region &r = m_regions[i];
            if (i < firstFault.load()) {
                parseRegion(plan, r.begin, r.end, r.rowBegin, r.rowEnd, results[i]);
                if (results[i].fault) {
                    std::size_t current = firstFault.load();
                    while (i < current && !firstFault.compare_exchange_weak(current, i)) {
                    }
                }
            }
            releasePages(r.begin, r.end);
            done += r.end - r.begin;
        },
        [&] {
            if (!withProgress || !m_options.progress)
                return true;
            return m_options.progress(kPass1Share + (1.0 - kPass1Share) * double(done) / total);
        });
    if (!finished)
        throw CsvCancelled{};
}

void Reader::checkRegions(const std::vector<RegionResult> &results) const
{
    for (std::size_t i = 0; i < results.size(); ++i) {
        const RegionResult &r = results[i];
        if (r.fault)
            fail(*r.fault);
        const Region &region = m_regions[i];
        if (r.stoppedAt != region.end || r.rowsParsed != region.rowEnd - region.rowBegin)
            // Cannot happen: pass 1 and pass 2 agree on well-formed text.
            fail(Fault{r.stoppedAt,
                       0,
                       QStringLiteral("internal error: row boundaries disagree between passes; "
                                      "please report this file")});
    }
}

QStringList Reader::mergeLevels(int slot,
                                const ParsePlan &plan,
                                std::vector<RegionResult> &results) const
{
    // Regions in file order, each region's levels in its order: order of first appearance.
    LevelDict global;
    std::vector<std::int32_t> remap;
    for (std::size_t i = 0; i < results.size(); ++i) {
        LevelDict &local = results[i].dicts[size_t(slot)];
        remap.clear();
        bool identity = true;
        for (std::int32_t j = 0; j < local.size(); ++j) {
            const std::int32_t code = global.code(local.level(j));
            identity = identity && code == std::int32_t(remap.size());
            remap.push_back(code);
        }
        local = LevelDict{}; // free early: high-cardinality columns hold a copy per region
        if (identity)
            continue;
        std::int32_t *codes = plan.codes[size_t(slot)];
        for (Index row = m_regions[i].rowBegin; row < m_regions[i].rowEnd; ++row)
            if (codes[row] >= 0)
                codes[row] = remap[size_t(codes[row])];
    }
    QStringList levels;
    levels.reserve(global.size());
    for (std::int32_t j = 0; j < global.size(); ++j) {
        const std::string_view level = global.level(j);
        levels.append(QString::fromUtf8(level.data(), qsizetype(level.size())));
    }
    return levels;
}

TablePtr Reader::read()
{
    trimText();
    report(0.0);
    scanChunks();
    char delimiter = m_options.delimiter;
    // Characters that can be part of a number or of the quoting would make fields ambiguous.
    if (delimiter != 0 && !std::strchr(",;\t|: ", delimiter))
        throw CsvError(m_name,
                       0,
                       0,
                       QStringLiteral(
                           "unsupported delimiter '%1': use ',', ';', tab, '|', ':' or space")
                           .arg(QString::fromLatin1(&delimiter, 1)));
    if (delimiter == 0)
        delimiter = detectDelimiter();
    readHeader(delimiter);
    checkNamedColumns();
    const Tokenizer tok(m_end, delimiter);
    if (m_badPos < m_end)
        findFirstFault(tok);
    buildRegions();

    // Column kinds: forced categorical, text in the sample, else numeric (for now).
    const int columnCount = int(m_names.size());
    const std::vector<bool> sampledText = sampleTextColumns(tok);
    ParsePlan plan;
    plan.base = m_base;
    plan.badPos = m_badPos;
    plan.tokenizer = &tok;
    plan.missing = &m_missing;
    plan.rows = m_rows;
    for (int k = 0; k < columnCount; ++k) {
        const bool categorical = sampledText[size_t(k)]
                                 || m_options.categorical.contains(m_names.at(k));
        plan.columns.push_back(categorical ? ColumnPlan{Sink::Categorical, plan.categoricalSlots++}
                                           : ColumnPlan{Sink::Numeric, plan.numericSlots++});
    }
    Eigen::MatrixXd values;
    std::vector<std::vector<std::int32_t>> codes;
    try {
        values.resize(m_rows, plan.numericSlots);
        codes.resize(size_t(plan.categoricalSlots));
        for (auto &c : codes) {
            c.resize(size_t(m_rows));
            plan.codes.push_back(c.data());
        }
    } catch (const std::bad_alloc &) {
        throw CsvError(m_name,
                       0,
                       0,
                       QStringLiteral("not enough memory for %1 rows x %2 columns")
                           .arg(m_rows)
                           .arg(columnCount));
    }
    plan.values = values.data();

    std::vector<RegionResult> results;
    runRegions(plan, results, true);
    checkRegions(results);

    // Numeric guesses proven wrong: re-read those columns as categorical.
    std::vector<bool> demoted(size_t(plan.numericSlots), false);
    for (const RegionResult &r : results)
        for (std::size_t s = 0; s < r.sawText.size(); ++s)
            if (r.sawText[s])
                demoted[s] = true;
    std::vector<QStringList> levels(size_t(plan.categoricalSlots));
    for (int s = 0; s < plan.categoricalSlots; ++s)
        levels[size_t(s)] = mergeLevels(s, plan, results);
    results.clear();
    std::vector<ColumnPlan> finalColumns = plan.columns;
    if (std::find(demoted.begin(), demoted.end(), true) != demoted.end()) {
        ParsePlan rescan = plan;
        rescan.codes.clear();
        rescan.categoricalSlots = 0;
        rescan.numericSlots = 0;
        for (int k = 0; k < columnCount; ++k) {
            ColumnPlan &c = rescan.columns[size_t(k)];
            if (c.sink == Sink::Numeric && demoted[size_t(c.slot)]) {
                c = ColumnPlan{Sink::Categorical, rescan.categoricalSlots++};
                finalColumns[size_t(k)] = ColumnPlan{Sink::Categorical, int(codes.size())};
                codes.emplace_back(size_t(m_rows));
                rescan.codes.push_back(codes.back().data());
            } else {
                c = ColumnPlan{Sink::Skip, 0};
            }
        }
        runRegions(rescan, results, false);
        checkRegions(results);
        for (int s = 0; s < rescan.categoricalSlots; ++s)
            levels.push_back(mergeLevels(s, rescan, results));
        results.clear();

        // Compact the matrix: column-major columns are contiguous, so moving the kept ones left
        // is a memmove each, and dropping the tail columns is a realloc (no copy of the rest).
        int kept = 0;
        std::vector<int> newSlot(size_t(plan.numericSlots), -1);
        for (int s = 0; s < plan.numericSlots; ++s) {
            if (demoted[size_t(s)])
                continue;
            if (kept != s)
                std::memmove(values.col(kept).data(),
                             values.col(s).data(),
                             size_t(m_rows) * sizeof(double));
            newSlot[size_t(s)] = kept++;
        }
        values.conservativeResize(m_rows, kept);
        for (int k = 0; k < columnCount; ++k)
            if (finalColumns[size_t(k)].sink == Sink::Numeric)
                finalColumns[size_t(k)].slot = newSlot[size_t(plan.columns[size_t(k)].slot)];
    }

    // The categorical store in column order.
    QList<Column> columns;
    auto store = std::make_shared<std::vector<CategoricalColumn>>();
    for (int k = 0; k < columnCount; ++k) {
        Column c;
        c.name = m_names.at(k);
        c.role = c.name == m_options.target ? ColumnRole::Target : ColumnRole::Feature;
        const ColumnPlan &f = finalColumns[size_t(k)];
        if (f.sink == Sink::Numeric) {
            c.kind = ColumnKind::Numeric;
            c.storage = f.slot;
        } else {
            c.kind = ColumnKind::Categorical;
            c.storage = int(store->size());
            store->push_back(
                CategoricalColumn{std::move(codes[size_t(f.slot)]), levels[size_t(f.slot)]});
        }
        columns.append(c);
    }
    auto numeric = std::make_shared<const Eigen::MatrixXd>(std::move(values));
    report(1.0);
    return std::make_shared<const Table>(std::move(columns),
                                         std::move(numeric),
                                         std::move(store),
                                         m_rows);
}

} // namespace

TablePtr CsvReader::readFile(const QString &path, const CsvOptions &options)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        throw CsvError(path,
                       0,
                       0,
                       QStringLiteral("cannot open the file: %1").arg(file.errorString()));
    const qint64 size = file.size();
    if (size > 0) {
        if (uchar *mapped = file.map(0, size)) {
            Reader reader(reinterpret_cast<const char *>(mapped), size, path, options, true);
            return reader.read();
        }
    }
    // Not mappable (a pipe, a special file) or empty: read it in chunks, up to a bound — a
    // device like /dev/zero never ends and would otherwise exhaust memory.
    constexpr qint64 maxStreamBytes = qint64(1) << 30;
    constexpr qint64 chunk = qint64(1) << 20;
    QByteArray data;
    while (true) {
        const QByteArray part = file.read(chunk);
        if (file.error() != QFileDevice::NoError)
            throw CsvError(path,
                           0,
                           0,
                           QStringLiteral("cannot read the file: %1").arg(file.errorString()));
        if (part.isEmpty())
            break;
        data += part;
        if (data.size() > maxStreamBytes)
            throw CsvError(path,
                           0,
                           0,
                           QStringLiteral("not a regular file, and it gave more than 1 GiB without "
                                          "ending; expected a CSV file"));
        if (options.progress && !options.progress(0.0))
            throw CsvCancelled{};
    }
    return readData(data, path, options);
}

TablePtr CsvReader::readData(const QByteArray &data, const QString &name, const CsvOptions &options)
{
    Reader reader(data.constData(), data.size(), name, options, false);
    return reader.read();
}

} // namespace fb
