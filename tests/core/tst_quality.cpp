// Quality harness: every algorithm through the real pipeline (sample_dataset -> train_test_split
// (seed 42, stratified for classification) -> standardize -> trainer -> evaluate) against the
// equivalent scikit-learn estimator trained on the same split (the standardized tables exported
// to CSV). Flowbench's test metric must be at least scikit-learn's minus 0.01: accuracy for
// classifiers, R² for regressors; for k-means the adjusted Rand index against the classes and
// the test inertia (at most 1% above scikit-learn's). Algorithms with a seed are run with seeds
// 0, 1, 2 on both sides and compared on the mean, so one lucky or unlucky seed decides nothing.
// Trainers that are not registered yet are skipped with a message.

#include "PipelineTestSupport.h"

#include "data/Datasets.h"
#include "model/MetricsData.h"
#include "nodes/Trainer.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QtTest>

#include <cmath>

using namespace fb;
using fbtest::Builder;

namespace {

const QStringList kClassifiers{"logistic_regression",
                               "linear_svm",
                               "mlp_classifier",
                               "knn_classifier",
                               "gaussian_nb",
                               "decision_tree_classifier",
                               "random_forest_classifier",
                               "gradient_boosting_classifier"};
const QStringList kRegressors{"linear_regression",
                              "ridge_regression",
                              "lasso_regression",
                              "elastic_net",
                              "mlp_regressor",
                              "knn_regressor",
                              "decision_tree_regressor",
                              "random_forest_regressor",
                              "gradient_boosting_regressor"};
const QStringList kClassification{"iris", "wine", "breast_cancer", "digits"};
const QStringList kRegression{"diabetes"};
constexpr double kTolerance = 0.01;

// scikit-learn side: one process for every (trainer, dataset), started at the beginning so it
// runs while Flowbench trains. Flowbench's parameters (defaults plus the overrides below) are
// translated to the equivalent estimator arguments; the mapping is the one documented in
// docs/algorithms.md (seed -> random_state, 0 = unlimited depth/leaves -> None, ...).
const char *kSklearnScript = R"PY(
import json, sys, warnings
import numpy as np
warnings.filterwarnings("ignore")
from sklearn import cluster, ensemble, linear_model, naive_bayes, neighbors, neural_network, svm, tree
from sklearn.metrics import accuracy_score, adjusted_rand_score, r2_score

ESTIMATORS = {
    "logistic_regression": linear_model.LogisticRegression,
    "linear_regression": linear_model.LinearRegression,
    "ridge_regression": linear_model.Ridge,
    "lasso_regression": linear_model.Lasso,
    "elastic_net": linear_model.ElasticNet,
    "linear_svm": svm.LinearSVC,
    "mlp_classifier": neural_network.MLPClassifier,
    "mlp_regressor": neural_network.MLPRegressor,
    "kmeans": cluster.KMeans,
    "knn_classifier": neighbors.KNeighborsClassifier,
    "knn_regressor": neighbors.KNeighborsRegressor,
    "gaussian_nb": naive_bayes.GaussianNB,
    "decision_tree_classifier": tree.DecisionTreeClassifier,
    "decision_tree_regressor": tree.DecisionTreeRegressor,
    "random_forest_classifier": ensemble.RandomForestClassifier,
    "random_forest_regressor": ensemble.RandomForestRegressor,
    "gradient_boosting_classifier": ensemble.HistGradientBoostingClassifier,
    "gradient_boosting_regressor": ensemble.HistGradientBoostingRegressor,
}

def translate(name, params):
    """Flowbench parameters -> keyword arguments of the scikit-learn estimator."""
    cls = ESTIMATORS[name]
    known = cls().get_params()
    out = {}
    for key, value in params.items():
        if key == "seed":
            key = "random_state"
        if key in ("max_depth", "max_leaf_nodes") and value == 0:
            value = None
        if key == "batch_size" and value == 0:
            value = "auto"
        if key == "hidden_layer_sizes":
            value = tuple(int(v) for v in str(value).split(",") if v.strip())
        if key == "max_features":
            value = None if value in ("all", "") else value
            if isinstance(value, str) and value not in ("sqrt", "log2"):
                value = float(value) if "." in value else int(value)
        if isinstance(value, float) and key in ("max_iter", "n_estimators", "n_neighbors", "n_clusters",
                                                "n_init", "min_samples_split", "min_samples_leaf",
                                                "max_bins", "n_iter_no_change", "random_state"):
            value = int(value)
        if key in known:
            out[key] = value
    return cls(**out)

# Fits that do not depend on the seed (histogram boosting without early stopping on small data
# bins every row): one fit stands for all seeds.
def seed_free(name, params):
    return name.startswith("gradient_boosting") and not params.get("early_stopping", False)

def load(path, regression):
    data = np.loadtxt(path, delimiter=",", dtype=str, ndmin=2)
    X = data[:, :-1].astype(float)
    y = data[:, -1].astype(float) if regression else data[:, -1]
    return X, y

import time
results = {}
for job in json.load(sys.stdin):
    started = time.perf_counter()
    regression = job["task"] == "regression"
    Xtr, ytr = load(job["train"], regression)
    Xte, yte = load(job["test"], regression)
    scores, inertias = [], []
    seeds = job["seeds"][:1] if seed_free(job["trainer"], job["params"]) else job["seeds"]
    for seed in seeds:
        params = dict(job["params"])
        if seed is not None:
            params["seed"] = seed
        model = translate(job["trainer"], params).fit(Xtr, ytr)
        if job["task"] == "clustering":
            scores.append(adjusted_rand_score(yte, model.predict(Xte)))
            inertias.append(-model.score(Xte))
        elif regression:
            scores.append(r2_score(yte, model.predict(Xte)))
        else:
            scores.append(accuracy_score(yte, model.predict(Xte)))
    results[job["key"]] = {"score": float(np.mean(scores)),
                           "inertia": float(np.mean(inertias)) if inertias else None,
                           "seconds": time.perf_counter() - started}
print(json.dumps(results))
)PY";

