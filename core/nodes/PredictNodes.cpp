// Applying a trained model to a table: the input rows with prediction columns appended.

#include "BuiltinNodes.h"

#include "exec/NodeContext.h"
#include "model/Model.h"
#include "model/TableAssembler.h"
#include "pipeline/NodeRegistry.h"

namespace fb {

namespace {

const QString modelPort = QStringLiteral("model");
const QString tablePort = QStringLiteral("table");

// Class labels as numbers when every label is one (iris' 0/1/2, diabetes-like codes), so the
// prediction column has the same kind as a numeric target; text labels stay categorical.
bool numericLabels(const QStringList &labels, std::vector<double> &values)
{
    for (const QString &l : labels) {
        bool ok = false;
        values.push_back(l.toDouble(&ok));
        if (!ok)
            return false;
    }
    return true;
}

void runPredict(NodeContext &ctx)
{
    const auto model = ctx.inputAs<Model>(modelPort);
    const TablePtr input = ctx.table(tablePort);
    const QString column = ctx.paramString(QStringLiteral("column"));
    const bool withProba = ctx.paramBool(QStringLiteral("probabilities"));
    if (column.isEmpty())
        throw NodeError(QStringLiteral("'column' is empty: name the prediction column"));

    Prediction p;
    try {
        p = model->predict(input);
    } catch (const SchemaError &e) {
        throw NodeError(
            QStringLiteral("the table does not fit the model: %1").arg(QString::fromUtf8(e.what())));
    }
    ctx.checkCancelled();

    // Predictions are added as ignored columns: kept for inspection and export, never silently
    // used as features by a model trained downstream.
    TableAssembler out(input);
    auto add = [&](const QString &name, auto values, auto appendFn) {
        if (out.indexOf(name) >= 0)
            throw NodeError(
                QStringLiteral("the table already has a column '%1'; choose another 'column' name")
                    .arg(name));
        (out.*appendFn)(name, ColumnRole::Ignored, std::move(values));
    };
    if (model->task() == ml::TaskKind::Classification) {
        std::vector<double> labelValues;
        if (numericLabels(model->classes, labelValues)) {
            Eigen::VectorXd v(p.values.size());
            for (Eigen::Index i = 0; i < v.size(); ++i)
                v[i] = labelValues[size_t(p.values[i])];
            add(column, std::move(v), &TableAssembler::appendNumeric);
        } else {
            CategoricalColumn c;
            c.levels = model->classes;
            c.codes.resize(size_t(p.values.size()));
            for (Eigen::Index i = 0; i < p.values.size(); ++i)
                c.codes[size_t(i)] = std::int32_t(p.values[i]);
            add(column, std::move(c), &TableAssembler::appendCategorical);
        }
        if (withProba)
            for (int k = 0; k < model->classes.size(); ++k)
                add(QStringLiteral("proba_%1").arg(model->classes.at(k)),
                    Eigen::VectorXd(p.proba.col(k)),
                    &TableAssembler::appendNumeric);
    } else {
        add(column, std::move(p.values), &TableAssembler::appendNumeric);
    }
    ctx.setOutput(tablePort, out.build());
    ctx.info(QStringLiteral("%1 predictions by %2").arg(input->rowCount()).arg(model->summary()));
}

} // namespace

void registerPredictNodes(NodeRegistry &registry)
{
    registry.add(NodeType{
        QStringLiteral("predict"),
        QStringLiteral("Predict"),
        QStringLiteral("Evaluate"),
        QStringLiteral(
            "Applies a model to a table (raw or already prepared) and appends its predictions."),
        QStringLiteral("predict"),
        {{modelPort, PortType::Model, QStringLiteral("trained model")},
         {tablePort,
          PortType::Table,
          QStringLiteral("rows to predict: raw columns or prepared by the model's own steps")}},
        {{tablePort,
          PortType::Table,
          QStringLiteral(
              "the input with a prediction column (and proba_<class> columns for classifiers)")}},
        {
            ParamSpec::string(
                QStringLiteral("column"),
                QStringLiteral("prediction"),
                QStringLiteral(
                    "Name of the prediction column: class label, value or cluster index")),
            ParamSpec::boolean(QStringLiteral("probabilities"),
                               true,
                               QStringLiteral(
                                   "Classifiers: also add one proba_<class> column per class")),
        },
        runPredict,
    });
}

} // namespace fb
