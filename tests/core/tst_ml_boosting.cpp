// Histogram gradient boosting (regression, binary and multiclass) against scikit-learn's
// HistGradientBoosting on the bundled datasets, plus per-round metrics, early stopping,
// missing values, persistence, validation, cancellation and thread independence.

#include "TreeTestSupport.h"

#include <ml/common/Parallel.h>
#include <ml/ensemble/GradientBoostingClassifier.h>
#include <ml/ensemble/GradientBoostingRegressor.h>
#include <ml/metrics/Metrics.h>

#include <cmath>
#include <limits>

using fb::ml::Archive;
using fb::ml::ArchiveError;
using fb::ml::GradientBoostingClassifier;
using fb::ml::GradientBoostingParams;
using fb::ml::GradientBoostingRegressor;
using namespace treetest;

namespace {

constexpr int kSplits = 5;
const double kNaN = std::numeric_limits<double>::quiet_NaN();

const char *kSklearnScript = R"PY(
from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor
task, rounds, leaves, depth, lr, l2 = sys.argv[4], int(sys.argv[5]), int(sys.argv[6]), int(sys.argv[7]), float(sys.argv[8]), float(sys.argv[9])
scores = []
for Xtr, ytr, Xte, yte in splits():
    M = HistGradientBoostingRegressor if task == "regression" else HistGradientBoostingClassifier
    m = M(max_iter=rounds, max_leaf_nodes=leaves or None, max_depth=depth or None, learning_rate=lr,
          l2_regularization=l2, early_stopping=False, random_state=0)
    scores.append(m.fit(Xtr, ytr).score(Xte, yte))
print(json.dumps({"score": float(np.mean(scores))}))
)PY";

double g_worst = 1.0;

// A smooth regression problem with a missing-value pattern that carries signal.
void syntheticRegression(Eigen::MatrixXd &X,
                         Eigen::VectorXd &y,
                         Eigen::Index rows,
                         Eigen::Index cols)
{
    fb::ml::Rng rng(21);
    X.resize(rows, cols);
    y.resize(rows);
    for (Eigen::Index i = 0; i < rows; ++i) {
        for (Eigen::Index j = 0; j < cols; ++j)
            X(i, j) = rng.normal();
        y[i] = 2.0 * X(i, 0) + std::sin(3.0 * X(i, 1)) + X(i, 2) * X(i, 3) + 0.1 * rng.normal();
        if (i % 9 == 0) {
            X(i, 4) = kNaN;
            y[i] += 3.0;
        }
    }
}

} // namespace

class tst_MlBoosting : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void vsSklearn_data();
    void vsSklearn();
    void perRoundMetrics();
    void earlyStopping();
    void missingValuesLearnADirection();
    void trainingOutputMatchesPrediction();
    void roundTrip();
    void badArchivesRejected();
    void paramsValidation_data();
    void paramsValidation();
    void cancellation();
    void seededAndThreadIndependent();

private:
    bool m_haveSklearn = false;
    QString m_skipReason;
    QTemporaryDir m_dir;
};

void tst_MlBoosting::initTestCase()
{
    QVERIFY(m_dir.isValid());
    QVERIFY2(!qEnvironmentVariable("FLOWBENCH_SOURCE_DIR").isEmpty(),
             "FLOWBENCH_SOURCE_DIR is not set");
    m_haveSklearn = sklearnAvailable(&m_skipReason);
    fb::ml::setThreadBudget(2);
}

void tst_MlBoosting::cleanupTestCase()
{
    qInfo("gradient boosting: worst (ours - scikit-learn) test score over the datasets: %+.4f",
          g_worst);
}

void tst_MlBoosting::vsSklearn_data()
{
    QTest::addColumn<QString>("dataset");
    QTest::addColumn<int>("rounds");
    QTest::addColumn<int>("maxLeafNodes");
    QTest::addColumn<int>("maxDepth");
    QTest::addColumn<double>("learningRate");
    QTest::addColumn<double>("l2");
    QTest::newRow("iris") << "iris" << 100 << 31 << 0 << 0.1 << 0.0;
    QTest::newRow("wine") << "wine" << 100 << 31 << 0 << 0.1 << 0.0;
    QTest::newRow("breast_cancer") << "breast_cancer" << 100 << 31 << 0 << 0.1 << 0.0;
    QTest::newRow("breast_cancer level-wise depth 3, l2")
        << "breast_cancer" << 60 << 0 << 3 << 0.2 << 1.0;
    QTest::newRow("digits") << "digits" << 60 << 31 << 0 << 0.1 << 0.0;
    QTest::newRow("diabetes") << "diabetes" << 100 << 31 << 0 << 0.1 << 0.0;
    QTest::newRow("diabetes depth 2, lr 0.05") << "diabetes" << 150 << 0 << 2 << 0.05 << 0.0;
}