struct Split
{
    QString train;
    QString test;
    int classes = 0;
};

QString taskOf(const QString &trainer)
{
    if (trainer == u"kmeans")
        return QStringLiteral("clustering");
    return kRegressors.contains(trainer) ? QStringLiteral("regression")
                                         : QStringLiteral("classification");
}

QString keyOf(const QString &trainer, const QString &dataset)
{
    return trainer + u'/' + dataset;
}

} // namespace

class tst_Quality : public QObject
{
    Q_OBJECT

public:
    ~tst_Quality() override
    {
        if (m_python.state() != QProcess::NotRunning) {
            m_python.kill();
            m_python.waitForFinished();
        }
    }

private:
    // Flowbench parameters for a trainer on a dataset: its defaults, and the cluster count.
    QJsonObject paramsFor(const Trainer &trainer, const QString &dataset) const
    {
        QJsonObject p;
        for (const ParamSpec &s : trainer.params)
            if (!s.required())
                p.insert(s.name, s.defaultValue);
        if (trainer.name == u"kmeans")
            p.insert(QStringLiteral("n_clusters"), m_splits.value(dataset).classes);
        return p;
    }

    static bool seeded(const Trainer &trainer)
    {
        for (const ParamSpec &s : trainer.params)
            if (s.name == u"seed")
                return true;
        return false;
    }

    // data -> split -> scale: the tables both sides train and test on.
    static Builder splitPipeline(const QString &dataset)
    {
        Builder b;
        b.node(QStringLiteral("data"),
               QStringLiteral("sample_dataset"),
               {{QStringLiteral("dataset"), dataset}});
        b.node(QStringLiteral("split"),
               QStringLiteral("train_test_split"),
               {{QStringLiteral("test_size"), 0.3},
                {QStringLiteral("seed"), 42},
                {QStringLiteral("stratify"), kClassification.contains(dataset)}});
        b.node(QStringLiteral("scale"), QStringLiteral("standardize"));
        b.link(QStringLiteral("data.table"), QStringLiteral("split.table"));
        b.link(QStringLiteral("split.train"), QStringLiteral("scale.train"));
        b.link(QStringLiteral("split.test"), QStringLiteral("scale.test"));
        return b;
    }

