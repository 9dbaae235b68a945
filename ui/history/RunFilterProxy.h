#pragma once

#include "exec/TaskState.h"

#include <QDate>
#include <QSortFilterProxyModel>

#include <optional>

namespace fb {

// Filters the run history by pipeline, state, start date and free text (run id, pipeline name
// or path, state, host), and sorts by RunHistoryModel::SortRole. Filtering happens on the
// loaded rows, so typing in the search field is instant.
class RunFilterProxy : public QSortFilterProxyModel
{
    Q_OBJECT

public:
    explicit RunFilterProxy(QObject *parent = nullptr);

    void setPipeline(const QString &name); // exact name; empty = every pipeline
    void setState(std::optional<TaskState> state);
    // Runs started on or after `from` and on or before `to` (local dates); invalid = open.
    void setDateRange(const QDate &from, const QDate &to);
    void setText(const QString &text);

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const override;

private:
    QString m_pipeline;
    std::optional<TaskState> m_state;
    qint64 m_fromMs = 0;
    qint64 m_toMs = 0; // exclusive; 0 = open
    QString m_text;
};

} // namespace fb
