#include "TrainSupport.h"

#include <ml/metrics/Metrics.h>

namespace fb::trainsupport {

std::uint64_t seed(const QJsonObject &params)
{
    return std::uint64_t(params.value(QStringLiteral("seed")).toInteger());
}

ModelPtr finish(const TrainingData &data,
                std::shared_ptr<ml::Estimator> estimator,
                const QString &algorithm,
                const QJsonObject &params,
                TrainContext &ctx,
                const QElapsedTimer &timer,
                qint64 step,
                const QString &detail,
                const QJsonObject &extra,
                bool evaluate)
{
    QJsonObject metrics = extra;
    QString summary = QStringLiteral("fitted");
    Eigen::MatrixXd kept = estimator->takeTrainingOutput();
    if (kept.rows() != data.X.rows())
        kept.resize(0, 0); // not kept (or not for these rows): predict them
    switch (evaluate ? estimator->task() : ml::TaskKind::Transform) {
    case ml::TaskKind::Classification: {
        const Eigen::MatrixXd proba = kept.size() > 0 ? kept : estimator->predictProba(data.X);
        Eigen::VectorXi predicted(proba.rows());
        for (Eigen::Index i = 0; i < proba.rows(); ++i)
            proba.row(i).maxCoeff(&predicted[i]);
        const double accuracy = ml::metrics::accuracy(data.classIndex, predicted);
        const double logLoss = ml::metrics::logLoss(data.classIndex, proba);
        ctx.metric(QStringLiteral("train_accuracy"), step, accuracy);
        ctx.metric(QStringLiteral("train_log_loss"), step, logLoss);
        metrics.insert(QStringLiteral("train_accuracy"), accuracy);
        metrics.insert(QStringLiteral("train_log_loss"), logLoss);
        summary = QStringLiteral("%1 classes, train accuracy %2")
                      .arg(data.classes.size())
                      .arg(accuracy, 0, 'f', 4);
        break;
    }
    case ml::TaskKind::Regression: {
        const Eigen::VectorXd predicted = kept.size() > 0 ? Eigen::VectorXd(kept.col(0))
                                                          : estimator->predict(data.X);
        const double rmse = ml::metrics::rmse(data.y, predicted);
        const double r2 = ml::metrics::r2(data.y, predicted);
        ctx.metric(QStringLiteral("train_rmse"), step, rmse);
        ctx.metric(QStringLiteral("train_r2"), step, r2);
        metrics.insert(QStringLiteral("train_rmse"), rmse);
        metrics.insert(QStringLiteral("train_r2"), r2);
        summary = QStringLiteral("train RMSE %1, R² %2").arg(rmse, 0, 'g', 5).arg(r2, 0, 'f', 4);
        break;
    }
    default:
        break;
    }
    ctx.info(QStringLiteral("%1 features, %2 rows: %3 in %4 ms, %5")
                 .arg(data.features.size())
                 .arg(data.X.rows())
                 .arg(detail)
                 .arg(timer.elapsed())
                 .arg(summary));

    auto model = std::make_shared<Model>();
    data.describe(*model, algorithm, params, ctx.lineage());
    model->estimator = std::move(estimator);
    model->trainingMetrics = metrics;
    return model;
}

} // namespace fb::trainsupport
