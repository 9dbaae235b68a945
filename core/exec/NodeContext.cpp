#include "NodeContext.h"

#include "RunState.h"
#include "data/Table.h"

#include <QDir>
#include <QJsonArray>

namespace fb {

namespace {

// Bridges core/ml's observer to the node context: per-iteration metrics become metric events
// with the iteration as step.
class ContextObserver final : public ml::Observer
{
public:
    ContextObserver(NodeContext &ctx, QString prefix)
        : m_ctx(ctx)
        , m_prefix(std::move(prefix))
    {}
    bool cancelled() const override { return m_ctx.isCancelled(); }
    void onIteration(int iteration, const std::vector<ml::MetricValue> &metrics) override
    {
        for (const ml::MetricValue &m : metrics)
            m_ctx.metric(m_prefix + QString::fromStdString(m.name), iteration, m.value);
    }
    void onProgress(double fraction) override { m_ctx.progress(fraction); }
    void onLog(std::string_view message) override
    {
        m_ctx.info(QString::fromUtf8(message.data(), qsizetype(message.size())));
    }

private:
    NodeContext &m_ctx;
    QString m_prefix;
};

} // namespace

NodeContext::NodeContext(RunState &run, int task, int tryNumber)
    : m_run(run)
    , m_task(task)
    , m_try(tryNumber)
{}

NodeContext::~NodeContext() = default;

const QString &NodeContext::nodeId() const
{
    return m_run.tasks[size_t(m_task)]->node.id;
}

const QString &NodeContext::runId() const
{
    return m_run.runId;
}

const QJsonObject &NodeContext::params() const
{
    return m_run.tasks[size_t(m_task)]->params;
}

QJsonValue NodeContext::param(const QString &name) const
{
    return params().value(name);
}

double NodeContext::paramDouble(const QString &name) const
{
    return param(name).toDouble();
}

int NodeContext::paramInt(const QString &name) const
{
    return int(param(name).toDouble());
}

bool NodeContext::paramBool(const QString &name) const
{
    return param(name).toBool();
}

QString NodeContext::paramString(const QString &name) const
{
    return param(name).toString();
}

QStringList NodeContext::paramStringList(const QString &name) const
{
    QStringList out;
    for (const QJsonValue &v : param(name).toArray())
        out.append(v.toString());
    return out;
}

QString NodeContext::paramPath(const QString &name) const
{
    const QString p = paramString(name);
    if (p.isEmpty())
        return p;
    return QDir::cleanPath(QDir(m_run.pipelineDir).absoluteFilePath(p));
}

PortDataPtr NodeContext::input(const QString &port) const
{
    const Task &t = *m_run.tasks[size_t(m_task)];
    for (const TaskInput &in : t.inputs)
        if (in.port == port)
            return m_run.tasks[size_t(in.upstream)]->outputs.value(in.upstreamPort);
    return nullptr;
}

std::shared_ptr<const Table> NodeContext::table(const QString &port) const
{
    return inputAs<Table>(port);
}

void NodeContext::setOutput(const QString &port, PortDataPtr value)
{
    m_run.tasks[size_t(m_task)]->outputs.insert(port, std::move(value));
}

bool NodeContext::isCancelled() const
{
    if (m_run.cancelled.load(std::memory_order_relaxed))
        return true;
    const auto deadline = m_run.tasks[size_t(m_task)]->deadline.load(std::memory_order_relaxed);
    return deadline != 0 && std::chrono::steady_clock::now().time_since_epoch().count() > deadline;
}

void NodeContext::checkCancelled() const
{
    if (isCancelled())
        throw ml::Cancelled{};
}

void NodeContext::progress(double fraction)
{
    const qint64 now = RunEvent::now();
    if (fraction < 1.0 && now - m_lastProgressMs < 50)
        return;
    m_lastProgressMs = now;
    RunEvent e = m_run.event(RunEvent::Kind::Progress, m_task);
    e.value = std::clamp(fraction, 0.0, 1.0);
    m_run.publish(e);
}

void NodeContext::metric(const QString &key, qint64 step, double value)
{
    RunEvent e = m_run.event(RunEvent::Kind::Metric, m_task);
    e.key = key;
    e.step = step;
    e.value = value;
    m_run.publish(e);
    auto &last = m_run.tasks[size_t(m_task)]->lastMetrics;
    for (auto &kv : last) {
        if (kv.first == key) {
            kv.second = value;
            return;
        }
    }
    last.append({key, value});
}

void NodeContext::log(LogLevel level, const QString &message)
{
    RunEvent e = m_run.event(RunEvent::Kind::Log, m_task);
    e.level = level;
    e.text = message;
    m_run.publish(e);
}

void NodeContext::artifact(const QString &name, const QString &path, const QString &kind)
{
    RunEvent e = m_run.event(RunEvent::Kind::Artifact, m_task);
    e.key = name;
    e.text = path;
    e.detail = kind;
    m_run.publish(e);
}

QString NodeContext::artifactDir() const
{
    const QString dir = m_run.artifactRoot + u'/' + nodeId();
    QDir().mkpath(dir);
    return dir;
}

QString NodeContext::pipelineHash() const
{
    return m_run.pipelineHash;
}

QString NodeContext::storePath() const
{
    return m_run.storePath;
}

ml::Observer &NodeContext::observer(const QString &prefix)
{
    m_observer = std::make_unique<ContextObserver>(*this, prefix);
    return *m_observer;
}

} // namespace fb
