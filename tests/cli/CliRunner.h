#pragma once

// Runs the real flowbench-cli binary for end-to-end tests.

#include <QDirIterator>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QProcessEnvironment>
#include <QString>
#include <QStringList>

namespace fbtest {

struct CliResult
{
    int exitCode = -1;
    QString out;
    QString err;
    QJsonObject json() const { return QJsonDocument::fromJson(out.toUtf8()).object(); }
};

inline QString cliPath()
{
    return qEnvironmentVariable("FLOWBENCH_CLI");
}

inline QString sourceDir()
{
    return qEnvironmentVariable("FLOWBENCH_SOURCE_DIR", QStringLiteral(FLOWBENCH_SOURCE_DIR_FALLBACK));
}

inline CliResult runCli(const QStringList &args, int timeoutMs = 120000, const QString &workingDir = {})
{
    QProcess p;
    if (!workingDir.isEmpty())
        p.setWorkingDirectory(workingDir);
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("OPENBLAS_NUM_THREADS"), QStringLiteral("1"));
    p.setProcessEnvironment(env);
    p.start(cliPath(), args);
    CliResult r;
    if (!p.waitForStarted(10000)) {
        r.err = QStringLiteral("could not start %1").arg(cliPath());
        return r;
    }
    p.waitForFinished(timeoutMs);
    r.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    r.out = QString::fromUtf8(p.readAllStandardOutput());
    r.err = QString::fromUtf8(p.readAllStandardError());
    return r;
}

// Every file below `dir` (hidden ones too), sorted: to prove a command wrote nothing.
inline QStringList filesUnder(const QString &dir)
{
    QStringList files;
    QDirIterator it(dir, QDir::Files | QDir::Hidden | QDir::System, QDirIterator::Subdirectories);
    while (it.hasNext())
        files.append(it.next());
    files.sort();
    return files;
}

} // namespace fbtest
