#include "RunHistoryModel.h"

#include "style/CanvasStyle.h"

#include <QApplication>
#include <QDateTime>
#include <QFont>
#include <QFontDatabase>
#include <QJsonDocument>
#include <QSet>

#include <algorithm>
#include <cmath>
#include <limits>

namespace fb {

RunHistoryModel::RunHistoryModel(QObject *parent)
    : QAbstractTableModel(parent)
    , m_palette(QApplication::palette())
{}

void RunHistoryModel::setRuns(QList<RunOverview> runs)
{
    beginResetModel();
    m_runs = std::move(runs);
    m_rowOf.clear();
    for (int i = 0; i < m_runs.size(); ++i)
        m_rowOf.insert(m_runs[i].run.runId, i);
    chooseMetricColumns();
    endResetModel();
}

const RunOverview *RunHistoryModel::find(const QString &runId) const
{
    const auto it = m_rowOf.constFind(runId);
    return it == m_rowOf.cend() ? nullptr : &m_runs[*it];
}

QStringList RunHistoryModel::pipelines() const
{
    QSet<QString> names;
    for (const RunOverview &r : m_runs)
        names.insert(r.run.pipelineName);
    QStringList out(names.cbegin(), names.cend());
    out.sort(Qt::CaseInsensitive);
    return out;
}

void RunHistoryModel::setPalette(const QPalette &palette)
{
    m_palette = palette;
    if (!m_runs.isEmpty())
        Q_EMIT dataChanged(index(0, StateColumn), index(rowCount() - 1, StateColumn));
}

void RunHistoryModel::chooseMetricColumns()
{
    // The series most runs have; final scores (one point, e.g. evaluate.accuracy) before the
    // last points of training curves, which say less about the result.
    struct Count
    {
        int runs = 0;
        bool curve = false;
    };
    QHash<QString, Count> counts;
    for (const RunOverview &r : m_runs) {
        for (const FinalMetric &m : r.finalMetrics) {
            Count &c = counts[m.nodeId + u'.' + m.key];
            c.runs += 1;
            c.curve = c.curve || m.curve;
        }
    }
    QStringList keys = counts.keys();
    std::sort(keys.begin(), keys.end(), [&](const QString &a, const QString &b) {
        const Count &ca = counts[a], &cb = counts[b];
        if (ca.curve != cb.curve)
            return !ca.curve;
        if (ca.runs != cb.runs)
            return ca.runs > cb.runs;
        return a < b;
    });
    m_metricColumns = keys.mid(0, maxMetricColumns);
}

std::optional<double> RunHistoryModel::metricValue(const RunOverview &run, int metricColumn) const
{
    const QString &name = m_metricColumns.at(metricColumn);
    for (const FinalMetric &m : run.finalMetrics)
        if (name.size() == m.nodeId.size() + 1 + m.key.size() && name.startsWith(m.nodeId)
            && name.endsWith(m.key) && name.at(m.nodeId.size()) == u'.')
            return m.value;
    return std::nullopt;
}

int RunHistoryModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_runs.size());
}

int RunHistoryModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : FirstMetricColumn + int(m_metricColumns.size());
}

