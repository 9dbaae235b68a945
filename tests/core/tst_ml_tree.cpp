// Decision trees (classification and regression) against scikit-learn on the bundled datasets,
// plus missing values, persistence, validation, cancellation and determinism.

#include "TreeTestSupport.h"

#include <ml/common/Parallel.h>
#include <ml/tree/DecisionTreeClassifier.h>
#include <ml/tree/DecisionTreeRegressor.h>

#include <cmath>
#include <limits>

using fb::ml::Archive;
using fb::ml::ArchiveError;
using fb::ml::DecisionTreeClassifier;
using fb::ml::DecisionTreeParams;
using fb::ml::DecisionTreeRegressor;
using namespace treetest;

namespace {

constexpr int kSplits = 5;
constexpr int kSeeds = 10;
const double kNaN = std::numeric_limits<double>::quiet_NaN();

// Mean test score of scikit-learn's trees over the splits and random_state 0..9 (a single
// tree's score depends on how ties between equally good splits are broken, i.e. on the seed).
const char *kSklearnScript = R"PY(
from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor
criterion, depth = sys.argv[4], int(sys.argv[5])
scores = []
for Xtr, ytr, Xte, yte in splits():
    for seed in range(10):
        if criterion == "squared_error":
            m = DecisionTreeRegressor(max_depth=depth or None, random_state=seed)
        else:
            m = DecisionTreeClassifier(criterion=criterion, max_depth=depth or None, random_state=seed)
        scores.append(m.fit(Xtr, ytr).score(Xte, yte))
print(json.dumps({"score": float(np.mean(scores))}))
)PY";

// y = 1 exactly where x0 is missing or x0 > 0.5; x1 is noise.
void missingProblem(Eigen::MatrixXd &X, Eigen::VectorXi &y, std::uint64_t seed)
{
    fb::ml::Rng rng(seed);
    X.resize(400, 2);
    y.resize(400);
    for (Eigen::Index i = 0; i < X.rows(); ++i) {
        const bool missing = i % 5 == 0;
        X(i, 0) = missing ? kNaN : rng.uniform();
        X(i, 1) = rng.uniform();
        y[i] = (missing || X(i, 0) > 0.5) ? 1 : 0;
    }
}

double g_worst = 1.0; // smallest (ours - sklearn) over the comparisons

} // namespace

class tst_MlTree : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void vsSklearn_data();
    void vsSklearn();
    void leavesRespectLimits();
    void missingValuesLearnADirection();
    void roundTrip();
    void badArchivesRejected_data();
    void badArchivesRejected();
    void paramsValidation_data();
    void paramsValidation();
    void badInputRejected();
    void cancellation();
    void seededAndThreadIndependent();

private:
    bool m_haveSklearn = false;
    QString m_skipReason;
    QTemporaryDir m_dir;
};

void tst_MlTree::initTestCase()
{
    QVERIFY(m_dir.isValid());
    QVERIFY2(!qEnvironmentVariable("FLOWBENCH_SOURCE_DIR").isEmpty(),
             "FLOWBENCH_SOURCE_DIR is not set");
    m_haveSklearn = sklearnAvailable(&m_skipReason);
    fb::ml::setThreadBudget(2);
}

void tst_MlTree::cleanupTestCase()
{
    qInfo("decision trees: worst (ours - scikit-learn) test score over the datasets: %+.4f",
          g_worst);
}

void tst_MlTree::vsSklearn_data()
{
    QTest::addColumn<QString>("dataset");
    QTest::addColumn<QString>("criterion");
    QTest::addColumn<int>("maxDepth");
    QTest::newRow("iris gini") << "iris"
                               << "gini" << 0;
    QTest::newRow("wine gini") << "wine"
                               << "gini" << 0;
    QTest::newRow("wine entropy") << "wine"
                                  << "entropy" << 0;
    QTest::newRow("breast_cancer gini") << "breast_cancer"
                                        << "gini" << 0;
    QTest::newRow("breast_cancer entropy, depth 4") << "breast_cancer"
                                                    << "entropy" << 4;
    QTest::newRow("digits gini") << "digits"
                                 << "gini" << 0;
    QTest::newRow("digits entropy, depth 8") << "digits"
                                             << "entropy" << 8;
    QTest::newRow("diabetes depth 3") << "diabetes"
                                      << "squared_error" << 3;
    QTest::newRow("diabetes depth 5") << "diabetes"
                                      << "squared_error" << 5;
}

