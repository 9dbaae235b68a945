// Trainers for the tree family: CART decision trees, random forests and histogram gradient
// boosting, each for classification and regression. Parameter names are scikit-learn's
// (DecisionTree*, RandomForest*, HistGradientBoosting*); boosting rounds are `max_iter`, as in
// HistGradientBoosting.

#include "TrainSupport.h"

#include <ml/ensemble/GradientBoostingClassifier.h>
#include <ml/ensemble/GradientBoostingRegressor.h>
#include <ml/ensemble/RandomForestClassifier.h>
#include <ml/ensemble/RandomForestRegressor.h>
#include <ml/tree/DecisionTreeClassifier.h>
#include <ml/tree/DecisionTreeRegressor.h>

#include <algorithm>
#include <numeric>

namespace fb {

namespace {

int intParam(const QJsonObject &params, const char *name)
{
    return params.value(QLatin1String(name)).toInt();
}

ml::DecisionTreeParams treeParams(const QJsonObject &params, bool classifier)
{
    ml::DecisionTreeParams p;
    try {
        p.criterion = classifier ? ml::parseCriterion(
                          params.value(QStringLiteral("criterion")).toString().toStdString())
                                 : ml::SplitCriterion::SquaredError;
        p.maxFeatures = ml::MaxFeatures::parse(
            params.value(QStringLiteral("max_features")).toString().toStdString());
    } catch (const std::invalid_argument &e) {
        throw NodeError(QString::fromUtf8(e.what()));
    }
    p.maxDepth = intParam(params, "max_depth");
    p.minSamplesSplit = intParam(params, "min_samples_split");
    p.minSamplesLeaf = intParam(params, "min_samples_leaf");
    p.maxLeafNodes = intParam(params, "max_leaf_nodes");
    p.maxBins = intParam(params, "max_bins");
    p.seed = trainsupport::seed(params);
    trainsupport::validate(p);
    return p;
}

ml::RandomForestParams forestParams(const QJsonObject &params, bool classifier)
{
    ml::RandomForestParams p;
    p.nEstimators = intParam(params, "n_estimators");
    p.bootstrap = params.value(QStringLiteral("bootstrap")).toBool();
    p.tree = treeParams(params, classifier);
    trainsupport::validate(p);
    return p;
}

ml::GradientBoostingParams boostingParams(const QJsonObject &params)
{
    ml::GradientBoostingParams p;
    p.learningRate = params.value(QStringLiteral("learning_rate")).toDouble();
    p.maxIter = intParam(params, "max_iter");
    p.maxLeafNodes = intParam(params, "max_leaf_nodes");
    p.maxDepth = intParam(params, "max_depth");
    p.minSamplesLeaf = intParam(params, "min_samples_leaf");
    p.l2Regularization = params.value(QStringLiteral("l2_regularization")).toDouble();
    p.maxBins = intParam(params, "max_bins");
    p.earlyStopping = params.value(QStringLiteral("early_stopping")).toBool();
    p.validationFraction = params.value(QStringLiteral("validation_fraction")).toDouble();
    p.nIterNoChange = intParam(params, "n_iter_no_change");
    p.seed = trainsupport::seed(params);
    trainsupport::validate(p);
    return p;
}

// The five most important features, for the run log (the model keeps all of them).
QString topFeatures(const TrainingData &data, const Eigen::VectorXd &importance)
{
    std::vector<int> order(size_t(importance.size()));
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](int a, int b) {
        return importance[a] > importance[b];
    });
    QStringList parts;
    for (size_t i = 0; i < std::min<size_t>(5, order.size()); ++i)
        parts.append(QStringLiteral("%1 %2")
                         .arg(data.features.at(order[i]))
                         .arg(importance[order[i]], 0, 'f', 3));
    return parts.join(QStringLiteral(", "));
}

