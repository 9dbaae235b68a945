// Loads one CSV file with CsvReader::readFile and prints a JSON line:
//   {"seconds": .., "cpu_seconds": .., "rows": .., "cols": .., "numeric_cols": ..,
//    "peak_rss_mb": .., "rss_increase_mb": ..}
// cpu_seconds (user + system, all threads) tells what the load cost when other processes share
// the cores and wall time is noisy.
// Usage: bench_csv FILE.csv [THREADS] (THREADS: 0 = automatic, the default).
// Run by bench/csv_vs_pandas.py; one load per process so that the peak RSS is this load's.

#include "data/CsvParser.h"
#include "data/CsvReader.h"

#include <QByteArray>
#include <QString>

#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>

namespace {

// A field of /proc/self/status in MiB ("VmRSS", "VmHWM"), -1 when unavailable.
double statusMb(const char *key)
{
    std::ifstream status("/proc/self/status");
    std::string line;
    const size_t keyLength = std::strlen(key);
    while (std::getline(status, line)) {
        if (line.compare(0, keyLength, key) == 0 && line.size() > keyLength
            && line[keyLength] == ':')
            return std::stod(line.substr(keyLength + 1)) / 1024.0; // reported in kB
    }
    return -1;
}

double cpuSeconds()
{
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    auto seconds = [](const timeval &t) { return double(t.tv_sec) + double(t.tv_usec) * 1e-6; };
    return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

} // namespace

int main(int argc, char **argv)
{
    if (argc != 2 && argc != 3) {
        std::fprintf(stderr, "usage: %s FILE.csv [THREADS]\n", argv[0]);
        return 2;
    }
    if (argc == 3)
        fb::csv::readerTuning().threads = std::atoi(argv[2]);
    const QString path = QString::fromLocal8Bit(argv[1]);
    const double baseline = statusMb("VmRSS");
    const double cpuStart = cpuSeconds();
    const auto start = std::chrono::steady_clock::now();
    fb::TablePtr table;
    try {
        table = fb::CsvReader::readFile(path);
    } catch (const fb::CsvError &e) {
        std::fprintf(stderr, "%s\n", e.what());
        return 1;
    }
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
                               .count();
    const double cpu = cpuSeconds() - cpuStart;
    const double peak = statusMb("VmHWM");
    std::printf("{\"seconds\": %.4f, \"cpu_seconds\": %.4f, \"rows\": %lld, \"cols\": %d, "
                "\"numeric_cols\": %lld, "
                "\"peak_rss_mb\": %.1f, \"rss_increase_mb\": %.1f}\n",
                seconds,
                cpu,
                static_cast<long long>(table->rowCount()),
                table->columnCount(),
                static_cast<long long>(table->numericStore().cols()),
                peak,
                peak - baseline);
    return 0;
}
