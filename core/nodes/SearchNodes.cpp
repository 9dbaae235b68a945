// Model selection: k-fold cross-validation of one algorithm, and grid or random search over its
// parameters with cross-validation per candidate (scikit-learn's cross_validate, GridSearchCV
// and RandomizedSearchCV). Both train through Trainer::fit, so every algorithm can be searched.

#include "BuiltinNodes.h"

#include "CrossValidation.h"
#include "Evaluation.h"
#include "SearchSpace.h"
#include "exec/NodeContext.h"
#include "model/TableAssembler.h"
#include "pipeline/NodeRegistry.h"

#include <ml/common/Parallel.h>

#include <QJsonArray>

#include <algorithm>
#include <cmath>
#include <functional>
#include <numeric>

namespace fb {

namespace {

const QString tablePort = QStringLiteral("table");
const QString metricsPort = QStringLiteral("metrics");
const QString foldsPort = QStringLiteral("folds");
const QString leaderboardPort = QStringLiteral("leaderboard");
const QString modelPort = QStringLiteral("model");

ml::TaskKind taskOf(const Trainer &t)
{
    switch (t.target) {
    case TargetKind::Classes:
        return ml::TaskKind::Classification;
    case TargetKind::Values:
        return ml::TaskKind::Regression;
    case TargetKind::None:
        break;
    }
    return ml::TaskKind::Clustering;
}

const Trainer &requireTrainer(NodeContext &ctx)
{
    const QString name = ctx.paramString(QStringLiteral("algorithm"));
    const Trainer *t = TrainerRegistry::builtin().find(name);
    if (!t)
        throw NodeError(QStringLiteral("unknown algorithm '%1'").arg(name));
    return *t;
}

QString resolveMetric(NodeContext &ctx, ml::TaskKind task)
{
    const QStringList names = metricNames(task);
    const QString metric = ctx.paramString(QStringLiteral("metric"));
    if (metric == u"auto")
        return names.first();
    if (!names.contains(metric))
        throw NodeError(QStringLiteral("metric '%1' does not apply to %2 (choose one of: %3)")
                            .arg(metric, taskKindName(task), names.join(QStringLiteral(", "))));
    return metric;
}

std::vector<Fold> foldsFor(NodeContext &ctx, const Table &table, const Trainer &trainer)
{
    // Stratification only means something for class targets (default on, as scikit-learn's cv=k).
    const bool stratified = ctx.paramBool(QStringLiteral("stratified"))
                            && trainer.target == TargetKind::Classes;
    QStringList warnings;
    auto folds = makeFolds(table,
                           ctx.paramInt(QStringLiteral("folds")),
                           stratified,
                           ctx.paramBool(QStringLiteral("shuffle")),
                           quint64(ctx.paramInt(QStringLiteral("seed"))),
                           &warnings);
    for (const QString &w : warnings)
        ctx.warning(w);
    return folds;
}

// Metric names of the first successful fold, `first` moved to the front.
QStringList reportedMetrics(const std::vector<FoldResult> &folds, const QString &first)
{
    QStringList names{first};
    for (const FoldResult &f : folds) {
        if (!f.error.isEmpty())
            continue;
        for (const auto &kv : f.values)
            if (!names.contains(kv.first))
                names.append(kv.first);
        break;
    }
    return names;
}

double foldValue(const FoldResult &f, const QString &metric)
{
    if (!f.error.isEmpty())
        return qQNaN();
    for (const auto &kv : f.values)
        if (kv.first == metric)
            return kv.second;
    return qQNaN();
}

CategoricalColumn textColumn(const QStringList &values)
{
    CategoricalColumn c;
    for (const QString &v : values) {
        qsizetype code = c.levels.indexOf(v);
        if (code < 0) {
            code = c.levels.size();
            c.levels.append(v);
        }
        c.codes.push_back(std::int32_t(code));
    }
    return c;
}

const QList<ParamSpec> &commonParams()
{
    static const QList<ParamSpec> params = [] {
        QStringList algorithms;
        for (const Trainer &t : TrainerRegistry::builtin().trainers())
            algorithms.append(t.name);
        return QList<ParamSpec>{
            ParamSpec::choice(QStringLiteral("algorithm"),
                              algorithms,
                              QStringLiteral("logistic_regression"),
                              QStringLiteral("Training algorithm (any training node's type)")),
            ParamSpec::string(
                QStringLiteral("params"),
                QString(),
                QStringLiteral(
                    "The algorithm's parameters, e.g. \"C=0.5; max_iter=200\"; others keep "
                    "their defaults")),
            ParamSpec::integer(QStringLiteral("folds"),
                               5,
                               2,
                               100,
                               QStringLiteral("Number of folds k")),
            ParamSpec::boolean(QStringLiteral("stratified"),
                               true,
                               QStringLiteral(
                                   "Classification: keep each class's share in every fold")),
            ParamSpec::boolean(QStringLiteral("shuffle"),
                               true,
                               QStringLiteral(
                                   "Shuffle rows before making folds; off uses contiguous blocks")),
            ParamSpec::integer(QStringLiteral("seed"),
                               0,
                               0,
                               std::numeric_limits<int>::max(),
                               QStringLiteral("Seed of the folds (and of random search)")),
            ParamSpec::choice(QStringLiteral("metric"),
                              QStringList{QStringLiteral("auto")} + allMetricNames(),
                              QStringLiteral("auto"),
                              QStringLiteral(
                                  "Score to report and rank by; auto: accuracy, r2 or silhouette")),
        };
    }();
    return params;
}

void runCrossValidate(NodeContext &ctx)
{
    const TablePtr table = ctx.table(tablePort);
    const Trainer &trainer = requireTrainer(ctx);
    const QJsonObject params = parseAssignments(ctx.paramString(QStringLiteral("params")),
                                                trainer.params,
                                                trainer.name);
    const ml::TaskKind task = taskOf(trainer);
    const QString metric = resolveMetric(ctx, task);
    CrossValidator cv(ctx, trainer, table, foldsFor(ctx, *table, trainer));
    cv.setReporting(ctx.paramBool(QStringLiteral("fold_metrics"))
                        ? CrossValidator::Reporting::FoldMetrics
                        : CrossValidator::Reporting::Quiet);
    ctx.info(QStringLiteral("%1-fold cross-validation of %2 (%3) on %4 rows")
                 .arg(cv.foldCount())
                 .arg(trainer.name, formatAssignments(params, params.keys()))
                 .arg(table->rowCount()));
    const std::vector<FoldResult> folds = cv.run({params}).front();
    for (size_t f = 0; f < folds.size(); ++f)
        if (!folds[f].error.isEmpty())
            throw NodeError(QStringLiteral("fold %1: %2").arg(f + 1).arg(folds[f].error));

    const QStringList names = reportedMetrics(folds, metric);
    auto metrics = std::make_shared<MetricsData>();
    metrics->task = taskKindName(task);
    QJsonObject perFold;
    TableAssembler foldTable(Eigen::Index(folds.size()));
    Eigen::VectorXd index(Eigen::Index(folds.size())), trainRows(index.size()),
        testRows(index.size()), fitSeconds(index.size());
    for (size_t f = 0; f < folds.size(); ++f) {
        index[Eigen::Index(f)] = double(f + 1);
        trainRows[Eigen::Index(f)] = double(cv.folds()[f].train.size());
        testRows[Eigen::Index(f)] = double(cv.folds()[f].test.size());
        fitSeconds[Eigen::Index(f)] = folds[f].fitSeconds;
        ctx.info(QStringLiteral("fold %1: %2 %3 (fit %4 s)")
                     .arg(f + 1)
                     .arg(metric)
                     .arg(foldValue(folds[f], metric), 0, 'g', 5)
                     .arg(folds[f].fitSeconds, 0, 'f', 3));
        ctx.metric(QStringLiteral("fold_") + metric, qint64(f + 1), foldValue(folds[f], metric));
    }
    foldTable.appendNumeric(QStringLiteral("fold"), ColumnRole::Feature, index);
    foldTable.appendNumeric(QStringLiteral("train_rows"), ColumnRole::Feature, trainRows);
    foldTable.appendNumeric(QStringLiteral("test_rows"), ColumnRole::Feature, testRows);
    foldTable.appendNumeric(QStringLiteral("fit_seconds"), ColumnRole::Feature, fitSeconds);
    for (const QString &name : names) {
        Eigen::VectorXd values(index.size());
        QJsonArray list;
        for (size_t f = 0; f < folds.size(); ++f) {
            values[Eigen::Index(f)] = foldValue(folds[f], name);
            list.append(std::isfinite(values[Eigen::Index(f)]) ? QJsonValue(values[Eigen::Index(f)])
                                                               : QJsonValue());
        }
        foldTable.appendNumeric(name, ColumnRole::Feature, values);
        perFold.insert(name, list);
        const auto [mean, sd] = meanAndStd(folds, name);
        metrics->values.append({name, mean});
        metrics->values.append({name + QStringLiteral("_std"), sd});
    }
    for (const auto &kv : metrics->values)
        ctx.metric(kv.first, 0, kv.second);
    metrics->details = QJsonObject{{QStringLiteral("algorithm"), trainer.name},
                                   {QStringLiteral("params"), params},
                                   {QStringLiteral("metric"), metric},
                                   {QStringLiteral("folds"), cv.foldCount()},
                                   {QStringLiteral("per_fold"), perFold}};
    ctx.info(QStringLiteral("%1: %2 ± %3 over %4 folds")
                 .arg(metric)
                 .arg(metrics->value(metric), 0, 'g', 5)
                 .arg(metrics->value(metric + QStringLiteral("_std")), 0, 'g', 3)
                 .arg(cv.foldCount()));
    ctx.setOutput(metricsPort, metrics);
    ctx.setOutput(foldsPort, foldTable.build());
}

// Ranks like scipy.stats.rankdata(method="min") on the scores (best = 1); NaN scores last.
std::vector<int> rankScores(const std::vector<double> &scores, bool higherBetter)
{
    std::vector<size_t> order(scores.size());
    std::iota(order.begin(), order.end(), size_t(0));
    auto better = [&](size_t a, size_t b) {
        if (std::isnan(scores[a]) || std::isnan(scores[b]))
            return !std::isnan(scores[a]) && std::isnan(scores[b]);
        return higherBetter ? scores[a] > scores[b] : scores[a] < scores[b];
    };
    std::stable_sort(order.begin(), order.end(), better);
    std::vector<int> rank(scores.size());
    for (size_t i = 0; i < order.size(); ++i) {
        const bool tie = i > 0 && !better(order[i - 1], order[i])
                         && !better(order[i], order[i - 1]);
        rank[order[i]] = tie ? rank[order[i - 1]] : int(i + 1);
    }
    return rank;
}

struct CandidateScore
{
    double mean = qQNaN();
    double sd = qQNaN();
    double fitSeconds = 0.0;
    QString error;
};

TablePtr leaderboard(const QList<QJsonObject> &candidates,
                     const QStringList &searched,
                     const QString &metric,
                     const QStringList &otherMetrics,
                     const std::vector<std::vector<FoldResult>> &results,
                     const std::vector<CandidateScore> &scores,
                     const std::vector<int> &rank)
{
    std::vector<size_t> order(candidates.size());
    std::iota(order.begin(), order.end(), size_t(0));
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
        return rank[a] < rank[b];
    });
    const auto n = Eigen::Index(order.size());
    TableAssembler t(n);
    auto numeric = [&](const QString &name, const std::function<double(size_t)> &value) {
        Eigen::VectorXd v(n);
        for (Eigen::Index i = 0; i < n; ++i)
            v[i] = value(order[size_t(i)]);
        t.appendNumeric(name, ColumnRole::Feature, std::move(v));
    };
    auto text = [&](const QString &name, const std::function<QString(size_t)> &value) {
        QStringList v;
        for (size_t c : order)
            v.append(value(c));
        t.appendCategorical(name, ColumnRole::Feature, textColumn(v));
    };
    numeric(QStringLiteral("rank"), [&](size_t c) { return double(rank[c]); });
    numeric(QStringLiteral("candidate"), [](size_t c) { return double(c + 1); });
    text(QStringLiteral("params"),
         [&](size_t c) { return formatAssignments(candidates.at(qsizetype(c)), searched); });
    for (const QString &p : searched) {
        if (candidates.first().value(p).isDouble())
            numeric(p, [&](size_t c) { return candidates.at(qsizetype(c)).value(p).toDouble(); });
        else
            text(p, [&](size_t c) {
                return formatAssignments(candidates.at(qsizetype(c)), {p}).section(u'=', 1);
            });
    }
    numeric(QStringLiteral("mean_") + metric, [&](size_t c) { return scores[c].mean; });
    numeric(QStringLiteral("std_") + metric, [&](size_t c) { return scores[c].sd; });
    const size_t k = results.empty() ? 0 : results.front().size();
    for (size_t f = 0; f < k; ++f)
        numeric(QStringLiteral("fold%1_%2").arg(f + 1).arg(metric),
                [&](size_t c) { return foldValue(results[c][f], metric); });
    for (const QString &m : otherMetrics)
        numeric(QStringLiteral("mean_") + m,
                [&](size_t c) { return meanAndStd(results[c], m).first; });
    numeric(QStringLiteral("mean_fit_seconds"), [&](size_t c) { return scores[c].fitSeconds; });
    if (std::any_of(scores.begin(), scores.end(), [](const CandidateScore &s) {
            return !s.error.isEmpty();
        }))
        text(QStringLiteral("error"), [&](size_t c) { return scores[c].error; });
    return t.build();
}

