#pragma once

#include "TrainingData.h"
#include "exec/RunEvent.h"
#include "model/Model.h"
#include "pipeline/NodeType.h"

#include <ml/common/Observer.h>

#include <QJsonObject>
#include <QList>
#include <QString>

#include <functional>

namespace fb {

class NodeContext;

// What a trainer may report while it fits. Training nodes implement it on their NodeContext;
// cross-validation and search wrap it to prefix or silence per-fold metrics.
class TrainContext
{
public:
    virtual ~TrainContext() = default;
    // Cancellation (throw ml::Cancelled when it says so) and per-iteration metrics.
    virtual ml::Observer &observer() = 0;
    virtual void log(LogLevel level, const QString &message) = 0;
    virtual void metric(const QString &key, qint64 step, double value) = 0;
    // Run id, node id and pipeline hash for the model's lineage.
    virtual Lineage lineage() const = 0;
    void info(const QString &message) { log(LogLevel::Info, message); }
    void warning(const QString &message) { log(LogLevel::Warning, message); }
};

// How one algorithm turns a training table into a Model. Training nodes, cross-validation and
// hyper-parameter search all go through trainers, so every algorithm can be searched by name.
struct Trainer
{
    QString name;  // also the node type name, e.g. "logistic_regression"
    QString title; // palette title
    QString doc;   // one line
    QString icon;
    TargetKind target = TargetKind::Classes; // Classes, Values, or None (clustering)
    QList<ParamSpec> params;
    // Fits on `train` (features and target from the column roles) with validated parameters
    // (defaults filled in). Throws NodeError with a user-facing message on bad input.
    std::function<ModelPtr(const TablePtr &train, const QJsonObject &params, TrainContext &ctx)> fit;
    // The node's NodeType::codeVersion: bump it when the fitted model changes for the same
    // parameters and data, so the output cache does not hand back models of older code.
    int codeVersion = 1;
};

class TrainerRegistry
{
public:
    void add(Trainer trainer);
    const Trainer *find(const QString &name) const;
    const QList<Trainer> &trainers() const { return m_trainers; }
    QStringList names(TargetKind target) const; // in registration order

    // Every built-in trainer (thread-safe, built on first use).
    static const TrainerRegistry &builtin();

private:
    QList<Trainer> m_trainers;
};

// The training node for a trainer: input "train" (table), output "model"; category "Train".
NodeType trainNodeType(const Trainer &trainer);

// Adapts a NodeContext to TrainContext (metrics go straight to the run's events).
class NodeTrainContext final : public TrainContext
{
public:
    explicit NodeTrainContext(NodeContext &ctx);
    ml::Observer &observer() override;
    void log(LogLevel level, const QString &message) override;
    void metric(const QString &key, qint64 step, double value) override;
    Lineage lineage() const override;

private:
    NodeContext &m_ctx;
};

// Per-family registration (one file each in core/nodes/Train*.cpp).
void registerLinearTrainers(TrainerRegistry &registry);
void registerLinearExtraTrainers(TrainerRegistry &registry); // lasso, elastic net, linear SVM
void registerMlpTrainers(TrainerRegistry &registry);
void registerClusteringTrainers(TrainerRegistry &registry);
void registerNeighborsTrainers(TrainerRegistry &registry);
void registerBayesTrainers(TrainerRegistry &registry);
void registerTreeTrainers(TrainerRegistry &registry); // decision trees, random forests, boosting

} // namespace fb
