// Model evaluation on a held-out table. The metrics themselves are computed in Evaluation.cpp,
// shared with cross-validation and hyper-parameter search.

#include "BuiltinNodes.h"

#include "Evaluation.h"
#include "exec/NodeContext.h"
#include "pipeline/NodeRegistry.h"

namespace fb {

namespace {

const QString modelPort = QStringLiteral("model");
const QString dataPort = QStringLiteral("data");
const QString metricsPort = QStringLiteral("metrics");

QString summaryLine(const MetricsData &m, const QStringList &keys, qint64 rows)
{
    QStringList parts;
    for (const QString &k : keys) {
        const double v = m.value(k);
        if (!std::isnan(v))
            parts.append(QStringLiteral("%1 %2").arg(k).arg(v, 0, 'g', 5));
    }
    return QStringLiteral("%1 rows: %2").arg(rows).arg(parts.join(QStringLiteral(", ")));
}

void runEvaluate(NodeContext &ctx)
{
    const auto model = ctx.inputAs<Model>(modelPort);
    const TablePtr data = ctx.table(dataPort);
    EvaluationOptions options;
    options.silhouetteMaxRows = ctx.paramInt(QStringLiteral("silhouette_max_rows"));
    options.seed = quint64(ctx.paramInt(QStringLiteral("seed")));
    std::shared_ptr<MetricsData> out;
    try {
        out = evaluateModel(*model, data, options);
    } catch (const NodeError &e) {
        throw NodeError(QStringLiteral("'%1' input: %2").arg(dataPort, QString::fromUtf8(e.what())));
    }
    for (const auto &kv : out->values)
        ctx.metric(kv.first, 0, kv.second);
    switch (model->task()) {
    case ml::TaskKind::Classification:
        ctx.info(summaryLine(*out,
                             {QStringLiteral("accuracy"), QStringLiteral("f1_macro")},
                             data->rowCount()));
        break;
    case ml::TaskKind::Regression:
        ctx.info(summaryLine(*out,
                             {QStringLiteral("rmse"), QStringLiteral("mae"), QStringLiteral("r2")},
                             data->rowCount()));
        break;
    default:
        ctx.info(summaryLine(*out, metricNames(model->task()), data->rowCount()));
        if (std::isnan(out->value(QStringLiteral("silhouette"))))
            ctx.warning(
                QStringLiteral("silhouette is undefined: the model put the rows in fewer than two "
                               "clusters (or every row in its own)"));
        break;
    }
    ctx.setOutput(metricsPort, out);
}

} // namespace

void registerEvaluateNodes(NodeRegistry &registry)
{
    registry.add(NodeType{
        QStringLiteral("evaluate"),
        QStringLiteral("Evaluate"),
        QStringLiteral("Evaluate"),
        QStringLiteral("Scores a model on a table: accuracy, F1, ROC AUC, log loss, confusion "
                       "matrix; RMSE, MAE, "
                       "R²; or silhouette, inertia and adjusted Rand index for clustering."),
        QStringLiteral("evaluate"),
        {{modelPort, PortType::Model, QStringLiteral("model to score")},
         {dataPort,
          PortType::Table,
          QStringLiteral("held-out rows with the target column (optional for clustering)")}},
        {{metricsPort, PortType::Metrics, QStringLiteral("metrics and their details")}},
        {
            ParamSpec::integer(QStringLiteral("silhouette_max_rows"),
                               10000,
                               100,
                               1000000,
                               QStringLiteral(
                                   "Clustering: exact silhouette up to this many rows (O(n²)), "
                                   "else on a seeded sample of this size")),
            ParamSpec::integer(QStringLiteral("seed"),
                               0,
                               0,
                               std::numeric_limits<int>::max(),
                               QStringLiteral("Clustering: seed of the silhouette sample")),
        },
        runEvaluate,
    });
}

} // namespace fb
