// Structural helpers.

#include "BuiltinNodes.h"

#include "data/Table.h"
#include "exec/NodeContext.h"
#include "pipeline/NodeRegistry.h"

namespace fb {

void registerUtilityNodes(NodeRegistry &registry)
{
    // Like Airflow's EmptyOperator: orders or groups dependencies; passes a table through.
    registry.add(NodeType{
        QStringLiteral("empty"),
        QStringLiteral("Empty"),
        QStringLiteral("Utility"),
        QStringLiteral("Does nothing; passes its optional input table through. Useful to join branches."),
        QStringLiteral("empty"),
        {{QStringLiteral("in"), PortType::Table, QStringLiteral("optional table"), true}},
        {{QStringLiteral("out"), PortType::Table, QStringLiteral("the input table, unchanged")}},
        {},
        [](NodeContext &ctx) {
            static const TablePtr nothing = Table::fromMatrix({}, Eigen::MatrixXd(0, 0));
            const PortDataPtr in = ctx.input(QStringLiteral("in"));
            ctx.setOutput(QStringLiteral("out"), in ? in : nothing);
        },
        1,
        false, // cheaper to run than to look up
    });
}

} // namespace fb
