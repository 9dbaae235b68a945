#include "Trainer.h"

#include "exec/NodeContext.h"
#include "pipeline/Validation.h"

#include <QDateTime>

namespace fb {

void TrainerRegistry::add(Trainer trainer)
{
    for (Trainer &t : m_trainers) {
        if (t.name == trainer.name) {
            t = std::move(trainer);
            return;
        }
    }
    m_trainers.append(std::move(trainer));
}

const Trainer *TrainerRegistry::find(const QString &name) const
{
    for (const Trainer &t : m_trainers)
        if (t.name == name)
            return &t;
    return nullptr;
}

QStringList TrainerRegistry::names(TargetKind target) const
{
    QStringList out;
    for (const Trainer &t : m_trainers)
        if (t.target == target)
            out.append(t.name);
    return out;
}

const TrainerRegistry &TrainerRegistry::builtin()
{
    static const TrainerRegistry registry = [] {
        TrainerRegistry r;
        registerLinearTrainers(r);
        registerLinearExtraTrainers(r);
        registerMlpTrainers(r);
        registerNeighborsTrainers(r);
        registerBayesTrainers(r);
        registerClusteringTrainers(r);
        registerTreeTrainers(r);
        return r;
    }();
    return registry;
}

NodeTrainContext::NodeTrainContext(NodeContext &ctx)
    : m_ctx(ctx)
{}

ml::Observer &NodeTrainContext::observer()
{
    return m_ctx.observer();
}

void NodeTrainContext::log(LogLevel level, const QString &message)
{
    m_ctx.log(level, message);
}

void NodeTrainContext::metric(const QString &key, qint64 step, double value)
{
    m_ctx.metric(key, step, value);
}

Lineage NodeTrainContext::lineage() const
{
    Lineage l;
    l.runId = m_ctx.runId();
    l.nodeId = m_ctx.nodeId();
    l.pipelineHash = m_ctx.pipelineHash();
    l.createdMs = QDateTime::currentMSecsSinceEpoch();
    l.flowbenchVersion = QStringLiteral(FLOWBENCH_VERSION);
    return l;
}

NodeType trainNodeType(const Trainer &trainer)
{
    const QString doc = trainer.target == TargetKind::None
                            ? QStringLiteral("training table (feature columns are used)")
                            : QStringLiteral("training table with a target column");
    auto fit = trainer.fit;
    NodeType type{
        trainer.name,
        trainer.title,
        QStringLiteral("Train"),
        trainer.doc,
        trainer.icon,
        {{QStringLiteral("train"), PortType::Table, doc}},
        {{QStringLiteral("model"), PortType::Model, QStringLiteral("the trained model with its preprocessing")}},
        trainer.params,
        [fit](NodeContext &ctx) {
            NodeTrainContext tc(ctx);
            ctx.setOutput(QStringLiteral("model"), fit(ctx.table(QStringLiteral("train")), ctx.params(), tc));
        },
    };
    type.codeVersion = trainer.codeVersion;
    return type;
}

} // namespace fb