void runGridSearch(NodeContext &ctx)
{
    const TablePtr table = ctx.table(tablePort);
    const Trainer &trainer = requireTrainer(ctx);
    const QJsonObject base = parseAssignments(ctx.paramString(QStringLiteral("params")),
                                              trainer.params,
                                              trainer.name);
    const ml::TaskKind task = taskOf(trainer);
    const QString metric = resolveMetric(ctx, task);
    const bool higherBetter = higherIsBetter(metric);
    const bool random = ctx.paramString(QStringLiteral("search")) == u"random";
    const SearchSpace space = parseSearchSpace(ctx.paramString(QStringLiteral("space")),
                                               trainer.params,
                                               trainer.name,
                                               random);
    const QStringList searched = space.names();
    const int maxCandidates = ctx.paramInt(QStringLiteral("max_candidates"));
    QList<QJsonObject> candidates;
    if (random) {
        const int nIter = ctx.paramInt(QStringLiteral("n_iter"));
        if (nIter > maxCandidates)
            throw NodeError(QStringLiteral("n_iter %1 is more than max_candidates (%2)")
                                .arg(nIter)
                                .arg(maxCandidates));
        candidates = space.sample(base, nIter, quint64(ctx.paramInt(QStringLiteral("seed"))));
        if (candidates.size() < nIter)
            ctx.warning(QStringLiteral(
                            "the grid has only %1 combinations: all of them are tried instead of "
                            "n_iter=%2")
                            .arg(candidates.size())
                            .arg(nIter));
    } else {
        if (space.gridSize() > maxCandidates)
            throw NodeError(
                QStringLiteral("the grid has %1 combinations, more than max_candidates (%2); "
                               "narrow it or use random search")
                    .arg(space.gridSize(), 0, 'g', 6)
                    .arg(maxCandidates));
        candidates = space.grid(base);
    }
    CrossValidator cv(ctx, trainer, table, foldsFor(ctx, *table, trainer));
    cv.setReporting(CrossValidator::Reporting::Quiet);
    ctx.info(
        QStringLiteral(
            "%1 search over %2: %3 candidate(s) x %4 folds = %5 fits on %6 rows, ranked by %7, "
            "%8 at a time")
            .arg(random ? QStringLiteral("random") : QStringLiteral("grid"),
                 searched.join(QStringLiteral(", ")))
            .arg(candidates.size())
            .arg(cv.foldCount())
            .arg(candidates.size() * cv.foldCount())
            .arg(table->rowCount())
            .arg(metric)
            .arg(std::min<qsizetype>(ml::threadBudget(), candidates.size() * cv.foldCount())));

    std::vector<CandidateScore> scores(size_t(candidates.size()));
    const auto results = cv.run(candidates, [&](int c, const std::vector<FoldResult> &folds) {
        CandidateScore &s = scores[size_t(c)];
        std::tie(s.mean, s.sd) = meanAndStd(folds, metric);
        for (const FoldResult &f : folds) {
            s.fitSeconds += f.fitSeconds / double(folds.size());
            if (s.error.isEmpty())
                s.error = f.error;
        }
        ctx.metric(QStringLiteral("candidate_score"), c + 1, s.mean);
        const QString line = QStringLiteral("candidate %1/%2 %3: %4 %5 ± %6")
                                 .arg(c + 1)
                                 .arg(candidates.size())
                                 .arg(formatAssignments(candidates.at(c), searched), metric)
                                 .arg(s.mean, 0, 'g', 5)
                                 .arg(s.sd, 0, 'g', 3);
        if (s.error.isEmpty())
            ctx.info(line);
        else
            ctx.warning(line + QStringLiteral(" — failed: ") + s.error);
    });

    std::vector<double> means;
    for (const CandidateScore &s : scores)
        means.push_back(s.mean);
    const std::vector<int> rank = rankScores(means, higherBetter);
    const auto best = size_t(std::min_element(rank.begin(), rank.end()) - rank.begin());
    if (std::isnan(scores[best].mean))
        throw NodeError(
            QStringLiteral("every candidate failed; the first: %1").arg(scores.front().error));

    QStringList otherMetrics = reportedMetrics(results[best], metric);
    otherMetrics.removeFirst();
    ctx.setOutput(leaderboardPort,
                  leaderboard(candidates, searched, metric, otherMetrics, results, scores, rank));

    // The best candidate refitted on every row, reporting like a training node.
    ctx.info(QStringLiteral("best: candidate %1, %2 (%3 %4); refitting on all %5 rows")
                 .arg(best + 1)
                 .arg(formatAssignments(candidates.at(qsizetype(best)), searched), metric)
                 .arg(scores[best].mean, 0, 'g', 5)
                 .arg(table->rowCount()));
    NodeTrainContext tc(ctx);
    ctx.setOutput(modelPort, trainer.fit(table, candidates.at(qsizetype(best)), tc));

    auto metrics = std::make_shared<MetricsData>();
    metrics->task = taskKindName(task);
    metrics->values = {{metric, scores[best].mean},
                       {metric + QStringLiteral("_std"), scores[best].sd}};
    for (const QString &m : otherMetrics)
        metrics->values.append({m, meanAndStd(results[best], m).first});
    QJsonObject bestParams;
    for (const QString &p : searched)
        bestParams.insert(p, candidates.at(qsizetype(best)).value(p));
    metrics->details = QJsonObject{{QStringLiteral("algorithm"), trainer.name},
                                   {QStringLiteral("metric"), metric},
                                   {QStringLiteral("higher_is_better"), higherBetter},
                                   {QStringLiteral("best_candidate"), int(best + 1)},
                                   {QStringLiteral("best_params"), bestParams},
                                   {QStringLiteral("params"), candidates.at(qsizetype(best))},
                                   {QStringLiteral("candidates"), int(candidates.size())},
                                   {QStringLiteral("folds"), cv.foldCount()}};
    ctx.metric(QStringLiteral("best_") + metric, 0, scores[best].mean);
    ctx.setOutput(metricsPort, metrics);
}

} // namespace

