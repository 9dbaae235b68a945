// Sustained metric logging into the run store: producer threads publish metric points on an
// EventBus (as training loops do through NodeContext::metric) while the store's writer thread
// commits them to SQLite on disk. Two phases:
//   paced:     the producers together aim at --rate points/s (the requirement: 100,000/s)
//   unpaced:   the producers publish as fast as they can (what the writer can absorb)
// Reported: points/s accepted by the producers, points/s committed (total / time until flush()
// returns), and how long a single publish() call took (max and 99.9th percentile): a producer
// must never wait for the disk.
//
// Usage: bench_store [--seconds 5] [--rate 100000] [--producers 2] [--store DIR]

#include "exec/EventQueue.h"
#include "store/RunStore.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <thread>
#include <vector>

using namespace fb;
using Clock = std::chrono::steady_clock;

namespace {

struct PhaseResult
{
    qint64 points = 0;
    double produceSeconds = 0;
    double commitSeconds = 0; // from the first publish until flush() returned
    double maxPublishUs = 0;
    double p50PublishUs = 0;
    double p999PublishUs = 0;
    qint64 over1ms = 0; // publish calls that took longer than 1 ms
    qint64 stored = 0;
    qint64 fileBytes = 0;
    bool flushed = false;
};

PhaseResult runPhase(
    const QString &storePath, const QString &runId, int producers, double seconds, double rate)
{
    QString error;
    auto store = RunStore::open(storePath, &error);
    if (!store) {
        std::fprintf(stderr, "%s\n", qPrintable(error));
        std::exit(1);
    }
    EventBus bus;
    store->attach(bus);

    auto info = std::make_shared<RunInfo>();
    info->runId = runId;
    info->pipelineName = QStringLiteral("bench");
    for (int p = 0; p < producers; ++p)
        info->taskTypes.append(QStringLiteral("train_%1=mlp").arg(p));
    RunEvent started;
    started.kind = RunEvent::Kind::RunStarted;
    started.runId = runId;
    started.state = TaskState::Running;
    started.timeMs = RunEvent::now();
    started.info = info;
    bus.publish(started);

    std::vector<std::vector<float>> latencies(static_cast<size_t>(producers));
    std::vector<qint64> counts(static_cast<size_t>(producers), 0);
    const auto begin = Clock::now();
    const auto end = begin
                     + std::chrono::duration_cast<Clock::duration>(
                         std::chrono::duration<double>(seconds));
    std::vector<std::thread> threads;
    for (int p = 0; p < producers; ++p) {
        threads.emplace_back([&, p] {
            auto &lat = latencies[size_t(p)];
            lat.reserve(rate > 0 ? size_t(rate / producers * seconds * 1.1) : size_t(4e6));
            RunEvent e;
            e.kind = RunEvent::Kind::Metric;
            e.runId = runId;
            e.nodeId = QStringLiteral("train_%1").arg(p);
            e.tryNumber = 1;
            const QString keys[] = {QStringLiteral("loss"), QStringLiteral("accuracy")};
            const double perThread = rate / producers;
            qint64 n = 0;
            for (;;) {
                const auto now = Clock::now();
                if (now >= end)
                    break;
                // Paced: publish what is due by now, then sleep ~1 ms (a training loop emits
                // per iteration). Unpaced: publish in blocks of 256 between clock checks.
                const qint64 due = rate > 0
                                       ? qint64(perThread
                                                * std::chrono::duration<double>(now - begin).count())
                                       : n + 256;
                for (; n < due; ++n) {
                    e.key = keys[n & 1];
                    e.step = n >> 1;
                    e.value = 1.0 / double(n + 1);
                    e.timeMs = RunEvent::now();
                    const auto t = Clock::now();
                    bus.publish(e);
                    lat.push_back(
                        std::chrono::duration<float, std::micro>(Clock::now() - t).count());
                }
                if (rate > 0)
                    std::this_thread::sleep_for(std::chrono::milliseconds(1));
            }
            counts[size_t(p)] = n;
        });
    }
    for (auto &t : threads)
        t.join();
    const auto produced = Clock::now();
    PhaseResult r;
    r.flushed = store->flush(600000);
    const auto committed = Clock::now();
    if (!r.flushed)
        std::fprintf(stderr, "flush failed: %s\n", qPrintable(store->lastError()));

    std::vector<float> all;
    for (const auto &lat : latencies)
        all.insert(all.end(), lat.begin(), lat.end());
    for (qint64 c : counts)
        r.points += c;
    if (!all.empty()) {
        auto quantile = [&](double q) {
            const size_t k = std::min(all.size() - 1, size_t(double(all.size()) * q));
            std::nth_element(all.begin(), all.begin() + qsizetype(k), all.end());
            return double(all[k]);
        };
        r.p50PublishUs = quantile(0.5);
        r.p999PublishUs = quantile(0.999);
        r.maxPublishUs = *std::max_element(all.begin(), all.end());
        r.over1ms = std::count_if(all.begin(), all.end(), [](float us) { return us > 1000; });
    }
    r.produceSeconds = std::chrono::duration<double>(produced - begin).count();
    r.commitSeconds = std::chrono::duration<double>(committed - begin).count();
    for (int p = 0; p < producers; ++p)
        r.stored += store->metrics(runId, QStringLiteral("train_%1").arg(p)).size();
    store.reset();
    r.fileBytes = QFileInfo(storePath).size()
                  + QFileInfo(storePath + QStringLiteral("-wal")).size();
    return r;
}

void print(const char *phase, const PhaseResult &r)
{
    std::printf("| %-7s | %9lld | %10.0f | %11.0f | %16.2f | %18.1f | %8.1f | %11lld | %-10s |\n",
                phase,
                static_cast<long long>(r.points),
                double(r.points) / r.produceSeconds,
                double(r.points) / r.commitSeconds,
                r.p50PublishUs,
                r.p999PublishUs,
                r.maxPublishUs / 1000.0,
                static_cast<long long>(r.over1ms),
                r.flushed && r.stored == r.points ? "yes" : "NO");
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    double seconds = 5;
    double rate = 100000;
    int producers = 2;
    QString dir;
    const QStringList args = app.arguments();
    for (int i = 1; i + 1 < args.size(); i += 2) {
        if (args[i] == QLatin1String("--seconds"))
            seconds = args[i + 1].toDouble();
        else if (args[i] == QLatin1String("--rate"))
            rate = args[i + 1].toDouble();
        else if (args[i] == QLatin1String("--producers"))
            producers = std::max(1, args[i + 1].toInt());
        else if (args[i] == QLatin1String("--store"))
            dir = args[i + 1];
    }
    QTemporaryDir tmp;
    if (dir.isEmpty())
        dir = tmp.path();
    QDir().mkpath(dir);

    // Other processes share the cores: the load average puts the figures in context.
    QFile loadavg(QStringLiteral("/proc/loadavg"));
    const QByteArray load = loadavg.open(QIODevice::ReadOnly) ? loadavg.readAll().trimmed() : "?";
    std::printf(
        "run store: %d producer threads, %.0f s per phase, store in %s, load average %s\n\n",
        producers,
        seconds,
        qPrintable(dir),
        load.constData());
    std::printf("| phase   |    points | accepted/s | committed/s | publish p50 (us) | publish "
                "p99.9 (us) | max (ms) | calls >1 ms | all stored |\n"
                "|---------|----------:|-----------:|------------:|-----------------:|------------"
                "------:|---------:|------------:|------------|\n");
    const PhaseResult paced = runPhase(dir + QStringLiteral("/paced.sqlite"),
                                       QStringLiteral("paced"),
                                       producers,
                                       seconds,
                                       rate);
    print("paced", paced);
    const PhaseResult unpaced = runPhase(dir + QStringLiteral("/unpaced.sqlite"),
                                         QStringLiteral("unpaced"),
                                         producers,
                                         seconds,
                                         0);
    print("unpaced", unpaced);
    std::printf("\nstore size after the unpaced phase: %.1f MB (%.0f bytes per point)\n",
                double(unpaced.fileBytes) / 1e6,
                double(unpaced.fileBytes) / double(std::max<qint64>(1, unpaced.points)));
    return paced.flushed && unpaced.flushed ? 0 : 1;
}
