// flowbench-cli nodes: the node library with ports and parameter schemas.

#include "CliCommon.h"

#include "pipeline/NodeRegistry.h"

#include <QJsonArray>
#include <QJsonObject>

#include <cmath>

namespace fb {

namespace {

QJsonObject paramJson(const ParamSpec &p)
{
    QJsonObject o{{QStringLiteral("name"), p.name},
                  {QStringLiteral("type"), paramTypeName(p.type)},
                  {QStringLiteral("doc"), p.doc},
                  {QStringLiteral("required"), p.required()}};
    if (!p.required())
        o.insert(QStringLiteral("default"), p.defaultValue);
    if (std::isfinite(p.minimum))
        o.insert(QStringLiteral("min"), p.minimum);
    if (std::isfinite(p.maximum))
        o.insert(QStringLiteral("max"), p.maximum);
    if (!p.choices.isEmpty())
        o.insert(QStringLiteral("choices"), QJsonArray::fromStringList(p.choices));
    return o;
}

QJsonArray portsJson(const QList<PortSpec> &ports)
{
    QJsonArray a;
    for (const PortSpec &p : ports) {
        QJsonObject o{{QStringLiteral("name"), p.name},
                      {QStringLiteral("type"), portTypeName(p.type)},
                      {QStringLiteral("doc"), p.doc}};
        if (p.optional)
            o.insert(QStringLiteral("optional"), true);
        a.append(o);
    }
    return a;
}

QString describe(const NodeType &t)
{
    QString s = QStringLiteral("%1 — %2 [%3]\n  %4\n").arg(t.name, t.title, t.category, t.doc);
    for (const PortSpec &p : t.inputs)
        s += QStringLiteral("  in   %1 (%2%3): %4\n")
                 .arg(p.name, portTypeName(p.type), p.optional ? QStringLiteral(", optional") : QString(), p.doc);
    for (const PortSpec &p : t.outputs)
        s += QStringLiteral("  out  %1 (%2): %3\n").arg(p.name, portTypeName(p.type), p.doc);
    for (const ParamSpec &p : t.params)
        s += QStringLiteral("  --set ID.%1=…  %2. %3\n").arg(p.name, p.doc, p.describe());
    return s;
}

} // namespace

int nodesCommand(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.addPositionalArgument(QStringLiteral("TYPE"), QStringLiteral("Show only this node type."), QStringLiteral("[TYPE]"));
    parser.addOption({QStringLiteral("json"), QStringLiteral("Print as JSON.")});
    parseCommand(parser, arguments, QStringLiteral("Lists node types with their ports and parameters."));
    const NodeRegistry &registry = NodeRegistry::builtin();
    QList<const NodeType *> types = registry.types();
    if (!parser.positionalArguments().isEmpty()) {
        const NodeType *t = registry.find(parser.positionalArguments().first());
        if (!t)
            throw CliError{QStringLiteral("no node type '%1' (types: %2)")
                               .arg(parser.positionalArguments().first(), registry.names().join(QStringLiteral(", ")))};
        types = {t};
    }
    if (parser.isSet(QStringLiteral("json"))) {
        QJsonArray out;
        for (const NodeType *t : types) {
            QJsonArray params;
            for (const ParamSpec &p : t->params)
                params.append(paramJson(p));
            out.append(QJsonObject{{QStringLiteral("name"), t->name},
                                   {QStringLiteral("title"), t->title},
                                   {QStringLiteral("category"), t->category},
                                   {QStringLiteral("doc"), t->doc},
                                   {QStringLiteral("inputs"), portsJson(t->inputs)},
                                   {QStringLiteral("outputs"), portsJson(t->outputs)},
                                   {QStringLiteral("params"), params}});
        }
        printJson(out, {QStringLiteral("name"), QStringLiteral("title"), QStringLiteral("category"),
                        QStringLiteral("doc"), QStringLiteral("type")});
        return ExitOk;
    }
    QString text;
    QString category;
    for (const NodeType *t : types) {
        if (t->category != category) {
            category = t->category;
            text += QStringLiteral("\n== %1 ==\n").arg(category);
        }
        text += describe(*t);
    }
    printOut(text.mid(1));
    return ExitOk;
}

} // namespace fb