void registerSearchNodes(NodeRegistry &registry)
{
    const QString category = QStringLiteral("Evaluate");
    registry.add(NodeType{
        QStringLiteral("cross_validate"),
        QStringLiteral("Cross-Validate"),
        category,
        QStringLiteral("k-fold cross-validation of an algorithm (stratified for classification): "
                       "mean and spread "
                       "of every metric."),
        QStringLiteral("crossval"),
        {{tablePort,
          PortType::Table,
          QStringLiteral("rows to cross-validate (features and target)")}},
        {{metricsPort,
          PortType::Metrics,
          QStringLiteral("mean and std of each metric over the folds, per-fold values")},
         {foldsPort,
          PortType::Table,
          QStringLiteral("one row per fold: sizes, fit seconds, metrics")}},
        commonParams()
            + QList<ParamSpec>{ParamSpec::boolean(
                QStringLiteral("fold_metrics"),
                true,
                QStringLiteral("Report each fold's training curves as fold<k>/<metric>"))},
        runCrossValidate,
    });
    registry.add(NodeType{
        QStringLiteral("grid_search"),
        QStringLiteral("Hyper-Parameter Search"),
        category,
        QStringLiteral("Grid or random search with k-fold cross-validation per candidate: a leaderboard and the best "
                       "model refitted on all rows."),
        QStringLiteral("search"),
        {{tablePort, PortType::Table, QStringLiteral("rows to search on (features and target)")}},
        {{leaderboardPort, PortType::Table, QStringLiteral("one row per candidate, best first: params, scores, rank")},
         {modelPort, PortType::Model, QStringLiteral("the best candidate refitted on every input row")},
         {metricsPort, PortType::Metrics, QStringLiteral("the best candidate's cross-validated metrics")}},
        commonParams()
            + QList<ParamSpec>{
                ParamSpec::string(QStringLiteral("space"), QStringLiteral("C=0.01,0.1,1,10"),
                                  QStringLiteral("Values to try, e.g. \"C=0.01,0.1,1; max_iter=100,200\"; random "
                                                 "search also takes loguniform(a,b), uniform(a,b), randint(a,b)")),
                ParamSpec::choice(QStringLiteral("search"), {QStringLiteral("grid"), QStringLiteral("random")},
                                  QStringLiteral("grid"),
                                  QStringLiteral("grid: every combination; random: n_iter seeded draws")),
                ParamSpec::integer(QStringLiteral("n_iter"), 10, 1, 100000,
                                   QStringLiteral("Random search: number of candidates")),
                ParamSpec::integer(QStringLiteral("max_candidates"), 1000, 1, 1000000,
                                   QStringLiteral("Refuse searches with more candidates than this")),
            },
        runGridSearch,
    });
}

} // namespace fb
