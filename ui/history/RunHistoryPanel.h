#pragma once

#include "store/RunQueries.h"
#include "store/StoreLocation.h"

#include <QFutureWatcher>
#include <QWidget>

class QComboBox;
class QDateEdit;
class QLabel;
class QLineEdit;
class QPushButton;
class QTableView;

namespace fb {

class RunFilterProxy;
class RunHistoryModel;
class RunStore;

// The "Runs" dock: every run of the store in a sortable, filterable table (pipeline, state,
// date range, text search). Loading happens on a pool thread with its own read-only
// connection (RunQueries), so a store with thousands of runs never blocks the window.
// Double-click or Open shows a run; select two or more and Compare.
class RunHistoryPanel : public QWidget
{
    Q_OBJECT

public:
    explicit RunHistoryPanel(QWidget *parent = nullptr);
    ~RunHistoryPanel() override;

    // The store to list (nullptr: none). Starts a refresh.
    void setStore(RunStore *store);
    RunStore *store() const { return m_store; }
    // Reloads in the background; a refresh asked for while one runs follows it.
    void refresh();
    bool isLoading() const { return m_loading; }
    // Blocks until a running load returned (before the store goes away).
    void waitForLoad();

    RunHistoryModel *model() const { return m_model; }
    RunFilterProxy *proxy() const { return m_proxy; }
    QTableView *view() const { return m_view; }
    QLineEdit *searchField() const { return m_search; }
    QComboBox *pipelineBox() const { return m_pipeline; }
    QComboBox *stateBox() const { return m_state; }
    QDateEdit *fromEdit() const { return m_from; }
    QDateEdit *toEdit() const { return m_to; }
    QPushButton *openButton() const { return m_open; }
    QPushButton *compareButton() const { return m_compare; }
    QLabel *infoLabel() const { return m_info; }

    // Run ids of the selected rows, in the order shown.
    QStringList selectedRunIds() const;
    void selectRuns(const QStringList &runIds);
    void setInfo(const QString &text);

Q_SIGNALS:
    void loaded(int runs);
    void openRequested(const QString &runId);
    void compareRequested(const QStringList &runIds);

protected:
    void changeEvent(QEvent *event) override;

private:
    void startLoad();
    void loadFinished();
    void filtersChanged();
    void updateButtons();
    void updatePipelineChoices();

    RunStore *m_store = nullptr;
    StoreLocation m_location;
    RunHistoryModel *m_model = nullptr;
    RunFilterProxy *m_proxy = nullptr;
    QTableView *m_view = nullptr;
    QLineEdit *m_search = nullptr;
    QComboBox *m_pipeline = nullptr;
    QComboBox *m_state = nullptr;
    QDateEdit *m_from = nullptr;
    QDateEdit *m_to = nullptr;
    QPushButton *m_open = nullptr;
    QPushButton *m_compare = nullptr;
    QPushButton *m_refresh = nullptr;
    QLabel *m_count = nullptr;
    QLabel *m_info = nullptr;
    QFutureWatcher<QList<RunOverview>> *m_watcher = nullptr;
    bool m_loading = false;
    bool m_reloadPending = false;
};

} // namespace fb
