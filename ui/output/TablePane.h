#pragma once

#include "data/ColumnStats.h"

#include <QFutureWatcher>
#include <QWidget>

#include <atomic>
#include <memory>

class QLabel;
class QTabWidget;
class QTableView;

namespace fb {

class ColumnSummaryModel;
class TableDataModel;

// A table output: its rows in a virtual view (only visible rows are formatted, so a million
// rows open and scroll at once) and a summary of every column. The summary is computed on a
// worker thread; showing another table cancels the computation in flight.
class TablePane : public QWidget
{
    Q_OBJECT

public:
    explicit TablePane(QWidget *parent = nullptr);
    ~TablePane() override;

    void setTable(TablePtr table);

    QTableView *rowsView() const { return m_rows; }
    QTableView *columnsView() const { return m_columns; }
    ColumnSummaryModel *summaryModel() const { return m_summaryModel; }
    bool summaryPending() const { return m_watcher.isRunning(); }

Q_SIGNALS:
    void summaryReady();

private:
    void cancelSummary();

    QLabel *m_caption = nullptr;
    QTabWidget *m_tabs = nullptr;
    QTableView *m_rows = nullptr;
    QTableView *m_columns = nullptr;
    TableDataModel *m_dataModel = nullptr;
    ColumnSummaryModel *m_summaryModel = nullptr;
    QFutureWatcher<QList<ColumnStats>> m_watcher;
    std::shared_ptr<std::atomic_bool> m_cancel;
};

} // namespace fb
