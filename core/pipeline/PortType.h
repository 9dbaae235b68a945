#pragma once

#include <QString>

#include <memory>

namespace fb {

// What flows along a link. A link only connects an output to an input of the same type.
enum class PortType { Table, Model, Metrics };

QString portTypeName(PortType type);                       // "table", "model", "metrics"
bool portTypeFromName(const QString &name, PortType *out); // false for unknown names

// Base of every value that travels between nodes. Values are immutable once published and
// shared between consumers (std::shared_ptr<const PortData>); a node never changes its input.
class PortData
{
public:
    virtual ~PortData() = default;
    virtual PortType portType() const = 0;
    // One line for logs, tooltips and `runs show` ("150 rows x 5 columns").
    virtual QString summary() const = 0;
};

using PortDataPtr = std::shared_ptr<const PortData>;

} // namespace fb
