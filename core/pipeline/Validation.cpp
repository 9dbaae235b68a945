#include "Validation.h"

#include "NodeRegistry.h"

#include <QHash>
#include <QSet>

namespace fb {

LinkCheck checkLink(const PipelineData &pipeline, const NodeRegistry &registry, const Link &link)
{
    const Node *from = pipeline.node(link.fromNode);
    const Node *to = pipeline.node(link.toNode);
    if (!from || !to)
        return {LinkCheck::UnknownNode, QStringLiteral("the node does not exist")};
    if (link.fromNode == link.toNode)
        return {LinkCheck::SameNode, QStringLiteral("a node cannot feed itself")};
    const NodeType *fromType = registry.find(from->type);
    const NodeType *toType = registry.find(to->type);
    if (!fromType || !toType)
        return {LinkCheck::UnknownNode,
                QStringLiteral("unknown node type '%1'").arg(fromType ? to->type : from->type)};
    const PortSpec *out = fromType->output(link.fromPort);
    if (!out)
        return {LinkCheck::UnknownPort,
                QStringLiteral("'%1' has no output '%2'").arg(from->id, link.fromPort)};
    const PortSpec *in = toType->input(link.toPort);
    if (!in)
        return {LinkCheck::UnknownPort,
                QStringLiteral("'%1' has no input '%2'").arg(to->id, link.toPort)};
    if (out->type != in->type)
        return {LinkCheck::TypeMismatch,
                QStringLiteral("type mismatch: %1.%2 gives a %3, %4.%5 takes a %6")
                    .arg(from->id, out->name, portTypeName(out->type), to->id, in->name,
                         portTypeName(in->type))};
    if (const Link *existing = pipeline.linkInto(link.toNode, link.toPort)) {
        if (*existing == link)
            return {};
        const Node *src = pipeline.node(existing->fromNode);
        return {LinkCheck::InputOccupied,
                QStringLiteral("input %1.%2 is already connected to %3.%4")
                    .arg(to->id, in->name, src ? src->id : QStringLiteral("?"), existing->fromPort)};
    }
    if (pipeline.reaches(link.toNode, link.fromNode))
        return {LinkCheck::Cycle,
                QStringLiteral("this link would make a cycle: %1 already depends on %2")
                    .arg(from->id, to->id)};
    return {};
}

QString Problem::toString() const
{
    QString where;
    if (!nodeId.isEmpty())
        where = QStringLiteral("node '%1'").arg(nodeId);
    if (!field.isEmpty())
        where += (where.isEmpty() ? QString() : QStringLiteral(", ")) + QStringLiteral("'%1'").arg(field);
    return where.isEmpty() ? message : where + QStringLiteral(": ") + message;
}

QJsonObject effectiveParams(const Node &node, const NodeRegistry &registry)
{
    QJsonObject out;
    if (const NodeType *t = registry.find(node.type))
        for (const ParamSpec &p : t->params)
            if (!p.required())
                out.insert(p.name, p.defaultValue);
    for (auto it = node.params.begin(); it != node.params.end(); ++it)
        out.insert(it.key(), it.value());
    return out;
}

namespace {

// Kahn's algorithm; returns the keys left over when the graph has a cycle.
QList<int> nodesOnCycles(const PipelineData &p)
{
    QHash<int, int> indegree;
    QHash<int, QList<int>> next;
    for (const Node &n : p.nodes())
        indegree.insert(n.key, 0);
    for (const Link &l : p.links()) {
        if (!indegree.contains(l.fromNode) || !indegree.contains(l.toNode))
            continue;
        ++indegree[l.toNode];
        next[l.fromNode].append(l.toNode);
    }
    QList<int> ready;
    for (auto it = indegree.cbegin(); it != indegree.cend(); ++it)
        if (it.value() == 0)
            ready.append(it.key());
    while (!ready.isEmpty()) {
        const int k = ready.takeLast();
        indegree.remove(k);
        for (int n : next.value(k))
            if (--indegree[n] == 0)
                ready.append(n);
    }
    return indegree.keys();
}

} // namespace

QList<Problem> validatePipeline(const PipelineData &pipeline, const NodeRegistry &registry)
{
    QList<Problem> problems;
    QSet<QString> ids;
    QSet<QPair<int, QString>> connectedInputs;
    for (const Link &l : pipeline.links())
        connectedInputs.insert({l.toNode, l.toPort});

    for (const Node &n : pipeline.nodes()) {
        if (!PipelineData::isValidId(n.id))
            problems.append({Problem::InvalidId, n.id, {},
                             QStringLiteral("invalid id: use letters, digits, '_' or '-', starting "
                                            "with a letter or '_', at most 64 characters")});
        else if (ids.contains(n.id))
            problems.append({Problem::DuplicateId, n.id, {},
                             QStringLiteral("another node already has this id")});
        ids.insert(n.id);

        const NodeType *type = registry.find(n.type);
        if (!type) {
            problems.append({Problem::UnknownNodeType, n.id, {},
                             QStringLiteral("unknown node type '%1' (see `flowbench-cli nodes`)")
                                 .arg(n.type)});
            continue;
        }
        for (auto it = n.params.begin(); it != n.params.end(); ++it) {
            const ParamSpec *spec = type->param(it.key());
            if (!spec) {
                QStringList known;
                for (const ParamSpec &p : type->params)
                    known.append(p.name);
                problems.append({Problem::UnknownParameter, n.id, it.key(),
                                 QStringLiteral("unknown parameter of %1 (it has: %2)")
                                     .arg(n.type, known.isEmpty() ? QStringLiteral("none")
                                                                  : known.join(QStringLiteral(", ")))});
                continue;
            }
            const QString reason = spec->check(it.value());
            if (!reason.isEmpty())
                problems.append({Problem::WrongParameterType, n.id, it.key(), reason});
        }
        for (const ParamSpec &spec : type->params)
            if (spec.required() && !n.params.contains(spec.name))
                problems.append({Problem::MissingParameter, n.id, spec.name,
                                 QStringLiteral("required parameter is not set (%1)").arg(spec.doc)});
        for (const PortSpec &port : type->inputs)
            if (!port.optional && !connectedInputs.contains({n.key, port.name}))
                problems.append({Problem::MissingInput, n.id, port.name,
                                 QStringLiteral("required input is not connected (expects a %1)")
                                     .arg(portTypeName(port.type))});
    }

    // Per-link checks without the reachability walk (cycles are found once, below), so
    // validating a 10,000-node pipeline stays linear.
    QHash<QPair<int, QString>, const Link *> firstInto;
    for (const Link &l : pipeline.links()) {
        const Node *from = pipeline.node(l.fromNode);
        const Node *to = pipeline.node(l.toNode);
        if (!from || !to) {
            problems.append({Problem::BadLink, to ? to->id : QString(), l.toPort,
                             QStringLiteral("link to or from a node that does not exist")});
            continue;
        }
        const NodeType *fromType = registry.find(from->type);
        const NodeType *toType = registry.find(to->type);
        if (!fromType || !toType)
            continue; // already reported as an unknown type
        const PortSpec *out = fromType->output(l.fromPort);
        const PortSpec *in = toType->input(l.toPort);
        QString reason;
        if (l.fromNode == l.toNode)
            reason = QStringLiteral("a node cannot feed itself");
        else if (!out)
            reason = QStringLiteral("'%1' has no output '%2'").arg(from->id, l.fromPort);
        else if (!in)
            reason = QStringLiteral("'%1' has no input '%2'").arg(to->id, l.toPort);
        else if (out->type != in->type)
            reason = QStringLiteral("type mismatch: %1.%2 gives a %3, %4.%5 takes a %6")
                         .arg(from->id, out->name, portTypeName(out->type), to->id, in->name,
                              portTypeName(in->type));
        else if (const Link *first = firstInto.value({l.toNode, l.toPort})) {
            const Node *src = pipeline.node(first->fromNode);
            reason = QStringLiteral("input %1.%2 is already connected to %3.%4")
                         .arg(to->id, in->name, src->id, first->fromPort);
        } else
            firstInto.insert({l.toNode, l.toPort}, &l);
        if (!reason.isEmpty())
            problems.append({Problem::BadLink, to->id, l.toPort, reason});
    }
    const QList<int> cyclic = nodesOnCycles(pipeline);
    if (!cyclic.isEmpty()) {
        QStringList names;
        for (const Node &n : pipeline.nodes())
            if (cyclic.contains(n.key))
                names.append(n.id);
        problems.append({Problem::Cycle, {}, {},
                         QStringLiteral("the links form a cycle through: %1")
                             .arg(names.join(QStringLiteral(", ")))});
    }
    return problems;
}

} // namespace fb
