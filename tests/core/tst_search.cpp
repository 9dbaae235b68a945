// Model selection: parameter text, search spaces, folds, the cross_validate node against
// scikit-learn's KFold scores, and grid/random search (leaderboard, best model, progress per
// candidate, the same results serial or parallel, cancellation, messages).

#include "PipelineTestSupport.h"

#include "data/Datasets.h"
#include "exec/NodeContext.h"
#include "model/MetricsData.h"
#include "model/Model.h"
#include "nodes/Folds.h"
#include "nodes/SearchSpace.h"
#include "nodes/Trainer.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QtTest>

#include <cmath>
#include <set>

using namespace fb;
using fbtest::Builder;

namespace {

const QList<ParamSpec> &logisticParams()
{
    return TrainerRegistry::builtin().find(QStringLiteral("logistic_regression"))->params;
}

// dataset -> standardize(all rows) -> node `id` of `type` with `params`.
Builder standardized(const QString &dataset,
                     const QString &id,
                     const QString &type,
                     const QJsonObject &params)
{
    Builder b;
    b.node(QStringLiteral("d"),
           QStringLiteral("sample_dataset"),
           {{QStringLiteral("dataset"), dataset}});
    b.node(QStringLiteral("z"), QStringLiteral("standardize"));
    b.node(id, type, params);
    b.link(QStringLiteral("d.table"), QStringLiteral("z.train"));
    b.link(QStringLiteral("z.train"), id + QStringLiteral(".table"));
    return b;
}

Eigen::VectorXd numericColumn(const Table &t, const QString &name)
{
    const int i = t.indexOf(name);
    return i < 0 ? Eigen::VectorXd() : Eigen::VectorXd(t.numeric(i));
}

QStringList textColumn(const Table &t, const QString &name)
{
    QStringList out;
    const int i = t.indexOf(name);
    for (Eigen::Index r = 0; i >= 0 && r < t.rowCount(); ++r)
        out.append(t.displayValue(r, i));
    return out;
}

const char *kKFoldScript = R"PY(
import json, sys
import numpy as np
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.model_selection import KFold, cross_val_score
data = np.loadtxt(sys.argv[1], delimiter=",", dtype=str)
X = data[:, :-1].astype(float)
if sys.argv[2] == "ridge":
    y = data[:, -1].astype(float)
    model, scoring = Ridge(alpha=1.0), "r2"
else:
    y = data[:, -1]
    model, scoring = LogisticRegression(C=1.0, max_iter=100, tol=1e-4), "accuracy"
scores = cross_val_score(model, X, y, cv=KFold(5), scoring=scoring)
print(json.dumps({"scores": scores.tolist()}))
)PY";

} // namespace

