#include "ActionIcons.h"

#include <QPainter>
#include <QSvgRenderer>

namespace fb {

namespace {

QPixmap tinted(QSvgRenderer &svg, int px, const QColor &color)
{
    QPixmap pm(px, px);
    pm.fill(Qt::transparent);
    QPainter p(&pm);
    p.setRenderHint(QPainter::Antialiasing);
    svg.render(&p, QRectF(0, 0, px, px));
    p.setCompositionMode(QPainter::CompositionMode_SourceIn);
    p.fillRect(pm.rect(), color);
    p.end();
    return pm;
}

} // namespace

QIcon ActionIcons::icon(const QString &name, const QColor &color, const QColor &disabled)
{
    QSvgRenderer svg(QStringLiteral(":/icons/actions/%1.svg").arg(name));
    QIcon icon;
    if (!svg.isValid())
        return icon;
    for (int px : {16, 18, 20, 24, 32, 36, 40, 48, 64}) {
        icon.addPixmap(tinted(svg, px, color), QIcon::Normal);
        icon.addPixmap(tinted(svg, px, disabled), QIcon::Disabled);
    }
    return icon;
}

} // namespace fb
