#pragma once

#include <QStyledItemDelegate>

namespace fb {

// Draws the item's text over a horizontal bar whose length is the fraction (0..1) the item
// holds in `role`: feature importances and coefficient magnitudes read at a glance.
class ValueBarDelegate : public QStyledItemDelegate
{
    Q_OBJECT

public:
    explicit ValueBarDelegate(int role, QObject *parent = nullptr);

    void paint(QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const override;

private:
    int m_role;
};

} // namespace fb
