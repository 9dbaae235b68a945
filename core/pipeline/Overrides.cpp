#include "Overrides.h"

#include "NodeRegistry.h"

namespace fb {

QHash<QString, QJsonObject> parseOverrides(const PipelineData &pipeline,
                                           const NodeRegistry &registry,
                                           const QStringList &assignments,
                                           QString *error)
{
    QHash<QString, QJsonObject> out;
    for (const QString &a : assignments) {
        const qsizetype eq = a.indexOf(u'=');
        const qsizetype dot = a.indexOf(u'.');
        if (eq < 0 || dot < 0 || dot > eq) {
            *error = QStringLiteral("--set %1: expected NODE.PARAM=VALUE").arg(a);
            return {};
        }
        const QString nodeId = a.left(dot);
        const QString param = a.mid(dot + 1, eq - dot - 1);
        const QString text = a.mid(eq + 1);
        const Node *node = pipeline.nodeById(nodeId);
        if (!node) {
            QStringList ids;
            for (const Node &n : pipeline.nodes())
                ids.append(n.id);
            *error = QStringLiteral("--set %1: no node has the id '%2' (nodes: %3)")
                         .arg(a, nodeId, ids.join(QStringLiteral(", ")));
            return {};
        }
        const NodeType *type = registry.find(node->type);
        const ParamSpec *spec = type ? type->param(param) : nullptr;
        if (!spec) {
            QStringList names;
            if (type)
                for (const ParamSpec &p : type->params)
                    names.append(p.name);
            *error = QStringLiteral("--set %1: node '%2' (%3) has no parameter '%4' (it has: %5)")
                         .arg(a, nodeId, node->type, param,
                              names.isEmpty() ? QStringLiteral("none") : names.join(QStringLiteral(", ")));
            return {};
        }
        QString reason;
        const QJsonValue value = spec->parse(text, &reason);
        if (value.isUndefined()) {
            *error = QStringLiteral("--set %1: %2").arg(a, reason);
            return {};
        }
        out[nodeId].insert(param, value);
    }
    return out;
}

} // namespace fb
