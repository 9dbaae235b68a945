#include "CliCommon.h"

#include "store/RunStore.h"
#include "util/JsonWriter.h"

#include <QDateTime>
#include <QFileInfo>

#include <cstdio>
#include <unistd.h>

namespace fb {

void printOut(const QString &text)
{
    const QByteArray b = text.toUtf8();
    std::fwrite(b.constData(), 1, size_t(b.size()), stdout);
    std::fflush(stdout);
}

void printErr(const QString &text)
{
    const QByteArray b = text.toUtf8();
    std::fwrite(b.constData(), 1, size_t(b.size()), stderr);
    std::fflush(stderr);
}

void printJson(const QJsonValue &value, const QStringList &leadingKeys)
{
    const QByteArray b = writeJson(value, leadingKeys);
    std::fwrite(b.constData(), 1, size_t(b.size()), stdout);
    std::fflush(stdout);
}

bool stderrIsTerminal()
{
    return ::isatty(STDERR_FILENO) == 1;
}

void parseCommand(QCommandLineParser &parser, const QStringList &arguments, const QString &usage)
{
    parser.setApplicationDescription(usage);
    parser.setSingleDashWordOptionMode(QCommandLineParser::ParseAsLongOptions);
    const QCommandLineOption help(QStringList{QStringLiteral("h"), QStringLiteral("help")},
                                  QStringLiteral("Show this help."));
    parser.addOption(help);
    // arguments = [program, command, options...]; the parser must not see the command.
    QStringList own = arguments;
    own.removeAt(1);
    if (!parser.parse(own))
        throw CliError{parser.errorText() + QStringLiteral("\nTry 'flowbench-cli %1 --help'.").arg(arguments.value(1))};
    if (parser.isSet(help)) {
        // QCommandLineParser's help names the binary only; show the command too.
        QString text = parser.helpText();
        text.replace(QStringLiteral("Usage: flowbench-cli"),
                     QStringLiteral("Usage: flowbench-cli %1").arg(arguments.value(1)));
        printOut(text);
        throw CliError{QString(), ExitOk};
    }
}

void addStoreOption(QCommandLineParser &parser)
{
    parser.addOption({QStringLiteral("store"),
                      QStringLiteral("Run store: an SQLite file or postgresql://USER@HOST:PORT/DATABASE. "
                                     "Default: %1.")
                          .arg(RunStore::defaultPath()),
                      QStringLiteral("PATH|URL")});
}

std::unique_ptr<RunStore> openStore(const QCommandLineParser &parser)
{
    const QString path = parser.isSet(QStringLiteral("store")) ? parser.value(QStringLiteral("store"))
                                                               : RunStore::defaultPath();
    QString error;
    auto store = RunStore::open(path, &error); // a relative file path is made absolute
    if (!store)
        throw CliError{error, ExitInvalid};
    return store;
}

QString formatDuration(qint64 ms)
{
    if (ms < 1000)
        return QStringLiteral("%1 ms").arg(ms);
    if (ms < 60000)
        return QStringLiteral("%1 s").arg(double(ms) / 1000.0, 0, 'f', 1);
    return QStringLiteral("%1 min %2 s").arg(ms / 60000).arg((ms / 1000) % 60, 2, 10, QLatin1Char('0'));
}

QString formatTime(qint64 msSinceEpoch)
{
    if (msSinceEpoch <= 0)
        return QStringLiteral("-");
    return QDateTime::fromMSecsSinceEpoch(msSinceEpoch).toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"));
}

} // namespace fb