void tst_MlTree::vsSklearn()
{
    if (!m_haveSklearn)
        QSKIP(qPrintable(m_skipReason));
    QFETCH(QString, dataset);
    QFETCH(QString, criterion);
    QFETCH(int, maxDepth);
    const Dataset d = readDataset(dataset);
    const bool regression = criterion == QStringLiteral("squared_error");
    std::vector<Split> splits;
    for (int s = 0; s < kSplits; ++s)
        splits.push_back(makeSplit(d.X.rows(), 100 + std::uint64_t(s)));
    const Eigen::VectorXd y = regression ? d.target : Eigen::VectorXd(d.labels.cast<double>());
    QString error;
    const QJsonObject ref = runPython((std::string(kPythonSplits) + kSklearnScript).c_str(),
                                      writeProblem(m_dir, dataset, d.X, y, splits)
                                          + QStringList{criterion, QString::number(maxDepth)},
                                      &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));

    double ours = 0.0;
    for (const Split &s : splits) {
        const Eigen::MatrixXd Xtr = rowsOf(d.X, s, true);
        const Eigen::MatrixXd Xte = rowsOf(d.X, s, false);
        for (int seed = 0; seed < kSeeds; ++seed) {
            DecisionTreeParams params;
            params.maxDepth = maxDepth;
            params.seed = std::uint64_t(seed);
            if (regression) {
                DecisionTreeRegressor tree(params);
                tree.fit(Xtr, rowsOf(d.target, s, true));
                ours += r2(tree.predict(Xte), rowsOf(d.target, s, false));
            } else {
                params.criterion = fb::ml::parseCriterion(criterion.toStdString());
                DecisionTreeClassifier tree(params);
                tree.fit(Xtr, rowsOf(d.labels, s, true), d.classes);
                ours += accuracy(tree.predict(Xte), rowsOf(d.labels, s, false));
                if (maxDepth > 0)
                    QVERIFY(tree.tree().depth() <= maxDepth);
            }
        }
    }
    ours /= double(kSplits * kSeeds);
    const double theirs = ref["score"].toDouble();
    g_worst = std::min(g_worst, ours - theirs);
    qInfo("%s %s depth %d: ours %.4f, scikit-learn %.4f (mean test %s over %d splits x %d seeds)",
          qPrintable(dataset),
          qPrintable(criterion),
          maxDepth,
          ours,
          theirs,
          regression ? "R^2" : "accuracy",
          kSplits,
          kSeeds);
    QVERIFY2(ours >= theirs - 0.01,
             qPrintable(QStringLiteral("ours %1 < scikit-learn %2 - 0.01").arg(ours).arg(theirs)));
}

void tst_MlTree::leavesRespectLimits()
{
    const Dataset d = readDataset(QStringLiteral("digits"));
    DecisionTreeParams params;
    params.maxLeafNodes = 12;
    DecisionTreeClassifier limited(params);
    limited.fit(d.X, d.labels, d.classes);
    QCOMPARE(limited.tree().leafCount(), Eigen::Index(12));

    params = {};
    params.minSamplesLeaf = 40;
    DecisionTreeClassifier big(params);
    big.fit(d.X, d.labels, d.classes);
    // Every leaf holds at least 40 training rows: count them.
    std::map<std::int32_t, int> rowsPerLeaf;
    for (Eigen::Index i = 0; i < d.X.rows(); ++i)
        ++rowsPerLeaf[big.tree().leaf(d.X.data(), d.X.outerStride(), i)];
    for (const auto &[leaf, rows] : rowsPerLeaf)
        QVERIFY2(rows >= 40, qPrintable(QStringLiteral("leaf with %1 rows").arg(rows)));

    // Unlimited: every training row is classified correctly (digits has no duplicate rows
    // with different labels), and the importances sum to one.
    DecisionTreeClassifier full;
    full.fit(d.X, d.labels, d.classes);
    QCOMPARE(accuracy(full.predict(d.X), d.labels), 1.0);
    QVERIFY(std::abs(full.featureImportance().sum() - 1.0) < 1e-12);
    QVERIFY(full.featureImportance().minCoeff() >= 0.0);
    const Eigen::MatrixXd proba = full.predictProba(d.X);
    QVERIFY((proba.rowwise().sum().array() - 1.0).abs().maxCoeff() < 1e-12);
}

