#include "RunHistoryPanel.h"

#include "RunFilterProxy.h"
#include "RunHistoryModel.h"
#include "store/RunStore.h"

#include <QComboBox>
#include <QDateEdit>
#include <QEvent>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QTableView>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>

namespace fb {

namespace {

// How many runs the browser loads; filtering and sorting then happen in memory.
constexpr int loadLimit = 20000;

// A date edit whose lowest date reads "any": the open end of the range.
QDateEdit *openDateEdit(const QString &name, QWidget *parent)
{
    auto *edit = new QDateEdit(parent);
    edit->setObjectName(name);
    edit->setCalendarPopup(true);
    edit->setDisplayFormat(QStringLiteral("yyyy-MM-dd"));
    edit->setMinimumDate(QDate(2000, 1, 1));
    edit->setSpecialValueText(QObject::tr("any"));
    edit->setDate(edit->minimumDate());
    return edit;
}

QDate dateOrOpen(const QDateEdit *edit)
{
    return edit->date() == edit->minimumDate() ? QDate() : edit->date();
}

} // namespace

RunHistoryPanel::RunHistoryPanel(QWidget *parent)
    : QWidget(parent)
{
    setObjectName(QStringLiteral("runHistoryPanel"));
    m_model = new RunHistoryModel(this);
    m_proxy = new RunFilterProxy(this);
    m_proxy->setSourceModel(m_model);

    m_search = new QLineEdit(this);
    m_search->setObjectName(QStringLiteral("runSearch"));
    m_search->setPlaceholderText(tr("Search runs (id, pipeline, state, host)"));
    m_search->setClearButtonEnabled(true);
    m_pipeline = new QComboBox(this);
    m_pipeline->setObjectName(QStringLiteral("runPipeline"));
    m_pipeline->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    m_pipeline->addItem(tr("All pipelines"), QString());
    m_state = new QComboBox(this);
    m_state->setObjectName(QStringLiteral("runState"));
    m_state->addItem(tr("Any state"), -1);
    for (TaskState s : {TaskState::Success,
                        TaskState::Failed,
                        TaskState::Running,
                        TaskState::Cancelled,
                        TaskState::Interrupted})
        m_state->addItem(taskStateName(s), int(s));
    m_from = openDateEdit(QStringLiteral("runFrom"), this);
    m_to = openDateEdit(QStringLiteral("runTo"), this);
    m_open = new QPushButton(tr("Open"), this);
    m_open->setObjectName(QStringLiteral("openRun"));
    m_open->setToolTip(
        tr("Show the run's node states on the canvas, its charts, timeline and log"));
    m_compare = new QPushButton(tr("Compare"), this);
    m_compare->setObjectName(QStringLiteral("compareRuns"));
    m_compare->setToolTip(
        tr("Compare the selected runs: metric curves, parameters, final metrics"));
    m_refresh = new QPushButton(tr("Refresh"), this);
    m_refresh->setObjectName(QStringLiteral("refreshRuns"));

    m_view = new QTableView(this);
    m_view->setObjectName(QStringLiteral("runTable"));
    m_view->setModel(m_proxy);
    m_view->setSortingEnabled(true);
    m_view->sortByColumn(RunHistoryModel::StartColumn, Qt::DescendingOrder);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_view->setAlternatingRowColors(true);
    m_view->setWordWrap(false);
    m_view->setShowGrid(false);
    m_view->verticalHeader()->hide();
    m_view->verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 8);
    m_view->horizontalHeader()->setHighlightSections(false);
    m_view->horizontalHeader()->setStretchLastSection(true);
    m_view->horizontalHeader()->setSectionResizeMode(QHeaderView::Interactive);

    m_count = new QLabel(this);
    m_count->setObjectName(QStringLiteral("runCount"));
    m_info = new QLabel(this);
    m_info->setObjectName(QStringLiteral("runInfo"));
    m_info->setWordWrap(true);
    m_info->setTextInteractionFlags(Qt::TextSelectableByMouse);

