#pragma once

// Helpers for tests that run built-in nodes through the real executor and compare with
// scikit-learn through /usr/bin/python3 (tst_prepare, tst_search, tst_evaluation, tst_quality).

#include "data/Table.h"
#include "exec/EventQueue.h"
#include "exec/Executor.h"
#include "pipeline/NodeRegistry.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTextStream>

#include <memory>

namespace fbtest {

// A pipeline written in a few lines: nodes by id and links as "node.port".
struct Builder
{
    fb::PipelineData p;
    void node(const QString &id, const QString &type, QJsonObject params = {})
    {
        fb::Node n;
        n.id = id;
        n.type = type;
        n.params = params;
        p.addNode(n);
    }
    void link(const QString &from, const QString &to)
    {
        const QStringList f = from.split(u'.');
        const QStringList t = to.split(u'.');
        p.addLink({p.keyOf(f[0]), f[1], p.keyOf(t[0]), t[1]});
    }
    void set(const QString &id, const QString &param, const QJsonValue &value)
    {
        p.node(p.keyOf(id))->params.insert(param, value);
    }
};

// A finished run with its executor kept, so outputs and events can be inspected.
struct Ran
{
    std::unique_ptr<fb::Executor> executor = std::make_unique<fb::Executor>(fb::NodeRegistry::builtin());
    std::shared_ptr<fb::EventQueue> events = executor->events().subscribe();
    fb::RunResult result;
    QString startError;
    template<typename T>
    std::shared_ptr<const T> out(const QString &node, const QString &port) const
    {
        return std::dynamic_pointer_cast<const T>(executor->output(node, port));
    }
    QString error(const QString &node) const
    {
        const fb::TaskResult *t = result.task(node);
        return t ? t->error : QStringLiteral("<no task>");
    }
    fb::TaskState state(const QString &node) const
    {
        const fb::TaskResult *t = result.task(node);
        return t ? t->state : fb::TaskState::None;
    }
    double metric(const QString &node, const QString &key) const
    {
        const fb::TaskResult *t = result.task(node);
        if (t)
            for (const auto &kv : t->metrics)
                if (kv.first == key)
                    return kv.second;
        return qQNaN();
    }
};

inline std::unique_ptr<Ran> run(const fb::PipelineData &p, int maxParallel = 0)
{
    auto r = std::make_unique<Ran>();
    if (maxParallel > 0)
        r->executor->setMaxParallel(maxParallel);
    fb::RunRequest req;
    req.pipeline = p;
    if (r->executor->start(req, &r->startError)) {
        r->executor->wait();
        r->result = r->executor->result();
    }
    return r;
}

inline QString pythonPath()
{
    const QString p = qEnvironmentVariable("FLOWBENCH_PYTHON");
    return p.isEmpty() ? QStringLiteral("/usr/bin/python3") : p;
}

inline QString sourceDir()
{
    const QString dir = qEnvironmentVariable("FLOWBENCH_SOURCE_DIR");
    return dir.isEmpty() ? QStringLiteral(FLOWBENCH_SOURCE_DIR_FALLBACK) : dir;
}

// Empty when scikit-learn imports, else why not (for a visible QSKIP).
inline QString sklearnMissing()
{
    static const QString why = [] {
        QProcess process;
        process.start(pythonPath(), {QStringLiteral("-c"), QStringLiteral("import sklearn")});
        if (!process.waitForFinished(60000) || process.exitCode() != 0)
            return QStringLiteral("scikit-learn is not importable by %1 (install python3-sklearn): %2")
                .arg(pythonPath(), QString::fromUtf8(process.readAllStandardError()).trimmed());
        return QString();
    }();
    return why;
}

// Runs `script` with `args`; its stdout must be one JSON object.
inline QJsonObject runPython(const QString &script, const QStringList &args, QString *error, const QByteArray &input = {})
{
    QProcess process;
    process.start(pythonPath(), QStringList{QStringLiteral("-c"), script} + args);
    if (!input.isEmpty()) {
        process.write(input);
        process.closeWriteChannel();
    }
    if (!process.waitForFinished(300000) || process.exitStatus() != QProcess::NormalExit || process.exitCode() != 0) {
        *error = QStringLiteral("python failed: ") + QString::fromUtf8(process.readAllStandardError());
        return {};
    }
    const QJsonDocument doc = QJsonDocument::fromJson(process.readAllStandardOutput());
    if (!doc.isObject())
        *error = QStringLiteral("python printed no JSON object");
    return doc.object();
}

// Writes a table's numeric feature columns and its target (last, as text) with round-trip
// precision, for scikit-learn to read with numpy.
inline bool writeTableCsv(const fb::Table &t, const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Text))
        return false;
    QTextStream out(&file);
    const QList<int> features = t.columnsWithRole(fb::ColumnRole::Feature);
    const int target = t.targetColumn();
    for (Eigen::Index r = 0; r < t.rowCount(); ++r) {
        for (int i : features)
            out << QString::number(t.numeric(i)[r], 'g', 17) << ',';
        out << (target >= 0 ? t.displayValue(r, target) : QString()) << '\n';
    }
    return true;
}

} // namespace fbtest
