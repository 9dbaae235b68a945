#include "ColumnSummaryModel.h"

#include <cmath>

namespace fb {

namespace {

QString number(double v)
{
    return std::isnan(v) ? QString() : QString::number(v, 'g', 6);
}

} // namespace

ColumnSummaryModel::ColumnSummaryModel(QObject *parent)
    : QAbstractTableModel(parent)
{}

void ColumnSummaryModel::setStats(QList<ColumnStats> stats, qint64 rows)
{
    beginResetModel();
    m_stats = std::move(stats);
    m_rows = rows;
    endResetModel();
}

int ColumnSummaryModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_stats.size());
}

int ColumnSummaryModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : FieldCount;
}

QVariant ColumnSummaryModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= m_stats.size())
        return {};
    const ColumnStats &s = m_stats.at(index.row());
    const bool numeric = s.kind == ColumnKind::Numeric;
    if (role == HistogramRole && index.column() == Histogram)
        return QVariant::fromValue(QList<qint64>(s.histogram.begin(), s.histogram.end()));
    if (role == LevelsRole && index.column() == Histogram)
        return s.levels;
    if (role == Qt::TextAlignmentRole && index.column() >= Missing)
        return QVariant::fromValue(Qt::AlignVCenter | Qt::AlignRight);
    if (role == Qt::ToolTipRole) {
        if (!numeric && !s.levels.isEmpty()) {
            QStringList lines;
            for (qsizetype k = 0; k < s.levels.size(); ++k)
                lines.append(tr("%1: %2").arg(s.levels.at(k)).arg(s.histogram[size_t(k)]));
            if (s.distinct > s.levels.size())
                lines.append(tr("… %n more level(s)", nullptr, int(s.distinct - s.levels.size())));
            return lines.join(u'\n');
        }
        if (numeric && index.column() == Histogram && !s.histogram.empty())
            return tr("%1 bins from %2 to %3").arg(s.histogram.size()).arg(number(s.min), number(s.max));
        return {};
    }
    if (role != Qt::DisplayRole)
        return {};
    switch (Field(index.column())) {
    case Name:
        return s.name;
    case Role:
        return columnRoleName(s.role);
    case Kind:
        return numeric ? columnKindName(s.kind) : tr("categorical (%n levels)", nullptr, int(s.distinct));
    case Missing:
        if (s.missing == 0)
            return QStringLiteral("0");
        return tr("%1 (%2%)").arg(s.missing).arg(m_rows > 0 ? 100.0 * double(s.missing) / double(m_rows) : 0.0, 0, 'f', 1);
    case Mean:
        // For categorical columns this field holds the most frequent level: the "typical value".
        return numeric ? number(s.mean) : (s.levels.isEmpty() ? QString() : s.levels.first());
    case Std:
        return numeric ? number(s.std) : QString();
    case Min:
        return numeric ? number(s.min) : QString();
    case Max:
        return numeric ? number(s.max) : QString();
    case Histogram:
    case FieldCount:
        return {};
    }
    return {};
}

QVariant ColumnSummaryModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (Field(section)) {
    case Name: return tr("Column");
    case Role: return tr("Role");
    case Kind: return tr("Type");
    case Missing: return tr("Missing");
    case Mean: return tr("Mean / top");
    case Std: return tr("Std");
    case Min: return tr("Min");
    case Max: return tr("Max");
    case Histogram: return tr("Distribution");
    case FieldCount: break;
    }
    return {};
}

} // namespace fb
