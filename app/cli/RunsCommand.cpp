// flowbench-cli runs list|show: the run history from the store.

#include "CliCommon.h"

#include "store/RunStore.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QMap>
#include <QJsonArray>
#include <QJsonObject>

namespace fb {

namespace {

qint64 parseDate(const QString &text, const QString &option)
{
    QDateTime t = QDateTime::fromString(text, Qt::ISODate);
    if (!t.isValid())
        t = QDateTime(QDate::fromString(text, Qt::ISODate), QTime(0, 0));
    if (!t.isValid())
        throw CliError{QStringLiteral("%1: expected a date like 2026-11-24 or 2026-11-24T13:00, got '%2'")
                           .arg(option, text)};
    return t.toMSecsSinceEpoch();
}

QJsonObject runJson(const RunSummary &r)
{
    return QJsonObject{{QStringLiteral("run_id"), r.runId},
                       {QStringLiteral("pipeline"), r.pipelineName},
                       {QStringLiteral("pipeline_path"), r.pipelinePath},
                       {QStringLiteral("pipeline_hash"), r.pipelineHash},
                       {QStringLiteral("state"), taskStateName(r.state)},
                       {QStringLiteral("start"), QDateTime::fromMSecsSinceEpoch(r.startMs).toString(Qt::ISODateWithMs)},
                       {QStringLiteral("end"), r.endMs > 0 ? QJsonValue(QDateTime::fromMSecsSinceEpoch(r.endMs).toString(Qt::ISODateWithMs)) : QJsonValue()},
                       {QStringLiteral("duration_s"), r.endMs > 0 ? QJsonValue(double(r.endMs - r.startMs) / 1000.0) : QJsonValue()},
                       {QStringLiteral("targets"), QJsonArray::fromStringList(r.targets)},
                       {QStringLiteral("overrides"), r.overrides},
                       {QStringLiteral("host"), r.host},
                       {QStringLiteral("tasks"), r.taskCount}};
}

const QStringList runKeys{QStringLiteral("run_id"), QStringLiteral("pipeline"), QStringLiteral("state"),
                          QStringLiteral("start"), QStringLiteral("end"), QStringLiteral("duration_s")};

int list(const QStringList &arguments)
{
    QCommandLineParser parser;
    addStoreOption(parser);
    parser.addOption({QStringLiteral("pipeline"), QStringLiteral("Only runs whose pipeline name or path contains TEXT."), QStringLiteral("TEXT")});
    parser.addOption({QStringLiteral("state"), QStringLiteral("Only runs in this state (success, failed, cancelled, running, interrupted)."), QStringLiteral("STATE")});
    parser.addOption({QStringLiteral("since"), QStringLiteral("Only runs started at or after DATE."), QStringLiteral("DATE")});
    parser.addOption({QStringLiteral("until"), QStringLiteral("Only runs started before DATE."), QStringLiteral("DATE")});
    parser.addOption({QStringLiteral("limit"), QStringLiteral("At most N runs (default 50)."), QStringLiteral("N"), QStringLiteral("50")});
    parser.addOption({QStringLiteral("json"), QStringLiteral("Print as JSON.")});
    parseCommand(parser, arguments, QStringLiteral("Lists recorded runs, newest first."));

    RunFilter filter;
    filter.pipeline = parser.value(QStringLiteral("pipeline"));
    if (parser.isSet(QStringLiteral("state"))) {
        bool ok = false;
        filter.state = taskStateFromName(parser.value(QStringLiteral("state")), &ok);
        if (!ok)
            throw CliError{QStringLiteral("--state: unknown state '%1'").arg(parser.value(QStringLiteral("state")))};
    }
    if (parser.isSet(QStringLiteral("since")))
        filter.sinceMs = parseDate(parser.value(QStringLiteral("since")), QStringLiteral("--since"));
    if (parser.isSet(QStringLiteral("until")))
        filter.untilMs = parseDate(parser.value(QStringLiteral("until")), QStringLiteral("--until"));
    bool ok = false;
    filter.limit = parser.value(QStringLiteral("limit")).toInt(&ok);
    if (!ok || filter.limit < 1)
        throw CliError{QStringLiteral("--limit: expected a positive number")};

    const auto store = openStore(parser);
    const QList<RunSummary> runs = store->listRuns(filter);
    if (parser.isSet(QStringLiteral("json"))) {
        QJsonArray a;
        for (const RunSummary &r : runs)
            a.append(runJson(r));
        printJson(a, runKeys);
        return ExitOk;
    }
    if (runs.isEmpty()) {
        printOut(QStringLiteral("no runs recorded in %1\n").arg(store->path()));
        return ExitOk;
    }
    QString text = QStringLiteral("%1 %2 %3 %4 %5\n")
                       .arg(QStringLiteral("RUN"), -22).arg(QStringLiteral("PIPELINE"), -24)
                       .arg(QStringLiteral("STATE"), -16).arg(QStringLiteral("STARTED"), -20)
                       .arg(QStringLiteral("DURATION"));
    for (const RunSummary &r : runs)
        text += QStringLiteral("%1 %2 %3 %4 %5\n")
                    .arg(r.runId, -22).arg(r.pipelineName.left(24), -24)
                    .arg(taskStateName(r.state), -16).arg(formatTime(r.startMs), -20)
                    .arg(r.endMs > 0 ? formatDuration(r.endMs - r.startMs) : QStringLiteral("-"));
    printOut(text);
    return ExitOk;
}

int show(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.addPositionalArgument(QStringLiteral("RUN"), QStringLiteral("Run id or a unique prefix of it."));
    addStoreOption(parser);
    parser.addOption({QStringLiteral("logs"), QStringLiteral("Also print the log lines.")});
    parser.addOption({QStringLiteral("json"), QStringLiteral("Print as JSON.")});
    parseCommand(parser, arguments, QStringLiteral("Shows one run: tasks, parameters, final metrics, artifacts."));
    if (parser.positionalArguments().size() != 1)
        throw CliError{QStringLiteral("runs show: expected one run id")};
    const auto store = openStore(parser);
    QString error;
    const std::optional<RunSummary> run = store->findRun(parser.positionalArguments().first(), &error);
    if (!run)
        throw CliError{error};
    const QList<TaskInstanceRecord> tasks = store->taskInstances(run->runId);
    const QJsonObject params = store->params(run->runId);
    const QList<MetricPoint> metrics = store->metrics(run->runId);
    const QList<ArtifactRecord> artifacts = store->artifacts(run->runId);

    // Final value of each metric = the point with the highest step (last written on ties).
    QMap<QString, QMap<QString, MetricPoint>> last;
    QMap<QString, QMap<QString, int>> counts;
    for (const MetricPoint &m : metrics) {
        MetricPoint &slot = last[m.nodeId][m.key];
        if (counts[m.nodeId][m.key]++ == 0 || m.step >= slot.step)
            slot = m;
    }

    if (parser.isSet(QStringLiteral("json"))) {
        QJsonObject out = runJson(*run);
        QJsonArray taskArray;
        for (const TaskInstanceRecord &t : tasks) {
            QJsonObject o{{QStringLiteral("node"), t.nodeId},
                          {QStringLiteral("type"), t.type},
                          {QStringLiteral("try"), t.tryNumber},
                          {QStringLiteral("state"), taskStateName(t.state)},
                          {QStringLiteral("start"), t.startMs > 0 ? QJsonValue(QDateTime::fromMSecsSinceEpoch(t.startMs).toString(Qt::ISODateWithMs)) : QJsonValue()},
                          {QStringLiteral("duration_s"), t.endMs > 0 && t.startMs > 0 ? QJsonValue(double(t.endMs - t.startMs) / 1000.0) : QJsonValue()}};
            if (!t.error.isEmpty())
                o.insert(QStringLiteral("error"), t.error);
            taskArray.append(o);
        }
        QJsonObject metricObj;
        for (auto n = last.cbegin(); n != last.cend(); ++n) {
            QJsonObject perNode;
            for (auto k = n->cbegin(); k != n->cend(); ++k)
                perNode.insert(k.key(), QJsonObject{{QStringLiteral("value"), k->value},
                                                    {QStringLiteral("step"), k->step},
                                                    {QStringLiteral("points"), counts[n.key()][k.key()]}});
            metricObj.insert(n.key(), perNode);
        }
        QJsonArray artifactArray;
        for (const ArtifactRecord &a : artifacts)
            artifactArray.append(QJsonObject{{QStringLiteral("node"), a.nodeId},
                                             {QStringLiteral("name"), a.name},
                                             {QStringLiteral("kind"), a.kind},
                                             {QStringLiteral("path"), a.path},
                                             {QStringLiteral("sha256"), a.hash},
                                             {QStringLiteral("size"), double(a.size)}});
        out.insert(QStringLiteral("task_instances"), taskArray);
        out.insert(QStringLiteral("params"), params);
        out.insert(QStringLiteral("metrics"), metricObj);
        out.insert(QStringLiteral("artifacts"), artifactArray);
        if (parser.isSet(QStringLiteral("logs"))) {
            QJsonArray logArray;
            for (const LogRecord &l : store->logs(run->runId))
                logArray.append(QJsonObject{{QStringLiteral("node"), l.nodeId},
                                            {QStringLiteral("try"), l.tryNumber},
                                            {QStringLiteral("time"), QDateTime::fromMSecsSinceEpoch(l.timeMs).toString(Qt::ISODateWithMs)},
                                            {QStringLiteral("level"), logLevelName(l.level)},
                                            {QStringLiteral("message"), l.message}});
            out.insert(QStringLiteral("logs"), logArray);
        }
        printJson(out, runKeys + QStringList{QStringLiteral("node"), QStringLiteral("type"), QStringLiteral("try")});
        return ExitOk;
    }

    QString text = QStringLiteral("run       %1\npipeline  %2 (%3)\nstate     %4\nstarted   %5\nduration  %6\nhost      %7 (pid %8)\n")
                       .arg(run->runId, run->pipelineName, run->pipelinePath, taskStateName(run->state),
                            formatTime(run->startMs),
                            run->endMs > 0 ? formatDuration(run->endMs - run->startMs) : QStringLiteral("-"),
                            run->host)
                       .arg(run->pid);
    if (!run->targets.isEmpty())
        text += QStringLiteral("targets   %1\n").arg(run->targets.join(QStringLiteral(", ")));
    if (!run->overrides.isEmpty())
        text += QStringLiteral("overrides %1\n").arg(QString::fromUtf8(QJsonDocument(run->overrides).toJson(QJsonDocument::Compact)));
    text += QStringLiteral("\nTASK                 TRY STATE            DURATION\n");
    for (const TaskInstanceRecord &t : tasks) {
        text += QStringLiteral("%1 %2 %3 %4\n")
                    .arg(t.nodeId, -20).arg(t.tryNumber, 3).arg(taskStateName(t.state), -16)
                    .arg(t.endMs > 0 && t.startMs > 0 ? formatDuration(t.endMs - t.startMs) : QStringLiteral("-"));
        if (!t.error.isEmpty())
            text += QStringLiteral("    %1\n").arg(t.error);
    }
    if (!last.isEmpty()) {
        text += QStringLiteral("\nMETRICS (final value, step, points)\n");
        for (auto n = last.cbegin(); n != last.cend(); ++n)
            for (auto k = n->cbegin(); k != n->cend(); ++k)
                text += QStringLiteral("%1 %2 %3  step %4  (%5 points)\n")
                            .arg(n.key(), -20).arg(k.key(), -20).arg(k->value, -12, 'g', 6)
                            .arg(k->step).arg(counts[n.key()][k.key()]);
    }
    if (!artifacts.isEmpty()) {
        text += QStringLiteral("\nARTIFACTS\n");
        for (const ArtifactRecord &a : artifacts)
            text += QStringLiteral("%1 %2 %3 %4\n").arg(a.nodeId, -20).arg(a.kind, -8).arg(a.path).arg(a.hash.left(12));
    }
    if (parser.isSet(QStringLiteral("logs"))) {
        text += QStringLiteral("\nLOGS\n");
        for (const LogRecord &l : store->logs(run->runId))
            text += QStringLiteral("%1 %2 %3 %4\n").arg(formatTime(l.timeMs), l.nodeId, logLevelName(l.level).toUpper(), l.message);
    }
    printOut(text);
    return ExitOk;
}

} // namespace

int runsCommand(const QStringList &arguments)
{
    const QString sub = arguments.value(2);
    // [program, "runs", sub, options...] -> [program, "runs sub", options...]
    QStringList rest = arguments;
    rest[1] = QStringLiteral("runs ") + sub;
    rest.removeAt(2);
    if (sub == u"list")
        return list(rest);
    if (sub == u"show")
        return show(rest);
    if (sub.isEmpty() || sub == u"--help" || sub == u"-h") {
        printOut(QStringLiteral("Usage: flowbench-cli runs list [OPTIONS]\n"
                                "       flowbench-cli runs show RUN [OPTIONS]\n"
                                "Run 'flowbench-cli runs list --help' for options.\n"));
        return sub.isEmpty() ? ExitInvalid : ExitOk;
    }
    throw CliError{QStringLiteral("runs: unknown subcommand '%1' (use list or show)").arg(sub)};
}

} // namespace fb
