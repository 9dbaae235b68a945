#pragma once

#include "ParamSpec.h"
#include "PortType.h"

#include <QList>
#include <QString>

#include <functional>

namespace fb {

class NodeContext;

struct PortSpec
{
    QString name;
    PortType type = PortType::Table;
    QString doc;
    bool optional = false; // inputs only: the node runs without it
};

// Everything the rest of Flowbench knows about a kind of node: metadata for the palette,
// inspector and CLI; ports and parameter schema for validation; and the function that runs it
// on a worker thread. A node type never includes a widget.
struct NodeType
{
    QString name;     // stable identifier stored in .flow files, e.g. "logistic_regression"
    QString title;    // shown in the palette, e.g. "Logistic Regression"
    QString category; // palette group: "Data", "Prepare", "Train", "Evaluate", "Export"
    QString doc;      // one line
    QString icon;     // resource name under :/icons/nodes/, without extension
    QList<PortSpec> inputs;
    QList<PortSpec> outputs;
    QList<ParamSpec> params;
    // Runs the node. Reads inputs and parameters from the context, publishes outputs to it,
    // throws NodeError (or any std::exception) on failure. Must check ctx.checkCancelled()
    // at least once per iteration of any long loop.
    std::function<void(NodeContext &)> run;
    // Bumped when the node's behaviour changes, so cached outputs of older code are not reused.
    int codeVersion = 1;
    // False for nodes with side effects (writing a file, registering a model) or so cheap that
    // caching costs more than it saves: they always run.
    bool cacheable = true;

    const PortSpec *input(const QString &port) const;
    const PortSpec *output(const QString &port) const;
    const ParamSpec *param(const QString &name) const;
};

} // namespace fb
