// Trainers for the linear family: logistic regression (L-BFGS), linear and ridge regression.
// Each fits an estimator from core/ml with per-iteration metrics and returns a Model that
// carries the training table's fitted preprocessing.

#include "Trainer.h"

#include "exec/NodeContext.h"

#include <ml/linear/LinearRegression.h>
#include <ml/linear/LogisticRegression.h>
#include <ml/metrics/Metrics.h>

#include <QElapsedTimer>

#include <cmath>

namespace fb {

namespace {

// Turns a parameter-validation exception from core/ml into a node error.
template<typename Params>
void validateParams(const Params &p)
{
    try {
        p.validate();
    } catch (const std::invalid_argument &e) {
        throw NodeError(QString::fromUtf8(e.what()));
    }
}

ModelPtr fitLogisticRegression(const TablePtr &train, const QJsonObject &params, TrainContext &ctx)
{
    TrainingData data;
    loadTrainingData(train, TargetKind::Classes, data);
    ml::LogisticRegressionParams p;
    p.C = params.value(QStringLiteral("C")).toDouble();
    p.fitIntercept = params.value(QStringLiteral("fit_intercept")).toBool();
    p.maxIterations = params.value(QStringLiteral("max_iter")).toInt();
    p.tolerance = params.value(QStringLiteral("tol")).toDouble();
    validateParams(p);

    QElapsedTimer timer;
    timer.start();
    auto estimator = std::make_shared<ml::LogisticRegression>(p);
    estimator->fit(data.X, data.classIndex, int(data.classes.size()), ctx.observer());

    const Eigen::MatrixXd proba = estimator->predictProba(data.X);
    Eigen::VectorXi predicted(proba.rows());
    for (Eigen::Index i = 0; i < proba.rows(); ++i)
        proba.row(i).maxCoeff(&predicted[i]);
    const double trainAccuracy = ml::metrics::accuracy(data.classIndex, predicted);
    const double trainLogLoss = ml::metrics::logLoss(data.classIndex, proba);
    ctx.metric(QStringLiteral("train_accuracy"), estimator->iterations(), trainAccuracy);
    ctx.metric(QStringLiteral("train_log_loss"), estimator->iterations(), trainLogLoss);
    if (!estimator->converged())
        ctx.warning(QStringLiteral("L-BFGS stopped after max_iter=%1 iterations before reaching tol=%2; "
                                   "raise max_iter or standardize the features")
                        .arg(p.maxIterations).arg(p.tolerance));
    ctx.info(QStringLiteral("%1 classes, %2 features, %3 rows: %4 iterations in %5 ms, train accuracy %6")
                 .arg(data.classes.size()).arg(data.features.size()).arg(data.X.rows())
                 .arg(estimator->iterations()).arg(timer.elapsed()).arg(trainAccuracy, 0, 'f', 4));

    auto model = std::make_shared<Model>();
    data.describe(*model, QStringLiteral("logistic_regression"), params, ctx.lineage());
    model->estimator = estimator;
    model->trainingMetrics = QJsonObject{{QStringLiteral("train_accuracy"), trainAccuracy},
                                         {QStringLiteral("train_log_loss"), trainLogLoss},
                                         {QStringLiteral("iterations"), estimator->iterations()}};
    return model;
}

ModelPtr fitLinearRegression(const TablePtr &train, const QJsonObject &params, TrainContext &ctx,
                             const QString &algorithm, double alpha)
{
    TrainingData data;
    loadTrainingData(train, TargetKind::Values, data);
    ml::LinearRegressionParams p;
    p.alpha = alpha;
    p.fitIntercept = params.value(QStringLiteral("fit_intercept")).toBool();
    validateParams(p);

    QElapsedTimer timer;
    timer.start();
    auto estimator = std::make_shared<ml::LinearRegression>(p);
    estimator->fit(data.X, data.y, ctx.observer());
    // The training error comes with the fit (X'X and X'y give it), saving a prediction pass
    // over X; a near-perfect fit, where that formula cancels, is predicted after all.
    const double mse = estimator->trainingMse();
    const double variance = estimator->trainingTargetVariance();
    double rmse = std::sqrt(mse);
    double r2 = variance > 0.0 ? 1.0 - mse / variance : (mse == 0.0 ? 1.0 : 0.0);
    if (!(mse > 1e-9 * variance)) {
        const Eigen::VectorXd predicted = estimator->predict(data.X);
        rmse = ml::metrics::rmse(data.y, predicted);
        r2 = ml::metrics::r2(data.y, predicted);
    }
    ctx.metric(QStringLiteral("train_rmse"), 0, rmse);
    ctx.metric(QStringLiteral("train_r2"), 0, r2);
    ctx.info(QStringLiteral("%1 features, %2 rows: fitted in %3 ms, train RMSE %4, R² %5")
                 .arg(data.features.size()).arg(data.X.rows()).arg(timer.elapsed())
                 .arg(rmse, 0, 'g', 5).arg(r2, 0, 'f', 4));

    auto model = std::make_shared<Model>();
    data.describe(*model, algorithm, params, ctx.lineage());
    model->estimator = estimator;
    model->trainingMetrics = QJsonObject{{QStringLiteral("train_rmse"), rmse},
                                         {QStringLiteral("train_r2"), r2}};
    return model;
}

ParamSpec fitIntercept()
{
    return ParamSpec::boolean(QStringLiteral("fit_intercept"), true,
                              QStringLiteral("Learn a bias term (not regularised)"));
}

} // namespace

void registerLinearTrainers(TrainerRegistry &registry)
{
    registry.add(Trainer{
        QStringLiteral("logistic_regression"),
        QStringLiteral("Logistic Regression"),
        QStringLiteral("Linear classifier (binary or multinomial softmax) with L2 penalty, trained by L-BFGS."),
        QStringLiteral("logistic"),
        TargetKind::Classes,
        {
            ParamSpec::real(QStringLiteral("C"), 1.0, 1e-6, 1e6,
                            QStringLiteral("Inverse regularisation strength, as scikit-learn's C; smaller = stronger L2")),
            ParamSpec::integer(QStringLiteral("max_iter"), 100, 1, 100000,
                               QStringLiteral("Maximum L-BFGS iterations")),
            ParamSpec::real(QStringLiteral("tol"), 1e-4, 1e-12, 1.0,
                            QStringLiteral("Stop when the largest gradient component is below this")),
            fitIntercept(),
        },
        fitLogisticRegression,
    });
    registry.add(Trainer{
        QStringLiteral("linear_regression"),
        QStringLiteral("Linear Regression"),
        QStringLiteral("Ordinary least squares."),
        QStringLiteral("linear"),
        TargetKind::Values,
        {fitIntercept()},
        [](const TablePtr &train, const QJsonObject &params, TrainContext &ctx) {
            return fitLinearRegression(train, params, ctx, QStringLiteral("linear_regression"), 0.0);
        },
    });
    registry.add(Trainer{
        QStringLiteral("ridge_regression"),
        QStringLiteral("Ridge Regression"),
        QStringLiteral("Least squares with an L2 penalty on the coefficients."),
        QStringLiteral("ridge"),
        TargetKind::Values,
        {
            ParamSpec::real(QStringLiteral("alpha"), 1.0, 0.0, 1e9,
                            QStringLiteral("L2 strength, as scikit-learn's Ridge alpha; 0 = ordinary least squares")),
            fitIntercept(),
        },
        [](const TablePtr &train, const QJsonObject &params, TrainContext &ctx) {
            return fitLinearRegression(train, params, ctx, QStringLiteral("ridge_regression"),
                                       params.value(QStringLiteral("alpha")).toDouble());
        },
    });
}

} // namespace fb