void tst_MlBoosting::vsSklearn()
{
    if (!m_haveSklearn)
        QSKIP(qPrintable(m_skipReason));
    QFETCH(QString, dataset);
    QFETCH(int, rounds);
    QFETCH(int, maxLeafNodes);
    QFETCH(int, maxDepth);
    QFETCH(double, learningRate);
    QFETCH(double, l2);
    const Dataset d = readDataset(dataset);
    const bool regression = dataset == QStringLiteral("diabetes");
    std::vector<Split> splits;
    for (int s = 0; s < kSplits; ++s)
        splits.push_back(makeSplit(d.X.rows(), 300 + std::uint64_t(s)));
    const Eigen::VectorXd y = regression ? d.target : Eigen::VectorXd(d.labels.cast<double>());
    QString error;
    const QJsonObject ref = runPython((std::string(kPythonSplits) + kSklearnScript).c_str(),
                                      writeProblem(m_dir, dataset, d.X, y, splits)
                                          + QStringList{regression ? "regression" : "classification",
                                                        QString::number(rounds),
                                                        QString::number(maxLeafNodes),
                                                        QString::number(maxDepth),
                                                        QString::number(learningRate),
                                                        QString::number(l2)},
                                      &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));

    GradientBoostingParams params;
    params.maxIter = rounds;
    params.maxLeafNodes = maxLeafNodes;
    params.maxDepth = maxDepth;
    params.learningRate = learningRate;
    params.l2Regularization = l2;
    double ours = 0.0;
    for (const Split &s : splits) {
        if (regression) {
            GradientBoostingRegressor model(params);
            model.fit(rowsOf(d.X, s, true), rowsOf(d.target, s, true));
            ours += r2(model.predict(rowsOf(d.X, s, false)), rowsOf(d.target, s, false));
            QCOMPARE(model.model().trees().size(), size_t(model.model().rounds()));
        } else {
            GradientBoostingClassifier model(params);
            model.fit(rowsOf(d.X, s, true), rowsOf(d.labels, s, true), d.classes);
            ours += accuracy(model.predict(rowsOf(d.X, s, false)), rowsOf(d.labels, s, false));
            const size_t perRound = d.classes == 2 ? 1 : size_t(d.classes);
            QCOMPARE(model.model().trees().size(), size_t(model.model().rounds()) * perRound);
            for (const fb::ml::Tree &tree : model.model().trees()) {
                if (maxLeafNodes > 0)
                    QVERIFY(tree.leafCount() <= maxLeafNodes);
                if (maxDepth > 0)
                    QVERIFY(tree.depth() <= maxDepth);
            }
        }
    }
    ours /= double(kSplits);
    const double theirs = ref["score"].toDouble();
    g_worst = std::min(g_worst, ours - theirs);
    qInfo("%s, %d rounds, %d leaves, depth %d, lr %g, l2 %g: ours %.4f, scikit-learn %.4f (mean "
          "test %s over %d splits)",
          qPrintable(dataset),
          rounds,
          maxLeafNodes,
          maxDepth,
          learningRate,
          l2,
          ours,
          theirs,
          regression ? "R^2" : "accuracy",
          kSplits);
    QVERIFY2(ours >= theirs - 0.01,
             qPrintable(QStringLiteral("ours %1 < scikit-learn %2 - 0.01").arg(ours).arg(theirs)));
}

