// flowbench-cli run: runs a pipeline headless, records it in the store, reports the result.

#include "CliCommon.h"
#include "ProgressPrinter.h"

#include "exec/EventQueue.h"
#include "exec/Executor.h"
#include "exec/OutputCache.h"
#include "pipeline/NodeRegistry.h"
#include "pipeline/Overrides.h"
#include "pipeline/PipelineFile.h"
#include "store/RunStore.h"

#include <QCoreApplication>
#include <QDir>
#include <QEventLoop>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonObject>
#include <QRegularExpression>
#include <QTimer>

#include <atomic>
#include <cmath>
#include <csignal>
#include <sys/resource.h>
#include <unistd.h>

namespace fb {

namespace {

std::atomic<int> g_interrupts{0};

void onSigint(int)
{
    // Second Ctrl+C: the user means it.
    if (g_interrupts.fetch_add(1) >= 1)
        ::_exit(ExitInterrupted);
}

// Peak resident memory of this process, for users sizing machines (and the memory bench).
double peakRssMb()
{
    rusage usage{};
    ::getrusage(RUSAGE_SELF, &usage);
    return double(usage.ru_maxrss) / 1024.0; // Linux reports KiB
}

QJsonValue jsonNumber(double v)
{
    return std::isfinite(v) ? QJsonValue(v) : QJsonValue();
}

QJsonObject summaryJson(const RunResult &r, const QString &store, const QString &pipeline)
{
    QJsonObject nodes;
    QJsonObject allMetrics;
    for (const TaskResult &t : r.tasks) {
        QJsonObject metrics;
        for (const auto &kv : t.metrics) {
            metrics.insert(kv.first, jsonNumber(kv.second));
            allMetrics.insert(t.nodeId + u'.' + kv.first, jsonNumber(kv.second));
        }
        QJsonObject n{{QStringLiteral("type"), t.type},
                      {QStringLiteral("state"), taskStateName(t.state)},
                      {QStringLiteral("cached"), t.cached},
                      {QStringLiteral("tries"), t.tries},
                      {QStringLiteral("duration_s"),
                       t.startMs > 0 && t.endMs >= t.startMs ? QJsonValue(double(t.endMs - t.startMs) / 1000.0) : QJsonValue()},
                      {QStringLiteral("metrics"), metrics}};
        if (!t.error.isEmpty())
            n.insert(QStringLiteral("error"), t.error);
        nodes.insert(t.nodeId, n);
    }
    return QJsonObject{{QStringLiteral("run_id"), r.runId},
                       {QStringLiteral("state"), taskStateName(r.state)},
                       {QStringLiteral("pipeline"), pipeline},
                       {QStringLiteral("store"), store},
                       {QStringLiteral("duration_s"), double(r.endMs - r.startMs) / 1000.0},
                       {QStringLiteral("peak_rss_mb"), peakRssMb()},
                       {QStringLiteral("nodes"), nodes},
                       {QStringLiteral("metrics"), allMetrics}};
}

void printHumanSummary(const RunResult &r)
{
    QString text = QStringLiteral("\nrun %1: %2 in %3\n")
                       .arg(r.runId, taskStateName(r.state), formatDuration(r.endMs - r.startMs));
    int shown = 0;
    for (const TaskResult &t : r.tasks) {
        if (t.metrics.isEmpty() && t.state == TaskState::Success)
            continue;
        if (++shown > 50)
            break;
        text += QStringLiteral("  %1 %2").arg(t.nodeId, -20).arg(taskStateName(t.state), -16);
        QStringList m;
        for (const auto &kv : t.metrics)
            m.append(QStringLiteral("%1=%2").arg(kv.first).arg(kv.second, 0, 'g', 6));
        text += m.join(QStringLiteral("  ")) + u'\n';
        if (!t.error.isEmpty())
            text += QStringLiteral("      %1\n").arg(t.error);
    }
    printOut(text);
}

} // namespace

int runCommand(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.addPositionalArgument(QStringLiteral("FILE"), QStringLiteral("Pipeline file (.flow)."));
    parser.addOption({QStringLiteral("node"),
                      QStringLiteral("Run only this node and what it needs (repeatable)."),
                      QStringLiteral("ID")});
    parser.addOption({QStringLiteral("set"),
                      QStringLiteral("Override a parameter for this run, e.g. --set train.C=0.5 (repeatable)."),
                      QStringLiteral("ID.PARAM=VALUE")});
    addStoreOption(parser);
    parser.addOption({QStringLiteral("run-id"), QStringLiteral("Use this run id instead of a new one."),
                      QStringLiteral("ID")});
    parser.addOption({QStringLiteral("artifacts"),
                      QStringLiteral("Folder for node outputs. Default: <store folder>/artifacts/<run id>."),
                      QStringLiteral("DIR")});
    parser.addOption({QStringLiteral("no-cache"),
                      QStringLiteral("Run every node, even those whose inputs and parameters did not change.")});
    parser.addOption({QStringLiteral("cache-size"),
                      QStringLiteral("Bound of the output cache in MB (default 4096)."),
                      QStringLiteral("MB")});
    parser.addOption({QStringLiteral("no-retries"),
                      QStringLiteral("Do not retry failed tasks here (a scheduler such as Airflow retries them).")});
    parser.addOption({QStringLiteral("threads"), QStringLiteral("Worker threads. Default: one per core."),
                      QStringLiteral("N")});
    parser.addOption({QStringLiteral("json"), QStringLiteral("Print a JSON summary on stdout.")});
    parser.addOption({QStringLiteral("quiet"), QStringLiteral("No progress on stderr.")});
    parseCommand(parser, arguments,
                 QStringLiteral("Runs a pipeline and records it in the run store.\n"
                                "Exit codes: 0 success, 2 invalid input, 3 a task failed or the run "
                                "was cancelled, 130 interrupted."));
    const QStringList positional = parser.positionalArguments();
    if (positional.size() != 1)
        throw CliError{QStringLiteral("run: expected one pipeline file\nTry 'flowbench-cli run --help'.")};

    const QString path = QFileInfo(positional.first()).absoluteFilePath();
    QString error;
    const std::optional<PipelineData> pipeline = PipelineFile::load(path, &error);
    if (!pipeline)
        throw CliError{error};
    const NodeRegistry &registry = NodeRegistry::builtin();
    const auto overrides = parseOverrides(*pipeline, registry, parser.values(QStringLiteral("set")), &error);
    if (!error.isEmpty())
        throw CliError{error};

    int threads = 0;
    if (parser.isSet(QStringLiteral("threads"))) {
        bool ok = false;
        threads = parser.value(QStringLiteral("threads")).toInt(&ok);
        if (!ok || threads < 1 || threads > 256)
            throw CliError{QStringLiteral("--threads: expected a number from 1 to 256")};
    }

    RunRequest request;
    request.pipeline = *pipeline;
    request.pipelinePath = path;
    request.targets = parser.values(QStringLiteral("node"));
    request.overrides = overrides;
    request.keepOutputs = false; // nothing inspects them afterwards: free memory as we go
    qint64 cacheMb = 4096;
    if (parser.isSet(QStringLiteral("cache-size"))) {
        bool ok = false;
        cacheMb = parser.value(QStringLiteral("cache-size")).toLongLong(&ok);
        if (!ok || cacheMb < 0)
            throw CliError{QStringLiteral("--cache-size: expected a size in MB")};
    }
    if (parser.isSet(QStringLiteral("no-retries")))
        request.maxRetries = 0;
    request.useCache = !parser.isSet(QStringLiteral("no-cache"));
    request.runId = parser.value(QStringLiteral("run-id")).isEmpty() ? newRunId()
                                                                     : parser.value(QStringLiteral("run-id"));
    // The characters of Airflow's default run id pattern (allowed_run_id_pattern).
    if (!request.runId.contains(QRegularExpression(QStringLiteral("^[A-Za-z0-9_.:+~-]{1,128}$"))))
        throw CliError{QStringLiteral("--run-id: use letters, digits and _ . : + ~ - only")};

    // Validated before the store is opened: a pipeline that cannot run (a cycle, an unknown
    // node type, a missing parameter) must leave nothing behind, not even a new store file.
    // (The store is declared first so that it outlives the executor attached to it.)
    std::unique_ptr<RunStore> store;
    Executor executor(registry);
    const auto cannotRun = [&path](const QString &problems) {
        QString text = QStringLiteral("%1: the pipeline cannot run:\n").arg(path);
        for (const QString &line : problems.split(u'\n'))
            text += QStringLiteral("  - %1\n").arg(line);
        text.chop(1);
        return CliError{text};
    };
    if (!executor.validate(request, &error))
        throw cannotRun(error);

    store = openStore(parser);
    if (store->interruptedOnOpen() > 0 && !parser.isSet(QStringLiteral("quiet")))
        printErr(QStringLiteral("note: %1 earlier run(s) found unfinished were marked interrupted\n")
                     .arg(store->interruptedOnOpen()));

    if (threads > 0)
        executor.setMaxParallel(threads);
    store->attach(executor.events());
    ProgressPrinter progress(executor.events().subscribe(), stderrIsTerminal(),
                             parser.isSet(QStringLiteral("quiet")));

    request.cache = std::make_shared<OutputCache>(store->cacheDir(), cacheMb * 1024 * 1024);
    request.storePath = store->location().spec();
    request.artifactRoot = parser.isSet(QStringLiteral("artifacts"))
                               ? QFileInfo(parser.value(QStringLiteral("artifacts"))).absoluteFilePath()
                               : store->artifactRoot() + u'/' + request.runId;

    if (!executor.start(request, &error))
        throw cannotRun(error);

    g_interrupts = 0;
    std::signal(SIGINT, onSigint);
    std::signal(SIGTERM, onSigint);
    QEventLoop loop;
    QTimer poll;
    bool cancelRequested = false;
    QObject::connect(&poll, &QTimer::timeout, &loop, [&] {
        if (g_interrupts > 0 && !cancelRequested) {
            cancelRequested = true;
            printErr(QStringLiteral("\ncancelling (press Ctrl+C again to quit at once)...\n"));
            executor.cancel();
        }
        progress.poll();
    });
    QObject::connect(&executor, &Executor::finished, &loop, &QEventLoop::quit);
    poll.start(100);
    if (executor.isRunning())
        loop.exec();
    executor.wait();
    poll.stop();
    progress.finish();
    std::signal(SIGINT, SIG_DFL);
    std::signal(SIGTERM, SIG_DFL);

    const RunResult result = executor.result();
    if (!store->flush())
        printErr(QStringLiteral("warning: the run store could not record everything: %1\n").arg(store->lastError()));

    if (parser.isSet(QStringLiteral("json")))
        printJson(summaryJson(result, store->path(), path),
                  {QStringLiteral("run_id"), QStringLiteral("state"), QStringLiteral("pipeline"),
                   QStringLiteral("store"), QStringLiteral("duration_s"), QStringLiteral("type"),
                   QStringLiteral("tries"), QStringLiteral("error"), QStringLiteral("nodes")});
    else
        printHumanSummary(result);

    if (cancelRequested)
        return ExitInterrupted;
    return result.state == TaskState::Success ? ExitOk : ExitRunFailed;
}

} // namespace fb
