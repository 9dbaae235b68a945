// main() for the fuzz targets in normal (non-libFuzzer) builds: feeds every file named on the
// command line, or found in the folders named, to LLVMFuzzerTestOneInput once. CTest runs it on
// the seed corpus and the crash regressions, so a fixed crash stays fixed under any compiler.
//
// Findings reported but not fixed yet live in an `open/` subfolder: each is replayed in a child
// process and is expected to fail there (the suite stays green); one that passes fails the run,
// so that it is moved out of open/ and guards the fix from then on.

#include <QByteArray>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QStringList>

#include <cstdint>
#include <cstdio>

#include <sys/wait.h>
#include <unistd.h>

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
    int fixedOpen = 0;
    for (const QString &path : files) {
        QFile f(path);
        if (!f.open(QIODevice::ReadOnly)) {
            std::fprintf(stderr, "cannot open %s\n", qPrintable(path));
            return 1;
        }
        const QByteArray data = f.readAll();
        const bool open = path.contains(QStringLiteral("/open/"));
        std::fprintf(stderr, "replaying %s%s\n", qPrintable(path), open ? " (open finding)" : "");
        std::fflush(stderr);
        const pid_t child = open ? fork() : 0;
        if (child == 0) {
            // A heap copy of exactly the file's size, as libFuzzer gives it: overreads hit a redzone.
            auto *copy = new uint8_t[size_t(data.size()) + (data.isEmpty() ? 1 : 0)];
            std::copy(data.begin(), data.end(), copy);
            LLVMFuzzerTestOneInput(copy, size_t(data.size()));
            delete[] copy;
            if (open)
                _exit(0);
            continue;
        }
        int status = 0;
        waitpid(child, &status, 0);
        if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
            std::fprintf(stderr,
                         "open finding %s passes now: move it out of open/\n",
                         qPrintable(path));
            ++fixedOpen;
        } else {
            std::fprintf(stderr, "open finding still fails, as expected\n");
        }
    }
    std::fprintf(stderr, "%lld inputs replayed\n", static_cast<long long>(files.size()));
    return files.isEmpty() || fixedOpen > 0 ? 1 : 0;
}
