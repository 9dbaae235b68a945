#pragma once

#include "Trainer.h"

#include "exec/NodeContext.h"

#include <ml/common/Estimator.h>

#include <QElapsedTimer>
#include <QJsonObject>

#include <cstdint>
#include <memory>
#include <stdexcept>

// What the trainers of core/nodes/Train*.cpp share: parameter validation that becomes a node
// error, and the last step of every fit (training metrics, summary log, the Model itself).
namespace fb::trainsupport {

// Runs an ml parameter struct's validate(), turning std::invalid_argument into a NodeError.
template<typename Params>
void validate(const Params &p)
{
    try {
        p.validate();
    } catch (const std::invalid_argument &e) {
        throw NodeError(QString::fromUtf8(e.what()));
    }
}

// Runs a fit, turning std::invalid_argument (bad data or settings met during training) into
// a NodeError; ml::Cancelled passes through.
template<typename Fn>
void fit(Fn &&fn)
{
    try {
        fn();
    } catch (const std::invalid_argument &e) {
        throw NodeError(QString::fromUtf8(e.what()));
    }
}

// The "seed" parameter (like the split node's) as an unsigned seed.
std::uint64_t seed(const QJsonObject &params);

// Builds the Model of a fitted estimator: unless `evaluate` is false (when predicting the
// training rows would cost more than the fit, as for k-nearest neighbours), reports the
// training metrics (accuracy and log loss for classifiers, RMSE and R² for regressors) at
// `step`; logs a one-line summary with `detail` and the time since `timer` started; stores the
// metrics and `extra` in the model's training metrics. The metrics use the estimator's
// takeTrainingOutput() when it kept one, else predict the training rows.
ModelPtr finish(const TrainingData &data,
                std::shared_ptr<ml::Estimator> estimator,
                const QString &algorithm,
                const QJsonObject &params,
                TrainContext &ctx,
                const QElapsedTimer &timer,
                qint64 step,
                const QString &detail,
                const QJsonObject &extra = {},
                bool evaluate = true);

} // namespace fb::trainsupport
