// Lasso and elastic net (coordinate descent) against scikit-learn: the optimum itself (both
// sweep variants), test R² on a seeded split of diabetes, persistence, validation and the
// observer (monotone objective, cancellation).

#include "MlTestSupport.h"

#include <ml/common/Estimator.h>
#include <ml/linear/ElasticNet.h>

#include <cmath>
#include <limits>

using fb::ml::Archive;
using fb::ml::ElasticNet;
using fb::ml::ElasticNetParams;
using namespace mltest;

namespace {

const char *kScript = R"PY(
import json, sys, warnings
import numpy as np
from sklearn.linear_model import ElasticNet
warnings.filterwarnings("ignore")
train = np.loadtxt(sys.argv[1], delimiter=",", ndmin=2)
test = np.loadtxt(sys.argv[2], delimiter=",", ndmin=2)
m = ElasticNet(alpha=float(sys.argv[3]), l1_ratio=float(sys.argv[4]), tol=float(sys.argv[5]),
               max_iter=100000, fit_intercept=sys.argv[6] == "1")
m.fit(train[:, :-1], train[:, -1])
print(json.dumps({"coef": m.coef_.tolist(), "intercept": float(m.intercept_),
                  "r2": m.score(test[:, :-1], test[:, -1]), "n_iter": int(m.n_iter_)}))
)PY";

QualityLog g_quality;

ElasticNetParams params(double alpha, double l1Ratio, double tol = 1e-4)
{
    ElasticNetParams p;
    p.alpha = alpha;
    p.l1Ratio = l1Ratio;
    p.tolerance = tol;
    p.maxIterations = 100000;
    return p;
}

} // namespace

class tst_MlElasticNet : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void optimumMatchesSklearn_data();
    void optimumMatchesSklearn();
    void testR2VsSklearn_data();
    void testR2VsSklearn();
    void lassoIsSparse();
    void objectiveDecreasesAndCancel();
    void roundTrip();
    void badArchivesRejected();
    void paramsValidation_data();
    void paramsValidation();
    void badInputRejected();

private:
    bool m_haveSklearn = false;
    QString m_skipReason;
    QTemporaryDir m_dir;
};

void tst_MlElasticNet::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_haveSklearn = sklearnAvailable(&m_skipReason);
}

void tst_MlElasticNet::cleanupTestCase()
{
    g_quality.print(
        "elastic net / lasso test R² on diabetes (seeded 75/25 split) vs scikit-learn:");
}

void tst_MlElasticNet::optimumMatchesSklearn_data()
{
    QTest::addColumn<double>("alpha");
    QTest::addColumn<double>("l1Ratio");
    QTest::addColumn<bool>("fitIntercept");
    QTest::addColumn<int>("gram"); // ElasticNetParams::Gram
    QTest::addColumn<int>("rows"); // 0 = all
    QTest::newRow("lasso 0.1, covariance")
        << 0.1 << 1.0 << true << int(ElasticNetParams::Gram::Always) << 0;
    QTest::newRow("lasso 0.1, residual")
        << 0.1 << 1.0 << true << int(ElasticNetParams::Gram::Never) << 0;
    QTest::newRow("enet 0.5/0.3, covariance")
        << 0.5 << 0.3 << true << int(ElasticNetParams::Gram::Always) << 0;
    QTest::newRow("enet 0.5/0.3, residual")
        << 0.5 << 0.3 << true << int(ElasticNetParams::Gram::Never) << 0;
    QTest::newRow("enet no intercept")
        << 0.05 << 0.7 << false << int(ElasticNetParams::Gram::Auto) << 0;
    QTest::newRow("lasso p > n (auto = residual)")
        << 0.02 << 1.0 << true << int(ElasticNetParams::Gram::Auto) << 8;
}

