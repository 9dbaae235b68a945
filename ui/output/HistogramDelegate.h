#pragma once

#include <QStyledItemDelegate>

namespace fb {

// Paints a small bar chart from a list of counts (QList<qint64>) an item holds in `role`: bins
// for numeric columns, level counts for categorical ones.
class HistogramDelegate : public QStyledItemDelegate
{
    Q_OBJECT

public:
    explicit HistogramDelegate(int role, QObject *parent = nullptr);

    void paint(QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const override;
    QSize sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const override;

private:
    int m_role;
};

} // namespace fb
