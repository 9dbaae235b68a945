#include "ValueBarDelegate.h"

#include <QPainter>

#include <algorithm>

namespace fb {

ValueBarDelegate::ValueBarDelegate(int role, QObject *parent)
    : QStyledItemDelegate(parent)
    , m_role(role)
{}

void ValueBarDelegate::paint(QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const
{
    const QVariant fraction = index.data(m_role);
    if (fraction.isValid() && !(option.state & QStyle::State_Selected)) {
        const double f = std::clamp(fraction.toDouble(), 0.0, 1.0);
        QColor bar = option.palette.color(QPalette::Highlight);
        bar.setAlphaF(0.28f);
        const QRectF r = QRectF(option.rect).adjusted(2, 3, -2, -3);
        painter->fillRect(QRectF(r.left(), r.top(), r.width() * f, r.height()), bar);
    }
    QStyledItemDelegate::paint(painter, option, index);
}

} // namespace fb
