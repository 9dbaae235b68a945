#pragma once

#include "PipelineData.h"

#include <QHash>
#include <QJsonObject>
#include <QString>
#include <QStringList>

namespace fb {

class NodeRegistry;

// Parses command-line parameter overrides "NODE.PARAM=VALUE" against the node types' schemas
// (typed values: "0.5" for a double, "a,b" for a column list). Returns node id -> {param: value}.
// On failure returns an empty map and sets *error to a message naming the override.
QHash<QString, QJsonObject> parseOverrides(const PipelineData &pipeline,
                                           const NodeRegistry &registry,
                                           const QStringList &assignments,
                                           QString *error);

} // namespace fb
