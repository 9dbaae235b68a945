#include "PortType.h"

namespace fb {

QString portTypeName(PortType type)
{
    switch (type) {
    case PortType::Table:
        return QStringLiteral("table");
    case PortType::Model:
        return QStringLiteral("model");
    case PortType::Metrics:
        return QStringLiteral("metrics");
    }
    return QStringLiteral("unknown");
}

bool portTypeFromName(const QString &name, PortType *out)
{
    for (PortType t : {PortType::Table, PortType::Model, PortType::Metrics}) {
        if (portTypeName(t) == name) {
            *out = t;
            return true;
        }
    }
    return false;
}

} // namespace fb
