// Metrics against scikit-learn on random labels, probabilities and values (fixed seeds).

#include <ml/common/Random.h>
#include <ml/metrics/Metrics.h>

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <limits>

namespace metrics = fb::ml::metrics;

namespace {

// All values must agree with sklearn to 1e-12 (relative for values above 1).
constexpr double kTolerance = 1e-12;

QString pythonPath()
{
    const QString p = qEnvironmentVariable("FLOWBENCH_PYTHON");
    return p.isEmpty() ? QStringLiteral("/usr/bin/python3") : p;
}

// Runs an inline python script with one argument; returns its stdout parsed as JSON, or an
// empty object with *error set.
QJsonObject runPython(const QString &script, const QStringList &args, QString *error)
{
    QProcess process;
    process.start(pythonPath(), QStringList{QStringLiteral("-c"), script} + args);
    if (!process.waitForFinished(120000) || process.exitStatus() != QProcess::NormalExit
        || process.exitCode() != 0) {
        *error = QStringLiteral("python failed: ")
                 + QString::fromUtf8(process.readAllStandardError());
        return {};
    }
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(process.readAllStandardOutput(), &parseError);
    if (!doc.isObject()) {
        *error = QStringLiteral("python printed no JSON object: ") + parseError.errorString();
        return {};
    }
    return doc.object();
}

bool sklearnAvailable(QString *why)
{
    QProcess process;
    process.start(pythonPath(), {QStringLiteral("-c"), QStringLiteral("import sklearn")});
    if (!process.waitForFinished(60000) || process.exitCode() != 0) {
        *why = QStringLiteral("scikit-learn is not importable by %1 (install python3-sklearn): %2")
                   .arg(pythonPath(), QString::fromUtf8(process.readAllStandardError()).trimmed());
        return false;
    }
    return true;
}

const char *kScript = R"PY(
import json, sys, warnings
import numpy as np
from sklearn import metrics as m
warnings.filterwarnings("ignore")
d = json.load(open(sys.argv[1]))
K = d["classes"]
yt, yp = np.array(d["y_true"]), np.array(d["y_pred"])
proba = np.array(d["proba"])
labels = list(range(K))
p, r, f, s = m.precision_recall_fscore_support(yt, yp, labels=labels, zero_division=0)
avg = lambda a: m.precision_recall_fscore_support(yt, yp, labels=labels, zero_division=0, average=a)[:3]
out = {
    "accuracy": m.accuracy_score(yt, yp),
    "confusion": m.confusion_matrix(yt, yp, labels=labels).tolist(),
    "precision": p.tolist(), "recall": r.tolist(), "f1": f.tolist(), "support": s.tolist(),
    "macro": list(avg("macro")), "weighted": list(avg("weighted")),
    "log_loss": m.log_loss(yt, proba, eps=1e-15, labels=labels),
}
if len(np.unique(yt)) == K:
    out["roc_auc"] = m.roc_auc_score(yt, proba, multi_class="ovr", average="macro") if K > 2 \
        else m.roc_auc_score(yt, proba[:, 1])
yb, sb = np.array(d["binary_true"]), np.array(d["binary_score"])
fpr, tpr, thr = m.roc_curve(yb, sb, drop_intermediate=False)
out["binary_auc"] = m.roc_auc_score(yb, sb)
out["roc"] = {"fpr": fpr.tolist(), "tpr": tpr.tolist(), "thresholds": thr.tolist()}
rt, rp = np.array(d["reg_true"]), np.array(d["reg_pred"])
out["rmse"] = m.mean_squared_error(rt, rp, squared=False)
out["mae"] = m.mean_absolute_error(rt, rp)
out["r2"] = m.r2_score(rt, rp)
print(json.dumps(out))
)PY";

QJsonArray toJson(const Eigen::VectorXi &v)
{
    QJsonArray a;
    for (Eigen::Index i = 0; i < v.size(); ++i)
        a.append(v[i]);
    return a;
}

QJsonArray toJson(const Eigen::VectorXd &v)
{
    QJsonArray a;
    for (Eigen::Index i = 0; i < v.size(); ++i)
        a.append(v[i]);
    return a;
}

QJsonArray toJson(const Eigen::MatrixXd &m)
{
    QJsonArray rows;
    for (Eigen::Index i = 0; i < m.rows(); ++i)
        rows.append(toJson(Eigen::VectorXd(m.row(i).transpose())));
    return rows;
}

