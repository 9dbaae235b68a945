#include "TableDataModel.h"

#include <QApplication>
#include <QFont>
#include <QPalette>

#include <limits>

namespace fb {

TableDataModel::TableDataModel(QObject *parent)
    : QAbstractTableModel(parent)
{}

void TableDataModel::setTable(TablePtr table)
{
    beginResetModel();
    m_table = std::move(table);
    endResetModel();
}

int TableDataModel::rowCount(const QModelIndex &parent) const
{
    // QAbstractItemModel counts rows in int; larger tables show their first 2^31 - 1 rows.
    if (parent.isValid() || !m_table)
        return 0;
    return int(std::min<Eigen::Index>(m_table->rowCount(), std::numeric_limits<int>::max()));
}

int TableDataModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() || !m_table ? 0 : m_table->columnCount();
}

QVariant TableDataModel::data(const QModelIndex &index, int role) const
{
    if (!m_table || !index.isValid())
        return {};
    const Column &c = m_table->column(index.column());
    switch (role) {
    case Qt::DisplayRole: {
        const QString v = m_table->displayValue(index.row(), index.column());
        return v.isEmpty() && m_table->isMissing(index.row(), index.column()) ? QStringLiteral("NA") : v;
    }
    case Qt::TextAlignmentRole:
        return QVariant::fromValue(Qt::AlignVCenter
                                   | (c.kind == ColumnKind::Numeric ? Qt::AlignRight : Qt::AlignLeft));
    case Qt::ForegroundRole:
        if (m_table->isMissing(index.row(), index.column()))
            return QApplication::palette().color(QPalette::Disabled, QPalette::Text);
        if (c.role == ColumnRole::Ignored)
            return QApplication::palette().color(QPalette::PlaceholderText);
        return {};
    case Qt::FontRole:
        if (c.role == ColumnRole::Target) {
            QFont f;
            f.setBold(true);
            return f;
        }
        return {};
    default:
        return {};
    }
}

QVariant TableDataModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (!m_table)
        return {};
    if (orientation == Qt::Vertical)
        return role == Qt::DisplayRole ? QVariant(section + 1) : QVariant();
    const Column &c = m_table->column(section);
    switch (role) {
    case Qt::DisplayRole:
        return c.role == ColumnRole::Target ? tr("%1 (target)").arg(c.name) : c.name;
    case Qt::ToolTipRole:
        return tr("%1: %2 column, %3").arg(c.name, columnKindName(c.kind), columnRoleName(c.role));
    default:
        return {};
    }
}

} // namespace fb
