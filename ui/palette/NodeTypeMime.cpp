#include "NodeTypeMime.h"

#include <QMimeData>

namespace fb {

const QString NodeTypeMime::mimeType = QStringLiteral("application/vnd.flowbench.node-type");

QMimeData *NodeTypeMime::encode(const QString &typeName)
{
    auto *mime = new QMimeData;
    mime->setData(mimeType, typeName.toUtf8());
    return mime;
}

QString NodeTypeMime::decode(const QMimeData *mime)
{
    if (!mime || !mime->hasFormat(mimeType))
        return {};
    return QString::fromUtf8(mime->data(mimeType));
}

} // namespace fb
