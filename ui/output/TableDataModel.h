#pragma once

#include "data/Table.h"

#include <QAbstractTableModel>

namespace fb {

// A read-only model over a Table for QTableView. It formats cells on demand from the shared
// column storage, so a 1,000,000-row table costs nothing to open: the view asks only for the
// rows it shows. Missing values show as a faded "NA"; the target column is marked in the
// header.
class TableDataModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    explicit TableDataModel(QObject *parent = nullptr);

    void setTable(TablePtr table);
    const TablePtr &table() const { return m_table; }

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    TablePtr m_table;
};

} // namespace fb