// Loads the table, fits `estimator` through `fitFn(data, observer)` and builds the Model.
template<typename Estimator, typename FitFn>
ModelPtr train(const TablePtr &table,
               const QJsonObject &params,
               TrainContext &ctx,
               const QString &algorithm,
               bool classifier,
               std::shared_ptr<Estimator> estimator,
               FitFn fitFn,
               qint64 step,
               const QString &detail)
{
    TrainingData data;
    loadTrainingData(table, classifier ? TargetKind::Classes : TargetKind::Values, data);
    QElapsedTimer timer;
    timer.start();
    trainsupport::fit([&] { fitFn(*estimator, data, ctx.observer()); });
    ctx.info(QStringLiteral("feature importance: %1")
                 .arg(topFeatures(data, estimator->featureImportance())));
    return trainsupport::finish(data,
                                estimator,
                                algorithm,
                                params,
                                ctx,
                                timer,
                                step > 0 ? step : 1,
                                detail);
}

ModelPtr fitDecisionTree(const TablePtr &table,
                         const QJsonObject &params,
                         TrainContext &ctx,
                         bool classifier)
{
    const ml::DecisionTreeParams p = treeParams(params, classifier);
    if (classifier) {
        auto tree = std::make_shared<ml::DecisionTreeClassifier>(p);
        return train(
            table,
            params,
            ctx,
            QStringLiteral("decision_tree_classifier"),
            true,
            tree,
            [](ml::DecisionTreeClassifier &m, const TrainingData &d, ml::Observer &o) {
                m.fit(d.X, d.classIndex, int(d.classes.size()), o);
            },
            1,
            QStringLiteral("one tree"));
    }
    auto tree = std::make_shared<ml::DecisionTreeRegressor>(p);
    return train(
        table,
        params,
        ctx,
        QStringLiteral("decision_tree_regressor"),
        false,
        tree,
        [](ml::DecisionTreeRegressor &m, const TrainingData &d, ml::Observer &o) {
            m.fit(d.X, d.y, o);
        },
        1,
        QStringLiteral("one tree"));
}

ModelPtr fitRandomForest(const TablePtr &table,
                         const QJsonObject &params,
                         TrainContext &ctx,
                         bool classifier)
{
    const ml::RandomForestParams p = forestParams(params, classifier);
    const QString detail = QStringLiteral("%1 trees").arg(p.nEstimators);
    if (classifier) {
        auto forest = std::make_shared<ml::RandomForestClassifier>(p);
        return train(
            table,
            params,
            ctx,
            QStringLiteral("random_forest_classifier"),
            true,
            forest,
            [](ml::RandomForestClassifier &m, const TrainingData &d, ml::Observer &o) {
                m.fit(d.X, d.classIndex, int(d.classes.size()), o);
            },
            p.nEstimators,
            detail);
    }
    auto forest = std::make_shared<ml::RandomForestRegressor>(p);
    return train(
        table,
        params,
        ctx,
        QStringLiteral("random_forest_regressor"),
        false,
        forest,
        [](ml::RandomForestRegressor &m, const TrainingData &d, ml::Observer &o) {
            m.fit(d.X, d.y, o);
        },
        p.nEstimators,
        detail);
}

ModelPtr fitBoosting(const TablePtr &table,
                     const QJsonObject &params,
                     TrainContext &ctx,
                     bool classifier)
{
    const ml::GradientBoostingParams p = boostingParams(params);
    const QString detail = QStringLiteral("up to %1 rounds").arg(p.maxIter);
    if (classifier) {
        auto model = std::make_shared<ml::GradientBoostingClassifier>(p);
        return train(
            table,
            params,
            ctx,
            QStringLiteral("gradient_boosting_classifier"),
            true,
            model,
            [](ml::GradientBoostingClassifier &m, const TrainingData &d, ml::Observer &o) {
                m.fit(d.X, d.classIndex, int(d.classes.size()), o);
            },
            p.maxIter,
            detail);
    }
    auto model = std::make_shared<ml::GradientBoostingRegressor>(p);
    return train(
        table,
        params,
        ctx,
        QStringLiteral("gradient_boosting_regressor"),
        false,
        model,
        [](ml::GradientBoostingRegressor &m, const TrainingData &d, ml::Observer &o) {
            m.fit(d.X, d.y, o);
        },
        p.maxIter,
        detail);
}

