#include "Evaluation.h"

#include "TrainingData.h"
#include "exec/NodeContext.h"

#include <ml/metrics/Clustering.h>
#include <ml/metrics/Metrics.h>

#include <QHash>
#include <QJsonArray>

#include <cmath>
#include <stdexcept>
#include <variant>

namespace fb {

namespace {

// At most `limit` points of a curve, keeping the first and last, for compact details.
QJsonArray curve(const std::vector<double> &x, const std::vector<double> &y, size_t limit = 200)
{
    QJsonArray out;
    const size_t n = x.size();
    const size_t step = n > limit ? (n + limit - 1) / limit : 1;
    for (size_t i = 0; i < n; i += step)
        out.append(QJsonArray{x[i], y[i]});
    if (n > 0 && (n - 1) % step != 0)
        out.append(QJsonArray{x[n - 1], y[n - 1]});
    return out;
}

QJsonArray toJson(const Eigen::VectorXd &v)
{
    QJsonArray a;
    for (double d : v)
        a.append(std::isfinite(d) ? QJsonValue(d) : QJsonValue());
    return a;
}

int requireTarget(const Model &model, const Table &data)
{
    const int target = model.target.isEmpty() ? -1 : data.indexOf(model.target);
    if (target < 0)
        throw NodeError(
            QStringLiteral("the table has no column '%1' (the model's target) to compare "
                           "predictions with")
                .arg(model.target));
    return target;
}

void evaluateClassifier(const Model &model,
                        const TablePtr &data,
                        const EvaluationOptions &options,
                        MetricsData &out)
{
    const int target = requireTarget(model, *data);
    const Prediction p = model.predict(data);
    const Eigen::VectorXi yTrue = encodeClasses(*data, target, model.classes);
    const Eigen::VectorXi yPred = p.values.cast<int>();
    const int k = int(model.classes.size());

    const Eigen::MatrixXi cm = ml::metrics::confusionMatrix(yTrue, yPred, k);
    const ml::metrics::PerClassScores scores = ml::metrics::precisionRecallF1(cm);
    out.values = {
        {QStringLiteral("accuracy"), ml::metrics::accuracy(yTrue, yPred)},
        {QStringLiteral("precision_macro"), scores.macroPrecision()},
        {QStringLiteral("recall_macro"), scores.macroRecall()},
        {QStringLiteral("f1_macro"), scores.macroF1()},
        {QStringLiteral("f1_weighted"), scores.weightedF1()},
        {QStringLiteral("roc_auc"), ml::metrics::rocAuc(yTrue, p.proba)},
        {QStringLiteral("log_loss"), ml::metrics::logLoss(yTrue, p.proba)},
        {QStringLiteral("balanced_accuracy"), ml::metrics::balancedAccuracy(cm)},
        {QStringLiteral("precision_weighted"), scores.weightedPrecision()},
        {QStringLiteral("recall_weighted"), scores.weightedRecall()},
        {QStringLiteral("mcc"), ml::metrics::matthewsCorrcoef(cm)},
    };
    if (!options.details)
        return;
    QJsonArray matrix;
    for (int i = 0; i < k; ++i) {
        QJsonArray row;
        for (int j = 0; j < k; ++j)
            row.append(cm(i, j));
        matrix.append(row);
    }
    out.details.insert(QStringLiteral("classes"), QJsonArray::fromStringList(model.classes));
    out.details.insert(QStringLiteral("confusion_matrix"), matrix);
    out.details.insert(QStringLiteral("per_class"),
                       QJsonObject{{QStringLiteral("precision"), toJson(scores.precision)},
                                   {QStringLiteral("recall"), toJson(scores.recall)},
                                   {QStringLiteral("f1"), toJson(scores.f1)},
                                   {QStringLiteral("support"),
                                    toJson(scores.support.cast<double>())}});
    // ROC curves: the positive class for binary problems, one-vs-rest per class otherwise.
    QJsonObject roc;
    const int first = k == 2 ? 1 : 0;
    for (int c = first; c < k; ++c) {
        const Eigen::VectorXi isClass = (yTrue.array() == c).cast<int>();
        if (isClass.sum() == 0 || isClass.sum() == isClass.size())
            continue;
        const ml::metrics::RocCurve rc = ml::metrics::rocCurve(isClass, p.proba.col(c));
        roc.insert(model.classes.at(c), curve(rc.fpr, rc.tpr));
    }
    out.details.insert(QStringLiteral("roc"), roc);
}

void evaluateRegressor(const Model &model,
                       const TablePtr &data,
                       const EvaluationOptions &options,
                       MetricsData &out)
{
    const int target = requireTarget(model, *data);
    if (data->column(target).kind != ColumnKind::Numeric)
        throw NodeError(QStringLiteral("target column '%1' must be numeric").arg(model.target));
    const Eigen::VectorXd yTrue = data->numeric(target);
    if (yTrue.hasNaN())
        throw NodeError(QStringLiteral("target column '%1' has missing values").arg(model.target));
    const Prediction p = model.predict(data);
    out.values = {
        {QStringLiteral("rmse"), ml::metrics::rmse(yTrue, p.values)},
        {QStringLiteral("mae"), ml::metrics::mae(yTrue, p.values)},
        {QStringLiteral("r2"), ml::metrics::r2(yTrue, p.values)},
        {QStringLiteral("mse"), ml::metrics::mse(yTrue, p.values)},
        {QStringLiteral("explained_variance"), ml::metrics::explainedVariance(yTrue, p.values)},
        {QStringLiteral("mape"), ml::metrics::mape(yTrue, p.values)},
    };
    if (!options.details)
        return;
    // A sample of (actual, predicted) pairs for predicted-vs-actual and residual plots.
    std::vector<double> actual(yTrue.data(), yTrue.data() + yTrue.size());
    std::vector<double> predicted(p.values.data(), p.values.data() + p.values.size());
    out.details.insert(QStringLiteral("actual_vs_predicted"), curve(actual, predicted, 2000));
}

// The centres a clustering estimator saved with itself (k-means), when it did: inertia is then
// k-means' own objective. Matched by the usual names, so any centroid model qualifies.
bool savedCentres(const ml::Estimator &estimator, Eigen::Index features, Eigen::MatrixXd &centres)
{
    ml::Archive archive;
    estimator.save(archive);
    for (const char *key : {"centers", "cluster_centers", "centroids", "centres"}) {
        if (!archive.contains(key) || !std::holds_alternative<ml::Archive::Matrix>(archive.at(key)))
            continue;
        centres = archive.getMatrix(key);
        if (centres.cols() == features)
            return true;
        if (centres.rows() == features) { // stored one centre per column
            centres.transposeInPlace();
            return true;
        }
    }
    return false;
}

void evaluateClustering(const Model &model,
                        const TablePtr &data,
                        const EvaluationOptions &options,
                        MetricsData &out)
{
    const TablePtr prepared = model.prepare(data);
    const Eigen::MatrixXd X = model.featureMatrix(*prepared);
    const Eigen::VectorXi labels = model.estimator->predict(X).cast<int>();
    const int clusters = labels.size() > 0 ? labels.maxCoeff() + 1 : 0;
    Eigen::VectorXd sizes = Eigen::VectorXd::Zero(std::max(clusters, 0));
    for (int l : labels)
        sizes[l] += 1.0;
    const Eigen::Index used = (sizes.array() > 0).count();

    bool sampled = false;
    double silhouette = std::numeric_limits<double>::quiet_NaN();
    try {
        silhouette = ml::metrics::silhouetteScoreSampled(X,
                                                         labels,
                                                         options.silhouetteMaxRows,
                                                         options.seed,
                                                         &sampled);
    } catch (const std::invalid_argument &) {
        // Fewer than two clusters (or one per row): undefined, reported as missing.
    }
    Eigen::MatrixXd centres;
    const bool ownCentres = savedCentres(*model.estimator, X.cols(), centres)
                            && centres.rows() >= clusters;
    const double inertia = ownCentres ? ml::metrics::inertia(X, labels, centres)
                                      : ml::metrics::withinClusterSumOfSquares(X, labels);
    out.values = {{QStringLiteral("silhouette"), silhouette}, {QStringLiteral("inertia"), inertia}};

    // With a target column (the model's, else the table's), agreement with the known classes.
    int target = model.target.isEmpty() ? -1 : data->indexOf(model.target);
    if (target < 0)
        target = data->targetColumn();
    if (target >= 0) {
        QHash<QString, int> classOf;
        Eigen::VectorXi truth(data->rowCount());
        bool complete = true;
        for (Eigen::Index r = 0; r < truth.size() && complete; ++r) {
            complete = !data->isMissing(r, target);
            const QString v = data->displayValue(r, target);
            auto it = classOf.find(v);
            if (it == classOf.end())
                it = classOf.insert(v, int(classOf.size()));
            truth[r] = *it;
        }
        if (complete) // rows without a known class make the index meaningless
            out.values.append(
                {QStringLiteral("ari"), ml::metrics::adjustedRandIndex(truth, labels)});
    }
    if (!options.details)
        return;
    out.details.insert(QStringLiteral("clusters"), int(used));
    out.details.insert(QStringLiteral("cluster_sizes"), toJson(sizes));
    out.details.insert(QStringLiteral("silhouette_rows"),
                       double(sampled ? options.silhouetteMaxRows : X.rows()));
    out.details.insert(QStringLiteral("inertia_reference"),
                       ownCentres ? QStringLiteral("model centres")
                                  : QStringLiteral("cluster means"));
}

} // namespace

std::shared_ptr<MetricsData> evaluateModel(const Model &model,
                                           const TablePtr &data,
                                           const EvaluationOptions &options)
{
    auto out = std::make_shared<MetricsData>();
    out->task = taskKindName(model.task());
    try {
        switch (model.task()) {
        case ml::TaskKind::Classification:
            evaluateClassifier(model, data, options, *out);
            break;
        case ml::TaskKind::Regression:
            evaluateRegressor(model, data, options, *out);
            break;
        case ml::TaskKind::Clustering:
            evaluateClustering(model, data, options, *out);
            break;
        case ml::TaskKind::Transform:
            throw NodeError(QStringLiteral("a %1 model has no predictions to score").arg(out->task));
        }
    } catch (const SchemaError &e) {
        throw NodeError(
            QStringLiteral("the table does not fit the model: %1").arg(QString::fromUtf8(e.what())));
    }
    return out;
}

QStringList metricNames(ml::TaskKind task)
{
    switch (task) {
    case ml::TaskKind::Classification:
        return {QStringLiteral("accuracy"),
                QStringLiteral("precision_macro"),
                QStringLiteral("recall_macro"),
                QStringLiteral("f1_macro"),
                QStringLiteral("f1_weighted"),
                QStringLiteral("roc_auc"),
                QStringLiteral("log_loss"),
                QStringLiteral("balanced_accuracy"),
                QStringLiteral("precision_weighted"),
                QStringLiteral("recall_weighted"),
                QStringLiteral("mcc")};
    case ml::TaskKind::Regression:
        return {QStringLiteral("r2"),
                QStringLiteral("rmse"),
                QStringLiteral("mae"),
                QStringLiteral("mse"),
                QStringLiteral("explained_variance"),
                QStringLiteral("mape")};
    case ml::TaskKind::Clustering:
        return {QStringLiteral("silhouette"), QStringLiteral("inertia"), QStringLiteral("ari")};
    case ml::TaskKind::Transform:
        break;
    }
    return {};
}

QStringList allMetricNames()
{
    return metricNames(ml::TaskKind::Classification) + metricNames(ml::TaskKind::Regression)
           + metricNames(ml::TaskKind::Clustering);
}

bool higherIsBetter(const QString &metric)
{
    static const QStringList lowerIsBetter{QStringLiteral("log_loss"),
                                           QStringLiteral("rmse"),
                                           QStringLiteral("mae"),
                                           QStringLiteral("mse"),
                                           QStringLiteral("mape"),
                                           QStringLiteral("inertia")};
    return !lowerIsBetter.contains(metric);
}

} // namespace fb