void tst_MlBoosting::perRoundMetrics()
{
    // Regression: the training MSE falls every round, and the last reported value is the
    // final model's.
    Eigen::MatrixXd X;
    Eigen::VectorXd y;
    syntheticRegression(X, y, 2000, 6);
    GradientBoostingParams params;
    params.maxIter = 40;
    RecordingObserver observer;
    GradientBoostingRegressor regressor(params);
    regressor.fit(X, y, observer);
    QCOMPARE(int(observer.m_iterations.size()), 40);
    for (int i = 0; i < 40; ++i)
        QCOMPARE(observer.m_iterations[size_t(i)], i + 1);
    const std::vector<double> &loss = observer.m_metrics["loss"];
    for (size_t i = 1; i < loss.size(); ++i)
        QVERIFY2(loss[i] < loss[i - 1], qPrintable(QStringLiteral("round %1").arg(i + 1)));
    const double mse = (regressor.predict(X) - y).squaredNorm() / double(y.size());
    QVERIFY(std::abs(loss.back() - mse) <= 1e-9 * mse);
    QVERIFY(observer.m_metrics.count("val_loss") == 0); // no early stopping, no validation

    // Multiclass: log loss reported is the model's; K trees per round.
    const Dataset wine = readDataset(QStringLiteral("wine"));
    RecordingObserver multi;
    GradientBoostingParams mp;
    mp.maxIter = 25;
    GradientBoostingClassifier classifier(mp);
    classifier.fit(wine.X, wine.labels, wine.classes, multi);
    QCOMPARE(classifier.model().trees().size(), size_t(25 * 3));
    const double logLoss = fb::ml::metrics::logLoss(wine.labels, classifier.predictProba(wine.X));
    QVERIFY(std::abs(multi.m_metrics["loss"].back() - logLoss) < 1e-9);
    QVERIFY(multi.m_metrics["loss"].back() < multi.m_metrics["loss"].front());
    const Eigen::VectorXd importance = classifier.featureImportance();
    QVERIFY(std::abs(importance.sum() - 1.0) < 1e-12);
}

void tst_MlBoosting::earlyStopping()
{
    const Dataset d = readDataset(QStringLiteral("breast_cancer"));
    GradientBoostingParams params;
    params.maxIter = 500;
    params.learningRate = 0.3;
    params.earlyStopping = true;
    params.nIterNoChange = 5;
    RecordingObserver observer;
    GradientBoostingClassifier model(params);
    model.fit(d.X, d.labels, 2, observer);
    const int rounds = model.model().rounds();
    QVERIFY2(rounds < 500, qPrintable(QStringLiteral("%1 rounds").arg(rounds)));
    QCOMPARE(int(observer.m_iterations.size()), rounds);
    const std::vector<double> &val = observer.m_metrics["val_loss"];
    QCOMPARE(int(val.size()), rounds);
    // Stopped because none of the last 5 rounds beat the one before them by tol.
    const double reference = rounds > 5 ? val[size_t(rounds - 6)] : 1e300;
    for (int i = rounds - 5; i < rounds; ++i)
        QVERIFY(val[size_t(i)] >= reference - params.tol);
}

void tst_MlBoosting::missingValuesLearnADirection()
{
    Eigen::MatrixXd X;
    Eigen::VectorXd y;
    syntheticRegression(X, y, 3000, 6);
    GradientBoostingParams params;
    params.maxIter = 150;
    GradientBoostingRegressor model(params);
    model.fit(X, y);
    // Two rows equal but for the missing x4: the model adds the +3 it learned for missing.
    Eigen::MatrixXd probe(2, 6);
    probe << 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.1, 0.2, 0.3, 0.4, kNaN, 0.6;
    const Eigen::VectorXd p = model.predict(probe);
    QVERIFY2(std::abs(p[1] - p[0] - 3.0) < 0.5,
             qPrintable(QStringLiteral("%1 vs %2").arg(p[1]).arg(p[0])));
    // NaN in a feature never missing in training goes to the larger side: still a prediction.
    probe(0, 0) = kNaN;
    QVERIFY(std::isfinite(model.predict(probe)[0]));
}

// The raw scores boosting keeps for its training rows (the train node's training metrics use
// them instead of predicting again) are what predicting those rows gives: for the rows the
// trees were grown on (moved by the grower's partition) and for early stopping's held-out rows
// (moved by walking the trees), with missing values, for all three losses.
void tst_MlBoosting::trainingOutputMatchesPrediction()
{
    Eigen::MatrixXd X;
    Eigen::VectorXd y;
    syntheticRegression(X, y, 3000, 6);
    GradientBoostingParams params;
    params.maxIter = 40;
    params.earlyStopping = true;
    params.nIterNoChange = 1000; // keep all rounds: the held-out rows still get scored
    GradientBoostingRegressor regressor(params);
    regressor.fit(X, y);
    const Eigen::MatrixXd kept = regressor.takeTrainingOutput();
    QCOMPARE(kept.rows(), X.rows());
    QCOMPARE(kept.cols(), Eigen::Index(1));
    QVERIFY((kept.col(0) - regressor.predict(X)).cwiseAbs().maxCoeff() < 1e-9);
    QCOMPARE(regressor.takeTrainingOutput().size(), Eigen::Index(0)); // handed over once

    const Eigen::VectorXi binaryLabels = (y.array() > y.mean()).cast<int>();
    GradientBoostingClassifier binary(params);
    binary.fit(X, binaryLabels, 2);
    const Eigen::MatrixXd proba = binary.takeTrainingOutput();
    QCOMPARE(proba.rows(), X.rows());
    QVERIFY((proba - binary.predictProba(X)).cwiseAbs().maxCoeff() < 1e-12);

    const Dataset iris = readDataset(QStringLiteral("iris"));
    GradientBoostingClassifier multi(params);
    multi.fit(iris.X, iris.labels, iris.classes);
    const Eigen::MatrixXd multiProba = multi.takeTrainingOutput();
    QCOMPARE(multiProba.cols(), Eigen::Index(iris.classes));
    QVERIFY((multiProba - multi.predictProba(iris.X)).cwiseAbs().maxCoeff() < 1e-12);
}

