// Trainers for multi-layer perceptrons (classifier and regressor), parameters named as
// scikit-learn's MLPClassifier / MLPRegressor.

#include "TrainSupport.h"

#include <ml/mlp/MlpClassifier.h>
#include <ml/mlp/MlpRegressor.h>

namespace fb {

namespace {

QString str(const QJsonObject &params, const char *name)
{
    return params.value(QLatin1String(name)).toString();
}

ml::MlpParams mlpParams(const QJsonObject &params)
{
    ml::MlpParams p;
    try {
        p.hiddenLayerSizes = ml::MlpParams::parseLayerSizes(
            str(params, "hidden_layer_sizes").toStdString());
        p.activation = ml::activationFromString(str(params, "activation").toStdString());
    } catch (const std::invalid_argument &e) {
        throw NodeError(QString::fromUtf8(e.what()));
    }
    p.solver = str(params, "solver") == QLatin1String("sgd") ? ml::MlpSolver::Sgd
                                                             : ml::MlpSolver::Adam;
    const QString schedule = str(params, "learning_rate");
    p.learningRate = schedule == QLatin1String("invscaling") ? ml::LearningRateSchedule::InvScaling
                     : schedule == QLatin1String("adaptive") ? ml::LearningRateSchedule::Adaptive
                                                             : ml::LearningRateSchedule::Constant;
    p.alpha = params.value(QStringLiteral("alpha")).toDouble();
    p.batchSize = params.value(QStringLiteral("batch_size")).toInt();
    p.learningRateInit = params.value(QStringLiteral("learning_rate_init")).toDouble();
    p.powerT = params.value(QStringLiteral("power_t")).toDouble();
    p.maxIterations = params.value(QStringLiteral("max_iter")).toInt();
    p.shuffle = params.value(QStringLiteral("shuffle")).toBool();
    p.tolerance = params.value(QStringLiteral("tol")).toDouble();
    p.momentum = params.value(QStringLiteral("momentum")).toDouble();
    p.nesterov = params.value(QStringLiteral("nesterovs_momentum")).toBool();
    p.earlyStopping = params.value(QStringLiteral("early_stopping")).toBool();
    p.validationFraction = params.value(QStringLiteral("validation_fraction")).toDouble();
    p.beta1 = params.value(QStringLiteral("beta_1")).toDouble();
    p.beta2 = params.value(QStringLiteral("beta_2")).toDouble();
    p.epsilon = params.value(QStringLiteral("epsilon")).toDouble();
    p.nIterNoChange = params.value(QStringLiteral("n_iter_no_change")).toInt();
    p.seed = trainsupport::seed(params);
    trainsupport::validate(p);
    return p;
}

// What every MLP fit tells the user at the end.
QString describeFit(const ml::MlpFitResult &r, int maxIterations)
{
    QString text = QStringLiteral("%1 epochs, loss %2").arg(r.epochs).arg(r.loss, 0, 'g', 5);
    if (!r.validationScores.empty())
        text += QStringLiteral(", best validation score %1").arg(r.bestValidationScore, 0, 'f', 4);
    if (!r.stoppedByRule && r.epochs >= maxIterations)
        text += QStringLiteral(" (max_iter reached)");
    return text;
}

QJsonObject fitRecord(const ml::MlpFitResult &r)
{
    QJsonObject o{{QStringLiteral("epochs"), r.epochs}, {QStringLiteral("final_loss"), r.loss}};
    if (!r.validationScores.empty())
        o.insert(QStringLiteral("best_validation_score"), r.bestValidationScore);
    return o;
}

ModelPtr fitClassifier(const TablePtr &train, const QJsonObject &params, TrainContext &ctx)
{
    TrainingData data;
    loadTrainingData(train, TargetKind::Classes, data);
    const ml::MlpParams p = mlpParams(params);
    QElapsedTimer timer;
    timer.start();
    auto estimator = std::make_shared<ml::MlpClassifier>(p);
    trainsupport::fit(
        [&] { estimator->fit(data.X, data.classIndex, int(data.classes.size()), ctx.observer()); });
    const auto &r = estimator->fitResult();
    return trainsupport::finish(data,
                                estimator,
                                QStringLiteral("mlp_classifier"),
                                params,
                                ctx,
                                timer,
                                r.epochs,
                                describeFit(r, p.maxIterations),
                                fitRecord(r));
}

ModelPtr fitRegressor(const TablePtr &train, const QJsonObject &params, TrainContext &ctx)
{
    TrainingData data;
    loadTrainingData(train, TargetKind::Values, data);
    const ml::MlpParams p = mlpParams(params);
    QElapsedTimer timer;
    timer.start();
    auto estimator = std::make_shared<ml::MlpRegressor>(p);
    trainsupport::fit([&] { estimator->fit(data.X, data.y, ctx.observer()); });
    const auto &r = estimator->fitResult();
    return trainsupport::finish(data,
                                estimator,
                                QStringLiteral("mlp_regressor"),
                                params,
                                ctx,
                                timer,
                                r.epochs,
                                describeFit(r, p.maxIterations),
                                fitRecord(r));
}

QList<ParamSpec> mlpParamSpecs(const QString &scoreName)
{
    const int intMax = std::numeric_limits<int>::max();
    return {
        ParamSpec::string(QStringLiteral("hidden_layer_sizes"),
                          QStringLiteral("100"),
                          QStringLiteral(
                              "Units per hidden layer, comma-separated, e.g. \"64,64\"")),
        ParamSpec::choice(QStringLiteral("activation"),
                          {QStringLiteral("relu"),
                           QStringLiteral("tanh"),
                           QStringLiteral("logistic"),
                           QStringLiteral("identity")},
                          QStringLiteral("relu"),
                          QStringLiteral("Activation of the hidden layers")),
        ParamSpec::choice(QStringLiteral("solver"),
                          {QStringLiteral("adam"), QStringLiteral("sgd")},
                          QStringLiteral("adam"),
                          QStringLiteral("Optimiser: Adam, or SGD with momentum")),
        ParamSpec::real(QStringLiteral("alpha"),
                        1e-4,
                        0.0,
                        1e6,
                        QStringLiteral("L2 penalty on the weights")),
        ParamSpec::integer(QStringLiteral("batch_size"),
                           0,
                           0,
                           intMax,
                           QStringLiteral("Rows per mini-batch; 0 = min(200, rows)")),
        ParamSpec::real(QStringLiteral("learning_rate_init"),
                        1e-3,
                        1e-9,
                        10.0,
                        QStringLiteral("Initial step size")),
        ParamSpec::choice(QStringLiteral("learning_rate"),
                          {QStringLiteral("constant"),
                           QStringLiteral("invscaling"),
                           QStringLiteral("adaptive")},
                          QStringLiteral("constant"),
                          QStringLiteral(
                              "Step-size schedule (sgd only): constant, lr/t^power_t, or "
                              "divide by 5 when stalled")),
        ParamSpec::real(QStringLiteral("power_t"),
                        0.5,
                        0.0,
                        10.0,
                        QStringLiteral("Exponent of the invscaling schedule (sgd)")),
        ParamSpec::integer(QStringLiteral("max_iter"),
                           200,
                           1,
                           1000000,
                           QStringLiteral("Maximum epochs (passes over the training rows)")),
        ParamSpec::boolean(QStringLiteral("shuffle"),
                           true,
                           QStringLiteral("Reshuffle the rows every epoch")),
        ParamSpec::real(
            QStringLiteral("tol"),
            1e-4,
            0.0,
            1.0,
            QStringLiteral(
                "Improvement of the loss (or validation score) that counts as progress")),
        ParamSpec::real(QStringLiteral("momentum"), 0.9, 0.0, 1.0, QStringLiteral("Momentum of SGD")),
        ParamSpec::boolean(QStringLiteral("nesterovs_momentum"),
                           true,
                           QStringLiteral("Use Nesterov's momentum (SGD)")),
        ParamSpec::boolean(QStringLiteral("early_stopping"),
                           false,
                           QStringLiteral("Hold out validation_fraction of the rows and stop when "
                                          "the validation ")
                               + scoreName
                               + QStringLiteral(" stops improving; keeps the best weights")),
        ParamSpec::real(QStringLiteral("validation_fraction"),
                        0.1,
                        0.01,
                        0.99,
                        QStringLiteral("Share of rows held out for early stopping")),
        ParamSpec::real(QStringLiteral("beta_1"),
                        0.9,
                        0.0,
                        0.999999,
                        QStringLiteral("Adam: decay of the first-moment estimate")),
        ParamSpec::real(QStringLiteral("beta_2"),
                        0.999,
                        0.0,
                        0.999999,
                        QStringLiteral("Adam: decay of the second-moment estimate")),
        ParamSpec::real(QStringLiteral("epsilon"),
                        1e-8,
                        1e-300,
                        1.0,
                        QStringLiteral("Adam: numerical stability term")),
        ParamSpec::integer(QStringLiteral("n_iter_no_change"),
                           10,
                           1,
                           100000,
                           QStringLiteral("Epochs without tol improvement before stopping")),
        ParamSpec::integer(QStringLiteral("seed"),
                           0,
                           0,
                           intMax,
                           QStringLiteral("Random seed: initial weights, shuffling, validation "
                                          "split; numpy's stream, so seed s trains scikit-learn's "
                                          "random_state=s model")),
    };
}

} // namespace

void registerMlpTrainers(TrainerRegistry &registry)
{
    registry.add(Trainer{
        QStringLiteral("mlp_classifier"),
        QStringLiteral("MLP Classifier"),
        QStringLiteral(
            "Neural network (dense layers) for classification, trained with Adam or SGD on "
            "mini-batches; standardize features first."),
        QStringLiteral("mlp"),
        TargetKind::Classes,
        mlpParamSpecs(QStringLiteral("accuracy")),
        fitClassifier,
    });
    registry.add(Trainer{
        QStringLiteral("mlp_regressor"),
        QStringLiteral("MLP Regressor"),
        QStringLiteral("Neural network (dense layers) for regression, trained with Adam or SGD on "
                       "mini-batches; standardize features first."),
        QStringLiteral("mlp"),
        TargetKind::Values,
        mlpParamSpecs(QStringLiteral("R²")),
        fitRegressor,
    });
}

} // namespace fb
