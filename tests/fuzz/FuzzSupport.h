#pragma once

// Shared by the fuzz targets: each target defines LLVMFuzzerTestOneInput and, in a libFuzzer
// build, is linked with -fsanitize=fuzzer; in a normal build the same source is linked with
// ReplayMain.cpp into a CTest test that replays the seed corpus and every crash found so far.

#include <QByteArray>
#include <QString>

#include <cstdint>
#include <cstdio>
#include <cstdlib>

namespace fbfuzz {

inline QByteArray bytes(const uint8_t *data, size_t size)
{
    // A deep copy: the fuzzer's buffer ends exactly at `size`, so an overread by the code under
    // test lands in ASan's redzone of our own allocation instead of being missed.
    return QByteArray(reinterpret_cast<const char *>(data), qsizetype(size));
}

// An invariant of the code under test does not hold: report and abort, so libFuzzer saves the
// input (a plain return would hide the bug).
[[noreturn]] inline void fail(const char *what, const QString &detail = {})
{
    std::fprintf(stderr, "fuzz invariant broken: %s\n%s\n", what, qPrintable(detail));
    std::fflush(stderr);
    std::abort();
}

inline void check(bool ok, const char *what, const QString &detail = {})
{
    if (!ok)
        fail(what, detail);
}

// The source tree, for the models the serve target loads (FLOWBENCH_SOURCE_DIR overrides).
inline QString sourceDir()
{
    const QByteArray env = qgetenv("FLOWBENCH_SOURCE_DIR");
    return env.isEmpty() ? QStringLiteral(FLOWBENCH_SOURCE_DIR_FALLBACK) : QString::fromLocal8Bit(env);
}

} // namespace fbfuzz