void tst_MlBoosting::roundTrip()
{
    Eigen::MatrixXd X;
    Eigen::VectorXd y;
    syntheticRegression(X, y, 800, 6);
    GradientBoostingParams params;
    params.maxIter = 20;
    params.maxDepth = 4;
    params.maxLeafNodes = 0;
    GradientBoostingRegressor regressor(params);
    regressor.fit(X, y);
    const Eigen::VectorXi binaryLabels = (y.array() > y.mean()).cast<int>();
    GradientBoostingClassifier binary(params);
    binary.fit(X, binaryLabels, 2);
    const Dataset iris = readDataset(QStringLiteral("iris"));
    GradientBoostingParams ep;
    ep.maxIter = 30;
    ep.earlyStopping = true;
    ep.l2Regularization = 0.5;
    GradientBoostingClassifier multi(ep);
    multi.fit(iris.X, iris.labels, iris.classes);

    const std::vector<std::pair<const fb::ml::Estimator *, const Eigen::MatrixXd *>>
        models{{&regressor, &X}, {&binary, &X}, {&multi, &iris.X}};
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
}

void tst_MlBoosting::badArchivesRejected()
{
    const Dataset iris = readDataset(QStringLiteral("iris"));
    GradientBoostingParams params;
    params.maxIter = 3;
    GradientBoostingClassifier model(params);
    model.fit(iris.X, iris.labels, iris.classes);
    Archive a;
    model.save(a);
    const auto message = [](const Archive &archive) {
        try {
            fb::ml::loadEstimator(archive);
        } catch (const ArchiveError &e) {
            return QString::fromUtf8(e.what());
        }
        return QStringLiteral("accepted");
    };
    Archive b = a;
    b.setInt("version", 3);
    QVERIFY(message(b).contains(QStringLiteral("version 3 is not supported")));
    b = a;
    b.setString("loss", "huber");
    QVERIFY(message(b).contains(QStringLiteral("unknown loss 'huber'")));
    b = a;
    b.setVector("baseline", Eigen::VectorXd::Zero(1));
    QVERIFY(message(b).contains(QStringLiteral("'baseline' has 1 values")));
    b = a;
    b.setInt("classes", 4);
    QVERIFY(message(b).contains(QStringLiteral("4 classes do not fit")));
    b = a;
    b.setDouble("learning_rate", 2.0);
    QVERIFY(message(b).contains(QStringLiteral("learningRate must be in (0, 1], got 2")));
    b = a;
    std::vector<Archive> trees = a.getArchives("trees");
    trees.pop_back(); // 8 trees for 3 outputs per round
    b.setArchives("trees", trees);
    QVERIFY(message(b).contains(QStringLiteral("8 trees for 3 outputs per round")));
}

