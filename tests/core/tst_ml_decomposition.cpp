// PCA against scikit-learn's PCA(svd_solver="full") on the bundled datasets (raw features, so
// that large means test the centring): explained variances, components with scikit-learn's
// signs, scores, whitening, the variance-fraction rule; persistence and validation.

#include "MlTestSupport.h"

#include <ml/common/Estimator.h>
#include <ml/common/Parallel.h>
#include <ml/decomposition/Pca.h>

#include <Eigen/Eigenvalues>

#include <limits>
#include <numeric>

using fb::ml::Archive;
using fb::ml::Pca;
using fb::ml::PcaParams;
using namespace mltest;

namespace {

const char *kScript = R"PY(
import json, sys
import numpy as np
from sklearn.decomposition import PCA
train = np.loadtxt(sys.argv[1], delimiter=",", ndmin=2)[:, :-1]
test = np.loadtxt(sys.argv[2], delimiter=",", ndmin=2)[:, :-1]
n = float(sys.argv[3])
m = PCA(n_components=int(n) if n >= 1 else n, whiten=sys.argv[4] == "1", svd_solver="full").fit(train)
print(json.dumps({"components": m.components_.tolist(), "variance": m.explained_variance_.tolist(),
                  "ratio": m.explained_variance_ratio_.tolist(), "scores": m.transform(test).tolist(),
                  "back": m.inverse_transform(m.transform(test)).tolist()}))
)PY";

double g_worstComponent = 0.0;

// Split without standardising: PCA sees the raw columns.
Split rawSplit(const QString &name)
{
    const Dataset d = readDataset(name);
    fb::ml::Rng rng(42);
    std::vector<Eigen::Index> rows(static_cast<size_t>(d.X.rows()));
    std::iota(rows.begin(), rows.end(), Eigen::Index(0));
    rng.shuffle(rows.begin(), rows.end());
    const auto nTest = size_t(std::ceil(0.25 * double(rows.size())));
    std::vector<Eigen::Index> test(rows.begin(), rows.begin() + nTest);
    std::vector<Eigen::Index> train(rows.begin() + nTest, rows.end());
    std::sort(test.begin(), test.end());
    std::sort(train.begin(), train.end());
    return Split{takeRows(d, train), takeRows(d, test)};
}

} // namespace

class tst_MlDecomposition : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void matchesSklearn_data();
    void matchesSklearn();
    void varianceFractionAndAll();
    void largeMeansStayAccurate();
    void threadIndependent();
    void roundTrip();
    void paramsValidation();

private:
    bool m_haveSklearn = false;
    QString m_skipReason;
    QTemporaryDir m_dir;
};

void tst_MlDecomposition::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_haveSklearn = sklearnAvailable(&m_skipReason);
}

void tst_MlDecomposition::cleanupTestCase()
{
    fb::ml::setThreadBudget(1);
    qInfo("PCA: worst scaled component deviation from scikit-learn %.3g", g_worstComponent);
}

void tst_MlDecomposition::matchesSklearn_data()
{
    QTest::addColumn<QString>("dataset");
    QTest::addColumn<double>("components");
    QTest::addColumn<bool>("whiten");
    QTest::newRow("iris 2") << "iris" << 2.0 << false;
    QTest::newRow("iris 4 whitened") << "iris" << 4.0 << true;
    QTest::newRow("wine 5") << "wine" << 5.0 << false;
    QTest::newRow("breast_cancer 10 whitened") << "breast_cancer" << 10.0 << true;
    QTest::newRow("digits 8") << "digits" << 8.0 << false;
    QTest::newRow("diabetes 0.9 of the variance") << "diabetes" << 0.9 << false;
    QTest::newRow("digits 0.5 of the variance") << "digits" << 0.5 << true;
}