double deviation(double ours, double theirs)
{
    if (std::isnan(ours) && std::isnan(theirs))
        return 0.0;
    return std::abs(ours - theirs) / std::max(1.0, std::abs(theirs));
}

// Largest deviation seen over the whole test run, for the report.
double g_maxDeviation = 0.0;

#define COMPARE_VALUE(ours, theirs, what) \
    do { \
        const double d_ = deviation((ours), (theirs)); \
        g_maxDeviation = std::max(g_maxDeviation, d_); \
        QVERIFY2(d_ <= kTolerance, \
                 qPrintable(QStringLiteral("%1: ours %2, sklearn %3") \
                                .arg(QString(what)) \
                                .arg(ours, 0, 'g', 17) \
                                .arg(theirs, 0, 'g', 17))); \
    } while (false)

} // namespace

class tst_MlMetrics : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void againstSklearn_data();
    void againstSklearn();
    void edgeCases();
    void rejectsBadInput();

private:
    bool m_haveSklearn = false;
    QString m_skipReason;
};

void tst_MlMetrics::initTestCase()
{
    m_haveSklearn = sklearnAvailable(&m_skipReason);
}

void tst_MlMetrics::cleanupTestCase()
{
    qInfo("max relative deviation from sklearn over all metrics: %.3g", g_maxDeviation);
}

void tst_MlMetrics::againstSklearn_data()
{
    QTest::addColumn<int>("classes");
    QTest::addColumn<int>("samples");
    QTest::addColumn<int>("neverPredicted"); // a class the predictions never use, or -1
    QTest::addColumn<int>("absentInTruth");  // a class y_true never holds, or -1
    QTest::addColumn<quint64>("seed");
    QTest::newRow("binary") << 2 << 300 << -1 << -1 << quint64(1);
    QTest::newRow("4 classes") << 4 << 500 << -1 << -1 << quint64(2);
    QTest::newRow("5 classes, one never predicted") << 5 << 400 << 4 << -1 << quint64(3);
    QTest::newRow("5 classes, one absent from y_true") << 5 << 400 << -1 << 2 << quint64(4);
    QTest::newRow("10 classes, 2000 samples") << 10 << 2000 << -1 << -1 << quint64(5);
}

