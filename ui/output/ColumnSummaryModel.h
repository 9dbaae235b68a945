#pragma once

#include "data/ColumnStats.h"

#include <QAbstractTableModel>

namespace fb {

// One row per column of a table: name, role, kind, missing count, mean/std/min/max (numeric) or
// distinct count and most frequent levels (categorical), and a histogram drawn by
// HistogramDelegate from HistogramRole.
class ColumnSummaryModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Field { Name, Role, Kind, Missing, Mean, Std, Min, Max, Histogram, FieldCount };
    // The histogram counts (QList<qint64>) and, for categorical columns, the level names.
    static constexpr int HistogramRole = Qt::UserRole + 1;
    static constexpr int LevelsRole = Qt::UserRole + 2;

    explicit ColumnSummaryModel(QObject *parent = nullptr);

    void setStats(QList<ColumnStats> stats, qint64 rows);
    const QList<ColumnStats> &stats() const { return m_stats; }

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    QList<ColumnStats> m_stats;
    qint64 m_rows = 0;
};

} // namespace fb
