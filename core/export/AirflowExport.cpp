#include "AirflowExport.h"

#include <QDateTime>
#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QSaveFile>
#include <QSet>
#include <QTimeZone>

namespace fb {

namespace {

// A Python string literal. JSON's string syntax is a subset of Python's ("\u00e9" included),
// so the JSON encoder does the escaping.
QString py(const QString &text)
{
    const QByteArray json = QJsonDocument(QJsonArray{text}).toJson(QJsonDocument::Compact);
    return QString::fromUtf8(json.mid(1, json.size() - 2));
}

// One word for POSIX sh: left bare when it holds only characters the shell takes literally,
// else single-quoted (a quote inside becomes '\'').
QString shellQuote(const QString &word)
{
    static const QRegularExpression plain(QStringLiteral("^[A-Za-z0-9_./:=@%+,-]+$"));
    if (plain.match(word).hasMatch())
        return word;
    QString quoted = word;
    quoted.replace(u'\'', QStringLiteral("'\\''"));
    return u'\'' + quoted + u'\'';
}

// Airflow templates bash_command with Jinja: "{{", "{%" and "{#" in a path would be expanded.
// Wrapping such text in a raw block keeps it literal.
QString jinjaLiteral(const QString &text)
{
    if (!text.contains(QLatin1String("{{")) && !text.contains(QLatin1String("{%"))
        && !text.contains(QLatin1String("{#")))
        return text;
    return QStringLiteral("{% raw %}") + text + QStringLiteral("{% endraw %}");
}

QString seconds(double s)
{
    return QStringLiteral("datetime.timedelta(seconds=%1)").arg(QString::number(s, 'g', 12));
}

QString scheduleExpression(const QString &schedule)
{
    const QString s = schedule.trimmed();
    if (s.isEmpty() || s.compare(QLatin1String("none"), Qt::CaseInsensitive) == 0)
        return QStringLiteral("None");
    return py(s);
}

} // namespace

QString defaultDagId(const PipelineData &pipeline, const QString &pipelinePath)
{
    QString id = pipeline.name.trimmed();
    if (id.isEmpty())
        id = QFileInfo(pipelinePath).completeBaseName();
    for (QChar &c : id) {
        if (!(c.unicode() < 128 && (c.isLetterOrNumber() || c == u'_' || c == u'-' || c == u'.')))
            c = u'_';
    }
    if (id.isEmpty())
        id = QStringLiteral("flowbench_pipeline");
    return id.left(200);
}

QString checkAirflowOptions(const AirflowExportOptions &options)
{
    if (options.pipelinePath.isEmpty())
        return QStringLiteral("no pipeline file given");
    static const QRegularExpression dagId(QStringLiteral("^[A-Za-z0-9_.-]{1,250}$"));
    if (!options.dagId.isEmpty() && !dagId.match(options.dagId).hasMatch())
        return QStringLiteral("--dag-id '%1': Airflow accepts letters, digits, '_', '-' and '.' "
                              "only (at most 250)")
            .arg(options.dagId);
    const QString schedule = options.schedule.trimmed();
    static const QStringList presets = {QStringLiteral("@once"),
                                        QStringLiteral("@hourly"),
                                        QStringLiteral("@daily"),
                                        QStringLiteral("@weekly"),
                                        QStringLiteral("@monthly"),
                                        QStringLiteral("@quarterly"),
                                        QStringLiteral("@yearly"),
                                        QStringLiteral("@annually"),
                                        QStringLiteral("@continuous")};
    // Five cron fields of the characters cron knows (Airflow checks the values itself).
    static const QRegularExpression cron(
        QStringLiteral("^([0-9A-Za-z*/,?LW#-]+\\s+){4}[0-9A-Za-z*/,?LW#-]+$"));
    if (!schedule.isEmpty() && schedule.compare(QLatin1String("none"), Qt::CaseInsensitive) != 0
        && !presets.contains(schedule) && !cron.match(schedule).hasMatch())
        return QStringLiteral("--schedule '%1': expected None, a preset (%2) or a cron "
                              "expression of five fields such as '0 3 * * *'")
            .arg(schedule, presets.join(QStringLiteral(", ")));
    if (options.store.trimmed().isEmpty())
        return QStringLiteral("no run store given: the tasks of a DAG run share one store");
    if (options.cli.trimmed().isEmpty())
        return QStringLiteral("--cli: no flowbench-cli given");
    if (options.airflowVersion != 0 && options.airflowVersion != 2 && options.airflowVersion != 3)
        return QStringLiteral("--airflow %1: expected 2 or 3").arg(options.airflowVersion);
    return {};
}

QByteArray airflowDag(const PipelineData &pipeline,
                      const AirflowExportOptions &options,
                      QString *error)
{
    if (const QString why = checkAirflowOptions(options); !why.isEmpty()) {
        *error = why;
        return {};
    }
    if (pipeline.nodes().isEmpty()) {
        *error = QStringLiteral("%1: the pipeline has no nodes").arg(options.pipelinePath);
        return {};
    }
    const QString pipelinePath = QFileInfo(options.pipelinePath).absoluteFilePath();
    const QString dagId = options.dagId.isEmpty() ? defaultDagId(pipeline, pipelinePath)
                                                  : options.dagId;
    const QDate start = options.startDate.isValid() ? options.startDate
                                                    : QDateTime::currentDateTimeUtc().date();

    QString out;
    out += QStringLiteral("# Airflow DAG generated by Flowbench %1 from %2.\n")
               .arg(QStringLiteral(FLOWBENCH_VERSION), pipelinePath);
    out += QStringLiteral(
        "# Re-export after changing the pipeline instead of editing this file.\n"
        "#\n"
        "# Each task runs one node with flowbench-cli. All tasks of a DAG run share one Flowbench\n"
        "# run (the Airflow run id) and the run store below; a task reads its upstream outputs\n"
        "# from the store's output cache, so workers need the pipeline file, its data, the store\n"
        "# and <store folder>/cache on shared storage. See docs/airflow.md.\n");
    switch (options.airflowVersion) {
    case 2:
        out += QStringLiteral("# Targets Airflow 2.4 or later (2.x).\n"
                              "import datetime\n\n"
                              "from airflow import DAG\n"
                              "from airflow.operators.bash import BashOperator\n");
        break;
    case 3:
        out += QStringLiteral(
            "# Targets Airflow 3.x.\n"
            "import datetime\n\n"
            "from airflow.sdk import DAG\n"
            "from airflow.providers.standard.operators.bash import BashOperator\n");
        break;
    default:
        out += QStringLiteral("# Works with Airflow 2.4 or later and with Airflow 3.x.\n"
                              "import datetime\n\n"
                              "try:  # Airflow 3\n"
                              "    from airflow.sdk import DAG\n"
                              "    from airflow.providers.standard.operators.bash import "
                              "BashOperator\n"
                              "except ImportError:  # Airflow 2.4+\n"
                              "    from airflow import DAG\n"
                              "    from airflow.operators.bash import BashOperator\n");
        break;
    }

    // The run id reaches the command through the environment, never pasted into the command
    // line: a run id given when triggering a DAG is free text, and the shell would interpret
    // quotes or $(...) in it.
    const QString command = jinjaLiteral(shellQuote(options.cli) + u' ' + QStringLiteral("run ")
                                         + shellQuote(pipelinePath));
    out += QStringLiteral("\nFLOWBENCH_CLI_RUN = %1\n").arg(py(command));
    out += QStringLiteral("FLOWBENCH_STORE = %1\n").arg(py(jinjaLiteral(shellQuote(options.store))));
    out += QStringLiteral("\n\ndef flowbench_command(node_id):\n"
                          "    return (FLOWBENCH_CLI_RUN + \" --node \" + node_id\n"
                          "            + ' --run-id \"$FLOWBENCH_RUN_ID\" --store ' + "
                          "FLOWBENCH_STORE)\n\n\n");

    QStringList tags;
    for (const QString &t : options.tags)
        tags.append(py(t));
    out += QStringLiteral("with DAG(\n"
                          "    dag_id=%1,\n")
               .arg(py(dagId));
    if (!pipeline.description.trimmed().isEmpty())
        out += QStringLiteral("    description=%1,\n").arg(py(pipeline.description.trimmed()));
    out += QStringLiteral(
               "    schedule=%1,\n"
               "    start_date=datetime.datetime(%2, %3, %4, tzinfo=datetime.timezone.utc),\n"
               "    catchup=False,\n"
               "    tags=[%5],\n"
               ") as dag:\n"
               "    tasks = {}\n")
               .arg(scheduleExpression(options.schedule))
               .arg(start.year())
               .arg(start.month())
               .arg(start.day())
               .arg(tags.join(QStringLiteral(", ")));
    for (const Node &node : pipeline.nodes()) {
        out += QStringLiteral("    tasks[%1] = BashOperator(\n"
                              "        task_id=%1,\n"
                              "        bash_command=flowbench_command(%1),\n"
                              "        env={\"FLOWBENCH_RUN_ID\": \"{{ run_id }}\"},\n"
                              "        append_env=True,\n"
                              "        retries=%2,\n"
                              "        retry_delay=%3,\n"
                              "        execution_timeout=%4,\n"
                              "    )\n")
                   .arg(py(node.id))
                   .arg(node.retries)
                   .arg(seconds(node.retryDelaySeconds),
                        node.timeoutSeconds > 0 ? seconds(node.timeoutSeconds)
                                                : QStringLiteral("None"));
    }
    // One edge per linked pair of nodes, in link order (several links between two nodes are
    // one dependency).
    QSet<QPair<int, int>> seen;
    QString edges;
    for (const Link &link : pipeline.links()) {
        const Node *from = pipeline.node(link.fromNode);
        const Node *to = pipeline.node(link.toNode);
        if (!from || !to || seen.contains({link.fromNode, link.toNode}))
            continue;
        seen.insert({link.fromNode, link.toNode});
        edges += QStringLiteral("    tasks[%1] >> tasks[%2]\n").arg(py(from->id), py(to->id));
    }
    if (!edges.isEmpty())
        out += u'\n' + edges;
    return out.toUtf8();
}

bool exportAirflow(const PipelineData &pipeline,
                   const AirflowExportOptions &options,
                   const QString &path,
                   QString *error)
{
    const QByteArray text = airflowDag(pipeline, options, error);
    if (text.isEmpty())
        return false;
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(text) != text.size() || !file.commit()) {
        *error = QStringLiteral("cannot write %1: %2")
                     .arg(QDir::toNativeSeparators(path), file.errorString());
        return false;
    }
    return true;
}

} // namespace fb
