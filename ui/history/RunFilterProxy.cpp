#include "RunFilterProxy.h"

#include "RunHistoryModel.h"

#include <QDateTime>

namespace fb {

RunFilterProxy::RunFilterProxy(QObject *parent)
    : QSortFilterProxyModel(parent)
{
    setSortRole(RunHistoryModel::SortRole);
    setSortCaseSensitivity(Qt::CaseInsensitive);
}

void RunFilterProxy::setPipeline(const QString &name)
{
    if (name == m_pipeline)
        return;
    m_pipeline = name;
    invalidateRowsFilter();
}

void RunFilterProxy::setState(std::optional<TaskState> state)
{
    if (state == m_state)
        return;
    m_state = state;
    invalidateRowsFilter();
}

void RunFilterProxy::setDateRange(const QDate &from, const QDate &to)
{
    m_fromMs = from.isValid() ? from.startOfDay().toMSecsSinceEpoch() : 0;
    m_toMs = to.isValid() ? to.addDays(1).startOfDay().toMSecsSinceEpoch() : 0;
    invalidateRowsFilter();
}

void RunFilterProxy::setText(const QString &text)
{
    const QString t = text.trimmed();
    if (t == m_text)
        return;
    m_text = t;
    invalidateRowsFilter();
}

bool RunFilterProxy::filterAcceptsRow(int sourceRow, const QModelIndex &) const
{
    const auto *model = static_cast<const RunHistoryModel *>(sourceModel());
    const RunSummary &r = model->runs().at(sourceRow).run;
    if (!m_pipeline.isEmpty() && r.pipelineName != m_pipeline)
        return false;
    if (m_state && r.state != *m_state)
        return false;
    if (m_fromMs > 0 && r.startMs < m_fromMs)
        return false;
    if (m_toMs > 0 && r.startMs >= m_toMs)
        return false;
    if (m_text.isEmpty())
        return true;
    for (const QString &field :
         {r.runId, r.pipelineName, r.pipelinePath, taskStateName(r.state), r.host})
        if (field.contains(m_text, Qt::CaseInsensitive))
            return true;
    return false;
}

} // namespace fb
