#include "NodeRegistry.h"

#include "nodes/BuiltinNodes.h"

#include <algorithm>

namespace fb {

const PortSpec *NodeType::input(const QString &port) const
{
    for (const PortSpec &p : inputs)
        if (p.name == port)
            return &p;
    return nullptr;
}

const PortSpec *NodeType::output(const QString &port) const
{
    for (const PortSpec &p : outputs)
        if (p.name == port)
            return &p;
    return nullptr;
}

const ParamSpec *NodeType::param(const QString &name) const
{
    for (const ParamSpec &p : params)
        if (p.name == name)
            return &p;
    return nullptr;
}

void NodeRegistry::add(NodeType type)
{
    auto it = m_index.find(type.name);
    if (it != m_index.end()) {
        m_types[*it] = std::move(type);
        return;
    }
    m_index.insert(type.name, int(m_types.size()));
    m_types.append(std::move(type));
}

const NodeType *NodeRegistry::find(const QString &name) const
{
    auto it = m_index.find(name);
    return it == m_index.end() ? nullptr : &m_types.at(*it);
}

QStringList NodeRegistry::names() const
{
    QStringList n = m_index.keys();
    std::sort(n.begin(), n.end());
    return n;
}

QStringList NodeRegistry::categories() const
{
    QStringList c;
    for (const NodeType &t : m_types)
        if (!c.contains(t.category))
            c.append(t.category);
    return c;
}

QList<const NodeType *> NodeRegistry::types() const
{
    QList<const NodeType *> out;
    for (const NodeType &t : m_types)
        out.append(&t);
    return out;
}

const NodeRegistry &NodeRegistry::builtin()
{
    static const NodeRegistry registry = [] {
        NodeRegistry r;
        registerBuiltinNodes(r);
        return r;
    }();
    return registry;
}

} // namespace fb