void tst_MlTree::missingValuesLearnADirection()
{
    Eigen::MatrixXd X;
    Eigen::VectorXi y;
    missingProblem(X, y, 7);
    DecisionTreeClassifier tree;
    tree.fit(X, y, 2);
    QCOMPARE(accuracy(tree.predict(X), y), 1.0);
    Eigen::MatrixXd unseen(2, 2);
    unseen << kNaN, 0.3, 0.2, kNaN; // x0 missing -> 1; x1 missing (never seen) is harmless
    const Eigen::VectorXd predicted = tree.predict(unseen);
    QCOMPARE(predicted[0], 1.0);
    QCOMPARE(predicted[1], 0.0);

    // Regression: the missing rows have their own mean.
    Eigen::VectorXd target = y.cast<double>() * 10.0;
    DecisionTreeRegressor regressor;
    regressor.fit(X, target);
    QCOMPARE(regressor.predict(unseen)[0], 10.0);
}

void tst_MlTree::roundTrip()
{
    Eigen::MatrixXd X;
    Eigen::VectorXi y;
    missingProblem(X, y, 3);
    const Dataset diabetes = readDataset(QStringLiteral("diabetes"));
    DecisionTreeParams params;
    params.criterion = fb::ml::SplitCriterion::Entropy;
    params.maxFeatures = fb::ml::MaxFeatures::parse("0.5");
    params.seed = 11;
    DecisionTreeClassifier classifier(params);
    classifier.fit(X, y, 2);
    DecisionTreeParams rp;
    rp.maxDepth = 6;
    DecisionTreeRegressor regressor(rp);
    regressor.fit(diabetes.X, diabetes.target);

    const std::vector<std::pair<const fb::ml::Estimator *, const Eigen::MatrixXd *>>
        models{{&classifier, &X}, {&regressor, &diabetes.X}};
    for (const auto &[model, input] : models) {
        Archive saved;
        const auto loaded = throughJson(*model, &saved);
        QCOMPARE(saved.getInt("version"), std::int64_t(1));
        QCOMPARE(loaded->kind(), model->kind());
        QCOMPARE(loaded->featureCount(), model->featureCount());
        QCOMPARE(loaded->classCount(), model->classCount());
        QCOMPARE(loaded->predict(*input), model->predict(*input)); // bit-identical
        if (model->task() == fb::ml::TaskKind::Classification)
            QCOMPARE(loaded->predictProba(*input), model->predictProba(*input));
        QCOMPARE(loaded->featureImportance(), model->featureImportance());
        Archive again;
        loaded->save(again);
        QVERIFY(again == saved);
    }
    Archive a;
    classifier.save(a);
    const auto loaded = fb::ml::loadEstimator(a);
    const auto *tree = dynamic_cast<const DecisionTreeClassifier *>(loaded.get());
    QVERIFY(tree);
    QCOMPARE(tree->params().maxFeatures.toString(), std::string("0.5"));
    QVERIFY(tree->params().criterion == fb::ml::SplitCriterion::Entropy);
    QCOMPARE(tree->params().seed, std::uint64_t(11));
}

void tst_MlTree::badArchivesRejected_data()
{
    QTest::addColumn<QString>("mutation");
    QTest::addColumn<QString>("expected");
    QTest::newRow("future version") << "version=2"
                                    << "version 2 is not supported";
    QTest::newRow("wrong kind") << "kind"
                                << "not a decision_tree_classifier archive";
    QTest::newRow("feature out of range") << "feature"
                                          << "splits on feature 9";
    QTest::newRow("child before parent") << "child"
                                         << "invalid children";
    QTest::newRow("values length") << "values"
                                   << "leaf values for";
    QTest::newRow("NaN threshold") << "nan"
                                   << "NaN or infinite";
    QTest::newRow("bad parameter") << "min_samples_leaf=0"
                                   << "minSamplesLeaf must be >= 1, got 0";
    QTest::newRow("missing trees") << "drop-trees"
                                   << "missing field 'trees'";
}

