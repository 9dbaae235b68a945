// Fuzz target: the binary table file (.fbt) that carries tables between processes and lives in
// the output cache (core/exec/PortDataIO, readPortData). A cache file can be truncated by a
// crash or edited by hand; reading it must give an error, never a crash or a table whose
// columns point outside its storage.

#include "FuzzSupport.h"

#include "data/Table.h"
#include "exec/PortDataIO.h"

#include <QDir>
#include <QFile>

#include <unistd.h>

namespace {

QString scratchFile()
{
    // One file per process: libFuzzer's -jobs/-workers run several processes side by side.
    static const QString path = QDir::temp().filePath(QStringLiteral("flowbench-fuzz-table-%1.fbt").arg(::getpid()));
    return path;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QString path = scratchFile();
    {
        QFile f(path);
        if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate))
            fbfuzz::fail("cannot write the scratch file", path);
        f.write(reinterpret_cast<const char *>(data), qint64(size));
    }
    QString error;
    const fb::PortDataPtr value = fb::readPortData(fb::PortType::Table, path, &error);
    if (!value) {
        fbfuzz::check(error.startsWith(path), "error does not name the file", error);
        return 0;
    }
    const auto &table = static_cast<const fb::Table &>(*value);
    // Touch every cell through the public API: storage indices and codes must be in range.
    double sum = 0;
    for (int c = 0; c < table.columnCount(); ++c) {
        for (Eigen::Index r = 0; r < table.rowCount(); ++r) {
            if (table.column(c).kind == fb::ColumnKind::Numeric)
                sum += table.numeric(c)[r];
            else
                sum += double(table.displayValue(r, c).size());
        }
    }
    (void)table.summary();
    // What was read must write and read back.
    const QString copy = path + QStringLiteral(".copy");
    QString writeError;
    fbfuzz::check(fb::writePortData(table, copy, &writeError), "a table read cannot be written", writeError);
    fbfuzz::check(fb::readPortData(fb::PortType::Table, copy, &writeError) != nullptr,
                  "a table written cannot be read", writeError);
    QFile::remove(copy);
    static volatile double sink;
    sink = sum; // keeps the reads from being optimised away
    return 0;
}