ParamSpec seedParam()
{
    return ParamSpec::integer(
        QStringLiteral("seed"),
        0,
        0,
        2147483647,
        QStringLiteral("Random seed (feature order and subsets, bootstrap, binning sample)"));
}

ParamSpec maxBinsParam()
{
    return ParamSpec::integer(QStringLiteral("max_bins"),
                              255,
                              2,
                              255,
                              QStringLiteral(
                                  "Histogram bins per feature; splits are searched between bins"));
}

ParamSpec maxFeaturesParam(const QString &def)
{
    return ParamSpec::string(
        QStringLiteral("max_features"),
        def,
        QStringLiteral(
            "Features tried per split: all, sqrt, log2, a fraction (0.3) or a count (10)"));
}

// The CART parameters shared by decision trees and forests.
QList<ParamSpec> cartParams(bool classifier, const QString &maxFeatures)
{
    QList<ParamSpec> specs;
    if (classifier)
        specs.append(ParamSpec::choice(QStringLiteral("criterion"),
                                       {QStringLiteral("gini"), QStringLiteral("entropy")},
                                       QStringLiteral("gini"),
                                       QStringLiteral("Split quality: gini impurity or entropy")));
    specs.append(ParamSpec::integer(QStringLiteral("max_depth"),
                                    0,
                                    0,
                                    1000,
                                    QStringLiteral("Maximum depth of a tree; 0 = unlimited")));
    specs.append(ParamSpec::integer(QStringLiteral("min_samples_split"),
                                    2,
                                    2,
                                    1000000000,
                                    QStringLiteral("Rows a node needs before it may be split")));
    specs.append(ParamSpec::integer(QStringLiteral("min_samples_leaf"),
                                    1,
                                    1,
                                    1000000000,
                                    QStringLiteral("Rows each leaf must keep")));
    specs.append(
        ParamSpec::integer(QStringLiteral("max_leaf_nodes"),
                           0,
                           0,
                           1000000000,
                           QStringLiteral("Leaves per tree, grown best-first; 0 = unlimited")));
    specs.append(maxFeaturesParam(maxFeatures));
    specs.append(maxBinsParam());
    specs.append(seedParam());
    return specs;
}

QList<ParamSpec> forestParamSpecs(bool classifier)
{
    QList<ParamSpec> specs{
        ParamSpec::integer(QStringLiteral("n_estimators"),
                           100,
                           1,
                           100000,
                           QStringLiteral("Number of trees")),
        ParamSpec::boolean(QStringLiteral("bootstrap"),
                           true,
                           QStringLiteral(
                               "Grow each tree on a bootstrap sample (else on all rows)")),
    };
    specs.append(
        cartParams(classifier, classifier ? QStringLiteral("sqrt") : QStringLiteral("all")));
    return specs;
}

QList<ParamSpec> boostingParamSpecs()
{
    return {
        ParamSpec::real(QStringLiteral("learning_rate"),
                        0.1,
                        1e-6,
                        1.0,
                        QStringLiteral("Shrinkage: each tree's contribution is scaled by this")),
        ParamSpec::integer(
            QStringLiteral("max_iter"),
            100,
            1,
            1000000,
            QStringLiteral(
                "Boosting rounds (one tree per round; one per class for K > 2 classes)")),
        ParamSpec::integer(
            QStringLiteral("max_leaf_nodes"),
            31,
            0,
            1000000,
            QStringLiteral(
                "Leaves per tree, grown best-first; 0 = unlimited (grow level by level)")),
        ParamSpec::integer(QStringLiteral("max_depth"),
                           0,
                           0,
                           1000,
                           QStringLiteral("Maximum depth of a tree; 0 = unlimited")),
        ParamSpec::integer(QStringLiteral("min_samples_leaf"),
                           20,
                           1,
                           1000000000,
                           QStringLiteral("Rows each leaf must keep")),
        ParamSpec::real(QStringLiteral("l2_regularization"),
                        0.0,
                        0.0,
                        1e9,
                        QStringLiteral("L2 penalty on leaf values (lambda in -G/(H + lambda))")),
        maxBinsParam(),
        ParamSpec::boolean(
            QStringLiteral("early_stopping"),
            false,
            QStringLiteral("Hold out validation_fraction of the rows; stop when its loss stalls")),
        ParamSpec::real(QStringLiteral("validation_fraction"),
                        0.1,
                        0.01,
                        0.9,
                        QStringLiteral("Share of rows held out for early stopping")),
        ParamSpec::integer(QStringLiteral("n_iter_no_change"),
                           10,
                           1,
                           100000,
                           QStringLiteral(
                               "Early stopping: rounds without improvement before stopping")),
        seedParam(),
    };
}

} // namespace

