// Linear SVM (dual coordinate descent, squared hinge) against scikit-learn's LinearSVC: the
// optimum itself, test accuracy on seeded splits of the classification datasets, the
// probability convention, persistence, validation, determinism and cancellation.

#include "MlTestSupport.h"

#include <ml/common/Estimator.h>
#include <ml/common/Parallel.h>
#include <ml/svm/LinearSvc.h>

#include <limits>

using fb::ml::Archive;
using fb::ml::LinearSvc;
using fb::ml::LinearSvcParams;
using namespace mltest;

namespace {

const char *kScript = R"PY(
import json, sys, warnings
import numpy as np
from sklearn.svm import LinearSVC
warnings.filterwarnings("ignore")
train = np.loadtxt(sys.argv[1], delimiter=",", ndmin=2)
test = np.loadtxt(sys.argv[2], delimiter=",", ndmin=2)
m = LinearSVC(C=float(sys.argv[3]), tol=float(sys.argv[4]), max_iter=int(sys.argv[5]), random_state=0)
m.fit(train[:, :-1], train[:, -1].astype(int))
print(json.dumps({"coef": m.coef_.tolist(), "intercept": m.intercept_.tolist(),
                  "accuracy": m.score(test[:, :-1], test[:, -1].astype(int)),
                  "decision": m.decision_function(test[:, :-1]).tolist()}))
)PY";

QualityLog g_quality;

LinearSvcParams params(double C, double tol, int maxIterations)
{
    LinearSvcParams p;
    p.C = C;
    p.tolerance = tol;
    p.maxIterations = maxIterations;
    return p;
}

} // namespace

class tst_MlSvm : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void optimumMatchesSklearn_data();
    void optimumMatchesSklearn();
    void accuracyVsSklearn_data();
    void accuracyVsSklearn();
    void probabilitiesFollowScores();
    void deterministicAndThreadIndependent();
    void observerAndCancel();
    void roundTrip();
    void badArchivesRejected();
    void paramsValidation_data();
    void paramsValidation();

private:
    bool m_haveSklearn = false;
    QString m_skipReason;
    QTemporaryDir m_dir;
};

void tst_MlSvm::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_haveSklearn = sklearnAvailable(&m_skipReason);
}

void tst_MlSvm::cleanupTestCase()
{
    fb::ml::setThreadBudget(1);
    g_quality.print(
        "linear SVM test accuracy (seeded stratified 75/25 split, standardized) vs LinearSVC:");
}

void tst_MlSvm::optimumMatchesSklearn_data()
{
    QTest::addColumn<QString>("dataset");
    QTest::addColumn<double>("C");
    QTest::newRow("breast_cancer C=1") << "breast_cancer" << 1.0;
    QTest::newRow("breast_cancer C=0.01") << "breast_cancer" << 0.01;
    QTest::newRow("iris C=1 (one-vs-rest)") << "iris" << 1.0;
    QTest::newRow("wine C=0.1 (one-vs-rest)") << "wine" << 0.1;
}

