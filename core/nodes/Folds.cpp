#include "Folds.h"

#include "exec/NodeContext.h"

#include <ml/common/Random.h>

#include <QHash>

#include <numeric>

namespace fb {

std::vector<std::vector<Eigen::Index>> rowsByTarget(const Table &t,
                                                    const std::vector<Eigen::Index> &rows)
{
    const int target = t.targetColumn();
    if (target < 0)
        throw NodeError(QStringLiteral("stratification needs a target column; the table has none"));
    QHash<QString, int> groupOf;
    std::vector<std::vector<Eigen::Index>> groups;
    for (Eigen::Index r : rows) {
        const QString key = t.displayValue(r, target);
        auto it = groupOf.find(key);
        if (it == groupOf.end()) {
            it = groupOf.insert(key, int(groups.size()));
            groups.emplace_back();
        }
        groups[size_t(*it)].push_back(r);
    }
    return groups;
}

std::vector<Fold> makeFolds(
    const Table &table, int k, bool stratified, bool shuffle, quint64 seed, QStringList *warnings)
{
    const Eigen::Index n = table.rowCount();
    if (k < 2)
        throw NodeError(QStringLiteral("cross-validation needs at least 2 folds, got %1").arg(k));
    if (k > n)
        throw NodeError(QStringLiteral("cannot make %1 folds from %2 row(s)").arg(k).arg(n));
    std::vector<Eigen::Index> rows(static_cast<size_t>(n));
    std::iota(rows.begin(), rows.end(), Eigen::Index(0));
    std::vector<int> foldOf(static_cast<size_t>(n));
    ml::Rng rng(seed);
    if (stratified) {
        auto groups = rowsByTarget(table, rows);
        size_t largest = 0, smallest = size_t(n);
        for (const auto &g : groups) {
            largest = std::max(largest, g.size());
            smallest = std::min(smallest, g.size());
        }
        if (largest < size_t(k))
            throw NodeError(
                QStringLiteral("%1 stratified folds need a class with at least %1 rows; the "
                               "largest class has %2")
                    .arg(k)
                    .arg(largest));
        if (smallest < size_t(k) && warnings)
            warnings->append(
                QStringLiteral("the least populated class has only %1 row(s), fewer than the "
                               "%2 folds: some folds do not test it")
                    .arg(smallest)
                    .arg(k));
        // Dealing continues across classes, so fold sizes also differ by at most one overall.
        int next = 0;
        for (auto &g : groups) {
            if (shuffle)
                rng.shuffle(g.begin(), g.end());
            for (Eigen::Index r : g) {
                foldOf[size_t(r)] = next;
                next = (next + 1) % k;
            }
        }
    } else {
        if (shuffle)
            rng.shuffle(rows.begin(), rows.end());
        // The first n % k folds take one row more, as KFold.
        size_t pos = 0;
        for (int f = 0; f < k; ++f) {
            const Eigen::Index size = n / k + (f < n % k ? 1 : 0);
            for (Eigen::Index i = 0; i < size; ++i)
                foldOf[size_t(rows[pos++])] = f;
        }
    }
    std::vector<Fold> folds(static_cast<size_t>(k));
    for (Eigen::Index r = 0; r < n; ++r)
        for (int f = 0; f < k; ++f)
            (foldOf[size_t(r)] == f ? folds[size_t(f)].test : folds[size_t(f)].train).push_back(r);
    return folds;
}

} // namespace fb
