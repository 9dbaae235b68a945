// Dimensionality reduction as a preparation step: the "pca" node.

#include "BuiltinNodes.h"

#include "exec/NodeContext.h"
#include "model/PcaTransform.h"
#include "pipeline/NodeRegistry.h"

#include <cmath>

namespace fb {

namespace {

const QString trainPort = QStringLiteral("train");
const QString testPort = QStringLiteral("test");

void runPca(NodeContext &ctx)
{
    const TablePtr train = ctx.table(trainPort);
    QStringList columns = ctx.paramStringList(QStringLiteral("columns"));
    if (columns.isEmpty())
        for (int i : train->columnsWithRole(ColumnRole::Feature))
            if (train->column(i).kind == ColumnKind::Numeric)
                columns.append(train->column(i).name);
    if (columns.isEmpty())
        throw NodeError(QStringLiteral("no numeric feature columns to project"));

    ml::PcaParams params;
    params.nComponents = ctx.paramDouble(QStringLiteral("n_components"));
    params.whiten = ctx.paramBool(QStringLiteral("whiten"));
    try {
        params.validate();
    } catch (const std::invalid_argument &e) {
        throw NodeError(QString::fromUtf8(e.what()));
    }
    const auto maxComponents = std::min<Eigen::Index>(train->rowCount(), columns.size());
    if (params.nComponents >= 1.0 && Eigen::Index(params.nComponents) > maxComponents)
        throw NodeError(
            QStringLiteral("n_components = %1 exceeds the %2 column(s) and row(s) available; "
                           "choose at most %3")
                .arg(params.nComponents)
                .arg(columns.size())
                .arg(maxComponents));

    std::shared_ptr<const PcaTransform> fitted;
    try {
        fitted = PcaTransform::fit(*train, columns, params, ctx.observer());
    } catch (const SchemaError &e) {
        throw NodeError(QString::fromUtf8(e.what()));
    }
    const Eigen::VectorXd &ratio = fitted->pca().explainedVarianceRatio();
    for (Eigen::Index j = 0; j < ratio.size(); ++j)
        ctx.metric(QStringLiteral("explained_variance_ratio"), j + 1, ratio[j]);
    ctx.metric(QStringLiteral("explained_variance_total"), 0, ratio.sum());

    ctx.setOutput(trainPort, applyStep(fitted, train));
    if (const auto test = std::dynamic_pointer_cast<const Table>(ctx.input(testPort))) {
        try {
            ctx.setOutput(testPort, applyStep(fitted, test));
        } catch (const SchemaError &e) {
            throw NodeError(QStringLiteral("test table: %1").arg(QString::fromUtf8(e.what())));
        }
    }
    ctx.info(fitted->describe());
}

} // namespace

void registerDecompositionNodes(NodeRegistry &registry)
{
    registry.add(NodeType{
        QStringLiteral("pca"),
        QStringLiteral("PCA"),
        QStringLiteral("Prepare"),
        QStringLiteral(
            "Replaces numeric columns by their principal components pc1..pck, fitted on the "
            "training table."),
        QStringLiteral("pca"),
        {{trainPort, PortType::Table, QStringLiteral("fits the projection")},
         {testPort, PortType::Table, QStringLiteral("projected with the training fit"), true}},
        {{trainPort, PortType::Table, QStringLiteral("training table with pc1..pck")},
         {testPort, PortType::Table, QStringLiteral("test table with pc1..pck")}},
        {
            ParamSpec::columnList(QStringLiteral("columns"),
                                  QStringLiteral(
                                      "Columns to project; empty = every numeric feature")),
            ParamSpec::real(QStringLiteral("n_components"),
                            2.0,
                            0.0,
                            100000.0,
                            QStringLiteral(
                                "Components to keep: a count (>= 1), a share of variance "
                                "in (0, 1) such as 0.95, or 0 for all")),
            ParamSpec::boolean(QStringLiteral("whiten"),
                               false,
                               QStringLiteral("Scale each component to unit variance")),
        },
        runPca,
    });
}

} // namespace fb
