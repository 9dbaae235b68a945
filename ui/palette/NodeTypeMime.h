#pragma once

#include <QString>

class QMimeData;

namespace fb {

// The drag payload of a palette entry: the node type's name.
class NodeTypeMime
{
public:
    static const QString mimeType; // "application/vnd.flowbench.node-type"
    static QMimeData *encode(const QString &typeName);
    static QString decode(const QMimeData *mime); // empty when not a node type
};

} // namespace fb
