// flowbench-cli export-airflow: writes an Apache Airflow DAG that runs a pipeline one node per
// task (see docs/airflow.md).

#include "CliCommon.h"

#include "export/AirflowExport.h"
#include "pipeline/NodeRegistry.h"
#include "pipeline/PipelineFile.h"
#include "pipeline/Validation.h"
#include "store/RunStore.h"
#include "store/StoreLocation.h"

#include <QDir>
#include <QFileInfo>

namespace fb {

int exportAirflowCommand(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.addPositionalArgument(QStringLiteral("FILE.flow"), QStringLiteral("The pipeline."));
    parser.addOption({{QStringLiteral("o"), QStringLiteral("output")},
                      QStringLiteral("The DAG file to write (atomically)."),
                      QStringLiteral("DAG.py")});
    parser.addOption({QStringLiteral("dag-id"),
                      QStringLiteral("DAG id. Default: the pipeline's name."),
                      QStringLiteral("ID")});
    parser.addOption({QStringLiteral("schedule"),
                      QStringLiteral("None (manual runs only, the default), a preset such as "
                                     "@daily, or a cron expression."),
                      QStringLiteral("SCHEDULE")});
    parser.addOption({QStringLiteral("start-date"),
                      QStringLiteral("The DAG's start date. Default: today (UTC)."),
                      QStringLiteral("YYYY-MM-DD")});
    parser.addOption({QStringLiteral("cli"),
                      QStringLiteral("flowbench-cli as the workers call it. Default: "
                                     "flowbench-cli (found on PATH)."),
                      QStringLiteral("PATH")});
    parser.addOption({QStringLiteral("airflow"),
                      QStringLiteral("Write the imports of Airflow 2 or 3 only. Default: imports "
                                     "that work with both."),
                      QStringLiteral("2|3")});
    parser.addOption({QStringLiteral("tag"),
                      QStringLiteral("A DAG tag (repeatable). Default: flowbench."),
                      QStringLiteral("TAG")});
    addStoreOption(parser);
    parseCommand(parser,
                 arguments,
                 QStringLiteral("Writes an Airflow DAG with one BashOperator per node. Each task "
                                "runs\n  flowbench-cli run FILE.flow --node ID --run-id "
                                "<Airflow run id> --store STORE\nso a DAG run is one Flowbench "
                                "run, and tasks take their inputs from the store's cache."));
    const QStringList positional = parser.positionalArguments();
    if (positional.size() != 1)
        throw CliError{QStringLiteral("export-airflow: expected one pipeline file\nTry "
                                      "'flowbench-cli export-airflow --help'.")};
    const QString output = parser.value(QStringLiteral("output"));
    if (output.isEmpty())
        throw CliError{QStringLiteral("export-airflow: -o DAG.py is required")};

    const QString path = QFileInfo(positional.first()).absoluteFilePath();
    QString error;
    const std::optional<PipelineData> pipeline = PipelineFile::load(path, &error);
    if (!pipeline)
        throw CliError{error};
    const QList<Problem> problems = validatePipeline(*pipeline, NodeRegistry::builtin());
    if (!problems.isEmpty()) {
        QString text = QStringLiteral("%1: %2 problem(s); fix them before exporting:\n")
                           .arg(path)
                           .arg(problems.size());
        for (const Problem &p : problems)
            text += QStringLiteral("  - %1\n").arg(p.toString());
        text.chop(1);
        throw CliError{text};
    }

    AirflowExportOptions options;
    options.pipelinePath = path;
    options.dagId = parser.value(QStringLiteral("dag-id"));
    options.schedule = parser.value(QStringLiteral("schedule"));
    if (parser.isSet(QStringLiteral("start-date"))) {
        options.startDate = QDate::fromString(parser.value(QStringLiteral("start-date")),
                                              Qt::ISODate);
        if (!options.startDate.isValid())
            throw CliError{QStringLiteral("--start-date '%1': expected a date as YYYY-MM-DD")
                               .arg(parser.value(QStringLiteral("start-date")))};
    }
    // The store as another process must name it: an absolute file, or the URL as given.
    const QString storeSpec = parser.isSet(QStringLiteral("store"))
                                  ? parser.value(QStringLiteral("store"))
                                  : RunStore::defaultPath();
    const std::optional<StoreLocation> location = StoreLocation::parse(storeSpec, &error);
    if (!location)
        throw CliError{QStringLiteral("--store: %1").arg(error)};
    options.store = location->spec();
    if (location->isPostgres() && !location->password().isEmpty())
        printErr(QStringLiteral("warning: the DAG file will contain the store's password; "
                                "give the URL without it and set PGPASSWORD or ~/.pgpass on "
                                "the workers instead\n"));
    if (parser.isSet(QStringLiteral("cli"))) {
        options.cli = parser.value(QStringLiteral("cli"));
        // A relative path would depend on the worker's working folder.
        if (options.cli.contains(u'/'))
            options.cli = QFileInfo(options.cli).absoluteFilePath();
    }
    if (parser.isSet(QStringLiteral("airflow"))) {
        bool ok = false;
        options.airflowVersion = parser.value(QStringLiteral("airflow")).toInt(&ok);
        if (!ok || (options.airflowVersion != 2 && options.airflowVersion != 3))
            throw CliError{QStringLiteral("--airflow '%1': expected 2 or 3")
                               .arg(parser.value(QStringLiteral("airflow")))};
    }
    if (parser.isSet(QStringLiteral("tag")))
        options.tags = parser.values(QStringLiteral("tag"));

    if (!exportAirflow(*pipeline, options, output, &error))
        throw CliError{error};
    printErr(QStringLiteral("wrote DAG '%1' (%2 tasks) to %3\n")
                 .arg(options.dagId.isEmpty() ? defaultDagId(*pipeline, path) : options.dagId)
                 .arg(pipeline->nodes().size())
                 .arg(QDir::toNativeSeparators(QFileInfo(output).absoluteFilePath())));
    return ExitOk;
}

} // namespace fb
