// Fuzz target: the CSV reader (core/data/CsvReader).
//
// Oracle beyond "no crash": the reader parses in parallel chunks; cutting the same input into
// tiny chunks on several threads must give exactly what the one-thread parse gives (the same
// table, or the same located error). The first byte picks the options.

#include "FuzzSupport.h"

#include "data/CsvParser.h"
#include "data/CsvReader.h"

#include <cmath>
#include <cstring>
#include <optional>

namespace {

struct Outcome
{
    fb::TablePtr table;
    std::optional<QString> error;
};

Outcome read(const QByteArray &text, const fb::CsvOptions &options, std::int64_t chunkBytes, int threads)
{
    fb::csv::ReaderTuning &tuning = fb::csv::readerTuning();
    const fb::csv::ReaderTuning saved = tuning;
    tuning.chunkBytes = chunkBytes;
    tuning.parallelBytes = chunkBytes > 0 ? 0 : saved.parallelBytes;
    tuning.threads = threads;
    Outcome out;
    try {
        out.table = fb::CsvReader::readData(text, QStringLiteral("fuzz.csv"), options);
    } catch (const fb::CsvError &e) {
        out.error = QString::fromUtf8(e.what());
    }
    tuning = saved;
    return out;
}

bool sameNumber(double a, double b)
{
    return (std::isnan(a) && std::isnan(b)) || std::memcmp(&a, &b, sizeof a) == 0;
}

// Cell by cell, so a wrong storage index or code shows up as a difference (or an ASan report).
QString difference(const fb::Table &a, const fb::Table &b)
{
    if (a.rowCount() != b.rowCount() || a.columnCount() != b.columnCount())
        return QStringLiteral("shape %1x%2 vs %3x%4")
            .arg(a.rowCount()).arg(a.columnCount()).arg(b.rowCount()).arg(b.columnCount());
    for (int c = 0; c < a.columnCount(); ++c) {
        const fb::Column &ca = a.column(c);
        const fb::Column &cb = b.column(c);
        if (ca.name != cb.name || ca.kind != cb.kind || ca.role != cb.role)
            return QStringLiteral("column %1 schema").arg(c);
        if (ca.kind == fb::ColumnKind::Numeric) {
            const auto va = a.numeric(c);
            const auto vb = b.numeric(c);
            for (Eigen::Index r = 0; r < a.rowCount(); ++r)
                if (!sameNumber(va[r], vb[r]))
                    return QStringLiteral("column %1 row %2: %3 vs %4").arg(c).arg(r).arg(va[r]).arg(vb[r]);
        } else {
            const fb::CategoricalColumn &xa = a.categorical(c);
            const fb::CategoricalColumn &xb = b.categorical(c);
            if (xa.levels != xb.levels)
                return QStringLiteral("column %1 levels").arg(c);
            for (Eigen::Index r = 0; r < a.rowCount(); ++r) {
                const auto code = xa.codes.at(size_t(r));
                fbfuzz::check(code >= -1 && code < xa.levels.size(), "category code out of range");
                if (code != xb.codes.at(size_t(r)))
                    return QStringLiteral("column %1 row %2 code").arg(c).arg(r);
            }
        }
    }
    return {};
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    const uint8_t mode = data[0];
    const QByteArray text = fbfuzz::bytes(data + 1, size - 1);

    fb::CsvOptions options;
    static const char delimiters[] = {0, ',', ';', '\t', '|', ':', ' ', 0};
    options.delimiter = delimiters[mode & 7];
    if (mode & 0x08) {
        // Name the first header field as the target, to reach the target checks.
        const qsizetype end = text.indexOf('\n');
        const QByteArray first = text.left(end < 0 ? text.size() : end).split(',').value(0).trimmed();
        options.target = QString::fromUtf8(first);
    }
    if (mode & 0x10)
        options.categorical = {QStringLiteral("a"), QStringLiteral("b")};
    if (mode & 0x20)
        options.missingTokens = {QStringLiteral("-999"), QStringLiteral("?")};

    const Outcome whole = read(text, options, 0, 1);
    // Chunks of 1 to 64 bytes (cut after newlines) on 3 threads.
    const Outcome chunked = read(text, options, 1 + (mode >> 6) * 21, 3);

    if (whole.error || chunked.error) {
        fbfuzz::check(whole.error == chunked.error, "chunked parse disagrees on the error",
                      whole.error.value_or(QStringLiteral("(none)")) + QStringLiteral("\nvs\n")
                          + chunked.error.value_or(QStringLiteral("(none)")));
        fbfuzz::check(!whole.error->isEmpty(), "empty error message");
        return 0;
    }
    const QString diff = difference(*whole.table, *chunked.table);
    fbfuzz::check(diff.isEmpty(), "chunked parse gives another table", diff);
    return 0;
}
