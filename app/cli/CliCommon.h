#pragma once

#include <QCommandLineParser>
#include <QJsonValue>
#include <QString>
#include <QStringList>

#include <memory>

namespace fb {

class RunStore;

// Exit codes shared by every command (documented in `flowbench-cli --help` and docs/cli.md).
enum ExitCode {
    ExitOk = 0,
    ExitInternal = 1,  // a bug or an environment problem (cannot write, out of memory)
    ExitInvalid = 2,   // invalid input or usage: bad arguments, malformed or invalid files
    ExitRunFailed = 3, // the pipeline ran and a task failed (or the run was cancelled)
    ExitInterrupted = 130,
};

// Thrown by commands; main() prints the message to stderr and exits with the code.
struct CliError
{
    QString message;
    int code = ExitInvalid;
};

void printOut(const QString &text); // stdout, adds nothing
void printErr(const QString &text); // stderr, adds nothing
void printJson(const QJsonValue &value, const QStringList &leadingKeys = {});
bool stderrIsTerminal();

// Parses `arguments` (the command's own, starting with "flowbench-cli COMMAND") and handles
// --help. Throws CliError on unknown options.
void parseCommand(QCommandLineParser &parser, const QStringList &arguments, const QString &usage);

void addStoreOption(QCommandLineParser &parser);
// Opens --store or the default store; throws CliError naming the file.
std::unique_ptr<RunStore> openStore(const QCommandLineParser &parser);

QString formatDuration(qint64 ms); // "850 ms", "12.4 s", "3 min 05 s"
QString formatTime(qint64 msSinceEpoch);

int runCommand(const QStringList &arguments);
int validateCommand(const QStringList &arguments);
int nodesCommand(const QStringList &arguments);
int runsCommand(const QStringList &arguments);
int predictCommand(const QStringList &arguments);
int exportOnnxCommand(const QStringList &arguments);
int serveCommand(const QStringList &arguments);
int modelsCommand(const QStringList &arguments);
int exportAirflowCommand(const QStringList &arguments);

} // namespace fb
