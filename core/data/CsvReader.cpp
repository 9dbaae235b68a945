#include "CsvReader.h"

namespace fb {

CsvError::CsvError(const QString &file, qint64 line, qint64 column, const QString &message)
    : std::runtime_error(QStringLiteral("%1:%2:%3: %4").arg(file).arg(line).arg(column).arg(message).toStdString())
    , file(file)
    , line(line)
    , column(column)
    , message(message)
{}

TablePtr CsvReader::readFile(const QString &path, const CsvOptions &)
{
    throw CsvError(path, 0, 0, QStringLiteral("CSV reader not implemented yet"));
}

TablePtr CsvReader::readData(const QByteArray &, const QString &name, const CsvOptions &)
{
    throw CsvError(name, 0, 0, QStringLiteral("CSV reader not implemented yet"));
}

} // namespace fb
