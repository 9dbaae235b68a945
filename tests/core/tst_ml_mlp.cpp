// Multi-layer perceptrons against scikit-learn's MLPClassifier / MLPRegressor: test metrics on
// seeded splits (averaged over seeds), the same model as scikit-learn's for the same seed (both
// draw from numpy's RandomState stream), the gradient (finite differences), the optimisers,
// early stopping, persistence, validation, determinism across thread budgets and cancellation
// per mini-batch.

#include "MlTestSupport.h"

#include <ml/common/Estimator.h>
#include <ml/common/NumpyRandom.h>
#include <ml/common/Parallel.h>
#include <ml/mlp/MlpClassifier.h>
#include <ml/mlp/MlpNetwork.h>
#include <ml/mlp/MlpRegressor.h>

#include <cmath>
#include <limits>

using fb::ml::Archive;
using fb::ml::MlpClassifier;
using fb::ml::MlpParams;
using fb::ml::MlpRegressor;
using namespace mltest;

namespace {

// argv: train.csv test.csv classifier(0/1) seeds, then key=value settings for the estimator.
const char *kScript = R"PY(
import json, sys, warnings
import numpy as np
from sklearn.neural_network import MLPClassifier, MLPRegressor
warnings.filterwarnings("ignore")
train = np.loadtxt(sys.argv[1], delimiter=",", ndmin=2)
test = np.loadtxt(sys.argv[2], delimiter=",", ndmin=2)
classifier = sys.argv[3] == "1"
settings = {}
for kv in sys.argv[5:]:
    k, v = kv.split("=")
    settings[k] = tuple(int(u) for u in v.split(",")) if k == "hidden_layer_sizes" else \
        (v == "true") if v in ("true", "false") else (v if k in ("solver", "activation", "learning_rate") else float(v))
    if k in ("max_iter", "batch_size", "n_iter_no_change"): settings[k] = int(settings[k])
scores, epochs = [], []
for seed in range(int(sys.argv[4])):
    cls = MLPClassifier if classifier else MLPRegressor
    m = cls(random_state=seed, **settings)
    y = train[:, -1].astype(int) if classifier else train[:, -1]
    m.fit(train[:, :-1], y)
    yt = test[:, -1].astype(int) if classifier else test[:, -1]
    scores.append(m.score(test[:, :-1], yt))
    epochs.append(m.n_iter_)
print(json.dumps({"scores": scores, "epochs": epochs}))
)PY";

// argv: train.csv test.csv seeds, then settings as above; prints each seed's predict_proba.
const char *kProbaScript = R"PY(
import json, sys, warnings
import numpy as np
from sklearn.neural_network import MLPClassifier
warnings.filterwarnings("ignore")
train = np.loadtxt(sys.argv[1], delimiter=",", ndmin=2)
test = np.loadtxt(sys.argv[2], delimiter=",", ndmin=2)
settings = {}
for kv in sys.argv[4:]:
    k, v = kv.split("=")
    settings[k] = tuple(int(u) for u in v.split(",")) if k == "hidden_layer_sizes" else \
        (v == "true") if v in ("true", "false") else int(v)
proba = []
for seed in range(int(sys.argv[3])):
    m = MLPClassifier(random_state=seed, **settings).fit(train[:, :-1], train[:, -1].astype(int))
    proba.append(m.predict_proba(test[:, :-1]).ravel().tolist())
print(json.dumps({"proba": proba}))
)PY";

const int kSeeds = qEnvironmentVariableIsSet("MLP_SEEDS")
                       ? qEnvironmentVariableIntValue("MLP_SEEDS")
                       : 5;
QualityLog g_quality;

struct Setting
{
    QString key;
    QString value;
};

// Applies a scikit-learn style setting to our parameters (the same names the trainer uses).
void apply(MlpParams &p, const Setting &s)
{
    if (s.key == "hidden_layer_sizes")
        p.hiddenLayerSizes = MlpParams::parseLayerSizes(s.value.toStdString());
    else if (s.key == "activation")
        p.activation = fb::ml::activationFromString(s.value.toStdString());
    else if (s.key == "solver")
        p.solver = s.value == "sgd" ? fb::ml::MlpSolver::Sgd : fb::ml::MlpSolver::Adam;
    else if (s.key == "max_iter")
        p.maxIterations = s.value.toInt();
    else if (s.key == "learning_rate_init")
        p.learningRateInit = s.value.toDouble();
    else if (s.key == "learning_rate")
        p.learningRate = s.value == "adaptive" ? fb::ml::LearningRateSchedule::Adaptive
                                               : fb::ml::LearningRateSchedule::Constant;
    else if (s.key == "early_stopping")
        p.earlyStopping = s.value == "true";
    else if (s.key == "alpha")
        p.alpha = s.value.toDouble();
    else if (s.key == "batch_size")
        p.batchSize = s.value.toInt();
    else
        qFatal("unknown setting %s", qPrintable(s.key));
}