void tst_MlTree::badArchivesRejected()
{
    QFETCH(QString, mutation);
    QFETCH(QString, expected);
    const Dataset iris = readDataset(QStringLiteral("iris"));
    DecisionTreeClassifier model;
    model.fit(iris.X, iris.labels, iris.classes);
    Archive a;
    model.save(a);
    Archive tree = a.getArchives("trees").front();
    if (mutation == "version=2") {
        a.setInt("version", 2);
    } else if (mutation == "kind") {
        a.setString("kind", "decision_tree_regressor");
    } else if (mutation == "feature") {
        auto f = tree.getIntVector("feature");
        f[0] = 9;
        tree.set("feature", f);
    } else if (mutation == "child") {
        auto l = tree.getIntVector("left");
        l[0] = 0;
        tree.set("left", l);
    } else if (mutation == "values") {
        tree.setVector("values", Eigen::VectorXd::Zero(3));
    } else if (mutation == "nan") {
        Eigen::VectorXd t = tree.getVector("threshold");
        t[0] = kNaN;
        tree.setVector("threshold", t);
    } else if (mutation == "min_samples_leaf=0") {
        a.setInt("min_samples_leaf", 0);
    } else if (mutation == "drop-trees") {
        Archive copy;
        for (const auto &[key, value] : a.values())
            if (key != "trees")
                copy.set(key, value);
        a = copy;
    }
    if (mutation == "feature" || mutation == "child" || mutation == "values" || mutation == "nan")
        a.setArchives("trees", {tree});
    try {
        if (mutation == "kind")
            DecisionTreeClassifier::load(a);
        else
            fb::ml::loadEstimator(a);
        QFAIL("the archive was accepted");
    } catch (const ArchiveError &e) {
        QVERIFY2(QString::fromUtf8(e.what()).contains(expected), e.what());
    }
}

void tst_MlTree::paramsValidation_data()
{
    QTest::addColumn<QString>("field");
    QTest::addColumn<QString>("value");
    QTest::addColumn<QString>("message");
    QTest::newRow("maxDepth") << "maxDepth"
                              << "-1"
                              << "maxDepth must be >= 0 (0 = unlimited), got -1";
    QTest::newRow("minSamplesSplit") << "minSamplesSplit"
                                     << "1"
                                     << "minSamplesSplit must be >= 2, got 1";
    QTest::newRow("minSamplesLeaf") << "minSamplesLeaf"
                                    << "0"
                                    << "minSamplesLeaf must be >= 1, got 0";
    QTest::newRow("maxLeafNodes") << "maxLeafNodes"
                                  << "1"
                                  << "maxLeafNodes must be 0 (unlimited) or >= 2, got 1";
    QTest::newRow("minImpurityDecrease") << "minImpurityDecrease"
                                         << "-0.5"
                                         << "minImpurityDecrease must be finite and >= 0, got -0.5";
    QTest::newRow("maxBins high") << "maxBins"
                                  << "256"
                                  << "maxBins must be in [2, 255], got 256";
    QTest::newRow("maxBins low") << "maxBins"
                                 << "1"
                                 << "maxBins must be in [2, 255], got 1";
    QTest::newRow("maxFeatures fraction") << "maxFeatures"
                                          << "1.5"
                                          << "maxFeatures as a fraction must be in (0, 1], got 1.5";
    QTest::newRow("maxFeatures count")
        << "maxFeatures"
        << "0"
        << "maxFeatures as a count must be a whole number >= 1, got 0";
    QTest::newRow("maxFeatures text")
        << "maxFeatures"
        << "half"
        << "maxFeatures must be all, sqrt, log2, a fraction such as 0.3 "
           "or a count such as 10, got 'half'";
    QTest::newRow("criterion") << "criterion"
                               << "mse"
                               << "criterion must be gini, entropy or squared_error, got 'mse'";
}

void tst_MlTree::paramsValidation()
{
    QFETCH(QString, field);
    QFETCH(QString, value);
    QFETCH(QString, message);
    DecisionTreeParams p;
    try {
        const int v = value.toInt();
        if (field == "maxDepth")
            p.maxDepth = v;
        else if (field == "minSamplesSplit")
            p.minSamplesSplit = v;
        else if (field == "minSamplesLeaf")
            p.minSamplesLeaf = v;
        else if (field == "maxLeafNodes")
            p.maxLeafNodes = v;
        else if (field == "minImpurityDecrease")
            p.minImpurityDecrease = value.toDouble();
        else if (field == "maxBins")
            p.maxBins = v;
        else if (field == "maxFeatures")
            p.maxFeatures = fb::ml::MaxFeatures::parse(value.toStdString());
        else if (field == "criterion")
            p.criterion = fb::ml::parseCriterion(value.toStdString());
        p.validate();
        QFAIL("validate() accepted an invalid value");
    } catch (const std::invalid_argument &e) {
        QCOMPARE(QString::fromUtf8(e.what()), message);
    }
    if (field != "maxFeatures" && field != "criterion")
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, DecisionTreeClassifier{p});
    // Accepted spellings.
    QCOMPARE(fb::ml::MaxFeatures::parse("sqrt").resolve(64), 8);
    QCOMPARE(fb::ml::MaxFeatures::parse("log2").resolve(64), 6);
    QCOMPARE(fb::ml::MaxFeatures::parse("0.25").resolve(64), 16);
    QCOMPARE(fb::ml::MaxFeatures::parse("1.0").resolve(64), 64);
    QCOMPARE(fb::ml::MaxFeatures::parse("10").resolve(64), 10);
    QCOMPARE(fb::ml::MaxFeatures::parse("100").resolve(64), 64);
    QCOMPARE(fb::ml::MaxFeatures::parse("all").resolve(64), 64);
}

