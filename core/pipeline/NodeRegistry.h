#pragma once

#include "NodeType.h"

#include <QHash>
#include <QStringList>

namespace fb {

// Node types by name. The built-in library is registered once by registerBuiltinNodes()
// (core/nodes); tests may build their own registry with their own types.
class NodeRegistry
{
public:
    // Registers a type; a second type with the same name replaces the first.
    void add(NodeType type);
    const NodeType *find(const QString &name) const;
    QStringList names() const;      // sorted
    QStringList categories() const; // in order of first registration
    QList<const NodeType *> types() const; // in order of registration

    // The registry with every built-in node type (thread-safe, built on first use).
    static const NodeRegistry &builtin();

private:
    QHash<QString, int> m_index;
    QList<NodeType> m_types;
};

} // namespace fb
