#pragma once

#include "Folds.h"
#include "Trainer.h"

#include <QJsonObject>
#include <QList>
#include <QString>

#include <functional>
#include <vector>

namespace fb {

class NodeContext;

struct FoldResult
{
    QList<QPair<QString, double>> values; // test metrics of the fold
    double fitSeconds = 0.0;
    QString error; // the fit or scoring failed (the candidate is then scored NaN)
};

// Trains and scores (candidate parameters x fold) jobs through Trainer::fit, for the
// cross-validation and search nodes. Jobs run on up to ml::threadBudget() threads, each with a
// budget of one thread (small fits gain most from running side by side); every report to the
// node context is serialised by one lock. Cancellation is checked before every job and inside
// every fit (through the fold's observer).
class CrossValidator
{
public:
    enum class Reporting {
        FoldMetrics, // per-iteration metrics and logs of each fit as "fold<k>/<name>"
        Quiet,       // only warnings, each distinct message once
    };

    CrossValidator(NodeContext &ctx,
                   const Trainer &trainer,
                   TablePtr table,
                   std::vector<Fold> folds);

    void setReporting(Reporting reporting) { m_reporting = reporting; }
    // Called (under the report lock) when every fold of a candidate has finished.
    using CandidateDone = std::function<void(int candidate, const std::vector<FoldResult> &folds)>;
    // Runs every fold of every candidate; result[candidate][fold]. Throws ml::Cancelled.
    std::vector<std::vector<FoldResult>> run(const QList<QJsonObject> &candidates,
                                             const CandidateDone &done = {});

    int foldCount() const { return int(m_folds.size()); }
    const std::vector<Fold> &folds() const { return m_folds; }

private:
    struct Shared; // lock, warning filter, lineage, stop flag
    FoldResult runJob(const QJsonObject &params, int fold, Shared &shared);

    NodeContext &m_ctx;
    const Trainer &m_trainer;
    TablePtr m_table;
    std::vector<Fold> m_folds;
    Reporting m_reporting = Reporting::FoldMetrics;
};

// Mean and (population, as scikit-learn's cv_results_ std) standard deviation of a metric over
// folds, ignoring failed folds; NaN when every fold failed.
QPair<double, double> meanAndStd(const std::vector<FoldResult> &folds, const QString &metric);

} // namespace fb
