// Random forests (classification and regression) against scikit-learn on the bundled
// datasets, plus persistence, validation, progress, cancellation and thread independence.

#include "TreeTestSupport.h"

#include <ml/common/Parallel.h>
#include <ml/ensemble/RandomForestClassifier.h>
#include <ml/ensemble/RandomForestRegressor.h>

#include <cmath>
#include <limits>

using fb::ml::Archive;
using fb::ml::ArchiveError;
using fb::ml::RandomForestClassifier;
using fb::ml::RandomForestParams;
using fb::ml::RandomForestRegressor;
using namespace treetest;

namespace {

constexpr int kSplits = 5;
constexpr int kSeeds = 4; // a forest's test score still moves by a test row or two with its seed

const char *kSklearnScript = R"PY(
from sklearn.ensemble import RandomForestClassifier, RandomForestRegressor
task, trees, depth, features = sys.argv[4], int(sys.argv[5]), int(sys.argv[6]), sys.argv[7]
features = None if features == "all" else features if features in ("sqrt", "log2") else float(features)
scores = []
for Xtr, ytr, Xte, yte in splits():
    for seed in range(int(sys.argv[8])):
        M = RandomForestRegressor if task == "regression" else RandomForestClassifier
        m = M(n_estimators=trees, max_depth=depth or None, max_features=features, random_state=seed, n_jobs=1)
        scores.append(m.fit(Xtr, ytr).score(Xte, yte))
print(json.dumps({"score": float(np.mean(scores))}))
)PY";

double g_worst = 1.0;

// Two informative features (0 and 3) among noise.
void informativeProblem(Eigen::MatrixXd &X, Eigen::VectorXi &y, Eigen::Index rows)
{
    fb::ml::Rng rng(9);
    X.resize(rows, 8);
    y.resize(rows);
    for (Eigen::Index i = 0; i < rows; ++i) {
        for (Eigen::Index j = 0; j < X.cols(); ++j)
            X(i, j) = rng.normal();
        y[i] = X(i, 0) + 0.5 * X(i, 3) > 0.0 ? 1 : 0;
    }
}

} // namespace

class tst_MlForest : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void vsSklearn_data();
    void vsSklearn();
    void importanceFindsTheSignal();
    void roundTrip();
    void badArchivesRejected();
    void paramsValidation();
    void progressAndCancellation();
    void seededAndThreadIndependent();

private:
    bool m_haveSklearn = false;
    QString m_skipReason;
    QTemporaryDir m_dir;
};

void tst_MlForest::initTestCase()
{
    QVERIFY(m_dir.isValid());
    QVERIFY2(!qEnvironmentVariable("FLOWBENCH_SOURCE_DIR").isEmpty(),
             "FLOWBENCH_SOURCE_DIR is not set");
    m_haveSklearn = sklearnAvailable(&m_skipReason);
    fb::ml::setThreadBudget(2);
}

void tst_MlForest::cleanupTestCase()
{
    qInfo("random forests: worst (ours - scikit-learn) test score over the datasets: %+.4f",
          g_worst);
}

void tst_MlForest::vsSklearn_data()
{
    QTest::addColumn<QString>("dataset");
    QTest::addColumn<int>("trees");
    QTest::addColumn<int>("maxDepth");
    QTest::addColumn<QString>("maxFeatures");
    QTest::newRow("iris") << "iris" << 100 << 0 << "sqrt";
    QTest::newRow("wine") << "wine" << 100 << 0 << "sqrt";
    QTest::newRow("breast_cancer") << "breast_cancer" << 100 << 0 << "sqrt";
    QTest::newRow("breast_cancer depth 4, log2") << "breast_cancer" << 50 << 4 << "log2";
    QTest::newRow("digits") << "digits" << 100 << 0 << "sqrt";
    QTest::newRow("diabetes, all features") << "diabetes" << 100 << 0 << "all";
    QTest::newRow("diabetes, 0.33, depth 6") << "diabetes" << 100 << 6 << "0.33";
}

