#pragma once

#include "Table.h"

#include <QString>

#include <functional>
#include <stdexcept>

namespace fb {

// Options of the CSV reader. Defaults sniff what they can.
struct CsvOptions
{
    // 0 = detect from the header line among ',', ';' and '\t'.
    char delimiter = 0;
    // Name of the target column; empty = none. Must exist, else the read fails.
    QString target;
    // Columns whose values are not all numbers become categorical automatically; list names
    // here to force a numeric-looking column (zip codes, ids) to be categorical.
    QStringList categorical;
    // Extra tokens read as missing, besides "", "NA", "NaN" (case as written).
    QStringList missingTokens;
    // Called now and then with the fraction of bytes parsed; return false to cancel.
    std::function<bool(double)> progress;
};

// A malformed input, located. what() is the full message ("file:line:column: ...").
struct CsvError : std::runtime_error
{
    CsvError(const QString &file, qint64 line, qint64 column, const QString &message);
    QString file;
    qint64 line = 0;   // 1-based; 0 when the whole file is concerned
    qint64 column = 0; // 1-based field number; 0 when the whole line is concerned
    QString message;   // without the location
};

// Thrown when the progress callback returned false.
struct CsvCancelled
{};

// Reads delimited text into a Table: header required; quoted fields with embedded delimiters,
// quotes ("") and newlines; ',', ';' or tab; UTF-8 with or without BOM; "", NA, NaN missing;
// CRLF or LF. Numeric parsing with fast_float; the file is memory-mapped and parsed in two
// passes (count, then fill the pre-sized column-major matrix) so peak memory stays close to
// the size of the parsed doubles.
class CsvReader
{
public:
    static TablePtr readFile(const QString &path, const CsvOptions &options = {});
    // Parses in-memory text; `name` is used in messages in place of a file name.
    static TablePtr readData(const QByteArray &data, const QString &name, const CsvOptions &options = {});
};

} // namespace fb
