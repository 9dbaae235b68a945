#include "TablePane.h"

#include "ColumnSummaryModel.h"
#include "HistogramDelegate.h"
#include "TableDataModel.h"

#include <QHeaderView>
#include <QLabel>
#include <QTabWidget>
#include <QTableView>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

namespace fb {

namespace {

QTableView *makeView(QWidget *parent)
{
    auto *view = new QTableView(parent);
    view->setSelectionBehavior(QAbstractItemView::SelectRows);
    view->setEditTriggers(QAbstractItemView::NoEditTriggers);
    view->setWordWrap(false);
    view->setCornerButtonEnabled(false);
    // Fixed row heights: the view never measures rows, so scrolling a million rows costs the
    // same as scrolling ten.
    QHeaderView *rows = view->verticalHeader();
    rows->setSectionResizeMode(QHeaderView::Fixed);
    rows->setDefaultSectionSize(view->fontMetrics().height() + 6);
    view->horizontalHeader()->setResizeContentsPrecision(100);
    view->horizontalHeader()->setHighlightSections(false);
    return view;
}

} // namespace

TablePane::TablePane(QWidget *parent)
    : QWidget(parent)
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    m_caption = new QLabel(this);
    m_caption->setObjectName(QStringLiteral("tableCaption"));
    m_caption->setContentsMargins(6, 4, 6, 2);
    m_tabs = new QTabWidget(this);
    m_tabs->setDocumentMode(true);
    m_rows = makeView(m_tabs);
    m_rows->setObjectName(QStringLiteral("rowsView"));
    m_dataModel = new TableDataModel(this);
    m_rows->setModel(m_dataModel);
    m_columns = makeView(m_tabs);
    m_columns->setObjectName(QStringLiteral("columnsView"));
    m_columns->verticalHeader()->hide();
    m_summaryModel = new ColumnSummaryModel(this);
    m_columns->setModel(m_summaryModel);
    m_columns->setItemDelegateForColumn(ColumnSummaryModel::Histogram,
                                        new HistogramDelegate(ColumnSummaryModel::HistogramRole, m_columns));
    m_columns->horizontalHeader()->setStretchLastSection(true);
    m_tabs->addTab(m_rows, tr("Rows"));
    m_tabs->addTab(m_columns, tr("Columns"));
    layout->addWidget(m_caption);
    layout->addWidget(m_tabs, 1);

    connect(&m_watcher, &QFutureWatcher<QList<ColumnStats>>::finished, this, [this] {
        if (m_watcher.isCanceled() || !m_dataModel->table())
            return;
        m_summaryModel->setStats(m_watcher.result(), m_dataModel->table()->rowCount());
        m_columns->resizeColumnsToContents();
        m_columns->setColumnWidth(ColumnSummaryModel::Histogram, 160);
        m_tabs->setTabText(1, tr("Columns"));
        Q_EMIT summaryReady();
    });
}

TablePane::~TablePane()
{
    cancelSummary();
    m_watcher.waitForFinished();
}

void TablePane::cancelSummary()
{
    if (m_cancel)
        m_cancel->store(true);
    m_cancel.reset();
}

void TablePane::setTable(TablePtr table)
{
    cancelSummary();
    m_summaryModel->setStats({}, 0);
    m_dataModel->setTable(table);
    if (!table) {
        m_caption->clear();
        return;
    }
    m_caption->setText(tr("%L1 rows × %2 columns").arg(table->rowCount()).arg(table->columnCount()));
    m_rows->resizeColumnsToContents();
    m_tabs->setTabText(1, tr("Columns (computing…)"));
    auto cancel = std::make_shared<std::atomic_bool>(false);
    m_cancel = cancel;
    // The table is shared and immutable: the worker reads it while the view shows it.
    m_watcher.setFuture(QtConcurrent::run([table, cancel] {
        ColumnStatsOptions options;
        options.progress = [cancel](int, int) { return !cancel->load(); };
        return computeColumnStats(*table, options);
    }));
}

} // namespace fb
