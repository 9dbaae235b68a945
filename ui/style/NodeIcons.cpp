#include "NodeIcons.h"

#include "pipeline/NodeType.h"

#include <QFile>
#include <QPainter>
#include <QPainterPath>
#include <QSvgRenderer>

namespace fb {

namespace {

QHash<QString, QPixmap> &glyphCache()
{
    static QHash<QString, QPixmap> cache;
    return cache;
}

} // namespace

QString NodeIcons::resourceFor(const QString &icon, const QString &category)
{
    static QHash<QString, QString> resolved;
    const QString cacheKey = icon + u'\n' + category;
    const auto it = resolved.constFind(cacheKey);
    if (it != resolved.constEnd())
        return *it;
    QString path = QStringLiteral(":/icons/nodes/%1.svg").arg(icon);
    if (icon.isEmpty() || !QFile::exists(path))
        path = QStringLiteral(":/icons/nodes/category-%1.svg").arg(category.toLower());
    if (!QFile::exists(path))
        path = QStringLiteral(":/icons/nodes/generic.svg");
    resolved.insert(cacheKey, path);
    return path;
}

QString NodeIcons::resourceFor(const NodeType &type)
{
    return resourceFor(type.icon, type.category);
}

QPixmap NodeIcons::glyph(const QString &resource, int logicalSize, qreal dpr)
{
    const QString key = QStringLiteral("%1@%2x%3").arg(resource).arg(logicalSize).arg(dpr);
    auto &cache = glyphCache();
    const auto it = cache.constFind(key);
    if (it != cache.constEnd())
        return *it;
    const int px = qRound(logicalSize * dpr);
    QPixmap pm(px, px);
    pm.fill(Qt::transparent);
    QSvgRenderer svg(resource);
    QPainter p(&pm);
    p.setRenderHint(QPainter::Antialiasing);
    svg.render(&p, QRectF(0, 0, px, px));
    p.end();
    pm.setDevicePixelRatio(dpr);
    cache.insert(key, pm);
    return pm;
}

QPixmap NodeIcons::tilePixmap(const QString &resource,
                              const QColor &tile,
                              int logicalSize,
                              qreal dpr)
{
    const int px = qRound(logicalSize * dpr);
    QPixmap pm(px, px);
    pm.fill(Qt::transparent);
    QPainter p(&pm);
    p.setRenderHint(QPainter::Antialiasing);
    p.scale(dpr, dpr);
    QPainterPath path;
    path.addRoundedRect(QRectF(0.5, 0.5, logicalSize - 1, logicalSize - 1),
                        logicalSize * 0.24,
                        logicalSize * 0.24);
    p.fillPath(path, tile);
    const int inset = qRound(logicalSize * 0.18);
    const int inner = logicalSize - 2 * inset;
    p.drawPixmap(QRect(inset, inset, inner, inner), glyph(resource, inner, dpr));
    p.end();
    pm.setDevicePixelRatio(dpr);
    return pm;
}

QIcon NodeIcons::tileIcon(const NodeType &type, const QColor &tile)
{
    QIcon icon;
    const QString resource = resourceFor(type);
    // QIcon picks among device-pixel sizes itself; HiDPI screens take the larger ones.
    for (int size : {16, 20, 24, 32, 40, 48, 64})
        icon.addPixmap(tilePixmap(resource, tile, size, 1.0));
    return icon;
}

} // namespace fb