void tst_MlDecomposition::matchesSklearn()
{
    if (!m_haveSklearn)
        QSKIP(qPrintable(m_skipReason));
    QFETCH(QString, dataset);
    QFETCH(double, components);
    QFETCH(bool, whiten);
    const Split s = rawSplit(dataset);
    const QStringList csv = writeSplit(m_dir, dataset + "_raw", s, false);
    QString error;
    const QJsonObject ref
        = runPython(kScript,
                    {csv[0], csv[1], QString::number(components), whiten ? "1" : "0"},
                    &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    PcaParams p;
    p.nComponents = components;
    p.whiten = whiten;
    Pca model(p);
    model.fit(s.train.X);

    const Eigen::MatrixXd skComponents = matrixFromJson(ref["components"].toArray());
    QCOMPARE(model.componentCount(), skComponents.rows());
    const Eigen::VectorXd skVariance = vectorFromJson(ref["variance"].toArray());
    QVERIFY(((model.explainedVariance() - skVariance).array().abs() / skVariance.array()).maxCoeff()
            < 1e-9);
    QVERIFY((model.explainedVarianceRatio() - vectorFromJson(ref["ratio"].toArray()))
                .lpNorm<Eigen::Infinity>()
            < 1e-12);
    // Same signs as scikit-learn (svd_flip): no per-component sign juggling here.
    const double devComponents = (model.components() - skComponents).lpNorm<Eigen::Infinity>();
    g_worstComponent = std::max(g_worstComponent, devComponents);
    QVERIFY2(devComponents < 1e-7,
             qPrintable(QStringLiteral("components differ by %1").arg(devComponents)));
    const Eigen::MatrixXd skScores = matrixFromJson(ref["scores"].toArray());
    const Eigen::MatrixXd scores = model.transform(s.test.X);
    const double devScores = (scores - skScores).lpNorm<Eigen::Infinity>()
                             / std::max(1.0, skScores.lpNorm<Eigen::Infinity>());
    QVERIFY2(devScores < 1e-7, qPrintable(QStringLiteral("scores differ by %1").arg(devScores)));
    const Eigen::MatrixXd skBack = matrixFromJson(ref["back"].toArray());
    QVERIFY((model.inverseTransform(scores) - skBack).lpNorm<Eigen::Infinity>()
            < 1e-7 * std::max(1.0, skBack.lpNorm<Eigen::Infinity>()));
    if (whiten) { // unit variance on the training rows
        const Eigen::MatrixXd t = model.transform(s.train.X);
        const Eigen::RowVectorXd var = (t.rowwise() - t.colwise().mean()).colwise().squaredNorm()
                                       / double(t.rows() - 1);
        QVERIFY((var.array() - 1.0).abs().maxCoeff() < 1e-9);
    }
    // Importance: each feature's share of the kept variance, summing to the kept ratio.
    QVERIFY(std::abs(model.featureImportance().sum() - model.explainedVarianceRatio().sum())
            < 1e-12);
}

void tst_MlDecomposition::varianceFractionAndAll()
{
    const Split s = rawSplit(QStringLiteral("wine"));
    PcaParams all;
    Pca full(all);
    full.fit(s.train.X);
    QCOMPARE(full.componentCount(), s.train.X.cols());
    QVERIFY(std::abs(full.explainedVarianceRatio().sum() - 1.0) < 1e-12);
    // The fewest components whose cumulative share exceeds the fraction.
    for (double fraction : {0.5, 0.99, 0.999999}) {
        PcaParams p;
        p.nComponents = fraction;
        Pca model(p);
        model.fit(s.train.X);
        const Eigen::Index k = model.componentCount();
        QVERIFY(model.explainedVarianceRatio().sum() > fraction);
        QVERIFY(k == 1 || full.explainedVarianceRatio().head(k - 1).sum() <= fraction);
    }
    PcaParams tooMany;
    tooMany.nComponents = 14;
    Pca model(tooMany);
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, model.fit(s.train.X));
}

// Columns with mean 1e9 and spread ~1: centring in blocks keeps the covariance exact where
// X'X - n mean mean' would lose every digit.
void tst_MlDecomposition::largeMeansStayAccurate()
{
    fb::ml::Rng rng(9);
    Eigen::MatrixXd Z(5000, 3);
    for (Eigen::Index i = 0; i < Z.size(); ++i)
        Z.data()[i] = rng.normal();
    Eigen::MatrixXd mix(3, 3);
    mix << 3, 0, 0, 1, 1, 0, 0.5, 0.2, 0.1;
    Eigen::MatrixXd X = Z * mix;
    const Eigen::MatrixXd centred = X.rowwise() - X.colwise().mean();
    const Eigen::MatrixXd cov = centred.transpose() * centred / double(X.rows() - 1);
    X.array() += 1e9;
    Pca model;
    model.fit(X);
    Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eig(cov);
    const Eigen::VectorXd expected = eig.eigenvalues().reverse();
    QVERIFY(((model.explainedVariance() - expected).array().abs() / expected.array()).maxCoeff()
            < 1e-6);
}

void tst_MlDecomposition::threadIndependent()
{
    Eigen::MatrixXd X(40000, 6);
    fb::ml::Rng rng(4);
    for (Eigen::Index i = 0; i < X.size(); ++i)
        X.data()[i] = rng.normal() * double(1 + i % 5);
    PcaParams p;
    p.nComponents = 3;
    fb::ml::setThreadBudget(1);
    Pca serial(p);
    serial.fit(X);
    fb::ml::setThreadBudget(2);
    Pca parallel(p);
    parallel.fit(X);
    QCOMPARE(parallel.components(), serial.components()); // bit-identical
    QCOMPARE(parallel.transform(X), serial.transform(X));
    fb::ml::setThreadBudget(1);
}

void tst_MlDecomposition::roundTrip()
{
    const Split s = rawSplit(QStringLiteral("breast_cancer"));
    PcaParams p;
    p.nComponents = 4;
    p.whiten = true;
    Pca model(p);
    model.fit(s.train.X);
    Archive archive;
    model.save(archive);
    const auto loaded = fb::ml::loadEstimator(archive);
    QCOMPARE(loaded->kind(), std::string("pca"));
    QCOMPARE(loaded->task(), fb::ml::TaskKind::Transform);
    QCOMPARE(static_cast<const Pca &>(*loaded).transform(s.test.X), model.transform(s.test.X));
    QVERIFY_THROWS_EXCEPTION(std::logic_error, loaded->predict(s.test.X));
    Archive again;
    loaded->save(again);
    QVERIFY(again == archive);
    Archive bad = archive;
    bad.setVector("mean", Eigen::VectorXd::Zero(3));
    QVERIFY_THROWS_EXCEPTION(fb::ml::ArchiveError, fb::ml::loadEstimator(bad));
}

void tst_MlDecomposition::paramsValidation()
{
    PcaParams p;
    p.nComponents = -1;
    try {
        p.validate();
        QFAIL("accepted");
    } catch (const std::invalid_argument &e) {
        QCOMPARE(QString::fromUtf8(e.what()),
                 QStringLiteral("nComponents must be >= 0 and finite, got -1"));
    }
    p.nComponents = 2.5;
    try {
        p.validate();
        QFAIL("accepted");
    } catch (const std::invalid_argument &e) {
        QCOMPARE(QString::fromUtf8(e.what()),
                 QStringLiteral("nComponents must be a whole number when >= 1, got 2.5"));
    }
    Pca model;
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, model.fit(Eigen::MatrixXd::Random(1, 3)));
}

QTEST_GUILESS_MAIN(tst_MlDecomposition)
#include "tst_ml_decomposition.moc"
