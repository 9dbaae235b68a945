#pragma once

#include <QStyledItemDelegate>

namespace fb {

// Draws the palette: category rows as small section headers, node types as an icon tile with
// the title and the one-line doc under it.
class PaletteDelegate : public QStyledItemDelegate
{
    Q_OBJECT

public:
    using QStyledItemDelegate::QStyledItemDelegate;

    void paint(QPainter *painter,
               const QStyleOptionViewItem &option,
               const QModelIndex &index) const override;
    QSize sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const override;
};

} // namespace fb
