// Gaussian naive Bayes against scikit-learn's GaussianNB: fitted means, variances and
// smoothing, probabilities and test accuracy on seeded splits; priors, persistence and
// validation.

#include "MlTestSupport.h"

#include <ml/bayes/GaussianNb.h>
#include <ml/common/Estimator.h>

#include <limits>

using fb::ml::Archive;
using fb::ml::GaussianNb;
using fb::ml::GaussianNbParams;
using namespace mltest;

namespace {

const char *kScript = R"PY(
import json, sys
import numpy as np
from sklearn.naive_bayes import GaussianNB
train = np.loadtxt(sys.argv[1], delimiter=",", ndmin=2)
test = np.loadtxt(sys.argv[2], delimiter=",", ndmin=2)
m = GaussianNB(var_smoothing=float(sys.argv[3])).fit(train[:, :-1], train[:, -1].astype(int))
print(json.dumps({"theta": m.theta_.tolist(), "var": m.var_.tolist(), "epsilon": m.epsilon_,
                  "proba": m.predict_proba(test[:, :-1]).tolist(),
                  "jll": m.predict_joint_log_proba(test[:, :-1]).tolist() if hasattr(m, "predict_joint_log_proba") else [],
                  "accuracy": m.score(test[:, :-1], test[:, -1].astype(int))}))
)PY";

QualityLog g_quality;

} // namespace

class tst_MlBayes : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void matchesSklearn_data();
    void matchesSklearn();
    void priorsShiftDecisions();
    void constantFeatures();
    void roundTrip();
    void validation();

private:
    bool m_haveSklearn = false;
    QString m_skipReason;
    QTemporaryDir m_dir;
};

void tst_MlBayes::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_haveSklearn = sklearnAvailable(&m_skipReason);
}

void tst_MlBayes::cleanupTestCase()
{
    g_quality.print(
        "Gaussian naive Bayes test accuracy (seeded stratified 75/25 split) vs GaussianNB:");
}

void tst_MlBayes::matchesSklearn_data()
{
    QTest::addColumn<QString>("dataset");
    QTest::addColumn<double>("smoothing");
    for (const char *name : {"iris", "wine", "breast_cancer", "digits"})
        QTest::addRow("%s", name) << QString::fromLatin1(name) << 1e-9;
    QTest::newRow("digits var_smoothing=0.1") << "digits" << 0.1;
}