void tst_MlForest::vsSklearn()
{
    if (!m_haveSklearn)
        QSKIP(qPrintable(m_skipReason));
    QFETCH(QString, dataset);
    QFETCH(int, trees);
    QFETCH(int, maxDepth);
    QFETCH(QString, maxFeatures);
    const Dataset d = readDataset(dataset);
    const bool regression = dataset == QStringLiteral("diabetes");
    std::vector<Split> splits;
    for (int s = 0; s < kSplits; ++s)
        splits.push_back(makeSplit(d.X.rows(), 200 + std::uint64_t(s)));
    const Eigen::VectorXd y = regression ? d.target : Eigen::VectorXd(d.labels.cast<double>());
    QString error;
    const QJsonObject ref = runPython((std::string(kPythonSplits) + kSklearnScript).c_str(),
                                      writeProblem(m_dir, dataset, d.X, y, splits)
                                          + QStringList{regression ? "regression" : "classification",
                                                        QString::number(trees),
                                                        QString::number(maxDepth),
                                                        maxFeatures,
                                                        QString::number(kSeeds)},
                                      &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));

    double ours = 0.0;
    for (const Split &s : splits) {
        for (int seed = 0; seed < kSeeds; ++seed) {
            RandomForestParams params = regression ? RandomForestParams::regressor()
                                                   : RandomForestParams{};
            params.nEstimators = trees;
            params.tree.maxDepth = maxDepth;
            params.tree.maxFeatures = fb::ml::MaxFeatures::parse(maxFeatures.toStdString());
            params.tree.seed = std::uint64_t(seed);
            if (regression) {
                RandomForestRegressor forest(params);
                forest.fit(rowsOf(d.X, s, true), rowsOf(d.target, s, true));
                ours += r2(forest.predict(rowsOf(d.X, s, false)), rowsOf(d.target, s, false));
            } else {
                RandomForestClassifier forest(params);
                forest.fit(rowsOf(d.X, s, true), rowsOf(d.labels, s, true), d.classes);
                ours += accuracy(forest.predict(rowsOf(d.X, s, false)), rowsOf(d.labels, s, false));
                QCOMPARE(forest.trees().size(), size_t(trees));
            }
        }
    }
    ours /= double(kSplits * kSeeds);
    const double theirs = ref["score"].toDouble();
    g_worst = std::min(g_worst, ours - theirs);
    qInfo("%s, %d trees, depth %d, max_features %s: ours %.4f, scikit-learn %.4f (mean test %s "
          "over %d splits x %d seeds)",
          qPrintable(dataset),
          trees,
          maxDepth,
          qPrintable(maxFeatures),
          ours,
          theirs,
          regression ? "R^2" : "accuracy",
          kSplits,
          kSeeds);
    QVERIFY2(ours >= theirs - 0.01,
             qPrintable(QStringLiteral("ours %1 < scikit-learn %2 - 0.01").arg(ours).arg(theirs)));
}

void tst_MlForest::importanceFindsTheSignal()
{
    Eigen::MatrixXd X;
    Eigen::VectorXi y;
    informativeProblem(X, y, 2000);
    RandomForestParams params;
    params.nEstimators = 30;
    RandomForestClassifier forest(params);
    forest.fit(X, y, 2);
    const Eigen::VectorXd importance = forest.featureImportance();
    QCOMPARE(importance.size(), Eigen::Index(8));
    QVERIFY(std::abs(importance.sum() - 1.0) < 1e-12);
    Eigen::Index best = 0;
    importance.maxCoeff(&best);
    QCOMPARE(best, Eigen::Index(0));
    for (Eigen::Index j : {1, 2, 4, 5, 6, 7})
        QVERIFY2(importance[j] < importance[3],
                 qPrintable(QStringLiteral("noise feature %1").arg(j)));
    // Probabilities are means of leaf proportions: in [0, 1], rows sum to one.
    const Eigen::MatrixXd proba = forest.predictProba(X);
    QVERIFY((proba.rowwise().sum().array() - 1.0).abs().maxCoeff() < 1e-12);
    QVERIFY(proba.minCoeff() >= 0.0 && proba.maxCoeff() <= 1.0);
}