// With a tight tolerance both solvers must land on the same (unique, for l1Ratio < 1 or
// generic data) optimum.
void tst_MlElasticNet::optimumMatchesSklearn()
{
    if (!m_haveSklearn)
        QSKIP(qPrintable(m_skipReason));
    QFETCH(double, alpha);
    QFETCH(double, l1Ratio);
    QFETCH(bool, fitIntercept);
    QFETCH(int, gram);
    QFETCH(int, rows);
    const Split s = seededSplit(readDataset(QStringLiteral("diabetes")), false);
    Dataset train = s.train;
    if (rows > 0) { // fewer rows than features: 8 rows x 10 features
        train.X = train.X.topRows(rows).eval();
        train.target = train.target.head(rows).eval();
    }
    const QString tag
        = QString::fromLatin1(QTest::currentDataTag()).replace(u' ', u'_').replace(u'/', u'_');
    const QString trainCsv = writeCsv(m_dir,
                                      tag + QStringLiteral("_train.csv"),
                                      train.X,
                                      train.target);
    const QString testCsv = writeCsv(m_dir,
                                     tag + QStringLiteral("_test.csv"),
                                     s.test.X,
                                     s.test.target);
    QString error;
    const QJsonObject ref = runPython(kScript,
                                      {trainCsv,
                                       testCsv,
                                       QString::number(alpha),
                                       QString::number(l1Ratio),
                                       QStringLiteral("1e-12"),
                                       fitIntercept ? "1" : "0"},
                                      &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));

    ElasticNetParams p = params(alpha, l1Ratio, 1e-12);
    p.fitIntercept = fitIntercept;
    p.gram = ElasticNetParams::Gram(gram);
    ElasticNet model(p);
    model.fit(train.X, train.target);
    QVERIFY(model.converged());
    const Eigen::VectorXd skCoef = vectorFromJson(ref["coef"].toArray());
    const double scale = std::max(1.0, skCoef.lpNorm<Eigen::Infinity>());
    const double dev = (model.coefficients() - skCoef).lpNorm<Eigen::Infinity>() / scale;
    QVERIFY2(dev < 1e-6, qPrintable(QStringLiteral("coefficients differ by %1 (scaled)").arg(dev)));
    QVERIFY(std::abs(model.intercept() - ref["intercept"].toDouble())
            < 1e-6 * std::max(1.0, std::abs(model.intercept())));
    // Exact zeros where sklearn has them (the L1 part selects the same features).
    for (Eigen::Index j = 0; j < skCoef.size(); ++j)
        if (l1Ratio > 0 && skCoef[j] == 0.0)
            QVERIFY2(std::abs(model.coefficients()[j]) < 1e-9 * scale,
                     qPrintable(QString::number(j)));
}

void tst_MlElasticNet::testR2VsSklearn_data()
{
    QTest::addColumn<double>("alpha");
    QTest::addColumn<double>("l1Ratio");
    QTest::newRow("lasso alpha=1 (default)") << 1.0 << 1.0;
    QTest::newRow("lasso alpha=0.1") << 0.1 << 1.0;
    QTest::newRow("elastic net alpha=1 l1_ratio=0.5 (default)") << 1.0 << 0.5;
    QTest::newRow("elastic net alpha=0.1 l1_ratio=0.5") << 0.1 << 0.5;
    QTest::newRow("elastic net alpha=0.01 l1_ratio=0.2") << 0.01 << 0.2;
}