    // Three short rows rather than one long one: the dock shares the bottom area with the
    // charts and is often narrow.
    auto *filters = new QHBoxLayout;
    filters->setSpacing(6);
    filters->addWidget(m_search, 1);
    filters->addWidget(m_pipeline);
    filters->addWidget(m_state);
    auto *dates = new QHBoxLayout;
    dates->setSpacing(6);
    dates->addWidget(new QLabel(tr("Started"), this));
    dates->addWidget(m_from);
    dates->addWidget(new QLabel(QStringLiteral("–"), this));
    dates->addWidget(m_to);
    dates->addStretch(1);
    dates->addWidget(m_refresh);
    dates->addWidget(m_open);
    dates->addWidget(m_compare);
    auto *status = new QHBoxLayout;
    status->setSpacing(12);
    status->addWidget(m_count);
    status->addWidget(m_info, 1);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(6, 6, 6, 6);
    layout->setSpacing(6);
    layout->addLayout(filters);
    layout->addLayout(dates);
    layout->addWidget(m_view, 1);
    layout->addLayout(status);

    m_watcher = new QFutureWatcher<QList<RunOverview>>(this);
    connect(m_watcher, &QFutureWatcherBase::finished, this, &RunHistoryPanel::loadFinished);
    connect(m_search, &QLineEdit::textChanged, this, &RunHistoryPanel::filtersChanged);
    connect(m_pipeline, &QComboBox::currentIndexChanged, this, &RunHistoryPanel::filtersChanged);
    connect(m_state, &QComboBox::currentIndexChanged, this, &RunHistoryPanel::filtersChanged);
    connect(m_from, &QDateEdit::dateChanged, this, &RunHistoryPanel::filtersChanged);
    connect(m_to, &QDateEdit::dateChanged, this, &RunHistoryPanel::filtersChanged);
    connect(m_refresh, &QPushButton::clicked, this, &RunHistoryPanel::refresh);
    connect(m_open, &QPushButton::clicked, this, [this] {
        const QStringList ids = selectedRunIds();
        if (!ids.isEmpty())
            Q_EMIT openRequested(ids.first());
    });
    connect(m_compare, &QPushButton::clicked, this, [this] {
        const QStringList ids = selectedRunIds();
        if (ids.size() >= 2)
            Q_EMIT compareRequested(ids);
    });
    connect(m_view, &QTableView::doubleClicked, this, [this](const QModelIndex &index) {
        Q_EMIT openRequested(index.data(RunHistoryModel::RunIdRole).toString());
    });
    connect(m_view->selectionModel(),
            &QItemSelectionModel::selectionChanged,
            this,
            &RunHistoryPanel::updateButtons);
    connect(m_proxy, &QAbstractItemModel::modelReset, this, &RunHistoryPanel::updateButtons);
    connect(m_proxy, &QAbstractItemModel::rowsRemoved, this, &RunHistoryPanel::updateButtons);
    connect(m_proxy, &QAbstractItemModel::rowsInserted, this, &RunHistoryPanel::updateButtons);
    updateButtons();
}

RunHistoryPanel::~RunHistoryPanel()
{
    // The job reads the store; it must not outlive the panel's owner.
    m_watcher->disconnect(this);
    m_watcher->waitForFinished();
}

void RunHistoryPanel::setStore(RunStore *store)
{
    m_store = store;
    m_location = store ? store->location() : StoreLocation();
    refresh();
}

void RunHistoryPanel::refresh()
{
    if (m_loading) {
        m_reloadPending = true;
        return;
    }
    startLoad();
}

void RunHistoryPanel::waitForLoad()
{
    m_watcher->waitForFinished();
}

