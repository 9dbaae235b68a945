// flowbench-cli: everything the GUI runs, headless. Each command lives in its own file; this
// file only dispatches.

#include "CliCommon.h"

#include <QCoreApplication>

#include <cstdio>

namespace {

const char *const usage = R"(Usage: flowbench-cli COMMAND [OPTIONS]

Runs and inspects Flowbench pipelines without a display.

Commands:
  run FILE.flow        Run a pipeline (all of it, or --node ID and what it needs)
  validate FILE.flow   Check a pipeline without running it
  nodes [TYPE]         List node types with their ports and parameters
  runs list            List recorded runs
  runs show RUN        Show one run: tasks, parameters, metrics, artifacts
  predict MODEL IN.csv Score a CSV file with a model (.fbm or NAME@ALIAS)
  export-onnx MODEL    Export a model with its preprocessing as ONNX
  serve MODEL          Serve a model over HTTP (MLflow's /invocations protocol)
  models ACTION        Model registry: list, show, register, alias, export, delete
  export-airflow FILE  Write an Airflow DAG that runs the pipeline one node per task

Run 'flowbench-cli COMMAND --help' for a command's options.

Exit codes: 0 success, 2 invalid input or usage, 3 the run failed or was cancelled,
1 internal error, 130 interrupted (Ctrl+C).
)";

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("flowbench"));
    QCoreApplication::setOrganizationName(QStringLiteral("flowbench"));
    QCoreApplication::setApplicationVersion(QStringLiteral(FLOWBENCH_VERSION));

    const QStringList args = QCoreApplication::arguments();
    const QString command = args.value(1);
    if (command.isEmpty() || command == u"-h" || command == u"--help" || command == u"help") {
        fb::printOut(QString::fromUtf8(usage));
        return command.isEmpty() ? fb::ExitInvalid : fb::ExitOk;
    }
    if (command == u"--version" || command == u"-v") {
        fb::printOut(QStringLiteral("flowbench-cli %1\n").arg(QStringLiteral(FLOWBENCH_VERSION)));
        return fb::ExitOk;
    }
    try {
        if (command == u"run")
            return fb::runCommand(args);
        if (command == u"validate")
            return fb::validateCommand(args);
        if (command == u"nodes")
            return fb::nodesCommand(args);
        if (command == u"runs")
            return fb::runsCommand(args);
        if (command == u"predict")
            return fb::predictCommand(args);
        if (command == u"export-onnx")
            return fb::exportOnnxCommand(args);
        if (command == u"serve")
            return fb::serveCommand(args);
        if (command == u"models")
            return fb::modelsCommand(args);
        if (command == u"export-airflow")
            return fb::exportAirflowCommand(args);
        throw fb::CliError{QStringLiteral("unknown command '%1'\nTry 'flowbench-cli --help'.").arg(command)};
    } catch (const fb::CliError &e) {
        if (!e.message.isEmpty())
            fb::printErr(QStringLiteral("flowbench-cli: %1\n").arg(e.message));
        return e.code;
    } catch (const std::exception &e) {
        fb::printErr(QStringLiteral("flowbench-cli: internal error: %1\n").arg(QString::fromUtf8(e.what())));
        return fb::ExitInternal;
    }
}