void tst_MlForest::roundTrip()
{
    Eigen::MatrixXd X;
    Eigen::VectorXi y;
    informativeProblem(X, y, 500);
    for (Eigen::Index i = 0; i < X.rows(); i += 7)
        X(i, 0) = std::numeric_limits<double>::quiet_NaN();
    RandomForestParams params;
    params.nEstimators = 12;
    params.tree.seed = 5;
    RandomForestClassifier classifier(params);
    classifier.fit(X, y, 2);
    const Dataset diabetes = readDataset(QStringLiteral("diabetes"));
    RandomForestParams rp = RandomForestParams::regressor();
    rp.nEstimators = 8;
    rp.bootstrap = false;
    rp.tree.maxFeatures = fb::ml::MaxFeatures::parse("0.5");
    RandomForestRegressor regressor(rp);
    regressor.fit(diabetes.X, diabetes.target);

    const std::vector<std::pair<const fb::ml::Estimator *, const Eigen::MatrixXd *>>
        models{{&classifier, &X}, {&regressor, &diabetes.X}};
    for (const auto &[model, input] : models) {
        Archive saved;
        const auto loaded = throughJson(*model, &saved);
        QCOMPARE(loaded->kind(), model->kind());
        QCOMPARE(loaded->featureCount(), model->featureCount());
        QCOMPARE(loaded->classCount(), model->classCount());
        QCOMPARE(loaded->predict(*input), model->predict(*input));
        if (model->task() == fb::ml::TaskKind::Classification)
            QCOMPARE(loaded->predictProba(*input), model->predictProba(*input));
        QCOMPARE(loaded->featureImportance(), model->featureImportance());
        Archive again;
        loaded->save(again);
        QVERIFY(again == saved);
    }
    const auto reloaded = throughJson(regressor, nullptr);
    const auto *forest = dynamic_cast<const RandomForestRegressor *>(reloaded.get());
    QVERIFY(forest);
    QVERIFY(!forest->params().bootstrap);
    QCOMPARE(forest->trees().size(), size_t(8));
    QCOMPARE(forest->params().tree.maxFeatures.toString(), std::string("0.5"));
}

void tst_MlForest::badArchivesRejected()
{
    const Dataset iris = readDataset(QStringLiteral("iris"));
    RandomForestParams params;
    params.nEstimators = 3;
    RandomForestClassifier model(params);
    model.fit(iris.X, iris.labels, iris.classes);
    const auto rejects = [](const Archive &a, const QString &expected) {
        try {
            fb::ml::loadEstimator(a);
            return QStringLiteral("accepted");
        } catch (const ArchiveError &e) {
            const QString message = QString::fromUtf8(e.what());
            return message.contains(expected) ? QString() : message;
        }
    };
    Archive a;
    model.save(a);
    Archive future = a;
    future.setInt("version", 2);
    QCOMPARE(rejects(future, QStringLiteral("version 2 is not supported")), QString());
    Archive noTrees = a;
    noTrees.setArchives("trees", {});
    QCOMPARE(rejects(noTrees, QStringLiteral("holds no trees")), QString());
    Archive badCount = a;
    badCount.setInt("n_estimators", 0);
    QCOMPARE(rejects(badCount, QStringLiteral("nEstimators must be in [1, 100000], got 0")),
             QString());
    Archive importance = a;
    importance.setVector("importance", Eigen::VectorXd::Zero(2));
    QCOMPARE(rejects(importance, QStringLiteral("'importance' has 2 values for 4 features")),
             QString());
    Archive width = a; // leaves of width 3 read as 2 classes
    width.setInt("classes", 2);
    QCOMPARE(rejects(width, QStringLiteral("leaf values for")), QString());
}

