// Trainer for Gaussian naive Bayes.

#include "TrainSupport.h"

#include <ml/bayes/GaussianNb.h>

namespace fb {

namespace {

ModelPtr fitGaussianNb(const TablePtr &train, const QJsonObject &params, TrainContext &ctx)
{
    TrainingData data;
    loadTrainingData(train, TargetKind::Classes, data);
    ml::GaussianNbParams p;
    p.varSmoothing = params.value(QStringLiteral("var_smoothing")).toDouble();
    trainsupport::validate(p);
    QElapsedTimer timer;
    timer.start();
    auto estimator = std::make_shared<ml::GaussianNb>(p);
    trainsupport::fit(
        [&] { estimator->fit(data.X, data.classIndex, int(data.classes.size()), ctx.observer()); });
    return trainsupport::finish(data,
                                estimator,
                                QStringLiteral("gaussian_nb"),
                                params,
                                ctx,
                                timer,
                                0,
                                QStringLiteral("class means and variances"));
}

} // namespace

void registerBayesTrainers(TrainerRegistry &registry)
{
    registry.add(Trainer{
        QStringLiteral("gaussian_nb"),
        QStringLiteral("Gaussian Naive Bayes"),
        QStringLiteral("Classifier assuming independent normally distributed features per class."),
        QStringLiteral("bayes"),
        TargetKind::Classes,
        {
            ParamSpec::real(QStringLiteral("var_smoothing"),
                            1e-9,
                            0.0,
                            1.0,
                            QStringLiteral("Share of the largest feature variance added to every "
                                           "variance, for stability")),
        },
        fitGaussianNb,
    });
}

} // namespace fb