// Default tolerance, as a user would train: the test R² must be within 0.01 of sklearn's.
void tst_MlElasticNet::testR2VsSklearn()
{
    if (!m_haveSklearn)
        QSKIP(qPrintable(m_skipReason));
    QFETCH(double, alpha);
    QFETCH(double, l1Ratio);
    const Split s = seededSplit(readDataset(QStringLiteral("diabetes")), false);
    const QStringList csv = writeSplit(m_dir, QStringLiteral("diabetes"), s, false);
    QString error;
    const QJsonObject ref = runPython(kScript,
                                      {csv[0],
                                       csv[1],
                                       QString::number(alpha),
                                       QString::number(l1Ratio),
                                       QStringLiteral("1e-4"),
                                       QStringLiteral("1")},
                                      &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    ElasticNet model(params(alpha, l1Ratio));
    model.fit(s.train.X, s.train.target);
    const double ours = r2(s.test.target, model.predict(s.test.X));
    const double theirs = ref["r2"].toDouble();
    g_quality.add(QStringLiteral("%1: ours %2 (%3 sweeps), sklearn %4 (%5 iterations)")
                      .arg(QString::fromLatin1(QTest::currentDataTag()))
                      .arg(ours, 0, 'f', 4)
                      .arg(model.iterations())
                      .arg(theirs, 0, 'f', 4)
                      .arg(ref["n_iter"].toInt()));
    QVERIFY2(ours >= theirs - 0.01,
             qPrintable(QStringLiteral("R² %1 vs sklearn %2").arg(ours).arg(theirs)));
}

void tst_MlElasticNet::lassoIsSparse()
{
    const Split s = seededSplit(readDataset(QStringLiteral("diabetes")), false);
    // Above alpha_max = max_j |x_j'(y - mean y)| / n every coefficient is zero; just below it
    // exactly one is not.
    const Eigen::MatrixXd Xc = s.train.X.rowwise() - s.train.X.colwise().mean();
    const double alphaMax = (Xc.transpose()
                             * (s.train.target.array() - s.train.target.mean()).matrix())
                                .lpNorm<Eigen::Infinity>()
                            / double(Xc.rows());
    ElasticNet strong(params(alphaMax * 1.001, 1.0));
    strong.fit(s.train.X, s.train.target);
    QVERIFY(strong.coefficients().isZero(0.0));
    ElasticNet justBelow(params(alphaMax * 0.99, 1.0));
    justBelow.fit(s.train.X, s.train.target);
    QCOMPARE((justBelow.coefficients().array() != 0.0).count(), Eigen::Index(1));
    QCOMPARE(strong.intercept(), s.train.target.mean());
    ElasticNet moderate(params(1.0, 1.0));
    moderate.fit(s.train.X, s.train.target);
    const auto nonZero = (moderate.coefficients().array() != 0.0).count();
    QVERIFY2(nonZero > 0 && nonZero < s.train.X.cols(), qPrintable(QString::number(nonZero)));
    QCOMPARE(moderate.featureImportance(), moderate.coefficients().cwiseAbs().eval());
}

void tst_MlElasticNet::objectiveDecreasesAndCancel()
{
    const Split s = seededSplit(readDataset(QStringLiteral("diabetes")), false);
    for (auto gram : {ElasticNetParams::Gram::Always, ElasticNetParams::Gram::Never}) {
        RecordingObserver observer;
        ElasticNetParams p = params(0.05, 0.5, 1e-10);
        p.gram = gram;
        ElasticNet model(p);
        model.fit(s.train.X, s.train.target, observer);
        const auto &loss = observer.values["loss"];
        QCOMPARE(int(loss.size()), model.iterations());
        QVERIFY(loss.size() > 2);
        for (size_t i = 1; i < loss.size(); ++i) // coordinate descent never increases it
            QVERIFY2(loss[i] <= loss[i - 1] * (1 + 1e-12), qPrintable(QString::number(i)));
        const Eigen::VectorXd residual = s.train.target - model.predict(s.train.X);
        const double objective = residual.squaredNorm() / (2.0 * double(residual.size()))
                                 + 0.05 * 0.5 * model.coefficients().lpNorm<1>()
                                 + 0.05 * 0.25 * model.coefficients().squaredNorm();
        QVERIFY(std::abs(loss.back() - objective) < 1e-8 * objective);
        QVERIFY(!observer.values["dual_gap"].empty());
        QVERIFY(observer.values["dual_gap"].back() >= -1e-12);

        RecordingObserver cancelling;
        cancelling.cancelAfter = 2;
        ElasticNet cancelled(p);
        QVERIFY_THROWS_EXCEPTION(fb::ml::Cancelled,
                                 cancelled.fit(s.train.X, s.train.target, cancelling));
        QCOMPARE(cancelling.iterations, 2);
    }
}

void tst_MlElasticNet::roundTrip()
{
    const Split s = seededSplit(readDataset(QStringLiteral("diabetes")), false);
    ElasticNet model(params(0.2, 0.6));
    model.fit(s.train.X, s.train.target);
    Archive archive;
    model.save(archive);
    QCOMPARE(archive.getString("kind"), std::string("elastic_net"));
    const auto loaded = fb::ml::loadEstimator(archive);
    QCOMPARE(loaded->kind(), model.kind());
    QCOMPARE(loaded->featureCount(), model.featureCount());
    QCOMPARE(loaded->predict(s.test.X), model.predict(s.test.X)); // bit-identical
    Archive again;
    loaded->save(again);
    QVERIFY(again == archive);
}

void tst_MlElasticNet::badArchivesRejected()
{
    const Split s = seededSplit(readDataset(QStringLiteral("diabetes")), false);
    ElasticNet model;
    model.fit(s.train.X, s.train.target);
    auto expectError = [](Archive a, const QString &part) {
        try {
            fb::ml::loadEstimator(a);
            QFAIL("accepted");
        } catch (const fb::ml::ArchiveError &e) {
            QVERIFY2(QString::fromUtf8(e.what()).contains(part), e.what());
        }
    };
    Archive a;
    model.save(a);
    Archive future = a;
    future.setInt("version", 2);
    expectError(future, QStringLiteral("version 2 is not supported"));
    Archive badRatio = a;
    badRatio.setDouble("l1_ratio", 1.5);
    expectError(badRatio, QStringLiteral("l1Ratio must be in [0, 1], got 1.5"));
    Archive nan = a;
    nan.setVector("coefficients",
                  Eigen::VectorXd::Constant(10, std::numeric_limits<double>::quiet_NaN()));
    expectError(nan, QStringLiteral("NaN"));
}

void tst_MlElasticNet::paramsValidation_data()
{
    QTest::addColumn<QString>("field");
    QTest::addColumn<double>("value");
    QTest::addColumn<QString>("message");
    QTest::newRow("alpha") << "alpha" << -1.0 << "alpha must be >= 0 and finite, got -1";
    QTest::newRow("alpha inf") << "alpha" << std::numeric_limits<double>::infinity()
                               << "alpha must be >= 0 and finite, got inf";
    QTest::newRow("l1Ratio") << "l1Ratio" << 1.1 << "l1Ratio must be in [0, 1], got 1.1";
    QTest::newRow("maxIterations") << "maxIterations" << 0.0 << "maxIterations must be >= 1, got 0";
    QTest::newRow("tolerance") << "tolerance" << -1e-3
                               << "tolerance must be >= 0 and finite, got -0.001";
}

void tst_MlElasticNet::paramsValidation()
{
    QFETCH(QString, field);
    QFETCH(double, value);
    QFETCH(QString, message);
    ElasticNetParams p;
    if (field == "alpha")
        p.alpha = value;
    else if (field == "l1Ratio")
        p.l1Ratio = value;
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
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, ElasticNet{p});
}

void tst_MlElasticNet::badInputRejected()
{
    ElasticNet model;
    Eigen::MatrixXd X = Eigen::MatrixXd::Random(10, 3);
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, model.fit(X, Eigen::VectorXd::Zero(9)));
    X(2, 1) = std::numeric_limits<double>::quiet_NaN();
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, model.fit(X, Eigen::VectorXd::Zero(10)));
    model.fit(Eigen::MatrixXd::Random(10, 3), Eigen::VectorXd::Random(10));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, model.predict(Eigen::MatrixXd::Zero(2, 4)));
}

QTEST_GUILESS_MAIN(tst_MlElasticNet)
#include "tst_ml_elasticnet.moc"
