#include "HistogramDelegate.h"

#include <QApplication>
#include <QPainter>

#include <algorithm>

namespace fb {

HistogramDelegate::HistogramDelegate(int role, QObject *parent)
    : QStyledItemDelegate(parent)
    , m_role(role)
{}

void HistogramDelegate::paint(QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const
{
    QStyledItemDelegate::paint(painter, option, index); // background, selection
    const QList<qint64> counts = index.data(m_role).value<QList<qint64>>();
    if (counts.isEmpty())
        return;
    const qint64 top = *std::max_element(counts.begin(), counts.end());
    if (top <= 0)
        return;
    const QRectF area = QRectF(option.rect).adjusted(4, 3, -4, -3);
    const double step = area.width() / double(counts.size());
    const double gap = step > 4 ? 1.0 : 0.0;
    QColor bar = option.palette.color(QPalette::Highlight);
    if (option.state & QStyle::State_Selected)
        bar = option.palette.color(QPalette::HighlightedText);
    painter->save();
    painter->setRenderHint(QPainter::Antialiasing, false);
    painter->setPen(Qt::NoPen);
    painter->setBrush(bar);
    for (qsizetype i = 0; i < counts.size(); ++i) {
        // A non-empty bin is at least one pixel high: rare values stay visible.
        const double h = counts[i] > 0 ? std::max(1.0, area.height() * double(counts[i]) / double(top)) : 0.0;
        painter->drawRect(QRectF(area.left() + double(i) * step, area.bottom() - h, step - gap, h));
    }
    painter->restore();
}

QSize HistogramDelegate::sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const
{
    const QSize s = QStyledItemDelegate::sizeHint(option, index);
    return {std::max(s.width(), 120), std::max(s.height(), 22)};
}

} // namespace fb