void tst_MlBayes::matchesSklearn()
{
    if (!m_haveSklearn)
        QSKIP(qPrintable(m_skipReason));
    QFETCH(QString, dataset);
    QFETCH(double, smoothing);
    // digits has constant pixels: their variance is the smoothing term alone.
    const Split s = seededSplit(readDataset(dataset), true);
    const QStringList csv = writeSplit(m_dir, dataset, s, true);
    QString error;
    const QJsonObject ref = runPython(kScript, {csv[0], csv[1], QString::number(smoothing)}, &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    GaussianNbParams p;
    p.varSmoothing = smoothing;
    GaussianNb model(p);
    model.fit(s.train.X, s.train.labels, s.train.classes);
    QVERIFY((model.means() - matrixFromJson(ref["theta"].toArray())).lpNorm<Eigen::Infinity>()
            < 1e-12);
    const Eigen::MatrixXd skVar = matrixFromJson(ref["var"].toArray());
    QVERIFY(((model.variances() - skVar).array().abs() / skVar.array()).maxCoeff() < 1e-10);
    QVERIFY(std::abs(model.epsilon() - ref["epsilon"].toDouble())
            <= 1e-12 * ref["epsilon"].toDouble());
    const Eigen::MatrixXd proba = model.predictProba(s.test.X);
    const double devProba = (proba - matrixFromJson(ref["proba"].toArray()))
                                .lpNorm<Eigen::Infinity>();
    QVERIFY2(devProba < 1e-8, qPrintable(QString::number(devProba)));
    const double ours = accuracy(s.test.labels, model.predict(s.test.X));
    const double theirs = ref["accuracy"].toDouble();
    g_quality.add(QStringLiteral("%1: ours %2, sklearn %3, max |proba diff| %4")
                      .arg(QString::fromLatin1(QTest::currentDataTag()))
                      .arg(ours, 0, 'f', 4)
                      .arg(theirs, 0, 'f', 4)
                      .arg(devProba, 0, 'g', 3));
    QVERIFY2(ours >= theirs - 0.01, qPrintable(QStringLiteral("%1 vs %2").arg(ours).arg(theirs)));
}

void tst_MlBayes::priorsShiftDecisions()
{
    const Split s = seededSplit(readDataset(QStringLiteral("breast_cancer")), true);
    GaussianNb fitted;
    fitted.fit(s.train.X, s.train.labels, 2);
    const Eigen::VectorXd counts = Eigen::Vector2d((s.train.labels.array() == 0).count(),
                                                   (s.train.labels.array() == 1).count());
    QVERIFY((fitted.classPriors() - counts / counts.sum()).norm() < 1e-15);
    GaussianNbParams p;
    p.priors = Eigen::Vector2d(1e-12, 1.0 - 1e-12);
    GaussianNb skewed(p);
    skewed.fit(s.train.X, s.train.labels, 2);
    // With a near-zero prior class 0 almost never wins.
    const Eigen::VectorXd predicted = skewed.predict(s.test.X);
    QVERIFY(predicted.sum() > fitted.predict(s.test.X).sum());
    // Joint log-likelihoods differ by exactly the log prior ratio.
    const Eigen::MatrixXd a = fitted.jointLogLikelihood(s.test.X);
    const Eigen::MatrixXd b = skewed.jointLogLikelihood(s.test.X);
    QVERIFY(
        ((b.col(0) - a.col(0)).array() - std::log(1e-12 / fitted.classPriors()[0])).abs().maxCoeff()
        < 1e-9);
}

void tst_MlBayes::constantFeatures()
{
    Eigen::MatrixXd X = Eigen::MatrixXd::Constant(6, 2, 3.0);
    Eigen::VectorXi y(6);
    y << 0, 0, 0, 1, 1, 1;
    GaussianNb model;
    model.fit(X, y, 2);
    const Eigen::MatrixXd P = model.predictProba(X);
    QVERIFY(P.allFinite());
    QVERIFY((P.array() - 0.5).abs().maxCoeff() < 1e-12);
}

void tst_MlBayes::roundTrip()
{
    const Split s = seededSplit(readDataset(QStringLiteral("wine")), true);
    GaussianNb model;
    model.fit(s.train.X, s.train.labels, s.train.classes);
    Archive archive;
    model.save(archive);
    const auto loaded = fb::ml::loadEstimator(archive);
    QCOMPARE(loaded->kind(), std::string("gaussian_nb"));
    QCOMPARE(loaded->classCount(), 3);
    QCOMPARE(loaded->predict(s.test.X), model.predict(s.test.X));
    QCOMPARE(loaded->predictProba(s.test.X), model.predictProba(s.test.X));
    Archive again;
    loaded->save(again);
    QVERIFY(again == archive);
    Archive bad = archive;
    bad.setMatrix("variance", Eigen::MatrixXd::Zero(3, 13));
    QVERIFY_THROWS_EXCEPTION(fb::ml::ArchiveError, fb::ml::loadEstimator(bad));
}

void tst_MlBayes::validation()
{
    GaussianNbParams p;
    p.varSmoothing = -1;
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, p.validate());
    p = {};
    p.priors = Eigen::Vector2d(0.3, 0.3);
    try {
        p.validate();
        QFAIL("accepted");
    } catch (const std::invalid_argument &e) {
        QCOMPARE(QString::fromUtf8(e.what()), QStringLiteral("priors must sum to 1, got 0.6"));
    }
    p.priors = Eigen::Vector3d(0.2, 0.3, 0.5);
    GaussianNb model(p);
    Eigen::VectorXi y(4);
    y << 0, 1, 0, 1;
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, model.fit(Eigen::MatrixXd::Random(4, 2), y, 2));
}

QTEST_GUILESS_MAIN(tst_MlBayes)
#include "tst_ml_bayes.moc"
