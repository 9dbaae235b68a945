#pragma once

#include "Table.h"

#include <QString>

#include <functional>
#include <stdexcept>

namespace fb {

// Options of the CSV reader. Defaults sniff what they can.
struct CsvOptions
{
    // 0 = detect from the header line among ',', ';' and '\t' (the one giving the most fields,
    // preferring one that splits the next rows alike). Also accepted when set: '|', ':', ' '.
    char delimiter = 0;
    // Name of the target column; empty = none. Must exist, else the read fails.
    QString target;
    // Columns whose values are not all numbers become categorical automatically; list names
    // here to force a numeric-looking column (zip codes, ids) to be categorical.
    QStringList categorical;
    // Extra tokens read as missing, besides "", "NA", "NaN", "nan", "N/A" and "null" (compared
    // with surrounding spaces removed, case as written). A token may look numeric ("-999").
    QStringList missingTokens;
    // Called on the calling thread every few MB with the fraction of bytes parsed (0 first, 1
    // last); return false to cancel (CsvCancelled is thrown, no call follows).
    std::function<bool(double)> progress;
};

// A malformed input, located. what() is the full message ("file:line:column: ...").
struct CsvError : std::runtime_error
{
    CsvError(const QString &file, qint64 line, qint64 column, const QString &message);
    QString file;
    // 1-based physical line (line breaks inside quoted fields count); 0 when the whole file is
    // concerned (cannot open, bad option).
    qint64 line = 0;
    // 1-based field number; 0 when the whole line is concerned (blank line, unknown target).
    // A row with too few fields points at the first missing field, too many at the first extra.
    qint64 column = 0;
    QString message; // without the location
};

// Thrown when the progress callback returned false.
struct CsvCancelled
{};

// Reads delimited text into a Table: header required (names trimmed, no empty or duplicate
// name); quoted fields (RFC 4180) with embedded delimiters, quotes ("") and newlines; ',', ';' or
// tab; UTF-8 with or without BOM; CRLF or LF; blank lines at the end ignored, a blank line
// elsewhere is a row (an error unless there is a single column, where it is a missing value).
//
// A column is numeric when every value that is not missing is a number: fast_float syntax
// (plain decimals, exponents, "inf"/"infinity" read as infinity, any NaN spelling as missing)
// with surrounding spaces and a leading '+' allowed; otherwise categorical, with levels as
// written (spaces kept) in order of first appearance. Decimal commas are not numbers.
//
// The file is memory-mapped and parsed in two passes on up to 8 threads (count rows, then fill
// the pre-sized column-major matrix), and parsed pages are released as it goes, so peak memory
// stays close to the size of the parsed doubles. Malformed input of any kind is refused with a
// located CsvError: a problem of the header or the options first, else the first problem in
// the data.
class CsvReader
{
public:
    static TablePtr readFile(const QString &path, const CsvOptions &options = {});
    // Parses in-memory text; `name` is used in messages in place of a file name.
    static TablePtr readData(const QByteArray &data,
                             const QString &name,
                             const CsvOptions &options = {});
};

} // namespace fb
