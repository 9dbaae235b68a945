// Trainers for k-nearest-neighbour classification and regression (exact Euclidean search).

#include "TrainSupport.h"

#include <ml/neighbors/KNeighborsClassifier.h>
#include <ml/neighbors/KNeighborsRegressor.h>

namespace fb {

namespace {

ml::KNeighborsParams knnParams(const QJsonObject &params)
{
    ml::KNeighborsParams p;
    p.neighbors = params.value(QStringLiteral("n_neighbors")).toInt();
    p.weights = params.value(QStringLiteral("weights")).toString() == QLatin1String("distance")
                    ? ml::KNeighborsParams::Weights::Distance
                    : ml::KNeighborsParams::Weights::Uniform;
    trainsupport::validate(p);
    return p;
}

// A k-NN "fit" only stores the rows; predicting the training rows would cost a full
// all-pairs search, so no training metrics are computed.
template<typename Estimator, typename Targets>
ModelPtr fitKnn(TrainingData &data,
                const Targets &targets,
                const QString &algorithm,
                const QJsonObject &params,
                TrainContext &ctx,
                int classes)
{
    QElapsedTimer timer;
    timer.start();
    auto estimator = std::make_shared<Estimator>(knnParams(params));
    trainsupport::fit([&] {
        if constexpr (std::is_same_v<Estimator, ml::KNeighborsClassifier>)
            estimator->fit(data.X, targets, classes, ctx.observer());
        else
            estimator->fit(data.X, targets, ctx.observer());
    });
    return trainsupport::finish(data,
                                estimator,
                                algorithm,
                                params,
                                ctx,
                                timer,
                                0,
                                QStringLiteral("stored for %1-nearest-neighbour search")
                                    .arg(estimator->params().neighbors),
                                {},
                                false);
}

QList<ParamSpec> knnParamSpecs()
{
    return {
        ParamSpec::integer(QStringLiteral("n_neighbors"),
                           5,
                           1,
                           100000,
                           QStringLiteral("Number of neighbours k (at most the training rows)")),
        ParamSpec::choice(QStringLiteral("weights"),
                          {QStringLiteral("uniform"), QStringLiteral("distance")},
                          QStringLiteral("uniform"),
                          QStringLiteral(
                              "uniform: every neighbour counts the same; distance: weight 1/d")),
    };
}

} // namespace

void registerNeighborsTrainers(TrainerRegistry &registry)
{
    registry.add(Trainer{
        QStringLiteral("knn_classifier"),
        QStringLiteral("k-NN Classifier"),
        QStringLiteral("Predicts the majority class of the k nearest training rows (Euclidean); "
                       "standardize features first."),
        QStringLiteral("knn"),
        TargetKind::Classes,
        knnParamSpecs(),
        [](const TablePtr &train, const QJsonObject &params, TrainContext &ctx) {
            TrainingData data;
            loadTrainingData(train, TargetKind::Classes, data);
            return fitKnn<ml::KNeighborsClassifier>(data,
                                                    data.classIndex,
                                                    QStringLiteral("knn_classifier"),
                                                    params,
                                                    ctx,
                                                    int(data.classes.size()));
        },
    });
    registry.add(Trainer{
        QStringLiteral("knn_regressor"),
        QStringLiteral("k-NN Regressor"),
        QStringLiteral("Predicts the mean target of the k nearest training rows (Euclidean); "
                       "standardize features first."),
        QStringLiteral("knn"),
        TargetKind::Values,
        knnParamSpecs(),
        [](const TablePtr &train, const QJsonObject &params, TrainContext &ctx) {
            TrainingData data;
            loadTrainingData(train, TargetKind::Values, data);
            return fitKnn<ml::KNeighborsRegressor>(data,
                                                   data.y,
                                                   QStringLiteral("knn_regressor"),
                                                   params,
                                                   ctx,
                                                   0);
        },
    });
}

} // namespace fb
