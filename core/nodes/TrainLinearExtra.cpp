// Trainers for the linear models beyond least squares and logistic regression: lasso and
// elastic net (coordinate descent) and the linear SVM (dual coordinate descent).

#include "TrainSupport.h"

#include <ml/linear/ElasticNet.h>
#include <ml/svm/LinearSvc.h>

namespace fb {

namespace {

ModelPtr fitElasticNet(const TablePtr &train,
                       const QJsonObject &params,
                       TrainContext &ctx,
                       const QString &algorithm,
                       double l1Ratio)
{
    TrainingData data;
    loadTrainingData(train, TargetKind::Values, data);
    ml::ElasticNetParams p;
    p.alpha = params.value(QStringLiteral("alpha")).toDouble();
    p.l1Ratio = l1Ratio;
    p.fitIntercept = params.value(QStringLiteral("fit_intercept")).toBool();
    p.maxIterations = params.value(QStringLiteral("max_iter")).toInt();
    p.tolerance = params.value(QStringLiteral("tol")).toDouble();
    trainsupport::validate(p);

    QElapsedTimer timer;
    timer.start();
    auto estimator = std::make_shared<ml::ElasticNet>(p);
    trainsupport::fit([&] { estimator->fit(data.X, data.y, ctx.observer()); });
    if (!estimator->converged())
        ctx.warning(
            QStringLiteral("coordinate descent stopped after max_iter=%1 sweeps with duality gap "
                           "%2 above tol; raise max_iter or standardize the features")
                .arg(p.maxIterations)
                .arg(estimator->dualGap()));
    const auto nonZero = (estimator->coefficients().array() != 0.0).count();
    return trainsupport::finish(data,
                                estimator,
                                algorithm,
                                params,
                                ctx,
                                timer,
                                estimator->iterations(),
                                QStringLiteral("%1 sweeps, %2 non-zero coefficients")
                                    .arg(estimator->iterations())
                                    .arg(nonZero),
                                QJsonObject{{QStringLiteral("iterations"), estimator->iterations()},
                                            {QStringLiteral("non_zero_coefficients"),
                                             qint64(nonZero)},
                                            {QStringLiteral("dual_gap"), estimator->dualGap()}});
}

ModelPtr fitLinearSvm(const TablePtr &train, const QJsonObject &params, TrainContext &ctx)
{
    TrainingData data;
    loadTrainingData(train, TargetKind::Classes, data);
    ml::LinearSvcParams p;
    p.C = params.value(QStringLiteral("C")).toDouble();
    p.fitIntercept = params.value(QStringLiteral("fit_intercept")).toBool();
    p.interceptScaling = params.value(QStringLiteral("intercept_scaling")).toDouble();
    p.maxIterations = params.value(QStringLiteral("max_iter")).toInt();
    p.tolerance = params.value(QStringLiteral("tol")).toDouble();
    p.seed = trainsupport::seed(params);
    trainsupport::validate(p);

    QElapsedTimer timer;
    timer.start();
    auto estimator = std::make_shared<ml::LinearSvc>(p);
    trainsupport::fit(
        [&] { estimator->fit(data.X, data.classIndex, int(data.classes.size()), ctx.observer()); });
    if (!estimator->converged())
        ctx.warning(
            QStringLiteral("dual coordinate descent stopped after max_iter=%1 passes before "
                           "reaching tol; raise max_iter or standardize the features")
                .arg(p.maxIterations));
    return trainsupport::finish(data,
                                estimator,
                                QStringLiteral("linear_svm"),
                                params,
                                ctx,
                                timer,
                                estimator->iterations(),
                                QStringLiteral("%1 passes").arg(estimator->iterations()),
                                QJsonObject{
                                    {QStringLiteral("iterations"), estimator->iterations()}});
}

ParamSpec fitIntercept()
{
    return ParamSpec::boolean(QStringLiteral("fit_intercept"),
                              true,
                              QStringLiteral(
                                  "Learn a bias term (centres the data; not penalised)"));
}

ParamSpec maxIter(int def, const QString &doc)
{
    return ParamSpec::integer(QStringLiteral("max_iter"), def, 1, 1000000, doc);
}

ParamSpec tol(const QString &doc)
{
    return ParamSpec::real(QStringLiteral("tol"), 1e-4, 0.0, 1.0, doc);
}

ParamSpec alpha()
{
    return ParamSpec::real(QStringLiteral("alpha"),
                           1.0,
                           0.0,
                           1e9,
                           QStringLiteral("Penalty strength, as scikit-learn's alpha (the loss is "
                                          "mean squared error / 2); standardize features first"));
}

} // namespace

void registerLinearExtraTrainers(TrainerRegistry &registry)
{
    const QString sweepDoc = QStringLiteral("Maximum coordinate-descent sweeps over the features");
    const QString gapDoc = QStringLiteral(
        "Stop when the duality gap is below tol × ‖y − ȳ‖² (checked once coefficients settle)");
    registry.add(Trainer{
        QStringLiteral("lasso_regression"),
        QStringLiteral("Lasso Regression"),
        QStringLiteral(
            "Least squares with an L1 penalty (sparse coefficients), by coordinate descent."),
        QStringLiteral("lasso"),
        TargetKind::Values,
        {alpha(), fitIntercept(), maxIter(1000, sweepDoc), tol(gapDoc)},
        [](const TablePtr &train, const QJsonObject &params, TrainContext &ctx) {
            return fitElasticNet(train, params, ctx, QStringLiteral("lasso_regression"), 1.0);
        },
    });
    registry.add(Trainer{
        QStringLiteral("elastic_net"),
        QStringLiteral("Elastic Net"),
        QStringLiteral("Least squares with a mix of L1 and L2 penalties, by coordinate descent."),
        QStringLiteral("elastic_net"),
        TargetKind::Values,
        {
            alpha(),
            ParamSpec::real(QStringLiteral("l1_ratio"),
                            0.5,
                            0.0,
                            1.0,
                            QStringLiteral("Share of the L1 penalty: 1 = lasso, 0 = ridge-like "
                                           "(use ridge_regression for pure L2)")),
            fitIntercept(),
            maxIter(1000, sweepDoc),
            tol(gapDoc),
        },
        [](const TablePtr &train, const QJsonObject &params, TrainContext &ctx) {
            return fitElasticNet(train,
                                 params,
                                 ctx,
                                 QStringLiteral("elastic_net"),
                                 params.value(QStringLiteral("l1_ratio")).toDouble());
        },
    });
    registry.add(Trainer{
        QStringLiteral("linear_svm"),
        QStringLiteral("Linear SVM"),
        QStringLiteral(
            "Linear support vector classifier (squared hinge, L2; one-vs-rest), as "
            "scikit-learn's LinearSVC. Probabilities are softmax/sigmoid of the scores."),
        QStringLiteral("svm"),
        TargetKind::Classes,
        {
            ParamSpec::real(QStringLiteral("C"),
                            1.0,
                            1e-6,
                            1e6,
                            QStringLiteral(
                                "Inverse regularisation strength; smaller = wider margin, "
                                "more regularisation")),
            fitIntercept(),
            ParamSpec::real(QStringLiteral("intercept_scaling"),
                            1.0,
                            1e-6,
                            1e6,
                            QStringLiteral(
                                "Value of the constant feature whose weight is the "
                                "intercept (liblinear's bias; the intercept is penalised)")),
            maxIter(1000, QStringLiteral("Maximum passes over the rows per one-vs-rest problem")),
            tol(QStringLiteral("Stop when the projected-gradient spread is below this")),
            ParamSpec::integer(QStringLiteral("seed"),
                               0,
                               0,
                               std::numeric_limits<int>::max(),
                               QStringLiteral(
                                   "Random seed for the order of the coordinate updates")),
        },
        fitLinearSvm,
    });
}

} // namespace fb