// The primal is strictly convex: with a tight tolerance both solvers reach the same weights,
// whatever order their coordinates are visited in.
void tst_MlSvm::optimumMatchesSklearn()
{
    if (!m_haveSklearn)
        QSKIP(qPrintable(m_skipReason));
    QFETCH(QString, dataset);
    QFETCH(double, C);
    const Split s = seededSplit(readDataset(dataset), true);
    const QStringList csv = writeSplit(m_dir, dataset, s, true);
    QString error;
    const QJsonObject ref = runPython(kScript,
                                      {csv[0], csv[1], QString::number(C), "1e-9", "100000"},
                                      &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    LinearSvc model(params(C, 1e-9, 100000));
    model.fit(s.train.X, s.train.labels, s.train.classes);
    QVERIFY(model.converged());
    const Eigen::MatrixXd skCoef = matrixFromJson(ref["coef"].toArray()).transpose();
    const Eigen::VectorXd skIntercept = vectorFromJson(ref["intercept"].toArray());
    const double scale = std::max(1.0, skCoef.lpNorm<Eigen::Infinity>());
    const double dev = std::max((model.coefficients() - skCoef).lpNorm<Eigen::Infinity>(),
                                (model.intercepts() - skIntercept).lpNorm<Eigen::Infinity>())
                       / scale;
    QVERIFY2(dev < 1e-5, qPrintable(QStringLiteral("weights differ by %1 (scaled)").arg(dev)));
}

void tst_MlSvm::accuracyVsSklearn_data()
{
    QTest::addColumn<QString>("dataset");
    QTest::addColumn<double>("C");
    for (const char *name : {"iris", "wine", "breast_cancer", "digits"}) {
        QTest::addRow("%s C=1", name) << QString::fromLatin1(name) << 1.0;
        QTest::addRow("%s C=0.1", name) << QString::fromLatin1(name) << 0.1;
    }
}

// Defaults as a user trains (tol 1e-4, max_iter 1000): test accuracy within 1 point.
void tst_MlSvm::accuracyVsSklearn()
{
    if (!m_haveSklearn)
        QSKIP(qPrintable(m_skipReason));
    QFETCH(QString, dataset);
    QFETCH(double, C);
    const Split s = seededSplit(readDataset(dataset), true);
    const QStringList csv = writeSplit(m_dir, dataset, s, true);
    QString error;
    const QJsonObject ref = runPython(kScript,
                                      {csv[0], csv[1], QString::number(C), "1e-4", "1000"},
                                      &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    LinearSvc model(params(C, 1e-4, 1000));
    model.fit(s.train.X, s.train.labels, s.train.classes);
    const double ours = accuracy(s.test.labels, model.predict(s.test.X));
    const double theirs = ref["accuracy"].toDouble();
    g_quality.add(QStringLiteral("%1: ours %2 (%3 passes), sklearn %4")
                      .arg(QString::fromLatin1(QTest::currentDataTag()))
                      .arg(ours, 0, 'f', 4)
                      .arg(model.iterations())
                      .arg(theirs, 0, 'f', 4));
    QVERIFY2(ours >= theirs - 0.01,
             qPrintable(QStringLiteral("accuracy %1 vs sklearn %2").arg(ours).arg(theirs)));
}

void tst_MlSvm::probabilitiesFollowScores()
{
    for (const char *name : {"breast_cancer", "wine"}) {
        const Split s = seededSplit(readDataset(QString::fromLatin1(name)), true);
        LinearSvc model;
        model.fit(s.train.X, s.train.labels, s.train.classes);
        const Eigen::MatrixXd P = model.predictProba(s.test.X);
        const Eigen::MatrixXd D = model.decisionFunction(s.test.X);
        QCOMPARE(P.cols(), Eigen::Index(s.train.classes));
        QVERIFY((P.rowwise().sum().array() - 1.0).abs().maxCoeff() < 1e-12);
        QVERIFY((P.array() >= 0.0).all());
        const Eigen::VectorXd predicted = model.predict(s.test.X);
        for (Eigen::Index i = 0; i < P.rows(); ++i) {
            Eigen::Index best = 0;
            P.row(i).maxCoeff(&best);
            QCOMPARE(double(best), predicted[i]); // the arg-max is the SVM's class
            if (D.cols() == 1)                    // binary: sigmoid of the score
                QVERIFY(std::abs(P(i, 1) - 1.0 / (1.0 + std::exp(-D(i, 0)))) < 1e-12);
        }
    }
}

void tst_MlSvm::deterministicAndThreadIndependent()
{
    const Split s = seededSplit(readDataset(QStringLiteral("digits")), true);
    // Both solvers: the primal Newton step splits its rows in parallel, the dual runs the
    // one-vs-rest problems side by side.
    for (auto solver : {LinearSvcParams::Solver::Primal, LinearSvcParams::Solver::Dual}) {
        LinearSvcParams p;
        p.solver = solver;
        fb::ml::setThreadBudget(1);
        LinearSvc serial(p);
        serial.fit(s.train.X, s.train.labels, s.train.classes);
        fb::ml::setThreadBudget(2);
        LinearSvc parallel(p);
        parallel.fit(s.train.X, s.train.labels, s.train.classes);
        fb::ml::setThreadBudget(1);
        QCOMPARE(parallel.coefficients(), serial.coefficients()); // bit-identical
        QCOMPARE(parallel.intercepts(), serial.intercepts());
        if (solver == LinearSvcParams::Solver::Dual) {
            LinearSvcParams other = p;
            other.seed = 7;
            LinearSvc reseeded(other);
            reseeded.fit(s.train.X, s.train.labels, s.train.classes);
            QVERIFY(reseeded.coefficients() != serial.coefficients()); // the seed orders the updates
        }
    }
}

void tst_MlSvm::observerAndCancel()
{
    const Split s = seededSplit(readDataset(QStringLiteral("wine")), true);
    // Each solver reports its own stopping quantity next to the loss.
    const std::pair<LinearSvcParams::Solver, const char *> solvers[]
        = {{LinearSvcParams::Solver::Dual, "pg_gap"},
           {LinearSvcParams::Solver::Primal, "grad_norm"}};
    for (const auto &[solver, key] : solvers) {
        RecordingObserver observer;
        LinearSvcParams p = params(1.0, 1e-6, 1000);
        p.solver = solver;
        LinearSvc model(p);
        model.fit(s.train.X, s.train.labels, s.train.classes, observer);
        QVERIFY(model.converged());
        const auto &stop = observer.values[key];
        QCOMPARE(int(stop.size()), model.iterations());
        QVERIFY(observer.values[solver == LinearSvcParams::Solver::Dual ? "grad_norm" : "pg_gap"]
                    .empty());
        QCOMPARE(observer.values["loss"].size(), stop.size());
        QVERIFY(observer.values["loss"].back() < observer.values["loss"].front());
        if (solver == LinearSvcParams::Solver::Dual)
            QVERIFY(stop.back() <= 1e-6);
    }

    RecordingObserver cancelling;
    cancelling.cancelAfter = 3;
    LinearSvcParams p = params(1.0, 1e-6, 1000);
    p.solver = LinearSvcParams::Solver::Dual;
    LinearSvc cancelled(p);
    QVERIFY_THROWS_EXCEPTION(fb::ml::Cancelled,
                             cancelled.fit(s.train.X, s.train.labels, s.train.classes, cancelling));
    QCOMPARE(cancelling.iterations, 3);
}

void tst_MlSvm::roundTrip()
{
    for (const char *name : {"breast_cancer", "iris"}) {
        const Split s = seededSplit(readDataset(QString::fromLatin1(name)), true);
        LinearSvc model;
        model.fit(s.train.X, s.train.labels, s.train.classes);
        Archive archive;
        model.save(archive);
        const auto loaded = fb::ml::loadEstimator(archive);
        QCOMPARE(loaded->kind(), std::string("linear_svc"));
        QCOMPARE(loaded->classCount(), s.train.classes);
        QCOMPARE(loaded->predict(s.test.X), model.predict(s.test.X));
        QCOMPARE(loaded->predictProba(s.test.X), model.predictProba(s.test.X));
        Archive again;
        loaded->save(again);
        QVERIFY(again == archive);
    }
}

void tst_MlSvm::badArchivesRejected()
{
    const Split s = seededSplit(readDataset(QStringLiteral("iris")), true);
    LinearSvc model;
    model.fit(s.train.X, s.train.labels, s.train.classes);
    Archive a;
    model.save(a);
    Archive shape = a;
    shape.setMatrix("coefficients", Eigen::MatrixXd::Zero(4, 1));
    try {
        fb::ml::loadEstimator(shape);
        QFAIL("accepted");
    } catch (const fb::ml::ArchiveError &e) {
        QVERIFY2(QString::fromUtf8(e.what()).contains(QStringLiteral("expected p x 3")), e.what());
    }
    Archive badC = a;
    badC.setDouble("C", 0.0);
    QVERIFY_THROWS_EXCEPTION(fb::ml::ArchiveError, fb::ml::loadEstimator(badC));
}

void tst_MlSvm::paramsValidation_data()
{
    QTest::addColumn<QString>("field");
    QTest::addColumn<double>("value");
    QTest::addColumn<QString>("message");
    QTest::newRow("C") << "C" << 0.0 << "C must be > 0 and finite, got 0";
    QTest::newRow("interceptScaling")
        << "interceptScaling" << -1.0 << "interceptScaling must be > 0 and finite, got -1";
    QTest::newRow("maxIterations") << "maxIterations" << 0.0 << "maxIterations must be >= 1, got 0";
    QTest::newRow("tolerance") << "tolerance" << std::numeric_limits<double>::quiet_NaN()
                               << "tolerance must be >= 0 and finite, got nan";
}

void tst_MlSvm::paramsValidation()
{
    QFETCH(QString, field);
    QFETCH(double, value);
    QFETCH(QString, message);
    LinearSvcParams p;
    if (field == "C")
        p.C = value;
    else if (field == "interceptScaling")
        p.interceptScaling = value;
    else if (field == "maxIterations")
        p.maxIterations = int(value);
    else
        p.tolerance = value;
    try {
        p.validate();
        QFAIL("accepted");
    } catch (const std::invalid_argument &e) {
        QCOMPARE(QString::fromUtf8(e.what()), message);
    }
    LinearSvc model;
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument,
                             model.fit(Eigen::MatrixXd::Random(6, 2), Eigen::VectorXi::Zero(6), 2));
}

QTEST_GUILESS_MAIN(tst_MlSvm)
#include "tst_ml_svm.moc"