Eigen::MatrixXd randomMatrix(Eigen::Index rows, Eigen::Index cols, std::uint64_t seed)
{
    fb::ml::Rng rng(seed);
    Eigen::MatrixXd m(rows, cols);
    for (Eigen::Index i = 0; i < m.size(); ++i)
        m.data()[i] = rng.normal();
    return m;
}

} // namespace

class tst_MlMlp : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void qualityVsSklearn_data();
    void qualityVsSklearn();
    void initialisationAsNumpy();
    void sameSeedSameModelAsSklearn_data();
    void sameSeedSameModelAsSklearn();
    void gradientMatchesFiniteDifferences_data();
    void gradientMatchesFiniteDifferences();
    void earlyStoppingKeepsBestWeights();
    void deterministicAndThreadIndependent();
    void observerAndCancelPerBatch();
    void roundTrip();
    void badArchivesRejected();
    void paramsValidation_data();
    void paramsValidation();
    void layerSizesParsing();

private:
    bool m_haveSklearn = false;
    QString m_skipReason;
    QTemporaryDir m_dir;
};

void tst_MlMlp::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_haveSklearn = sklearnAvailable(&m_skipReason);
}

void tst_MlMlp::cleanupTestCase()
{
    fb::ml::setThreadBudget(1);
    g_quality.print(
        "MLP test metric (mean over seeds 0-4; seeded 75/25 split, standardized) vs scikit-learn:");
}

void tst_MlMlp::qualityVsSklearn_data()
{
    QTest::addColumn<QString>("dataset");
    QTest::addColumn<QString>("settings"); // space-separated key=value
    QTest::newRow("iris, defaults") << "iris"
                                    << "";
    QTest::newRow("wine, defaults") << "wine"
                                    << "";
    QTest::newRow("breast_cancer, 64-64 tanh") << "breast_cancer"
                                               << "hidden_layer_sizes=64,64 activation=tanh";
    QTest::newRow("breast_cancer, sgd adaptive")
        << "breast_cancer"
        << "solver=sgd learning_rate=adaptive learning_rate_init=0.01";
    QTest::newRow("digits, 64-64 adam 30 epochs") << "digits"
                                                  << "hidden_layer_sizes=64,64 max_iter=30";
    QTest::newRow("digits, early stopping") << "digits"
                                            << "early_stopping=true";
    QTest::newRow("diabetes regressor, 16 lr 0.05 150")
        << "diabetes"
        << "hidden_layer_sizes=16 learning_rate_init=0.05 max_iter=150";
    QTest::newRow("diabetes regressor, 32 lr 0.01 early")
        << "diabetes"
        << "hidden_layer_sizes=32 learning_rate_init=0.01 max_iter=1000 early_stopping=true";
}