void tst_MlBoosting::paramsValidation_data()
{
    QTest::addColumn<QString>("field");
    QTest::addColumn<double>("value");
    QTest::addColumn<QString>("message");
    QTest::newRow("learningRate 0")
        << "learningRate" << 0.0 << "learningRate must be in (0, 1], got 0";
    QTest::newRow("learningRate NaN")
        << "learningRate" << kNaN << "learningRate must be in (0, 1], got nan";
    QTest::newRow("maxIter") << "maxIter" << 0.0 << "maxIter must be in [1, 1000000], got 0";
    QTest::newRow("maxLeafNodes") << "maxLeafNodes" << 1.0
                                  << "maxLeafNodes must be 0 (unlimited) or >= 2, got 1";
    QTest::newRow("maxDepth") << "maxDepth" << -2.0
                              << "maxDepth must be >= 0 (0 = unlimited), got -2";
    QTest::newRow("minSamplesLeaf")
        << "minSamplesLeaf" << 0.0 << "minSamplesLeaf must be >= 1, got 0";
    QTest::newRow("l2Regularization")
        << "l2Regularization" << -1.0 << "l2Regularization must be finite and >= 0, got -1";
    QTest::newRow("maxBins") << "maxBins" << 300.0 << "maxBins must be in [2, 255], got 300";
    QTest::newRow("validationFraction")
        << "validationFraction" << 1.0 << "validationFraction must be in (0, 1), got 1";
    QTest::newRow("nIterNoChange") << "nIterNoChange" << 0.0 << "nIterNoChange must be >= 1, got 0";
    QTest::newRow("tol") << "tol" << -1e-3 << "tol must be finite and >= 0, got -0.001";
}

void tst_MlBoosting::paramsValidation()
{
    QFETCH(QString, field);
    QFETCH(double, value);
    QFETCH(QString, message);
    GradientBoostingParams p;
    if (field == "learningRate")
        p.learningRate = value;
    else if (field == "maxIter")
        p.maxIter = int(value);
    else if (field == "maxLeafNodes")
        p.maxLeafNodes = int(value);
    else if (field == "maxDepth")
        p.maxDepth = int(value);
    else if (field == "minSamplesLeaf")
        p.minSamplesLeaf = int(value);
    else if (field == "l2Regularization")
        p.l2Regularization = value;
    else if (field == "maxBins")
        p.maxBins = int(value);
    else if (field == "validationFraction")
        p.validationFraction = value;
    else if (field == "nIterNoChange")
        p.nIterNoChange = int(value);
    else if (field == "tol")
        p.tol = value;
    try {
        p.validate();
        QFAIL("validate() accepted an invalid value");
    } catch (const std::invalid_argument &e) {
        QCOMPARE(QString::fromUtf8(e.what()), message);
    }
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, GradientBoostingRegressor{p});
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, GradientBoostingClassifier{p});
}

void tst_MlBoosting::cancellation()
{
    const Dataset d = readDataset(QStringLiteral("digits"));
    GradientBoostingParams params;
    params.maxIter = 50;
    RecordingObserver cancelling;
    cancelling.m_cancelAfter = 3;
    GradientBoostingClassifier model(params);
    QVERIFY_THROWS_EXCEPTION(fb::ml::Cancelled, model.fit(d.X, d.labels, d.classes, cancelling));
    QCOMPARE(int(cancelling.m_iterations.size()), 3); // stopped in the round after the third
    QCOMPARE(model.featureCount(), Eigen::Index(0));
    GradientBoostingClassifier bad(params);
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, bad.fit(d.X, d.labels, 1));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, bad.fit(d.X.topRows(10), d.labels, d.classes));
}

void tst_MlBoosting::seededAndThreadIndependent()
{
    // Enough rows and features for the histogram passes to run on two threads, and for the
    // largest nodes to be built from two halves of their rows (TreeGrower's kSplitRows).
    Eigen::MatrixXd X;
    Eigen::VectorXd y;
    syntheticRegression(X, y, 40000, 16);
    const Eigen::VectorXi labels = ((y.array() * 3.0).floor().cwiseMax(-2.0).cwiseMin(2.0) + 2.0)
                                       .cast<int>();
    GradientBoostingParams params;
    params.maxIter = 15;
    params.earlyStopping = true;
    const auto fitWith = [&](int threads) {
        fb::ml::setThreadBudget(threads);
        GradientBoostingClassifier model(params);
        model.fit(X, labels, 5);
        return model.predictProba(X);
    };
    const Eigen::MatrixXd serial = fitWith(1);
    const Eigen::MatrixXd parallel = fitWith(2);
    QCOMPARE(parallel, serial);
    // Regression (unit-weight histograms), without early stopping: every row in the root.
    params.earlyStopping = false;
    GradientBoostingRegressor a(params), b(params), c(params);
    fb::ml::setThreadBudget(1);
    a.fit(X, y);
    fb::ml::setThreadBudget(2);
    b.fit(X, y);
    c.fit(X, y);
    QCOMPARE(b.predict(X), a.predict(X));
    QCOMPARE(c.predict(X), b.predict(X));
}

QTEST_GUILESS_MAIN(tst_MlBoosting)
#include "tst_ml_boosting.moc"
