#pragma once

#include "store/RunQueries.h"

#include <QAbstractTableModel>
#include <QPalette>

#include <optional>

namespace fb {

// The runs of the store as a table: run id, pipeline, state, start, duration, tasks, then a
// column per key final metric (the series found in most runs, final scores first). Sorting
// uses SortRole, which gives numbers for times and metrics so that they sort as numbers.
class RunHistoryModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column {
        RunColumn,
        PipelineColumn,
        StateColumn,
        StartColumn,
        DurationColumn,
        TasksColumn,
        FirstMetricColumn
    };
    enum Role { SortRole = Qt::UserRole + 1, RunIdRole, StateRole, StartRole };
    static constexpr int maxMetricColumns = 4;

    explicit RunHistoryModel(QObject *parent = nullptr);

    void setRuns(QList<RunOverview> runs);
    const QList<RunOverview> &runs() const { return m_runs; }
    const RunOverview *find(const QString &runId) const;
    // "node.key" of the metric columns, in column order.
    QStringList metricColumns() const { return m_metricColumns; }
    QStringList pipelines() const; // distinct pipeline names, sorted
    // Recolours the state column (theme change).
    void setPalette(const QPalette &palette);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section,
                        Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

    static QString formatDuration(qint64 ms);
    static QString formatMetric(double value);
    // "6 tasks: 5 success, 1 failed" as a compact cell text ("5 ✓ 1 ✗").
    static QString taskSummary(const QMap<TaskState, int> &states);

private:
    void chooseMetricColumns();
    std::optional<double> metricValue(const RunOverview &run, int metricColumn) const;

    QList<RunOverview> m_runs;
    QHash<QString, int> m_rowOf;
    QStringList m_metricColumns;
    QPalette m_palette;
};

} // namespace fb
