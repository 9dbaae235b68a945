// Trainer for k-means clustering (no target: every numeric feature column is used).

#include "TrainSupport.h"

#include <ml/cluster/KMeans.h>

namespace fb {

namespace {

ModelPtr fitKMeans(const TablePtr &train, const QJsonObject &params, TrainContext &ctx)
{
    TrainingData data;
    loadTrainingData(train, TargetKind::None, data);
    ml::KMeansParams p;
    p.clusters = params.value(QStringLiteral("n_clusters")).toInt();
    p.nInit = params.value(QStringLiteral("n_init")).toInt();
    p.maxIterations = params.value(QStringLiteral("max_iter")).toInt();
    p.tolerance = params.value(QStringLiteral("tol")).toDouble();
    p.seed = trainsupport::seed(params);
    trainsupport::validate(p);

    QElapsedTimer timer;
    timer.start();
    auto estimator = std::make_shared<ml::KMeans>(p);
    trainsupport::fit([&] { estimator->fit(data.X, ctx.observer()); });
    ctx.metric(QStringLiteral("train_inertia"), estimator->iterations(), estimator->inertia());
    return trainsupport::finish(data,
                                estimator,
                                QStringLiteral("kmeans"),
                                params,
                                ctx,
                                timer,
                                estimator->iterations(),
                                QStringLiteral(
                                    "%1 clusters, best of %2 runs: %3 iterations, inertia %4")
                                    .arg(p.clusters)
                                    .arg(p.nInit)
                                    .arg(estimator->iterations())
                                    .arg(estimator->inertia(), 0, 'g', 6),
                                QJsonObject{{QStringLiteral("train_inertia"), estimator->inertia()},
                                            {QStringLiteral("iterations"),
                                             estimator->iterations()}});
}

} // namespace

void registerClusteringTrainers(TrainerRegistry &registry)
{
    registry.add(Trainer{
        QStringLiteral("kmeans"),
        QStringLiteral("k-Means"),
        QStringLiteral("Partitions rows into n_clusters groups around centres (k-means++ seeding, "
                       "Lloyd iterations); predicts the nearest centre's index."),
        QStringLiteral("kmeans"),
        TargetKind::None,
        {
            ParamSpec::integer(
                QStringLiteral("n_clusters"), 8, 1, 100000, QStringLiteral("Number of clusters k")),
            ParamSpec::integer(QStringLiteral("n_init"),
                               10,
                               1,
                               1000,
                               QStringLiteral(
                                   "Runs from different k-means++ seeds; the lowest inertia wins")),
            ParamSpec::integer(QStringLiteral("max_iter"),
                               300,
                               1,
                               1000000,
                               QStringLiteral("Maximum Lloyd iterations per run")),
            ParamSpec::real(QStringLiteral("tol"),
                            1e-4,
                            0.0,
                            1.0,
                            QStringLiteral(
                                "Stop when the centres move less than tol × mean feature "
                                "variance (squared, summed)")),
            ParamSpec::integer(QStringLiteral("seed"),
                               0,
                               0,
                               std::numeric_limits<int>::max(),
                               QStringLiteral("Random seed for the k-means++ seeding")),
        },
        fitKMeans,
    });
}

} // namespace fb
