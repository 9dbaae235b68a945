// Scheduling overhead: pipelines of 10,000 no-op ("empty") nodes, run by the real executor
// with the real event bus and, optionally, the real run store attached.
//
//   bench_executor [--nodes N] [--shape chain|wide|layers] [--store PATH] [--repeat R]
//
// Prints one JSON line per run: nodes, seconds, tasks per second. The goal is < 1 s for
// 10,000 nodes (Airflow's scheduler manages ~500-1,000 tasks/s).

#include "exec/EventQueue.h"
#include "exec/Executor.h"
#include "pipeline/NodeRegistry.h"
#include "store/RunStore.h"

#include <QCoreApplication>
#include <QElapsedTimer>

#include <cstdio>

using namespace fb;

namespace {

PipelineData makePipeline(int count, const QString &shape)
{
    PipelineData p;
    QList<int> keys;
    const int width = shape == u"wide" ? count : shape == u"chain" ? 1 : 100;
    for (int i = 0; i < count; ++i) {
        Node n;
        n.id = QStringLiteral("n%1").arg(i);
        n.type = QStringLiteral("empty");
        const int key = p.addNode(n);
        // Layered: each node depends on the node `width` before it (width independent chains);
        // chain: width 1; wide: no links at all.
        if (shape != u"wide" && i >= width)
            p.addLink({keys.at(i - width), QStringLiteral("out"), key, QStringLiteral("in")});
        keys.append(key);
    }
    return p;
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    int nodes = 10000;
    int repeat = 3;
    QString shape = QStringLiteral("layers");
    QString storePath;
    const QStringList args = app.arguments();
    for (int i = 1; i + 1 < args.size(); i += 2) {
        if (args[i] == u"--nodes")
            nodes = args[i + 1].toInt();
        else if (args[i] == u"--shape")
            shape = args[i + 1];
        else if (args[i] == u"--store")
            storePath = args[i + 1];
        else if (args[i] == u"--repeat")
            repeat = args[i + 1].toInt();
    }
    const PipelineData pipeline = makePipeline(nodes, shape);
    std::unique_ptr<RunStore> store;
    if (!storePath.isEmpty()) {
        QString error;
        store = RunStore::open(storePath, &error);
        if (!store) {
            std::fprintf(stderr, "%s\n", qPrintable(error));
            return 2;
        }
    }
    for (int r = 0; r < repeat; ++r) {
        Executor executor(NodeRegistry::builtin());
        if (store)
            store->attach(executor.events());
        RunRequest request;
        request.pipeline = pipeline;
        QElapsedTimer timer;
        timer.start();
        QString error;
        if (!executor.start(request, &error)) {
            std::fprintf(stderr, "%s\n", qPrintable(error));
            return 2;
        }
        executor.wait();
        const double seconds = double(timer.nsecsElapsed()) / 1e9;
        double storeSeconds = 0;
        if (store) {
            store->flush();
            storeSeconds = double(timer.nsecsElapsed()) / 1e9;
            store->detach(executor.events());
        }
        const RunResult result = executor.result();
        std::printf("{\"nodes\": %d, \"shape\": \"%s\", \"state\": \"%s\", \"seconds\": %.4f, "
                    "\"tasks_per_second\": %.0f, \"seconds_until_stored\": %.4f}\n",
                    nodes, qPrintable(shape), qPrintable(taskStateName(result.state)), seconds,
                    nodes / seconds, storeSeconds);
        std::fflush(stdout);
    }
    return 0;
}