void tst_MlMetrics::againstSklearn()
{
    if (!m_haveSklearn)
        QSKIP(qPrintable(m_skipReason));
    QFETCH(int, classes);
    QFETCH(int, samples);
    QFETCH(int, neverPredicted);
    QFETCH(int, absentInTruth);
    QFETCH(quint64, seed);

    fb::ml::Rng rng(seed);
    auto randomClass = [&](int exclude) {
        for (;;) {
            const int c = int(rng.bounded(std::uint64_t(classes)));
            if (c != exclude)
                return c;
        }
    };
    Eigen::VectorXi yTrue(samples), yPred(samples);
    Eigen::MatrixXd proba(samples, classes);
    for (int i = 0; i < samples; ++i) {
        yTrue[i] = randomClass(absentInTruth);
        // Right 60% of the time, so that the scores are not all near chance.
        yPred[i] = (rng.uniform() < 0.6 && yTrue[i] != neverPredicted)
                       ? yTrue[i]
                       : randomClass(neverPredicted);
        // Small integer weights make ties in the scores (and exact zeros for clipping).
        Eigen::VectorXd w(classes);
        for (int c = 0; c < classes; ++c)
            w[c] = double(rng.bounded(5));
        w[yTrue[i]] += double(rng.bounded(3));
        if (w.sum() == 0.0)
            w[0] = 1.0;
        proba.row(i) = (w / w.sum()).transpose();
    }
    // A binary problem with tied and continuous scores for roc_curve.
    Eigen::VectorXi binaryTrue(samples);
    Eigen::VectorXd binaryScore(samples);
    for (int i = 0; i < samples; ++i) {
        binaryTrue[i] = rng.uniform() < 0.4 ? 1 : 0;
        const double s = 0.3 * binaryTrue[i] + rng.uniform();
        binaryScore[i] = i % 3 == 0 ? std::round(s * 10.0) / 10.0 : s;
    }
    Eigen::VectorXd regTrue(samples), regPred(samples);
    for (int i = 0; i < samples; ++i) {
        regTrue[i] = 100.0 * rng.normal() + 20.0;
        regPred[i] = regTrue[i] + 30.0 * rng.normal();
    }

    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QFile file(dir.filePath(QStringLiteral("metrics.json")));
    QVERIFY(file.open(QIODevice::WriteOnly));
    QJsonObject input{{"classes", classes},
                      {"y_true", toJson(yTrue)},
                      {"y_pred", toJson(yPred)},
                      {"proba", toJson(proba)},
                      {"binary_true", toJson(binaryTrue)},
                      {"binary_score", toJson(binaryScore)},
                      {"reg_true", toJson(regTrue)},
                      {"reg_pred", toJson(regPred)}};
    file.write(QJsonDocument(input).toJson(QJsonDocument::Compact));
    file.close();
    QString error;
    const QJsonObject ref = runPython(QString::fromUtf8(kScript), {file.fileName()}, &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));

    COMPARE_VALUE(metrics::accuracy(yTrue, yPred), ref["accuracy"].toDouble(), "accuracy");

    const Eigen::MatrixXi cm = metrics::confusionMatrix(yTrue, yPred, classes);
    const QJsonArray refCm = ref["confusion"].toArray();
    for (int r = 0; r < classes; ++r)
        for (int c = 0; c < classes; ++c)
            QCOMPARE(cm(r, c), refCm[r].toArray()[c].toInt());

    const metrics::PerClassScores scores = metrics::precisionRecallF1(cm);
    for (int c = 0; c < classes; ++c) {
        COMPARE_VALUE(scores.precision[c], ref["precision"].toArray()[c].toDouble(), "precision");
        COMPARE_VALUE(scores.recall[c], ref["recall"].toArray()[c].toDouble(), "recall");
        COMPARE_VALUE(scores.f1[c], ref["f1"].toArray()[c].toDouble(), "f1");
        QCOMPARE(scores.support[c], ref["support"].toArray()[c].toInt());
    }
    if (neverPredicted >= 0)
        QCOMPARE(scores.precision[neverPredicted], 0.0); // zero_division = 0
    if (absentInTruth >= 0)
        QCOMPARE(scores.recall[absentInTruth], 0.0);
    const QJsonArray macro = ref["macro"].toArray(), weighted = ref["weighted"].toArray();
    COMPARE_VALUE(scores.macroPrecision(), macro[0].toDouble(), "macro precision");
    COMPARE_VALUE(scores.macroRecall(), macro[1].toDouble(), "macro recall");
    COMPARE_VALUE(scores.macroF1(), macro[2].toDouble(), "macro F1");
    COMPARE_VALUE(scores.weightedPrecision(), weighted[0].toDouble(), "weighted precision");
    COMPARE_VALUE(scores.weightedRecall(), weighted[1].toDouble(), "weighted recall");
    COMPARE_VALUE(scores.weightedF1(), weighted[2].toDouble(), "weighted F1");

    COMPARE_VALUE(metrics::logLoss(yTrue, proba), ref["log_loss"].toDouble(), "log loss");

    if (ref.contains("roc_auc")) {
        COMPARE_VALUE(metrics::rocAuc(yTrue, proba), ref["roc_auc"].toDouble(), "ROC AUC");
    } else {
        QVERIFY(absentInTruth >= 0);
        QVERIFY(std::isnan(metrics::rocAuc(yTrue, proba))); // undefined, as documented
    }

    Eigen::MatrixXd binaryProba(samples, 2);
    binaryProba.col(0) = 1.0 - binaryScore.array();
    binaryProba.col(1) = binaryScore;
    COMPARE_VALUE(metrics::rocAuc(binaryTrue, binaryProba),
                  ref["binary_auc"].toDouble(),
                  "binary AUC");
    const metrics::RocCurve roc = metrics::rocCurve(binaryTrue, binaryScore);
    const QJsonObject refRoc = ref["roc"].toObject();
    QCOMPARE(qsizetype(roc.fpr.size()), refRoc["fpr"].toArray().size());
    QCOMPARE(roc.tpr.size(), roc.fpr.size());
    QCOMPARE(roc.thresholds.size(), roc.fpr.size());
    for (size_t i = 0; i < roc.fpr.size(); ++i) {
        COMPARE_VALUE(roc.fpr[i], refRoc["fpr"].toArray()[qsizetype(i)].toDouble(), "fpr");
        COMPARE_VALUE(roc.tpr[i], refRoc["tpr"].toArray()[qsizetype(i)].toDouble(), "tpr");
        COMPARE_VALUE(roc.thresholds[i],
                      refRoc["thresholds"].toArray()[qsizetype(i)].toDouble(),
                      "threshold");
    }
    QCOMPARE(roc.fpr.front(), 0.0);
    QCOMPARE(roc.tpr.back(), 1.0);

    COMPARE_VALUE(metrics::rmse(regTrue, regPred), ref["rmse"].toDouble(), "RMSE");
    COMPARE_VALUE(metrics::mae(regTrue, regPred), ref["mae"].toDouble(), "MAE");
    COMPARE_VALUE(metrics::r2(regTrue, regPred), ref["r2"].toDouble(), "R2");
}