void registerTreeTrainers(TrainerRegistry &registry)
{
    registry.add(Trainer{
        QStringLiteral("decision_tree_classifier"),
        QStringLiteral("Decision Tree Classifier"),
        QStringLiteral(
            "CART classification tree (gini or entropy); learns where missing values go."),
        QStringLiteral("tree"),
        TargetKind::Classes,
        cartParams(true, QStringLiteral("all")),
        [](const TablePtr &t, const QJsonObject &p, TrainContext &c) {
            return fitDecisionTree(t, p, c, true);
        },
        2, // thresholds snapped to float-exact values (ONNX float inputs)
    });
    registry.add(Trainer{
        QStringLiteral("decision_tree_regressor"),
        QStringLiteral("Decision Tree Regressor"),
        QStringLiteral("CART regression tree (squared error); leaves predict the mean target."),
        QStringLiteral("tree"),
        TargetKind::Values,
        cartParams(false, QStringLiteral("all")),
        [](const TablePtr &t, const QJsonObject &p, TrainContext &c) {
            return fitDecisionTree(t, p, c, false);
        },
        2, // thresholds snapped to float-exact values (ONNX float inputs)
    });
    registry.add(Trainer{
        QStringLiteral("random_forest_classifier"),
        QStringLiteral("Random Forest Classifier"),
        QStringLiteral(
            "Bootstrap-aggregated CART trees on random feature subsets, grown in parallel."),
        QStringLiteral("forest"),
        TargetKind::Classes,
        forestParamSpecs(true),
        [](const TablePtr &t, const QJsonObject &p, TrainContext &c) {
            return fitRandomForest(t, p, c, true);
        },
        2, // thresholds snapped to float-exact values (ONNX float inputs)
    });
    registry.add(Trainer{
        QStringLiteral("random_forest_regressor"),
        QStringLiteral("Random Forest Regressor"),
        QStringLiteral("Mean of bootstrap-aggregated CART regression trees, grown in parallel."),
        QStringLiteral("forest"),
        TargetKind::Values,
        forestParamSpecs(false),
        [](const TablePtr &t, const QJsonObject &p, TrainContext &c) {
            return fitRandomForest(t, p, c, false);
        },
        2, // thresholds snapped to float-exact values (ONNX float inputs)
    });
    registry.add(Trainer{
        QStringLiteral("gradient_boosting_classifier"),
        QStringLiteral("Gradient Boosting Classifier"),
        QStringLiteral("Histogram gradient-boosted trees, log loss (softmax for K > 2 classes)."),
        QStringLiteral("boosting"),
        TargetKind::Classes,
        boostingParamSpecs(),
        [](const TablePtr &t, const QJsonObject &p, TrainContext &c) {
            return fitBoosting(t, p, c, true);
        },
    });
    registry.add(Trainer{
        QStringLiteral("gradient_boosting_regressor"),
        QStringLiteral("Gradient Boosting Regressor"),
        QStringLiteral("Histogram gradient-boosted trees, squared error."),
        QStringLiteral("boosting"),
        TargetKind::Values,
        boostingParamSpecs(),
        [](const TablePtr &t, const QJsonObject &p, TrainContext &c) {
            return fitBoosting(t, p, c, false);
        },
    });
}

} // namespace fb