    static Builder pipeline(const QString &trainer,
                            const QString &dataset,
                            const QJsonObject &params)
    {
        Builder b = splitPipeline(dataset);
        b.node(QStringLiteral("train"), trainer, params);
        b.node(QStringLiteral("evaluate"), QStringLiteral("evaluate"));
        b.link(QStringLiteral("scale.train"), QStringLiteral("train.train"));
        b.link(QStringLiteral("train.model"), QStringLiteral("evaluate.model"));
        b.link(QStringLiteral("scale.test"), QStringLiteral("evaluate.data"));
        return b;
    }

    QJsonObject sklearnResult(const QString &key)
    {
        if (m_pythonResults.isEmpty() && m_pythonError.isEmpty()) {
            if (!m_python.waitForFinished(300000) || m_python.exitCode() != 0)
                m_pythonError = QStringLiteral("scikit-learn side failed: ")
                                + QString::fromUtf8(m_python.readAllStandardError());
            else
                m_pythonResults = QJsonDocument::fromJson(m_python.readAllStandardOutput()).object();
            qInfo("scikit-learn side finished after %.1f s", double(m_clock.elapsed()) / 1000.0);
        }
        return m_pythonResults.value(key).toObject();
    }

    QTemporaryDir m_dir;
    QHash<QString, Split> m_splits;
    QProcess m_python;
    QJsonObject m_pythonResults;
    QString m_pythonError;
    QString m_sklearnMissing;
    QElapsedTimer m_clock;
    QStringList m_report;

private Q_SLOTS:
    void initTestCase()
    {
        m_clock.start();
        m_sklearnMissing = fbtest::sklearnMissing();
        if (!m_sklearnMissing.isEmpty())
            return;
        // The split every row uses, exported once per dataset for scikit-learn.
        for (const QString &dataset : kClassification + kRegression) {
            auto r = fbtest::run(splitPipeline(dataset).p);
            QCOMPARE(r->result.state, TaskState::Success);
            Split s;
            s.train = m_dir.filePath(dataset + QStringLiteral("_train.csv"));
            s.test = m_dir.filePath(dataset + QStringLiteral("_test.csv"));
            const auto train = r->out<Table>(QStringLiteral("scale"), QStringLiteral("train"));
            QVERIFY(fbtest::writeTableCsv(*train, s.train));
            QVERIFY(fbtest::writeTableCsv(*r->out<Table>(QStringLiteral("scale"),
                                                         QStringLiteral("test")),
                                          s.test));
            QSet<QString> classes;
            for (Eigen::Index i = 0; i < train->rowCount(); ++i)
                classes.insert(train->displayValue(i, train->targetColumn()));
            s.classes = int(classes.size());
            m_splits.insert(dataset, s);
        }
        QJsonArray jobs;
        for (const Trainer &t : TrainerRegistry::builtin().trainers()) {
            const QString task = taskOf(t.name);
            if (!kClassifiers.contains(t.name) && !kRegressors.contains(t.name)
                && t.name != u"kmeans")
                continue;
            for (const QString &dataset : task == u"regression" ? kRegression : kClassification) {
                QJsonArray seeds;
                if (seeded(t))
                    seeds = {0, 1, 2};
                else
                    seeds = {QJsonValue()};
                jobs.append(QJsonObject{{QStringLiteral("key"), keyOf(t.name, dataset)},
                                        {QStringLiteral("trainer"), t.name},
                                        {QStringLiteral("task"), task},
                                        {QStringLiteral("params"), paramsFor(t, dataset)},
                                        {QStringLiteral("seeds"), seeds},
                                        {QStringLiteral("train"), m_splits.value(dataset).train},
                                        {QStringLiteral("test"), m_splits.value(dataset).test}});
            }
        }
        // The jobs go to a file (also handy to rerun the scikit-learn side by hand).
        const QString jobsPath = m_dir.filePath(QStringLiteral("jobs.json"));
        QFile jobsFile(jobsPath);
        QVERIFY(jobsFile.open(QIODevice::WriteOnly));
        jobsFile.write(QJsonDocument(jobs).toJson(QJsonDocument::Compact));
        jobsFile.close();
        if (qEnvironmentVariableIsSet("FLOWBENCH_QUALITY_KEEP"))
            m_dir.setAutoRemove(false);
        m_python.setStandardInputFile(jobsPath);
        // One thread for scikit-learn's BLAS and OpenMP loops: it runs while Flowbench trains,
        // and oversubscribed OpenMP spin-waits slow both sides down badly.
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("OMP_NUM_THREADS"), QStringLiteral("1"));
        env.insert(QStringLiteral("OPENBLAS_NUM_THREADS"), QStringLiteral("1"));
        m_python.setProcessEnvironment(env);
        m_python.start(fbtest::pythonPath(),
                       {QStringLiteral("-c"), QString::fromUtf8(kSklearnScript)});
        QVERIFY(m_python.waitForStarted());
    }

    void quality_data()
    {
        QTest::addColumn<QString>("trainer");
        QTest::addColumn<QString>("dataset");
        for (const QString &t : kClassifiers + QStringList{QStringLiteral("kmeans")})
            for (const QString &d : kClassification)
                QTest::newRow(qPrintable(keyOf(t, d))) << t << d;
        for (const QString &t : kRegressors)
            for (const QString &d : kRegression)
                QTest::newRow(qPrintable(keyOf(t, d))) << t << d;
    }

    void quality()
    {
        QFETCH(QString, trainer);
        QFETCH(QString, dataset);
        const Trainer *t = TrainerRegistry::builtin().find(trainer);
        if (!t)
            QSKIP(qPrintable(QStringLiteral("trainer '%1' is not registered yet").arg(trainer)));
        if (!m_sklearnMissing.isEmpty())
            QSKIP(qPrintable(m_sklearnMissing));

        const QJsonObject params = paramsFor(*t, dataset);
        const QList<int> seeds = seeded(*t) ? QList<int>{0, 1, 2} : QList<int>{-1};
        const bool clustering = trainer == u"kmeans";
        const QString metric = clustering                         ? QStringLiteral("ari")
                               : taskOf(trainer) == u"regression" ? QStringLiteral("r2")
                                                                  : QStringLiteral("accuracy");
        double ours = 0.0, ourInertia = 0.0;
        for (int seed : seeds) {
            QJsonObject p = params;
            if (seed >= 0)
                p.insert(QStringLiteral("seed"), seed);
            auto r = fbtest::run(pipeline(trainer, dataset, p).p);
            QVERIFY2(r->result.state == TaskState::Success,
                     qPrintable(QStringLiteral("train: %1; evaluate: %2")
                                    .arg(r->error(QStringLiteral("train")),
                                         r->error(QStringLiteral("evaluate")))));
            const auto m = r->out<MetricsData>(QStringLiteral("evaluate"),
                                               QStringLiteral("metrics"));
            ours += m->value(metric) / double(seeds.size());
            ourInertia += m->value(QStringLiteral("inertia")) / double(seeds.size());
        }

        const QJsonObject theirs = sklearnResult(keyOf(trainer, dataset));
        QVERIFY2(m_pythonError.isEmpty(), qPrintable(m_pythonError));
        QVERIFY2(!theirs.isEmpty(), "no scikit-learn result for this row");
        const double reference = theirs.value(QStringLiteral("score")).toDouble();
        const QString line = QStringLiteral("%1 %2: flowbench %3 %4, scikit-learn %5 (%6)")
                                 .arg(trainer, dataset, metric)
                                 .arg(ours, 0, 'f', 4)
                                 .arg(reference, 0, 'f', 4)
                                 .arg(ours - reference >= -kTolerance ? QStringLiteral("ok")
                                                                      : QStringLiteral("BELOW"));
        m_report.append(line);
        qInfo("%s", qPrintable(line));
        QVERIFY2(ours >= reference - kTolerance, qPrintable(line));
        if (clustering) {
            const double ratio = ourInertia / theirs.value(QStringLiteral("inertia")).toDouble();
            QVERIFY2(ratio <= 1.0 + kTolerance,
                     qPrintable(QStringLiteral("test inertia %1 is %2x scikit-learn's")
                                    .arg(ourInertia)
                                    .arg(ratio)));
        }
    }

    void cleanupTestCase()
    {
        qInfo("quality summary (%lld rows compared, %.1f s):\n%s",
              qlonglong(m_report.size()),
              double(m_clock.elapsed()) / 1000.0,
              qPrintable(m_report.join(u'\n')));
    }
};

QTEST_GUILESS_MAIN(tst_Quality)
#include "tst_quality.moc"
