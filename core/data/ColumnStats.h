#pragma once

#include "Table.h"

#include <QList>
#include <QString>

#include <functional>
#include <vector>

namespace fb {

// What a user wants to know about one column at a glance: its kind, how much is missing, the
// moments and range of a numeric column or the most frequent levels of a categorical one, and
// a small histogram. Computed in one pass per column (two for the histogram), so summarising a
// 1,000,000-row table costs a few tens of milliseconds per column — callers still run it off
// the GUI thread.
struct ColumnStats
{
    QString name;
    ColumnKind kind = ColumnKind::Numeric;
    ColumnRole role = ColumnRole::Feature;
    qint64 count = 0;   // non-missing values
    qint64 missing = 0; // NaN / missing codes
    // Numeric (NaN when there is no finite value). std is the sample standard deviation
    // (n - 1), as pandas' describe() reports it.
    double mean = 0.0, std = 0.0, min = 0.0, max = 0.0;
    qint64 infinite = 0; // +/-inf values: counted, kept out of the moments and the histogram
    // Numeric: equal-width bins over [min, max]; categorical: counts of `levels` in order.
    std::vector<qint64> histogram;
    // Categorical: the most frequent levels first (ties in order of first appearance), at most
    // the number asked for; `distinct` is the number of levels that occur.
    QStringList levels;
    qint64 distinct = 0;
};

struct ColumnStatsOptions
{
    int bins = 20;      // numeric histogram bins
    int topLevels = 10; // categorical levels listed
    // Called between columns; returning false stops early (the list returned is then partial).
    std::function<bool(int done, int total)> progress;
};

QList<ColumnStats> computeColumnStats(const Table &table, const ColumnStatsOptions &options = {});
ColumnStats computeColumnStats(const Table &table, int column, const ColumnStatsOptions &options = {});

} // namespace fb
