// Model evaluation on a held-out table.

#include "BuiltinNodes.h"

#include "TrainingData.h"
#include "exec/NodeContext.h"
#include "model/MetricsData.h"
#include "model/Model.h"
#include "pipeline/NodeRegistry.h"

#include <ml/metrics/Metrics.h>

#include <QJsonArray>

#include <cmath>

namespace fb {

namespace {

const QString modelPort = QStringLiteral("model");
const QString dataPort = QStringLiteral("data");
const QString metricsPort = QStringLiteral("metrics");

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

void evaluateClassifier(NodeContext &ctx, const Model &model, const TablePtr &data, MetricsData &out)
{
    const int target = data->indexOf(model.target);
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
    };
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
                                   {QStringLiteral("support"), toJson(scores.support.cast<double>())}});
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
    ctx.info(QStringLiteral("%1 rows: accuracy %2, macro F1 %3")
                 .arg(data->rowCount()).arg(out.value(QStringLiteral("accuracy")), 0, 'f', 4)
                 .arg(out.value(QStringLiteral("f1_macro")), 0, 'f', 4));
}

void evaluateRegressor(NodeContext &ctx, const Model &model, const TablePtr &data, MetricsData &out)
{
    const int target = data->indexOf(model.target);
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
    };
    // A sample of (actual, predicted) pairs for predicted-vs-actual and residual plots.
    std::vector<double> actual(yTrue.data(), yTrue.data() + yTrue.size());
    std::vector<double> predicted(p.values.data(), p.values.data() + p.values.size());
    out.details.insert(QStringLiteral("actual_vs_predicted"), curve(actual, predicted, 2000));
    ctx.info(QStringLiteral("%1 rows: RMSE %2, MAE %3, R² %4")
                 .arg(data->rowCount()).arg(out.values[0].second, 0, 'g', 5)
                 .arg(out.values[1].second, 0, 'g', 5).arg(out.values[2].second, 0, 'f', 4));
}

void runEvaluate(NodeContext &ctx)
{
    const auto model = ctx.inputAs<Model>(modelPort);
    const TablePtr data = ctx.table(dataPort);
    if (model->target.isEmpty() || data->indexOf(model->target) < 0)
        throw NodeError(QStringLiteral("the '%1' table has no column '%2' (the model's target) to "
                                       "compare predictions with")
                            .arg(dataPort, model->target));
    auto out = std::make_shared<MetricsData>();
    try {
        if (model->task() == ml::TaskKind::Classification) {
            out->task = QStringLiteral("classification");
            evaluateClassifier(ctx, *model, data, *out);
        } else if (model->task() == ml::TaskKind::Regression) {
            out->task = QStringLiteral("regression");
            evaluateRegressor(ctx, *model, data, *out);
        } else {
            throw NodeError(QStringLiteral("evaluate supports classifiers and regressors; this model "
                                           "is a %1 model")
                                .arg(taskKindName(model->task())));
        }
    } catch (const SchemaError &e) {
        throw NodeError(QStringLiteral("the '%1' table does not fit the model: %2")
                            .arg(dataPort, QString::fromUtf8(e.what())));
    }
    for (const auto &kv : out->values)
        ctx.metric(kv.first, 0, kv.second);
    ctx.setOutput(metricsPort, out);
}

} // namespace

void registerEvaluateNodes(NodeRegistry &registry)
{
    registry.add(NodeType{
        QStringLiteral("evaluate"),
        QStringLiteral("Evaluate"),
        QStringLiteral("Evaluate"),
        QStringLiteral("Scores a model on a table: accuracy, F1, ROC AUC, log loss, confusion matrix; or RMSE, MAE, R²."),
        QStringLiteral("evaluate"),
        {{modelPort, PortType::Model, QStringLiteral("model to score")},
         {dataPort, PortType::Table, QStringLiteral("held-out rows with the target column")}},
        {{metricsPort, PortType::Metrics, QStringLiteral("metrics and their details")}},
        {},
        runEvaluate,
    });
}

} // namespace fb