QString RunHistoryModel::formatDuration(qint64 ms)
{
    if (ms < 0)
        return QString();
    if (ms < 1000)
        return QStringLiteral("%1 ms").arg(ms);
    if (ms < 60'000)
        return QStringLiteral("%1 s").arg(ms / 1000.0, 0, 'f', ms < 10'000 ? 2 : 1);
    const qint64 s = ms / 1000;
    if (s < 3600)
        return QStringLiteral("%1:%2 min").arg(s / 60).arg(s % 60, 2, 10, QLatin1Char('0'));
    return QStringLiteral("%1:%2 h").arg(s / 3600).arg((s / 60) % 60, 2, 10, QLatin1Char('0'));
}

QString RunHistoryModel::formatMetric(double value)
{
    if (std::isnan(value))
        return QStringLiteral("NaN");
    return QString::number(value, 'g', 4);
}

QString RunHistoryModel::taskSummary(const QMap<TaskState, int> &states)
{
    int ok = 0, bad = 0, other = 0;
    for (auto it = states.cbegin(); it != states.cend(); ++it) {
        if (it.key() == TaskState::Success)
            ok += it.value();
        else if (it.key() == TaskState::Failed || it.key() == TaskState::UpstreamFailed)
            bad += it.value();
        else
            other += it.value();
    }
    QStringList parts{QStringLiteral("%1 ✓").arg(ok)};
    if (bad)
        parts.append(QStringLiteral("%1 ✗").arg(bad));
    if (other)
        parts.append(QStringLiteral("%1 ◦").arg(other));
    return parts.join(QStringLiteral("  "));
}

QVariant RunHistoryModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= m_runs.size())
        return {};
    const RunOverview &o = m_runs.at(index.row());
    const RunSummary &r = o.run;
    const qint64 duration = r.endMs > 0 ? r.endMs - r.startMs : -1;
    const int column = index.column();
    switch (role) {
    case RunIdRole:
        return r.runId;
    case StateRole:
        return int(r.state);
    case StartRole:
        return r.startMs;
    case Qt::DisplayRole:
        switch (column) {
        case RunColumn:
            return r.runId;
        case PipelineColumn:
            return r.pipelineName.isEmpty() ? tr("(unnamed)") : r.pipelineName;
        case StateColumn:
            return taskStateName(r.state);
        case StartColumn:
            return QDateTime::fromMSecsSinceEpoch(r.startMs).toString(
                QStringLiteral("yyyy-MM-dd HH:mm:ss"));
        case DurationColumn:
            return duration < 0 ? tr("running") : formatDuration(duration);
        case TasksColumn:
            return taskSummary(o.taskStates);
        default:
            if (auto v = metricValue(o, column - FirstMetricColumn))
                return formatMetric(*v);
            return QString();
        }
    case SortRole:
        switch (column) {
        case StartColumn:
            return r.startMs;
        case DurationColumn:
            return duration;
        case TasksColumn:
            return r.taskCount;
        case RunColumn:
        case PipelineColumn:
        case StateColumn:
            return data(index, Qt::DisplayRole);
        default:
            // Runs without the metric sort below every value.
            if (auto v = metricValue(o, column - FirstMetricColumn); v && !std::isnan(*v))
                return *v;
            return -std::numeric_limits<double>::infinity();
        }
    case Qt::ForegroundRole:
        if (column == StateColumn)
            return CanvasStyle::fromPalette(m_palette).stateColor(r.state);
        return {};
    case Qt::FontRole:
        if (column == StateColumn) {
            QFont f;
            f.setBold(true);
            return f;
        }
        if (column == RunColumn)
            return QFontDatabase::systemFont(QFontDatabase::FixedFont);
        return {};
    case Qt::TextAlignmentRole:
        if (column == DurationColumn || column >= FirstMetricColumn)
            return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
        return {};
    case Qt::ToolTipRole: {
        QStringList lines{tr("Run %1 of %2").arg(r.runId, r.pipelineName)};
        if (!r.pipelinePath.isEmpty())
            lines.append(r.pipelinePath);
        for (auto it = o.taskStates.cbegin(); it != o.taskStates.cend(); ++it)
            lines.append(QStringLiteral("%1: %2").arg(taskStateName(it.key())).arg(it.value()));
        if (!r.overrides.isEmpty())
            lines.append(tr("Overrides: %1")
                             .arg(QString::fromUtf8(
                                 QJsonDocument(r.overrides).toJson(QJsonDocument::Compact))));
        if (!r.host.isEmpty())
            lines.append(tr("Host %1, process %2").arg(r.host).arg(r.pid));
        return lines.join(u'\n');
    }
    default:
        return {};
    }
}

QVariant RunHistoryModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal)
        return {};
    if (role == Qt::ToolTipRole && section >= FirstMetricColumn)
        return tr("Final value of %1").arg(m_metricColumns.value(section - FirstMetricColumn));
    if (role != Qt::DisplayRole)
        return {};
    switch (section) {
    case RunColumn:
        return tr("Run");
    case PipelineColumn:
        return tr("Pipeline");
    case StateColumn:
        return tr("State");
    case StartColumn:
        return tr("Started");
    case DurationColumn:
        return tr("Duration");
    case TasksColumn:
        return tr("Tasks");
    default:
        return m_metricColumns.value(section - FirstMetricColumn);
    }
}

} // namespace fb