void tst_MlMetrics::edgeCases()
{
    // Values known by hand, independent of sklearn.
    Eigen::VectorXi t(4), p(4);
    t << 0, 0, 1, 1;
    p << 0, 1, 1, 1;
    QCOMPARE(metrics::accuracy(t, p), 0.75);
    Eigen::MatrixXd proba(4, 2);
    proba << 0.9, 0.1, 0.6, 0.4, 0.35, 0.65, 0.2, 0.8;
    QCOMPARE(metrics::rocAuc(t, proba), 1.0);
    proba << 0.9, 0.1, 0.2, 0.8, 0.35, 0.65, 0.8, 0.2;
    QCOMPARE(metrics::rocAuc(t, proba), 0.5);
    // All scores tied: the diagonal, AUC 0.5, curve (0,0) -> (1,1).
    proba.setConstant(0.5);
    QCOMPARE(metrics::rocAuc(t, proba), 0.5);
    const auto roc = metrics::rocCurve(t, proba.col(1));
    QCOMPARE(roc.fpr, (std::vector<double>{0.0, 1.0}));
    QCOMPARE(roc.thresholds, (std::vector<double>{1.5, 0.5}));
    // One class only: AUC undefined.
    const Eigen::VectorXi ones = Eigen::VectorXi::Ones(4);
    QVERIFY(std::isnan(metrics::rocAuc(ones, proba)));
    // Perfect probabilities clip at eps: -log(1 - 1e-15) renormalised is ~1e-15.
    Eigen::MatrixXd certain(2, 2);
    certain << 1.0, 0.0, 0.0, 1.0;
    Eigen::VectorXi c(2);
    c << 0, 1;
    QVERIFY(metrics::logLoss(c, certain) < 1e-14);
    c << 1, 0;
    QCOMPARE(metrics::logLoss(c, certain), -std::log(1e-15 / (1.0 + 1e-15 - 1e-15)));
    // R2: a constant target scores 1 when predicted exactly and 0 otherwise (force_finite).
    const Eigen::VectorXd constant = Eigen::VectorXd::Constant(3, 2.0);
    QCOMPARE(metrics::r2(constant, constant), 1.0);
    QCOMPARE(metrics::r2(constant, Eigen::VectorXd::LinSpaced(3, 1.0, 3.0)), 0.0);
    // Precision of a class that is never predicted is 0, not NaN.
    Eigen::MatrixXi cm(2, 2);
    cm << 3, 0, 2, 0;
    const auto s = metrics::precisionRecallF1(cm);
    QCOMPARE(s.precision[1], 0.0);
    QCOMPARE(s.f1[1], 0.0);
    QCOMPARE(s.recall[0], 1.0);
    QCOMPARE(s.precision[0], 0.6);
}

void tst_MlMetrics::rejectsBadInput()
{
    Eigen::VectorXi a(3), b(2);
    a << 0, 1, 2;
    b << 0, 1;
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, metrics::accuracy(a, b));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, metrics::confusionMatrix(a, a, 2));
    Eigen::MatrixXd proba = Eigen::MatrixXd::Constant(3, 2, 0.5);
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, metrics::logLoss(a, proba)); // label 2 of 2
    Eigen::VectorXd score(3);
    score << 0.1, std::numeric_limits<double>::quiet_NaN(), 0.3;
    Eigen::VectorXi binary(3);
    binary << 0, 1, 1;
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, metrics::rocCurve(binary, score));
}

QTEST_GUILESS_MAIN(tst_MlMetrics)
#include "tst_ml_metrics.moc"
