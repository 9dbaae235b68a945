// Fitted preprocessing nodes: standardize, min-max scale, impute, one-hot encode. Each fits its
// step on the "train" input only and applies the same fitted step to the optional "test" and
// "validation" inputs, recording it in every output's preprocessing (applyStep), so models
// trained downstream carry it and predict from raw columns.

#include "BuiltinNodes.h"

#include "exec/NodeContext.h"
#include "model/ImputeTransform.h"
#include "model/MinMaxTransform.h"
#include "model/OneHotTransform.h"
#include "model/StandardizeTransform.h"
#include "pipeline/NodeRegistry.h"

#include <functional>

namespace fb {

namespace {

const QString trainPort = QStringLiteral("train");
const QString testPort = QStringLiteral("test");
const QString validationPort = QStringLiteral("validation");

// Fits with `fit` on the training table and applies the result to every connected input.
// A null step (nothing to do) passes the tables through unchanged.
void fitAndApply(NodeContext &ctx, const std::function<TransformPtr(const TablePtr &train)> &fit)
{
    const TablePtr train = ctx.table(trainPort);
    TransformPtr step;
    try {
        step = fit(train);
    } catch (const SchemaError &e) {
        throw NodeError(QString::fromUtf8(e.what()));
    }
    auto applyTo = [&](const QString &port, const TablePtr &table) {
        try {
            ctx.setOutput(port, step ? applyStep(step, table) : table);
        } catch (const SchemaError &e) {
            throw NodeError(QStringLiteral("%1 table: %2").arg(port, QString::fromUtf8(e.what())));
        }
    };
    applyTo(trainPort, train);
    for (const QString &port : {testPort, validationPort}) {
        ctx.checkCancelled();
        if (const auto table = std::dynamic_pointer_cast<const Table>(ctx.input(port)))
            applyTo(port, table);
    }
    if (step)
        ctx.info(step->describe());
}

// The "columns" parameter, or every feature column accepted by `wanted` when it is empty.
QStringList columnsOrFeatures(NodeContext &ctx,
                              const Table &train,
                              const std::function<bool(const Column &)> &wanted)
{
    QStringList columns = ctx.paramStringList(QStringLiteral("columns"));
    if (columns.isEmpty())
        for (int i : train.columnsWithRole(ColumnRole::Feature))
            if (wanted(train.column(i)))
                columns.append(train.column(i).name);
    return columns;
}

bool isNumeric(const Column &c)
{
    return c.kind == ColumnKind::Numeric;
}

void runStandardize(NodeContext &ctx)
{
    fitAndApply(ctx, [&ctx](const TablePtr &train) -> TransformPtr {
        const QStringList columns = columnsOrFeatures(ctx, *train, isNumeric);
        if (columns.isEmpty())
            throw NodeError(QStringLiteral("no numeric feature columns to standardize"));
        return StandardizeTransform::fit(*train, columns);
    });
}

void runMinMaxScale(NodeContext &ctx)
{
    fitAndApply(ctx, [&ctx](const TablePtr &train) -> TransformPtr {
        const QStringList columns = columnsOrFeatures(ctx, *train, isNumeric);
        if (columns.isEmpty())
            throw NodeError(QStringLiteral("no numeric feature columns to scale"));
        return MinMaxTransform::fit(*train,
                                    columns,
                                    ctx.paramDouble(QStringLiteral("min")),
                                    ctx.paramDouble(QStringLiteral("max")),
                                    ctx.paramBool(QStringLiteral("clip")));
    });
}

void runImpute(NodeContext &ctx)
{
    fitAndApply(ctx, [&ctx](const TablePtr &train) -> TransformPtr {
        const QStringList columns = columnsOrFeatures(ctx, *train, [](const Column &) {
            return true;
        });
        if (columns.isEmpty())
            throw NodeError(QStringLiteral("no feature columns to impute"));
        ImputeOptions options;
        imputeStrategyFromName(ctx.paramString(QStringLiteral("strategy")), &options.numeric);
        imputeStrategyFromName(ctx.paramString(QStringLiteral("categorical_strategy")),
                               &options.categorical);
        options.fillValue = ctx.paramDouble(QStringLiteral("fill_value"));
        options.fillText = ctx.paramString(QStringLiteral("fill_text"));
        auto step = ImputeTransform::fit(*train, columns, options);
        qsizetype missing = 0;
        for (const ImputeTransform::Fill &f : step->fills()) {
            const int i = train->indexOf(f.column);
            for (Eigen::Index r = 0; r < train->rowCount(); ++r)
                missing += train->isMissing(r, i) ? 1 : 0;
        }
        ctx.info(QStringLiteral("%1 missing value(s) in the training table's %2 column(s)")
                     .arg(missing)
                     .arg(columns.size()));
        return step;
    });
}

void runOneHotEncode(NodeContext &ctx)
{
    fitAndApply(ctx, [&ctx](const TablePtr &train) -> TransformPtr {
        const QStringList columns = columnsOrFeatures(ctx, *train, [](const Column &c) {
            return c.kind == ColumnKind::Categorical;
        });
        if (columns.isEmpty()) {
            ctx.warning(QStringLiteral(
                "no categorical feature columns: the tables pass through unchanged"));
            return nullptr;
        }
        OneHotOptions options;
        options.ignoreUnknown = ctx.paramString(QStringLiteral("handle_unknown")) == u"ignore";
        options.maxCategories = ctx.paramInt(QStringLiteral("max_categories"));
        options.drop = ctx.paramString(QStringLiteral("drop"));
        return OneHotTransform::fit(*train, columns, options);
    });
}

QList<PortSpec> fittedInputs(const QString &fitDoc, const QString &applyDoc)
{
    return {{trainPort, PortType::Table, fitDoc},
            {testPort, PortType::Table, applyDoc, true},
            {validationPort, PortType::Table, applyDoc, true}};
}

QList<PortSpec> fittedOutputs(const QString &what)
{
    return {{trainPort, PortType::Table, QStringLiteral("%1 training table").arg(what)},
            {testPort, PortType::Table, QStringLiteral("%1 test table").arg(what)},
            {validationPort, PortType::Table, QStringLiteral("%1 validation table").arg(what)}};
}

} // namespace

void registerTransformNodes(NodeRegistry &registry)
{
    const QString category = QStringLiteral("Prepare");
    registry.add(NodeType{
        QStringLiteral("standardize"),
        QStringLiteral("Standardize"),
        category,
        QStringLiteral(
            "Centres and scales numeric columns to unit variance, fitted on the training table."),
        QStringLiteral("scale"),
        fittedInputs(QStringLiteral("fits the scaling"),
                     QStringLiteral("scaled with the training statistics")),
        fittedOutputs(QStringLiteral("scaled")),
        {
            ParamSpec::columnList(QStringLiteral("columns"),
                                  QStringLiteral(
                                      "Columns to scale; empty scales every numeric feature")),
        },
        runStandardize,
    });
    registry.add(NodeType{
        QStringLiteral("minmax_scale"),
        QStringLiteral("Min-Max Scale"),
        category,
        QStringLiteral("Scales numeric columns linearly to a range (default [0, 1]), fitted on the "
                       "training table."),
        QStringLiteral("scale"),
        fittedInputs(QStringLiteral("fits the minimum and maximum"),
                     QStringLiteral("scaled with the training minimum and maximum")),
        fittedOutputs(QStringLiteral("scaled")),
        {
            ParamSpec::columnList(QStringLiteral("columns"),
                                  QStringLiteral(
                                      "Columns to scale; empty scales every numeric feature")),
            ParamSpec::real(QStringLiteral("min"),
                            0.0,
                            -1e12,
                            1e12,
                            QStringLiteral(
                                "Lower end of the feature range (training minimum maps here)")),
            ParamSpec::real(QStringLiteral("max"),
                            1.0,
                            -1e12,
                            1e12,
                            QStringLiteral(
                                "Upper end of the feature range (training maximum maps here)")),
            ParamSpec::boolean(QStringLiteral("clip"),
                               false,
                               QStringLiteral(
                                   "Clip values outside the training range to the feature range")),
        },
        runMinMaxScale,
    });
    registry.add(NodeType{
        QStringLiteral("impute"),
        QStringLiteral("Impute Missing Values"),
        category,
        QStringLiteral("Fills missing values per column with the training mean, median, most "
                       "frequent value or a constant."),
        QStringLiteral("impute"),
        fittedInputs(QStringLiteral("learns the fill values"),
                     QStringLiteral("filled with the training values")),
        fittedOutputs(QStringLiteral("filled")),
        {
            ParamSpec::columnList(QStringLiteral("columns"),
                                  QStringLiteral(
                                      "Columns to fill; empty fills every feature column")),
            ParamSpec::choice(QStringLiteral("strategy"),
                              {QStringLiteral("mean"),
                               QStringLiteral("median"),
                               QStringLiteral("most_frequent"),
                               QStringLiteral("constant")},
                              QStringLiteral("mean"),
                              QStringLiteral("Fill value of numeric columns")),
            ParamSpec::choice(QStringLiteral("categorical_strategy"),
                              {QStringLiteral("most_frequent"), QStringLiteral("constant")},
                              QStringLiteral("most_frequent"),
                              QStringLiteral("Fill value of categorical columns")),
            ParamSpec::real(QStringLiteral("fill_value"),
                            0.0,
                            -1e300,
                            1e300,
                            QStringLiteral("Constant for numeric columns (strategy constant)")),
            ParamSpec::string(
                QStringLiteral("fill_text"),
                QStringLiteral("missing"),
                QStringLiteral("Constant for categorical columns (categorical_strategy constant)")),
        },
        runImpute,
    });
    registry.add(NodeType{
        QStringLiteral("one_hot_encode"),
        QStringLiteral("One-Hot Encode"),
        category,
        QStringLiteral("Turns categorical columns into 0/1 columns named \"column=value\", learned "
                       "on the training table."),
        QStringLiteral("onehot"),
        fittedInputs(QStringLiteral("learns the categories"),
                     QStringLiteral("encoded with the training categories")),
        fittedOutputs(QStringLiteral("encoded")),
        {
            ParamSpec::columnList(
                QStringLiteral("columns"),
                QStringLiteral("Columns to encode; empty encodes every categorical feature")),
            ParamSpec::choice(
                QStringLiteral("handle_unknown"),
                {QStringLiteral("ignore"), QStringLiteral("error")},
                QStringLiteral("ignore"),
                QStringLiteral(
                    "A category not seen in training: all zeros (ignore) or fail (error)")),
            ParamSpec::integer(
                QStringLiteral("max_categories"),
                100,
                1,
                100000,
                QStringLiteral(
                    "Refuse columns with more distinct training values (identifiers, free text)")),
            ParamSpec::choice(
                QStringLiteral("drop"),
                {QStringLiteral("none"), QStringLiteral("first"), QStringLiteral("if_binary")},
                QStringLiteral("none"),
                QStringLiteral(
                    "Drop the first category's column: never, always, or for two-valued columns")),
        },
        runOneHotEncode,
    });
}

} // namespace fb