void tst_MlForest::paramsValidation()
{
    RandomForestParams p;
    p.nEstimators = 0;
    try {
        p.validate();
        QFAIL("nEstimators = 0 was accepted");
    } catch (const std::invalid_argument &e) {
        QCOMPARE(QString::fromUtf8(e.what()),
                 QStringLiteral("nEstimators must be in [1, 100000], got 0"));
    }
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, RandomForestClassifier{p});
    p = {};
    p.tree.minSamplesLeaf = 0; // the trees' parameters are validated too
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, RandomForestClassifier{p});
    // Defaults as scikit-learn's: sqrt(p) features for classification, all for regression.
    QCOMPARE(RandomForestParams{}.tree.maxFeatures.toString(), std::string("sqrt"));
    QCOMPARE(RandomForestParams::regressor().tree.maxFeatures.toString(), std::string("all"));
    QCOMPARE(RandomForestParams{}.nEstimators, 100);
    QVERIFY(RandomForestParams{}.bootstrap);
    // A classification criterion is refused for regression and the reverse.
    RandomForestParams gini = RandomForestParams::regressor();
    gini.tree.criterion = fb::ml::SplitCriterion::Gini;
    RandomForestRegressor forcedToSquaredError(gini);
    QVERIFY(forcedToSquaredError.params().tree.criterion == fb::ml::SplitCriterion::SquaredError);
    RandomForestParams squared;
    squared.tree.criterion = fb::ml::SplitCriterion::SquaredError;
    RandomForestClassifier wrong(squared);
    Eigen::MatrixXd X = Eigen::MatrixXd::Random(20, 2);
    Eigen::VectorXi y = (X.col(0).array() > 0).cast<int>();
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, wrong.fit(X, y, 2));
}

void tst_MlForest::progressAndCancellation()
{
    Eigen::MatrixXd X;
    Eigen::VectorXi y;
    informativeProblem(X, y, 3000);
    RandomForestParams params;
    params.nEstimators = 40;
    RecordingObserver observer;
    RandomForestClassifier forest(params);
    forest.fit(X, y, 2, observer);
    QVERIFY(!observer.m_iterations.empty());
    QCOMPARE(observer.m_iterations.back(), 40);
    QVERIFY(std::is_sorted(observer.m_iterations.begin(), observer.m_iterations.end()));
    QCOMPARE(observer.m_metrics["trees"].back(), 40.0);
    QVERIFY(observer.m_metrics["mean_leaves"].back() > 2.0);

    RecordingObserver cancelling;
    cancelling.m_cancelAfter = 2;
    RandomForestClassifier cancelled(params);
    QVERIFY_THROWS_EXCEPTION(fb::ml::Cancelled, cancelled.fit(X, y, 2, cancelling));
    QCOMPARE(int(cancelling.m_iterations.size()), 2);
    QVERIFY(cancelling.m_iterations.back() < 40);
    QCOMPARE(cancelled.featureCount(), Eigen::Index(0));
}

void tst_MlForest::seededAndThreadIndependent()
{
    const Dataset d = readDataset(QStringLiteral("breast_cancer"));
    RandomForestParams params;
    params.nEstimators = 24;
    params.tree.seed = 42;
    const auto fitWith = [&](int threads, std::uint64_t seed) {
        fb::ml::setThreadBudget(threads);
        RandomForestParams p = params;
        p.tree.seed = seed;
        RandomForestClassifier forest(p);
        forest.fit(d.X, d.labels, d.classes);
        return forest.predictProba(d.X);
    };
    const Eigen::MatrixXd serial = fitWith(1, 42);
    const Eigen::MatrixXd parallel = fitWith(2, 42);
    QCOMPARE(parallel, serial);
    QVERIFY(fitWith(2, 43) != parallel);
    fb::ml::setThreadBudget(2);
}

QTEST_GUILESS_MAIN(tst_MlForest)
#include "tst_ml_forest.moc"