void RunHistoryPanel::startLoad()
{
    if (!m_store) {
        m_model->setRuns({});
        m_count->setText(tr("No run store"));
        return;
    }
    m_loading = true;
    if (m_model->rowCount() == 0)
        m_count->setText(tr("Loading runs…"));
    m_reloadPending = false;
    m_refresh->setEnabled(false);
    RunStore *store = m_store;
    const StoreLocation location = m_location;
    m_watcher->setFuture(QtConcurrent::run([store, location] {
        // Events of a run that just finished may still sit in the writer's queue.
        store->flush(10000);
        RunQueries queries(location);
        return queries.overview(loadLimit);
    }));
}

void RunHistoryPanel::loadFinished()
{
    m_loading = false;
    m_refresh->setEnabled(true);
    const QStringList selected = selectedRunIds();
    m_model->setRuns(m_watcher->result());
    updatePipelineChoices();
    selectRuns(selected);
    for (int c = 0; c < m_model->columnCount() - 1; ++c)
        m_view->resizeColumnToContents(c);
    filtersChanged();
    Q_EMIT loaded(int(m_model->rowCount()));
    if (m_reloadPending)
        startLoad();
}

void RunHistoryPanel::updatePipelineChoices()
{
    const QString current = m_pipeline->currentData().toString();
    const QSignalBlocker block(m_pipeline);
    while (m_pipeline->count() > 1)
        m_pipeline->removeItem(1);
    for (const QString &name : m_model->pipelines())
        m_pipeline->addItem(name.isEmpty() ? tr("(unnamed)") : name, name);
    const int keep = m_pipeline->findData(current);
    m_pipeline->setCurrentIndex(keep < 0 ? 0 : keep);
}

void RunHistoryPanel::filtersChanged()
{
    m_proxy->setText(m_search->text());
    m_proxy->setPipeline(m_pipeline->currentData().toString());
    const int state = m_state->currentData().toInt();
    m_proxy->setState(state < 0 ? std::nullopt : std::optional<TaskState>(TaskState(state)));
    m_proxy->setDateRange(dateOrOpen(m_from), dateOrOpen(m_to));
    const int shown = m_proxy->rowCount(), all = m_model->rowCount();
    m_count->setText(shown == all ? (all == 1 ? tr("1 run") : tr("%1 runs").arg(all))
                                  : tr("%1 of %2 runs").arg(shown).arg(all));
    updateButtons();
}

void RunHistoryPanel::updateButtons()
{
    const int n = int(m_view->selectionModel()->selectedRows().size());
    m_open->setEnabled(n >= 1);
    m_compare->setEnabled(n >= 2);
    m_compare->setText(n >= 2 ? tr("Compare %1").arg(n) : tr("Compare"));
}

QStringList RunHistoryPanel::selectedRunIds() const
{
    QModelIndexList rows = m_view->selectionModel()->selectedRows();
    std::sort(rows.begin(), rows.end(), [](const QModelIndex &a, const QModelIndex &b) {
        return a.row() < b.row();
    });
    QStringList ids;
    for (const QModelIndex &i : rows)
        ids.append(i.data(RunHistoryModel::RunIdRole).toString());
    return ids;
}

void RunHistoryPanel::selectRuns(const QStringList &runIds)
{
    QItemSelection selection;
    for (int row = 0; row < m_proxy->rowCount(); ++row) {
        const QModelIndex i = m_proxy->index(row, 0);
        if (runIds.contains(i.data(RunHistoryModel::RunIdRole).toString()))
            selection.select(i, m_proxy->index(row, m_proxy->columnCount() - 1));
    }
    m_view->selectionModel()->select(selection,
                                     QItemSelectionModel::ClearAndSelect
                                         | QItemSelectionModel::Rows);
}

void RunHistoryPanel::setInfo(const QString &text)
{
    m_info->setText(text);
}

void RunHistoryPanel::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::PaletteChange)
        m_model->setPalette(palette());
    QWidget::changeEvent(event);
}

} // namespace fb