void tst_MlMlp::qualityVsSklearn()
{
    if (!m_haveSklearn)
        QSKIP(qPrintable(m_skipReason));
    QFETCH(QString, dataset);
    QFETCH(QString, settings);
    const bool classifier = dataset != "diabetes";
    const Split s = seededSplit(readDataset(dataset), classifier);
    const QStringList csv = writeSplit(m_dir, dataset, s, classifier);
    QList<Setting> parsed;
    for (const QString &kv : settings.split(u' ', Qt::SkipEmptyParts))
        parsed.append({kv.section(u'=', 0, 0), kv.section(u'=', 1)});
    QString error;
    QStringList args{csv[0], csv[1], classifier ? "1" : "0", QString::number(kSeeds)};
    args += settings.split(u' ', Qt::SkipEmptyParts);
    const QJsonObject ref = runPython(kScript, args, &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    const double theirs = vectorFromJson(ref["scores"].toArray()).mean();

    double ours = 0.0;
    int epochs = 0;
    for (int seed = 0; seed < kSeeds; ++seed) {
        MlpParams p;
        p.seed = std::uint64_t(seed);
        for (const Setting &st : parsed)
            apply(p, st);
        if (classifier) {
            MlpClassifier model(p);
            model.fit(s.train.X, s.train.labels, s.train.classes);
            ours += accuracy(s.test.labels, model.predict(s.test.X)) / kSeeds;
            epochs += model.fitResult().epochs;
        } else {
            MlpRegressor model(p);
            model.fit(s.train.X, s.train.target);
            ours += r2(s.test.target, model.predict(s.test.X)) / kSeeds;
            epochs += model.fitResult().epochs;
        }
    }
    g_quality.add(QStringLiteral("%1: ours %2 (%3 epochs), sklearn %4 (%5 epochs)")
                      .arg(QString::fromLatin1(QTest::currentDataTag()))
                      .arg(ours, 0, 'f', 4)
                      .arg(double(epochs) / kSeeds, 0, 'f', 1)
                      .arg(theirs, 0, 'f', 4)
                      .arg(vectorFromJson(ref["epochs"].toArray()).mean(), 0, 'f', 1));
    QVERIFY2(ours >= theirs - 0.01,
             qPrintable(QStringLiteral("%1 vs sklearn %2").arg(ours).arg(theirs)));
}

// numpy's RandomState draws, and scikit-learn's _init_coef order on top of them (values from
// numpy 1.24; the legacy stream is frozen): without them, the same seed gives another network.
void tst_MlMlp::initialisationAsNumpy()
{
    fb::ml::NumpyRandomState rs(42);
    QCOMPARE(rs.uniform(), 0.3745401188473625); // RandomState(42).random_sample()
    std::vector<int> order{0, 1, 2, 3, 4, 5, 6, 7};
    rs = fb::ml::NumpyRandomState(42);
    rs.shuffle(order.begin(), order.end());
    QCOMPARE(order, (std::vector<int>{1, 5, 0, 7, 2, 4, 3, 6})); // RandomState(42).permutation(8)

    // MLPClassifier((5,), random_state=0) on 4 features and 3 classes: coefs_[0] (4 x 5, drawn
    // row by row), intercepts_[0], coefs_[1] (5 x 3), intercepts_[1], each U(+-sqrt(6 / (in + out))).
    fb::ml::MlpNetwork net({4, 5, 3}, fb::ml::Activation::Relu, fb::ml::MlpOutput::Softmax);
    fb::ml::NumpyRandomState rng(0);
    net.initialize(rng);
    const Eigen::VectorXd &theta = net.parameters();
    QCOMPARE(theta.size(), Eigen::Index(43));
    QCOMPARE(theta[0], 0.07971211811952561);  // coefs_[0][0, 0]
    QCOMPARE(theta[1], 0.35140276379016866);  // coefs_[0][0, 1]
    QCOMPARE(theta[20], 0.7815804800046962);  // intercepts_[0][0]
    QCOMPARE(theta[25], 0.24235031798619966); // coefs_[1][0, 0]
    QCOMPARE(theta[42], 0.3423072725066221);  // intercepts_[1][2]
}

void tst_MlMlp::sameSeedSameModelAsSklearn_data()
{
    QTest::addColumn<QString>("settings");
    QTest::newRow("32 units, 20 epochs") << "hidden_layer_sizes=32 max_iter=20";
    // Unstratified validation split (multiclass): scikit-learn's ShuffleSplit rows and order.
    QTest::newRow("early stopping") << "hidden_layer_sizes=32 max_iter=200 early_stopping=true";
}

// Seed s trains scikit-learn's random_state=s network: the same initial weights, shuffles and
// validation rows, so the probabilities agree to rounding (the products sum in another order).
void tst_MlMlp::sameSeedSameModelAsSklearn()
{
    if (!m_haveSklearn)
        QSKIP(qPrintable(m_skipReason));
    QFETCH(QString, settings);
    const Split s = seededSplit(readDataset(QStringLiteral("digits")), true);
    const QStringList csv = writeSplit(m_dir, QStringLiteral("digits_same"), s, true);
    const int seeds = 3;
    QString error;
    const QJsonObject ref = runPython(kProbaScript,
                                      QStringList{csv[0], csv[1], QString::number(seeds)}
                                          + settings.split(u' ', Qt::SkipEmptyParts),
                                      &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    for (int seed = 0; seed < seeds; ++seed) {
        MlpParams p;
        p.seed = std::uint64_t(seed);
        for (const QString &kv : settings.split(u' ', Qt::SkipEmptyParts))
            apply(p, {kv.section(u'=', 0, 0), kv.section(u'=', 1)});
        MlpClassifier model(p);
        model.fit(s.train.X, s.train.labels, s.train.classes);
        // Row-major, as numpy's ravel() of predict_proba.
        const Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> ours
            = model.predictProba(s.test.X);
        const Eigen::VectorXd theirs = vectorFromJson(ref["proba"].toArray()[seed].toArray());
        QCOMPARE(theirs.size(), ours.size());
        const double worst = (Eigen::Map<const Eigen::VectorXd>(ours.data(), ours.size()) - theirs)
                                 .cwiseAbs()
                                 .maxCoeff();
        QVERIFY2(worst < 1e-6,
                 qPrintable(QStringLiteral("seed %1: probabilities differ by up to %2")
                                .arg(seed)
                                .arg(worst)));
    }
}

void tst_MlMlp::gradientMatchesFiniteDifferences_data()
{
    QTest::addColumn<int>("output"); // MlpOutput
    QTest::addColumn<int>("activation");
    QTest::newRow("softmax, relu")
        << int(fb::ml::MlpOutput::Softmax) << int(fb::ml::Activation::Relu);
    QTest::newRow("softmax, tanh")
        << int(fb::ml::MlpOutput::Softmax) << int(fb::ml::Activation::Tanh);
    QTest::newRow("logistic, logistic")
        << int(fb::ml::MlpOutput::Logistic) << int(fb::ml::Activation::Logistic);
    QTest::newRow("identity, tanh")
        << int(fb::ml::MlpOutput::Identity) << int(fb::ml::Activation::Tanh);
}

// Back-propagation against central differences of the loss, parameter by parameter.
void tst_MlMlp::gradientMatchesFiniteDifferences()
{
    QFETCH(int, output);
    QFETCH(int, activation);
    const auto out = fb::ml::MlpOutput(output);
    const int outputs = out == fb::ml::MlpOutput::Softmax ? 3 : 1;
    fb::ml::MlpNetwork net({4, 5, 3, outputs}, fb::ml::Activation(activation), out);
    fb::ml::NumpyRandomState rng(3);
    net.initialize(rng);
    const Eigen::Index columns = 7;
    const Eigen::MatrixXd input = randomMatrix(4, columns, 11);
    Eigen::VectorXd targets(columns);
    for (Eigen::Index i = 0; i < columns; ++i)
        targets[i] = out == fb::ml::MlpOutput::Identity
                         ? 0.3 * double(i) - 1.0
                         : double(i % outputs == 0 ? 0 : i % outputs);
    if (out == fb::ml::MlpOutput::Logistic)
        targets = (targets.array() > 0.0).cast<double>();
    fb::ml::MlpWorkspace ws;
    net.prepare(ws, columns);
    ws.activations[0].leftCols(columns) = input;
    net.lossAndGradient(ws, columns, targets.data());
    const Eigen::VectorXd gradient = ws.gradient;
    const double h = 1e-6;
    double worst = 0.0;
    for (Eigen::Index k = 0; k < net.parameters().size(); ++k) {
        const double saved = net.parameters()[k];
        net.parameters()[k] = saved + h;
        ws.activations[0].leftCols(columns) = input;
        net.lossAndGradient(ws, columns, targets.data());
        const double up = ws.loss;
        net.parameters()[k] = saved - h;
        ws.activations[0].leftCols(columns) = input;
        net.lossAndGradient(ws, columns, targets.data());
        const double down = ws.loss;
        net.parameters()[k] = saved;
        worst = std::max(worst,
                         std::abs((up - down) / (2 * h) - gradient[k])
                             / std::max(1.0, std::abs(gradient[k])));
    }
    QVERIFY2(worst < 1e-6,
             qPrintable(QStringLiteral("worst relative gradient error %1").arg(worst)));
}

void tst_MlMlp::earlyStoppingKeepsBestWeights()
{
    const Split s = seededSplit(readDataset(QStringLiteral("breast_cancer")), true);
    MlpParams p;
    p.hiddenLayerSizes = {32};
    p.earlyStopping = true;
    p.nIterNoChange = 3;
    p.maxIterations = 500;
    RecordingObserver observer;
    MlpClassifier model(p);
    model.fit(s.train.X, s.train.labels, 2, observer);
    const auto &r = model.fitResult();
    QVERIFY(r.stoppedByRule);
    QVERIFY(r.epochs < 500);
    QCOMPARE(int(observer.values["val_score"].size()), r.epochs);
    QCOMPARE(int(observer.values["val_loss"].size()), r.epochs);
    const double best = *std::max_element(r.validationScores.begin(), r.validationScores.end());
    QCOMPARE(r.bestValidationScore, best);
    // Stopped n_iter_no_change + 1 epochs after the last improvement by tol.
    QVERIFY(r.epochs >= 4);
}

void tst_MlMlp::deterministicAndThreadIndependent()
{
    const Split s = seededSplit(readDataset(QStringLiteral("digits")), true);
    MlpParams p;
    p.hiddenLayerSizes = {32, 16};
    p.maxIterations = 5;
    p.batchSize = 400; // two slices per batch
    fb::ml::setThreadBudget(1);
    MlpClassifier serial(p);
    serial.fit(s.train.X, s.train.labels, s.train.classes);
    fb::ml::setThreadBudget(2);
    MlpClassifier parallel(p);
    parallel.fit(s.train.X, s.train.labels, s.train.classes);
    QCOMPARE(parallel.network().parameters(), serial.network().parameters()); // bit-identical
    QCOMPARE(parallel.predictProba(s.test.X), serial.predictProba(s.test.X));
    fb::ml::setThreadBudget(1);
    p.seed = 1;
    MlpClassifier reseeded(p);
    reseeded.fit(s.train.X, s.train.labels, s.train.classes);
    QVERIFY(reseeded.network().parameters() != serial.network().parameters());
}

void tst_MlMlp::observerAndCancelPerBatch()
{
    const Split s = seededSplit(readDataset(QStringLiteral("digits")), true);
    MlpParams p;
    p.hiddenLayerSizes = {16};
    p.maxIterations = 20;
    p.batchSize = 50;
    RecordingObserver observer;
    MlpClassifier model(p);
    model.fit(s.train.X, s.train.labels, s.train.classes, observer);
    const auto &loss = observer.values["loss"];
    QCOMPARE(int(loss.size()), model.fitResult().epochs);
    QVERIFY(loss.back() < 0.5 * loss.front());
    QCOMPARE(loss, model.fitResult().lossCurve);

    // Cancellation is checked before every mini-batch, not only per epoch.
    class CancelAfterChecks : public fb::ml::Observer
    {
    public:
        bool cancelled() const override { return ++checks > 5; }
        mutable int checks = 0;
    } cancelling;
    MlpClassifier cancelled(p);
    QVERIFY_THROWS_EXCEPTION(fb::ml::Cancelled,
                             cancelled.fit(s.train.X, s.train.labels, s.train.classes, cancelling));
    QCOMPARE(cancelling.checks, 6); // within the first epoch (27 batches)
}

void tst_MlMlp::roundTrip()
{
    const Split c = seededSplit(readDataset(QStringLiteral("wine")), true);
    MlpParams p;
    p.hiddenLayerSizes = {8, 8};
    p.activation = fb::ml::Activation::Tanh;
    p.maxIterations = 50;
    MlpClassifier classifier(p);
    classifier.fit(c.train.X, c.train.labels, c.train.classes);
    const Split r = seededSplit(readDataset(QStringLiteral("diabetes")), false);
    MlpRegressor regressor(p);
    regressor.fit(r.train.X, r.train.target);
    const std::vector<std::pair<const fb::ml::Estimator *, const Eigen::MatrixXd *>>
        cases{{&classifier, &c.test.X}, {&regressor, &r.test.X}};
    for (const auto &[model, X] : cases) {
        Archive archive;
        model->save(archive);
        const auto loaded = fb::ml::loadEstimator(archive);
        QCOMPARE(loaded->kind(), model->kind());
        QCOMPARE(loaded->featureCount(), model->featureCount());
        QCOMPARE(loaded->predict(*X), model->predict(*X));
        if (model->task() == fb::ml::TaskKind::Classification)
            QCOMPARE(loaded->predictProba(*X), model->predictProba(*X));
        Archive again;
        loaded->save(again);
        QVERIFY(again == archive);
    }
}

void tst_MlMlp::badArchivesRejected()
{
    const Split c = seededSplit(readDataset(QStringLiteral("iris")), true);
    MlpParams p;
    p.hiddenLayerSizes = {4};
    p.maxIterations = 2;
    MlpClassifier model(p);
    model.fit(c.train.X, c.train.labels, c.train.classes);
    Archive a;
    model.save(a);
    auto expectError = [](const Archive &archive, const QString &part) {
        try {
            fb::ml::loadEstimator(archive);
            QFAIL("accepted");
        } catch (const fb::ml::ArchiveError &e) {
            QVERIFY2(QString::fromUtf8(e.what()).contains(part), e.what());
        }
    };
    Archive shortParams = a;
    shortParams.setVector("parameters", Eigen::VectorXd::Zero(5));
    expectError(shortParams, QStringLiteral("'parameters' has 5 values, expected 35"));
    Archive classes = a;
    classes.setInt("classes", 2);
    expectError(classes, QStringLiteral("does not match 'classes'"));
    Archive activation = a;
    activation.setString("activation", "swish");
    expectError(activation, QStringLiteral("activation must be relu, tanh, logistic or identity"));
}

void tst_MlMlp::paramsValidation_data()
{
    QTest::addColumn<QString>("field");
    QTest::addColumn<double>("value");
    QTest::addColumn<QString>("message");
    QTest::newRow("layer 0") << "hidden" << 0.0
                             << "hiddenLayerSizes entries must be in [1, 100000], got 0";
    QTest::newRow("alpha") << "alpha" << -1.0 << "alpha must be >= 0 and finite, got -1";
    QTest::newRow("learningRateInit")
        << "learningRateInit" << 0.0 << "learningRateInit must be > 0 and finite, got 0";
    QTest::newRow("momentum") << "momentum" << 1.5 << "momentum must be in [0, 1], got 1.5";
    QTest::newRow("validationFraction")
        << "validationFraction" << 1.0 << "validationFraction must be in (0, 1), got 1";
    QTest::newRow("beta2") << "beta2" << 1.0 << "beta2 must be in [0, 1), got 1";
    QTest::newRow("nIterNoChange") << "nIterNoChange" << 0.0 << "nIterNoChange must be >= 1, got 0";
}

void tst_MlMlp::paramsValidation()
{
    QFETCH(QString, field);
    QFETCH(double, value);
    QFETCH(QString, message);
    MlpParams p;
    if (field == "hidden")
        p.hiddenLayerSizes = {int(value)};
    else if (field == "alpha")
        p.alpha = value;
    else if (field == "learningRateInit")
        p.learningRateInit = value;
    else if (field == "momentum")
        p.momentum = value;
    else if (field == "validationFraction") {
        p.earlyStopping = true;
        p.validationFraction = value;
    } else if (field == "beta2")
        p.beta2 = value;
    else
        p.nIterNoChange = int(value);
    try {
        p.validate();
        QFAIL("accepted");
    } catch (const std::invalid_argument &e) {
        QCOMPARE(QString::fromUtf8(e.what()), message);
    }
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, MlpClassifier{p});
}

void tst_MlMlp::layerSizesParsing()
{
    QCOMPARE(MlpParams::parseLayerSizes("64,64"), (std::vector<int>{64, 64}));
    QCOMPARE(MlpParams::parseLayerSizes(" (100, 50) "), (std::vector<int>{100, 50}));
    QCOMPARE(MlpParams::parseLayerSizes(""), std::vector<int>{});
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, MlpParams::parseLayerSizes("64,x"));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, MlpParams::parseLayerSizes("-3"));
    // No hidden layer at all: a linear model trained by Adam.
    const Split s = seededSplit(readDataset(QStringLiteral("iris")), true);
    MlpParams p;
    p.hiddenLayerSizes = {};
    p.maxIterations = 500;
    p.learningRateInit = 0.01;
    MlpClassifier linear(p);
    linear.fit(s.train.X, s.train.labels, s.train.classes);
    QCOMPARE(int(linear.network().sizes().size()), 2);
    QVERIFY(accuracy(s.test.labels, linear.predict(s.test.X)) > 0.85);
}

QTEST_GUILESS_MAIN(tst_MlMlp)
#include "tst_ml_mlp.moc"