class tst_Search : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void parseAssignments_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<double>("C");
        QTest::addColumn<int>("maxIter");
        QTest::addColumn<bool>("intercept");
        QTest::addColumn<QString>("error");
        QTest::newRow("defaults") << "" << 1.0 << 100 << true << QString();
        QTest::newRow("semicolons") << "C=0.5; max_iter=200" << 0.5 << 200 << true << QString();
        QTest::newRow("lines") << "C = 2\nfit_intercept=false\n"
                               << 2.0 << 100 << false << QString();
        QTest::newRow("json") << R"({"C": 3, "max_iter": 7})" << 3.0 << 7 << true << QString();
        QTest::newRow("unknown") << "gamma=1" << 0.0 << 0 << true
                                 << "logistic_regression has no parameter 'gamma' (parameters: C, "
                                    "max_iter, tol, fit_intercept)";
        QTest::newRow("not a number")
            << "C=abc" << 0.0 << 0 << true << "parameter 'C': expected a number, got 'abc'";
        QTest::newRow("out of range") << "C=0" << 0.0 << 0 << true << "parameter 'C': ";
        QTest::newRow("no value") << "C" << 0.0 << 0 << true << "'C': expected name=value";
        QTest::newRow("twice") << "C=1; C=2" << 0.0 << 0 << true << "parameter 'C' is given twice";
        QTest::newRow("bad json") << "{C: 1}" << 0.0 << 0 << true << "invalid JSON object";
    }

    void parseAssignments()
    {
        QFETCH(QString, text);
        QFETCH(double, C);
        QFETCH(int, maxIter);
        QFETCH(bool, intercept);
        QFETCH(QString, error);
        try {
            const QJsonObject p = fb::parseAssignments(text,
                                                       logisticParams(),
                                                       QStringLiteral("logistic_regression"));
            QVERIFY2(error.isEmpty(), "expected an error");
            QCOMPARE(p.value(QStringLiteral("C")).toDouble(), C);
            QCOMPARE(p.value(QStringLiteral("max_iter")).toInt(), maxIter);
            QCOMPARE(p.value(QStringLiteral("fit_intercept")).toBool(), intercept);
            QCOMPARE(p.value(QStringLiteral("tol")).toDouble(), 1e-4); // untouched default
            // The text form reads back to the same values.
            QCOMPARE(fb::parseAssignments(formatAssignments(p, p.keys()),
                                          logisticParams(),
                                          QStringLiteral("logistic_regression")),
                     p);
        } catch (const NodeError &e) {
            QVERIFY2(!error.isEmpty() && QString::fromUtf8(e.what()).contains(error), e.what());
        }
    }

    void gridIsEveryCombinationInOrder()
    {
        const SearchSpace space = parseSearchSpace(QStringLiteral("C=0.1,1; max_iter=100,200,300"),
                                                   logisticParams(),
                                                   QStringLiteral("logistic_regression"),
                                                   false);
        QVERIFY(space.isGrid());
        QCOMPARE(space.gridSize(), 6.0);
        QCOMPARE(space.names(), (QStringList{QStringLiteral("C"), QStringLiteral("max_iter")}));
        const QList<QJsonObject> grid = space.grid({{QStringLiteral("tol"), 0.5}});
        QCOMPARE(grid.size(), 6);
        QStringList seen;
        for (const QJsonObject &p : grid) {
            QCOMPARE(p.value(QStringLiteral("tol")).toDouble(), 0.5);
            seen.append(formatAssignments(p, space.names()));
        }
        QCOMPARE(seen.first(), QStringLiteral("C=0.1; max_iter=100"));
        QCOMPARE(seen.at(1), QStringLiteral("C=0.1; max_iter=200"));
        QCOMPARE(seen.last(), QStringLiteral("C=1; max_iter=300"));
    }

    void randomSearchDraws()
    {
        const SearchSpace space = parseSearchSpace(
            QStringLiteral(
                "C=loguniform(1e-3, 1e3); max_iter=randint(50,60); fit_intercept=true,false"),
            logisticParams(),
            QStringLiteral("logistic_regression"),
            true);
        QVERIFY(!space.isGrid());
        const QList<QJsonObject> a = space.sample({}, 400, 5);
        QCOMPARE(a.size(), 400);
        QCOMPARE(space.sample({}, 400, 5), a);
        QVERIFY(space.sample({}, 400, 6) != a);
        std::set<int> iters;
        double lowC = 1e9, highC = 0;
        int withIntercept = 0;
        for (const QJsonObject &p : a) {
            const double c = p.value(QStringLiteral("C")).toDouble();
            QVERIFY(c >= 1e-3 && c <= 1e3);
            lowC = std::min(lowC, c);
            highC = std::max(highC, c);
            const double it = p.value(QStringLiteral("max_iter")).toDouble();
            QCOMPARE(it, std::round(it));
            iters.insert(int(it));
            withIntercept += p.value(QStringLiteral("fit_intercept")).toBool() ? 1 : 0;
        }
        QCOMPARE(iters.size(), size_t(11)); // 50..60, both ends included
        QCOMPARE(*iters.begin(), 50);
        QVERIFY(lowC < 1e-2 && highC > 1e2); // log-uniform reaches both decades
        QVERIFY(withIntercept > 150 && withIntercept < 250);
        // Lists only: drawn without replacement, at most the grid.
        const SearchSpace lists = parseSearchSpace(QStringLiteral("C=0.1,1,10"),
                                                   logisticParams(),
                                                   QStringLiteral("logistic_regression"),
                                                   true);
        const QList<QJsonObject> all = lists.sample({}, 5, 1);
        QCOMPARE(all.size(), 3);
        QCOMPARE(QSet<double>({all[0].value(QStringLiteral("C")).toDouble(),
                               all[1].value(QStringLiteral("C")).toDouble(),
                               all[2].value(QStringLiteral("C")).toDouble()})
                     .size(),
                 3);
    }

    void searchSpaceErrors_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<bool>("random");
        QTest::addColumn<QString>("error");
        QTest::newRow("distribution in grid")
            << "C=loguniform(1,2)" << false << "needs random search";
        QTest::newRow("randint on a real") << "C=randint(1,5)" << true << "does not apply";
        QTest::newRow("loguniform from 0")
            << "alpha=loguniform(0,1)" << true << "positive bounds"; // ridge
        QTest::newRow("reversed bounds") << "C=uniform(5,1)" << true << "lower bound first";
        QTest::newRow("bool distribution")
            << "fit_intercept=uniform(0,1)" << true << "does not apply";
        QTest::newRow("empty") << " ; " << false << "the search space is empty";
        QTest::newRow("unknown") << "gamma=1,2" << false << "has no parameter 'gamma'";
        QTest::newRow("bad value") << "max_iter=10,x" << false << "expected an integer";
    }

    void searchSpaceErrors()
    {
        QFETCH(QString, text);
        QFETCH(bool, random);
        QFETCH(QString, error);
        const QString algorithm = text.startsWith(QStringLiteral("alpha"))
                                      ? QStringLiteral("ridge_regression")
                                      : QStringLiteral("logistic_regression");
        try {
            parseSearchSpace(text,
                             TrainerRegistry::builtin().find(algorithm)->params,
                             algorithm,
                             random);
            QFAIL("expected an error");
        } catch (const NodeError &e) {
            QVERIFY2(QString::fromUtf8(e.what()).contains(error), e.what());
        }
    }

    void foldsPartitionRows_data()
    {
        QTest::addColumn<QString>("dataset");
        QTest::addColumn<int>("k");
        QTest::addColumn<bool>("stratified");
        QTest::addColumn<bool>("shuffle");
        QTest::newRow("iris stratified 5") << "iris" << 5 << true << true;
        QTest::newRow("iris stratified 7") << "iris" << 7 << true << true;
        QTest::newRow("breast_cancer stratified 10") << "breast_cancer" << 10 << true << true;
        QTest::newRow("diabetes shuffled 3") << "diabetes" << 3 << false << true;
        QTest::newRow("diabetes blocks 4") << "diabetes" << 4 << false << false;
    }

    void foldsPartitionRows()
    {
        QFETCH(QString, dataset);
        QFETCH(int, k);
        QFETCH(bool, stratified);
        QFETCH(bool, shuffle);
        const TablePtr t = loadSampleDataset(dataset);
        const Eigen::Index n = t->rowCount();
        const std::vector<Fold> folds = makeFolds(*t, k, stratified, shuffle, 3);
        QCOMPARE(int(folds.size()), k);
        std::vector<int> tested(size_t(n), 0);
        size_t smallest = size_t(n), largest = 0;
        for (const Fold &f : folds) {
            QCOMPARE(Eigen::Index(f.train.size() + f.test.size()), n);
            QVERIFY(std::is_sorted(f.test.begin(), f.test.end()));
            QVERIFY(std::is_sorted(f.train.begin(), f.train.end()));
            for (Eigen::Index r : f.test)
                ++tested[size_t(r)];
            smallest = std::min(smallest, f.test.size());
            largest = std::max(largest, f.test.size());
            if (stratified) {
                // Each class's share: per fold within one row of n_class / k.
                QHash<QString, int> inFold, overall;
                for (Eigen::Index r : f.test)
                    ++inFold[t->displayValue(r, t->targetColumn())];
                for (Eigen::Index r = 0; r < n; ++r)
                    ++overall[t->displayValue(r, t->targetColumn())];
                for (auto it = overall.begin(); it != overall.end(); ++it)
                    QVERIFY(std::abs(inFold.value(it.key()) - double(it.value()) / k) < 1.0 + 1e-9);
            }
        }
        QVERIFY(std::all_of(tested.begin(), tested.end(), [](int c) { return c == 1; }));
        QVERIFY(largest - smallest <= 1);
        if (!shuffle) {
            QCOMPARE(folds.front().test.front(), Eigen::Index(0));
            QCOMPARE(folds.front().test.back(), Eigen::Index(folds.front().test.size() - 1));
        }
        // Same seed, same folds; another seed, others.
        QVERIFY(makeFolds(*t, k, stratified, shuffle, 3).front().test == folds.front().test);
        if (shuffle)
            QVERIFY(makeFolds(*t, k, stratified, shuffle, 4).front().test != folds.front().test);
    }

    void foldErrors()
    {
        const TablePtr iris = loadSampleDataset(QStringLiteral("iris"));
        QVERIFY_THROWS_EXCEPTION(NodeError, makeFolds(*iris, 1, false, true, 0));
        QVERIFY_THROWS_EXCEPTION(NodeError, makeFolds(*iris, 151, false, true, 0));
        QVERIFY_THROWS_EXCEPTION(NodeError,
                                 makeFolds(*iris, 51, true, true, 0)); // every class has 50 rows
        QStringList warnings;
        makeFolds(*iris, 150, false, true, 0, &warnings); // leave-one-out works
        QVERIFY(warnings.isEmpty());
    }

    // Unshuffled KFold gives the same folds as scikit-learn's KFold(5), so per-fold scores match.
    void crossValidateMatchesSklearn_data()
    {
        QTest::addColumn<QString>("dataset");
        QTest::addColumn<QString>("algorithm");
        QTest::addColumn<QString>("metric");
        QTest::addColumn<double>("tolerance");
        QTest::newRow("ridge diabetes") << "diabetes"
                                        << "ridge_regression"
                                        << "r2" << 1e-9;
        QTest::newRow("logistic breast_cancer") << "breast_cancer"
                                                << "logistic_regression"
                                                << "accuracy" << 1e-12;
    }

    void crossValidateMatchesSklearn()
    {
        QFETCH(QString, dataset);
        QFETCH(QString, algorithm);
        QFETCH(QString, metric);
        QFETCH(double, tolerance);
        if (const QString why = fbtest::sklearnMissing(); !why.isEmpty())
            QSKIP(qPrintable(why));
        Builder b = standardized(dataset,
                                 QStringLiteral("cv"),
                                 QStringLiteral("cross_validate"),
                                 {{QStringLiteral("algorithm"), algorithm},
                                  {QStringLiteral("shuffle"), false},
                                  {QStringLiteral("stratified"), false},
                                  {QStringLiteral("folds"), 5}});
        auto r = fbtest::run(b.p);
        QVERIFY2(r->state(QStringLiteral("cv")) == TaskState::Success,
                 qPrintable(r->error(QStringLiteral("cv"))));
        const auto folds = r->out<Table>(QStringLiteral("cv"), QStringLiteral("folds"));
        const auto metrics = r->out<MetricsData>(QStringLiteral("cv"), QStringLiteral("metrics"));
        QCOMPARE(folds->rowCount(), Eigen::Index(5));
        const Eigen::VectorXd ours = numericColumn(*folds, metric);

        QTemporaryDir dir;
        const QString csv = dir.filePath(QStringLiteral("data.csv"));
        QVERIFY(fbtest::writeTableCsv(*r->out<Table>(QStringLiteral("z"), QStringLiteral("train")),
                                      csv));
        QString error;
        const QJsonObject py = fbtest::runPython(QString::fromUtf8(kKFoldScript),
                                                 {csv,
                                                  algorithm == u"ridge_regression"
                                                      ? QStringLiteral("ridge")
                                                      : QStringLiteral("logistic")},
                                                 &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        const QJsonArray theirs = py.value(QStringLiteral("scores")).toArray();
        QCOMPARE(theirs.size(), 5);
        double mean = 0;
        for (int f = 0; f < 5; ++f) {
            QVERIFY2(std::abs(ours[f] - theirs[f].toDouble()) <= tolerance,
                     qPrintable(QStringLiteral("fold %1: %2 vs sklearn %3")
                                    .arg(f + 1)
                                    .arg(ours[f], 0, 'g', 17)
                                    .arg(theirs[f].toDouble(), 0, 'g', 17)));
            mean += theirs[f].toDouble() / 5;
        }
        QVERIFY(std::abs(metrics->value(metric) - mean) <= tolerance);
        QVERIFY(metrics->value(metric + QStringLiteral("_std")) > 0);
        QCOMPARE(metrics->values.first().first, metric);
    }

    void crossValidateReportsFolds()
    {
        Builder b = standardized(QStringLiteral("iris"),
                                 QStringLiteral("cv"),
                                 QStringLiteral("cross_validate"),
                                 {{QStringLiteral("algorithm"),
                                   QStringLiteral("logistic_regression")},
                                  {QStringLiteral("params"), QStringLiteral("C=0.5; max_iter=50")},
                                  {QStringLiteral("folds"), 4},
                                  {QStringLiteral("metric"), QStringLiteral("f1_macro")}});
        auto r = fbtest::run(b.p);
        QVERIFY2(r->state(QStringLiteral("cv")) == TaskState::Success,
                 qPrintable(r->error(QStringLiteral("cv"))));
        QSet<qint64> foldSteps;
        QSet<QString> keys;
        bool progress = false;
        for (const RunEvent &e : r->events->drain()) {
            if (e.nodeId != u"cv")
                continue;
            if (e.kind == RunEvent::Kind::Metric) {
                keys.insert(e.key);
                if (e.key == u"fold_f1_macro")
                    foldSteps.insert(e.step);
            }
            progress = progress || e.kind == RunEvent::Kind::Progress;
        }
        QCOMPARE(foldSteps, (QSet<qint64>{1, 2, 3, 4}));
        QVERIFY2(keys.contains(QStringLiteral("fold4/loss")),
                 qPrintable(QStringList(keys.values()).join(u' ')));
        QVERIFY(keys.contains(QStringLiteral("f1_macro"))
                && keys.contains(QStringLiteral("f1_macro_std")));
        QVERIFY(progress);
        const auto metrics = r->out<MetricsData>(QStringLiteral("cv"), QStringLiteral("metrics"));
        QCOMPARE(metrics->details.value(QStringLiteral("params"))
                     .toObject()
                     .value(QStringLiteral("C"))
                     .toDouble(),
                 0.5);
        QVERIFY(metrics->value(QStringLiteral("f1_macro")) > 0.85);
    }

    void gridSearchLeaderboardAndBestModel()
    {
        Builder b = standardized(QStringLiteral("breast_cancer"),
                                 QStringLiteral("gs"),
                                 QStringLiteral("grid_search"),
                                 {{QStringLiteral("algorithm"),
                                   QStringLiteral("logistic_regression")},
                                  {QStringLiteral("space"), QStringLiteral("C=0.0001,0.01,1,100")},
                                  {QStringLiteral("params"), QStringLiteral("max_iter=300")},
                                  {QStringLiteral("folds"), 3}});
        auto r = fbtest::run(b.p);
        QVERIFY2(r->state(QStringLiteral("gs")) == TaskState::Success,
                 qPrintable(r->error(QStringLiteral("gs"))));
        const auto board = r->out<Table>(QStringLiteral("gs"), QStringLiteral("leaderboard"));
        QCOMPARE(board->rowCount(), Eigen::Index(4));
        for (const char *c : {"rank",
                              "candidate",
                              "params",
                              "C",
                              "mean_accuracy",
                              "std_accuracy",
                              "fold1_accuracy",
                              "fold3_accuracy",
                              "mean_f1_macro",
                              "mean_log_loss",
                              "mean_fit_seconds"})
            QVERIFY2(board->indexOf(QString::fromLatin1(c)) >= 0, c);
        const Eigen::VectorXd rank = numericColumn(*board, QStringLiteral("rank"));
        const Eigen::VectorXd score = numericColumn(*board, QStringLiteral("mean_accuracy"));
        QCOMPARE(rank[0], 1.0);
        for (Eigen::Index i = 1; i < 4; ++i) {
            QVERIFY(rank[i] >= rank[i - 1]);
            QVERIFY(score[i] <= score[i - 1]);
        }
        // The tiniest C underfits: it ranks last.
        QCOMPARE(numericColumn(*board, QStringLiteral("C"))[3], 0.0001);
        QCOMPARE(textColumn(*board, QStringLiteral("params"))[3], QStringLiteral("C=0.0001"));

        // Each candidate visible: a candidate_score metric per candidate and a log line.
        QSet<qint64> steps;
        int lines = 0;
        for (const RunEvent &e : r->events->drain()) {
            if (e.nodeId != u"gs")
                continue;
            if (e.kind == RunEvent::Kind::Metric && e.key == u"candidate_score")
                steps.insert(e.step);
            if (e.kind == RunEvent::Kind::Log && e.text.startsWith(QStringLiteral("candidate ")))
                ++lines;
        }
        QCOMPARE(steps, (QSet<qint64>{1, 2, 3, 4}));
        QCOMPARE(lines, 4);

        // The best model is refitted on every row with the winning parameters.
        const auto model = r->out<Model>(QStringLiteral("gs"), QStringLiteral("model"));
        const double bestC = numericColumn(*board, QStringLiteral("C"))[0];
        QCOMPARE(model->params.value(QStringLiteral("C")).toDouble(), bestC);
        QCOMPARE(model->params.value(QStringLiteral("max_iter")).toInt(), 300);
        const auto metrics = r->out<MetricsData>(QStringLiteral("gs"), QStringLiteral("metrics"));
        QCOMPARE(metrics->value(QStringLiteral("accuracy")), score[0]);
        QCOMPARE(metrics->details.value(QStringLiteral("best_params"))
                     .toObject()
                     .value(QStringLiteral("C"))
                     .toDouble(),
                 bestC);
        QCOMPARE(r->metric(QStringLiteral("gs"), QStringLiteral("best_accuracy")), score[0]);
        const auto data = r->out<Table>(QStringLiteral("z"), QStringLiteral("train"));
        QCOMPARE(model->lineage.dataHash.isEmpty(), false);
        QCOMPARE(model->predict(data).values.size(), data->rowCount());
    }

    // Candidates run side by side when the thread budget allows; results must not depend on it.
    void parallelSearchEqualsSerial()
    {
        const QJsonObject params{{QStringLiteral("algorithm"), QStringLiteral("ridge_regression")},
                                 {QStringLiteral("space"),
                                  QStringLiteral(
                                      "alpha=0.01,0.1,1,10,100; fit_intercept=true,false")},
                                 {QStringLiteral("folds"), 4},
                                 {QStringLiteral("metric"), QStringLiteral("rmse")}};
        Builder b = standardized(QStringLiteral("diabetes"),
                                 QStringLiteral("gs"),
                                 QStringLiteral("grid_search"),
                                 params);
        auto serial = fbtest::run(b.p, 1);
        auto parallel = fbtest::run(b.p, 2);
        for (auto *r : {serial.get(), parallel.get()})
            QVERIFY2(r->state(QStringLiteral("gs")) == TaskState::Success,
                     qPrintable(r->error(QStringLiteral("gs"))));
        const auto a = serial->out<Table>(QStringLiteral("gs"), QStringLiteral("leaderboard"));
        const auto c = parallel->out<Table>(QStringLiteral("gs"), QStringLiteral("leaderboard"));
        QCOMPARE(a->rowCount(), Eigen::Index(10));
        QCOMPARE(textColumn(*a, QStringLiteral("params")), textColumn(*c, QStringLiteral("params")));
        QCOMPARE(numericColumn(*a, QStringLiteral("mean_rmse")),
                 numericColumn(*c, QStringLiteral("mean_rmse")));
        // rmse: lower is better, so the leaderboard ascends.
        const Eigen::VectorXd rmse = numericColumn(*a, QStringLiteral("mean_rmse"));
        for (Eigen::Index i = 1; i < rmse.size(); ++i)
            QVERIFY(rmse[i] >= rmse[i - 1]);
    }

    void randomSearchIsSeeded()
    {
        QJsonObject params{{QStringLiteral("algorithm"), QStringLiteral("logistic_regression")},
                           {QStringLiteral("search"), QStringLiteral("random")},
                           {QStringLiteral("space"),
                            QStringLiteral("C=loguniform(1e-2,1e2); max_iter=randint(20,200)")},
                           {QStringLiteral("n_iter"), 6},
                           {QStringLiteral("folds"), 3},
                           {QStringLiteral("seed"), 11}};
        Builder b = standardized(QStringLiteral("wine"),
                                 QStringLiteral("gs"),
                                 QStringLiteral("grid_search"),
                                 params);
        auto first = fbtest::run(b.p);
        auto second = fbtest::run(b.p);
        b.set(QStringLiteral("gs"), QStringLiteral("seed"), 12);
        auto other = fbtest::run(b.p);
        QVERIFY2(first->state(QStringLiteral("gs")) == TaskState::Success,
                 qPrintable(first->error(QStringLiteral("gs"))));
        auto candidates = [](const fbtest::Ran &r) {
            QStringList p = textColumn(*r.out<Table>(QStringLiteral("gs"),
                                                     QStringLiteral("leaderboard")),
                                       QStringLiteral("params"));
            p.sort();
            return p;
        };
        QCOMPARE(candidates(*first).size(), 6);
        QCOMPARE(candidates(*second), candidates(*first));
        QVERIFY(candidates(*other) != candidates(*first));
    }

    void searchErrors_data()
    {
        QTest::addColumn<QJsonObject>("params");
        QTest::addColumn<QString>("error");
        QTest::newRow("metric for another task")
            << QJsonObject{{"metric", "r2"}} << "metric 'r2' does not apply to classification";
        QTest::newRow("unknown parameter")
            << QJsonObject{{"space", "gamma=1,2"}} << "has no parameter 'gamma'";
        QTest::newRow("grid too large")
            << QJsonObject{{"space", "C=1,2,3; max_iter=10,20"}, {"max_candidates", 5}}
            << "the grid has 6 combinations, more than max_candidates (5)";
        QTest::newRow("max_iter=1 still scores")
            << QJsonObject{{"space", "C=1,2"}, {"folds", 2}, {"params", "max_iter=1"}}
            << QString(); // not a failure: L-BFGS stops early but still scores
    }

    void searchErrors()
    {
        QFETCH(QJsonObject, params);
        QFETCH(QString, error);
        params.insert(QStringLiteral("algorithm"), QStringLiteral("logistic_regression"));
        Builder b = standardized(QStringLiteral("iris"),
                                 QStringLiteral("gs"),
                                 QStringLiteral("grid_search"),
                                 params);
        auto r = fbtest::run(b.p);
        if (error.isEmpty()) {
            QCOMPARE(r->state(QStringLiteral("gs")), TaskState::Success);
            return;
        }
        QCOMPARE(r->state(QStringLiteral("gs")), TaskState::Failed);
        QVERIFY2(r->error(QStringLiteral("gs")).contains(error),
                 qPrintable(r->error(QStringLiteral("gs"))));
    }

    void searchIsCancellable()
    {
        Builder b
            = standardized(QStringLiteral("digits"),
                           QStringLiteral("gs"),
                           QStringLiteral("grid_search"),
                           {{QStringLiteral("algorithm"), QStringLiteral("logistic_regression")},
                            {QStringLiteral("space"),
                             QStringLiteral("C=0.001,0.01,0.1,1,10,100,1000; tol=1e-9,1e-10")},
                            {QStringLiteral("params"), QStringLiteral("max_iter=5000")},
                            {QStringLiteral("folds"), 10}});
        Executor executor(NodeRegistry::builtin());
        auto events = executor.events().subscribe();
        RunRequest req;
        req.pipeline = b.p;
        QString error;
        QVERIFY2(executor.start(req, &error), qPrintable(error));
        // Cancel once the first candidate has been scored.
        QElapsedTimer timer;
        timer.start();
        bool scored = false;
        while (!scored && timer.elapsed() < 60000 && events->wait(1000))
            for (const RunEvent &e : events->drain())
                scored = scored
                         || (e.kind == RunEvent::Kind::Metric && e.key == u"candidate_score");
        QVERIFY(scored);
        timer.restart();
        executor.cancel();
        QVERIFY(executor.wait(30000));
        QVERIFY2(timer.elapsed() < 5000, qPrintable(QString::number(timer.elapsed())));
        QCOMPARE(executor.result().task(QStringLiteral("gs"))->state, TaskState::Cancelled);
    }
};

QTEST_GUILESS_MAIN(tst_Search)
#include "tst_search.moc"
