// main() for the fuzz targets in normal (non-libFuzzer) builds: feeds every file named on the
// command line, or found in the folders named, to LLVMFuzzerTestOneInput once. CTest runs it on
// the seed corpus and the crash regressions, so a fixed crash stays fixed under any compiler.

#include <QByteArray>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QStringList>

#include <cstdint>
#include <cstdio>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
extern "C" int LLVMFuzzerInitialize(int *argc, char ***argv) __attribute__((weak));

int main(int argc, char **argv)
{
    if (LLVMFuzzerInitialize)
        LLVMFuzzerInitialize(&argc, &argv);
    QStringList files;
    for (int i = 1; i < argc; ++i) {
        const QString arg = QString::fromLocal8Bit(argv[i]);
        if (!QFileInfo::exists(arg)) {
            // The crash-regression folder of a target exists once a crash was found.
            std::fprintf(stderr, "skipping %s: does not exist\n", qPrintable(arg));
        } else if (QFileInfo(arg).isDir()) {
            QDirIterator it(arg, QDir::Files, QDirIterator::Subdirectories);
            while (it.hasNext())
                files.append(it.next());
        } else {
            files.append(arg);
        }
    }
    files.sort(); // a stable order makes a failure easy to find again
    for (const QString &path : files) {
        QFile f(path);
        if (!f.open(QIODevice::ReadOnly)) {
            std::fprintf(stderr, "cannot open %s\n", qPrintable(path));
            return 1;
        }
        std::fprintf(stderr, "replaying %s\n", qPrintable(path));
        const QByteArray data = f.readAll();
        // A heap copy of exactly the file's size, as libFuzzer gives it: overreads hit a redzone.
        auto *copy = new uint8_t[size_t(data.size()) + (data.isEmpty() ? 1 : 0)];
        std::copy(data.begin(), data.end(), copy);
        LLVMFuzzerTestOneInput(copy, size_t(data.size()));
        delete[] copy;
    }
    std::fprintf(stderr, "%lld inputs replayed, no failure\n", static_cast<long long>(files.size()));
    return files.isEmpty() ? 1 : 0;
}