void tst_MlTree::badInputRejected()
{
    Eigen::MatrixXd X = Eigen::MatrixXd::Random(10, 3);
    Eigen::VectorXi y(10);
    y << 0, 1, 0, 1, 0, 1, 0, 1, 0, 1;
    DecisionTreeClassifier tree;
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, tree.fit(X.topRows(9), y, 2));
    Eigen::VectorXi outOfRange = y;
    outOfRange[2] = 5;
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, tree.fit(X, outOfRange, 2));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument,
                             tree.fit(Eigen::MatrixXd(0, 3), Eigen::VectorXi(0), 2));
    tree.fit(X, y, 2);
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, tree.predict(Eigen::MatrixXd::Zero(2, 4)));
    DecisionTreeRegressor regressor;
    Eigen::VectorXd target = Eigen::VectorXd::Ones(10);
    target[3] = kNaN;
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, regressor.fit(X, target));
    // A constant target gives a single leaf.
    regressor.fit(X, Eigen::VectorXd::Constant(10, 2.5));
    QCOMPARE(regressor.tree().nodeCount(), Eigen::Index(1));
    QCOMPARE(regressor.predict(X), Eigen::VectorXd::Constant(10, 2.5));
}

void tst_MlTree::cancellation()
{
    const Dataset d = readDataset(QStringLiteral("digits"));
    RecordingObserver observer;
    DecisionTreeClassifier tree;
    tree.fit(d.X, d.labels, d.classes, observer);
    QCOMPARE(observer.m_iterations, std::vector<int>{1});
    QCOMPARE(observer.m_metrics["trees"].front(), 1.0);
    QVERIFY(observer.m_polls > 2); // watched while the tree grows, not only before

    RecordingObserver cancelling;
    cancelling.m_cancelAfter = 0;
    DecisionTreeClassifier cancelled;
    QVERIFY_THROWS_EXCEPTION(fb::ml::Cancelled, cancelled.fit(d.X, d.labels, d.classes, cancelling));
    QCOMPARE(cancelled.featureCount(), Eigen::Index(0)); // a cancelled fit leaves no model
}

void tst_MlTree::seededAndThreadIndependent()
{
    // Large enough for the histogram passes to run on two threads. Column 5 is a copy of
    // column 0: splits on either tie exactly, and the seed decides which one a tree uses.
    fb::ml::Rng rng(5);
    Eigen::MatrixXd X(6000, 24);
    Eigen::VectorXd y(6000);
    for (Eigen::Index i = 0; i < X.rows(); ++i) {
        for (Eigen::Index j = 0; j < X.cols(); ++j)
            X(i, j) = std::round(rng.normal() * 4.0) / 4.0;
        X(i, 5) = X(i, 0);
        y[i] = X(i, 0) * X(i, 1) + std::sin(X(i, 2)) + 0.3 * rng.normal();
    }
    Eigen::MatrixXd probe = X; // column 5 no longer agrees with column 0
    for (Eigen::Index i = 0; i < probe.rows(); ++i)
        probe(i, 5) = rng.normal();
    const auto fitWith = [&](int threads, std::uint64_t seed) {
        fb::ml::setThreadBudget(threads);
        DecisionTreeParams p;
        p.maxDepth = 10;
        p.seed = seed;
        DecisionTreeRegressor tree(p);
        tree.fit(X, y);
        return tree.predict(probe);
    };
    const Eigen::VectorXd serial = fitWith(1, 3);
    const Eigen::VectorXd parallel = fitWith(2, 3);
    QCOMPARE(parallel, serial);
    QCOMPARE(fitWith(2, 3), parallel);
    QVERIFY(fitWith(2, 4) != parallel);
    fb::ml::setThreadBudget(2);
}

QTEST_GUILESS_MAIN(tst_MlTree)
#include "tst_ml_tree.moc"
