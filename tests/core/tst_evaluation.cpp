// Metrics added for evaluation and search (silhouette, adjusted Rand index, inertia, balanced
// accuracy, MCC, explained variance, MAPE) against scikit-learn, and the evaluate node on a
// clustering model.

#include "PipelineTestSupport.h"

#include "exec/NodeContext.h"
#include "model/MetricsData.h"
#include "model/Model.h"
#include "nodes/Trainer.h"
#include "nodes/TrainingData.h"

#include <ml/common/Random.h>
#include <ml/metrics/Clustering.h>
#include <ml/metrics/Metrics.h>

#include <QJsonArray>
#include <QtTest>

#include <cmath>

using namespace fb;
using fbtest::Builder;

namespace {

struct Blobs
{
    Eigen::MatrixXd X;
    Eigen::VectorXi truth;  // generating blob
    Eigen::VectorXi labels; // truth with some rows moved to another cluster
};

Blobs makeBlobs(Eigen::Index n, int k, Eigen::Index p, double spread, std::uint64_t seed)
{
    ml::Rng rng(seed);
    Eigen::MatrixXd centres(k, p);
    for (Eigen::Index i = 0; i < centres.size(); ++i)
        centres.data()[i] = 6.0 * rng.normal();
    Blobs b;
    b.X.resize(n, p);
    b.truth.resize(n);
    b.labels.resize(n);
    for (Eigen::Index i = 0; i < n; ++i) {
        const int c = int(rng.bounded(std::uint64_t(k)));
        b.truth[i] = c;
        for (Eigen::Index j = 0; j < p; ++j)
            b.X(i, j) = centres(c, j) + spread * rng.normal();
        b.labels[i] = rng.uniform() < 0.1 ? int(rng.bounded(std::uint64_t(k))) : c;
    }
    return b;
}

QJsonArray matrixJson(const Eigen::MatrixXd &m)
{
    QJsonArray rows;
    for (Eigen::Index i = 0; i < m.rows(); ++i) {
        QJsonArray row;
        for (Eigen::Index j = 0; j < m.cols(); ++j)
            row.append(m(i, j));
        rows.append(row);
    }
    return rows;
}

template<typename V>
QJsonArray vectorJson(const V &v)
{
    QJsonArray a;
    for (Eigen::Index i = 0; i < v.size(); ++i)
        a.append(double(v[i]));
    return a;
}

Eigen::MatrixXd matrixFrom(const QJsonArray &rows)
{
    Eigen::MatrixXd m(rows.size(), rows.first().toArray().size());
    for (qsizetype i = 0; i < rows.size(); ++i)
        for (qsizetype j = 0; j < m.cols(); ++j)
            m(i, j) = rows[i].toArray()[j].toDouble();
    return m;
}

Eigen::VectorXi labelsFrom(const QJsonArray &a)
{
    Eigen::VectorXi v(a.size());
    for (qsizetype i = 0; i < a.size(); ++i)
        v[i] = a[i].toInt();
    return v;
}

const char *kClusteringScript = R"PY(
import json, sys
import numpy as np
from sklearn.cluster import KMeans
from sklearn.metrics import adjusted_rand_score, silhouette_score
case = json.load(sys.stdin)
X = np.array(case["X"]); labels = np.array(case["labels"]); truth = np.array(case["truth"])
wcss = sum(((X[labels == c] - X[labels == c].mean(axis=0)) ** 2).sum() for c in np.unique(labels))
km = KMeans(n_clusters=case["k"], n_init=1, random_state=0).fit(X)
print(json.dumps({"silhouette": silhouette_score(X, labels), "ari": adjusted_rand_score(truth, labels),
                  "wcss": float(wcss), "km_inertia": float(km.inertia_), "km_labels": km.labels_.tolist(),
                  "km_centers": km.cluster_centers_.tolist()}))
)PY";

const char *kScoresScript = R"PY(
import json, sys
import numpy as np
from sklearn.metrics import (balanced_accuracy_score, explained_variance_score, matthews_corrcoef,
                             mean_absolute_percentage_error, mean_squared_error)
case = json.load(sys.stdin)
t, p, y, f = (np.array(case[k]) for k in ("t", "p", "y", "f"))
print(json.dumps({"balanced_accuracy": balanced_accuracy_score(t, p), "mcc": matthews_corrcoef(t, p),
                  "mse": mean_squared_error(y, f), "explained_variance": explained_variance_score(y, f),
                  "mape": mean_absolute_percentage_error(y, f)}))
)PY";

const char *kIrisScript = R"PY(
import json, sys
import numpy as np
from sklearn.metrics import adjusted_rand_score, silhouette_score
case = json.load(sys.stdin)
X = np.array(case["X"]); labels = np.array(case["labels"])
print(json.dumps({"silhouette": silhouette_score(X, labels), "ari": adjusted_rand_score(case["species"], labels)}))
)PY";

bool close(double a, double b, double tol)
{
    return std::abs(a - b) <= tol * std::max(1.0, std::abs(b));
}

} // namespace

class tst_Evaluation : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void clusteringMetricsMatchSklearn_data()
    {
        QTest::addColumn<int>("n");
        QTest::addColumn<int>("k");
        QTest::addColumn<int>("p");
        QTest::addColumn<double>("spread");
        QTest::newRow("60 x 2, 3 blobs") << 60 << 3 << 2 << 1.0;
        QTest::newRow("500 x 8, 5 blobs") << 500 << 5 << 8 << 3.0;
        QTest::newRow("1500 x 30, 2 blobs") << 1500 << 2 << 30 << 2.0;
        QTest::newRow("overlapping 400 x 3, 6 blobs") << 400 << 6 << 3 << 8.0;
    }

    void clusteringMetricsMatchSklearn()
    {
        QFETCH(int, n);
        QFETCH(int, k);
        QFETCH(int, p);
        QFETCH(double, spread);
        if (const QString why = fbtest::sklearnMissing(); !why.isEmpty())
            QSKIP(qPrintable(why));
        const Blobs b = makeBlobs(n, k, p, spread, std::uint64_t(n + k));
        const QJsonObject input{{QStringLiteral("X"), matrixJson(b.X)},
                                {QStringLiteral("labels"), vectorJson(b.labels)},
                                {QStringLiteral("truth"), vectorJson(b.truth)},
                                {QStringLiteral("k"), k}};
        QString error;
        const QJsonObject py = fbtest::runPython(QString::fromUtf8(kClusteringScript),
                                                 {},
                                                 &error,
                                                 QJsonDocument(input).toJson(
                                                     QJsonDocument::Compact));
        QVERIFY2(error.isEmpty(), qPrintable(error));
        const double silhouette = ml::metrics::silhouetteScore(b.X, b.labels);
        QVERIFY2(close(silhouette, py.value(QStringLiteral("silhouette")).toDouble(), 1e-9),
                 qPrintable(QStringLiteral("%1 vs %2")
                                .arg(silhouette)
                                .arg(py.value(QStringLiteral("silhouette")).toDouble())));
        QVERIFY(close(ml::metrics::adjustedRandIndex(b.truth, b.labels),
                      py.value(QStringLiteral("ari")).toDouble(),
                      1e-12));
        QVERIFY(close(ml::metrics::withinClusterSumOfSquares(b.X, b.labels),
                      py.value(QStringLiteral("wcss")).toDouble(),
                      1e-10));
        const Eigen::VectorXi kmLabels = labelsFrom(py.value(QStringLiteral("km_labels")).toArray());
        const Eigen::MatrixXd kmCentres = matrixFrom(
            py.value(QStringLiteral("km_centers")).toArray());
        QVERIFY(close(ml::metrics::inertia(b.X, kmLabels, kmCentres),
                      py.value(QStringLiteral("km_inertia")).toDouble(),
                      1e-6));
        // Relabelling does not change the partition.
        QCOMPARE(ml::metrics::adjustedRandIndex(b.labels, (b.labels.array() * 3 + 7).matrix()), 1.0);
        QCOMPARE(ml::metrics::silhouetteScore(b.X, (b.labels.array() * 3 + 7).matrix()), silhouette);
    }

    void silhouetteEdgeCases()
    {
        Eigen::MatrixXd X(4, 1);
        X << 0, 1, 10, 11;
        // Clusters {0, 1} and {10, 11}: a = 1 for every row, b = the mean distance to the other
        // pair (10.5 for the outer rows, 9.5 for the inner ones).
        const double s = ml::metrics::silhouetteScore(X, Eigen::Vector4i(0, 0, 1, 1));
        const double expected = ((10.5 - 1) / 10.5 + (9.5 - 1) / 9.5 + (9.5 - 1) / 9.5
                                 + (10.5 - 1) / 10.5)
                                / 4;
        QVERIFY(std::abs(s - expected) < 1e-12);
        // A row alone in its cluster scores 0: here row 3, so the mean is over three rows' scores.
        const double lone = ml::metrics::silhouetteScore(X, Eigen::Vector4i(0, 0, 0, 1));
        const double a0 = (1 + 10) / 2.0, a1 = (1 + 9) / 2.0, a2 = (10 + 9) / 2.0;
        QVERIFY(std::abs(lone - ((11 - a0) / 11 + (10 - a1) / 10 + (1 - a2) / a2 + 0) / 4) < 1e-12);
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument,
                                 ml::metrics::silhouetteScore(X, Eigen::Vector4i(2, 2, 2, 2)));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument,
                                 ml::metrics::silhouetteScore(X, Eigen::Vector4i(0, 1, 2, 3)));
        QCOMPARE(ml::metrics::adjustedRandIndex(Eigen::Vector4i(0, 0, 0, 0),
                                                Eigen::Vector4i(1, 1, 1, 1)),
                 1.0);
    }

    // Above the row limit the silhouette comes from a seeded sample: close to the exact value.
    void silhouetteSampledAboveLimit()
    {
        const Blobs b = makeBlobs(12000, 4, 5, 4.0, 99);
        bool sampled = false;
        const double exact = ml::metrics::silhouetteScoreSampled(b.X, b.labels, 20000, 1, &sampled);
        QVERIFY(!sampled);
        const double estimate = ml::metrics::silhouetteScoreSampled(b.X,
                                                                    b.labels,
                                                                    10000,
                                                                    1,
                                                                    &sampled);
        QVERIFY(sampled);
        QVERIFY2(std::abs(estimate - exact) < 0.01,
                 qPrintable(QStringLiteral("%1 vs %2").arg(estimate).arg(exact)));
        QCOMPARE(ml::metrics::silhouetteScoreSampled(b.X, b.labels, 10000, 1), estimate);
        QVERIFY(ml::metrics::silhouetteScoreSampled(b.X, b.labels, 10000, 2) != estimate);
    }

    void scoresMatchSklearn()
    {
        if (const QString why = fbtest::sklearnMissing(); !why.isEmpty())
            QSKIP(qPrintable(why));
        ml::Rng rng(4);
        const int n = 300, k = 4;
        Eigen::VectorXi t(n), p(n);
        Eigen::VectorXd y(n), f(n);
        for (int i = 0; i < n; ++i) {
            t[i] = int(rng.bounded(k - 1)); // class 3 never true: left out of balanced accuracy
            p[i] = rng.uniform() < 0.6 ? t[i] : int(rng.bounded(k));
            y[i] = i % 17 == 0 ? 0.0 : 5.0 * rng.normal();
            f[i] = y[i] + rng.normal() + 0.3;
        }
        const Eigen::MatrixXi cm = ml::metrics::confusionMatrix(t, p, k);
        const QJsonObject input{{QStringLiteral("t"), vectorJson(t)},
                                {QStringLiteral("p"), vectorJson(p)},
                                {QStringLiteral("y"), vectorJson(y)},
                                {QStringLiteral("f"), vectorJson(f)}};
        QString error;
        const QJsonObject py = fbtest::runPython(QString::fromUtf8(kScoresScript),
                                                 {},
                                                 &error,
                                                 QJsonDocument(input).toJson(
                                                     QJsonDocument::Compact));
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QVERIFY(close(ml::metrics::balancedAccuracy(cm),
                      py.value(QStringLiteral("balanced_accuracy")).toDouble(),
                      1e-12));
        QVERIFY(close(ml::metrics::matthewsCorrcoef(cm),
                      py.value(QStringLiteral("mcc")).toDouble(),
                      1e-12));
        QVERIFY(close(ml::metrics::mse(y, f), py.value(QStringLiteral("mse")).toDouble(), 1e-12));
        QVERIFY(close(ml::metrics::explainedVariance(y, f),
                      py.value(QStringLiteral("explained_variance")).toDouble(),
                      1e-12));
        // y has zeros: MAPE divides by machine epsilon there, as scikit-learn.
        QVERIFY(close(ml::metrics::mape(y, f), py.value(QStringLiteral("mape")).toDouble(), 1e-12));
    }

    // Numeric targets map onto the model's labels by value (labels formatted once per distinct
    // value); a value the model has no class for is refused with its row and label.
    void numericTargetsMapOntoClasses()
    {
        Eigen::MatrixXd y(7, 1);
        y << 1.0, 0.0, 2.5, 1.0, 0.0, 2.5, 2.5;
        const QStringList classes{QStringLiteral("0"), QStringLiteral("1"), QStringLiteral("2.5")};
        const Eigen::VectorXi expected = (Eigen::VectorXi(7) << 1, 0, 2, 1, 0, 2, 2).finished();
        QCOMPARE(encodeClasses(*Table::fromMatrix({QStringLiteral("y")}, y), 0, classes), expected);
        y(5, 0) = 3.0;
        try {
            encodeClasses(*Table::fromMatrix({QStringLiteral("y")}, y), 0, classes);
            QFAIL("an unknown class was accepted");
        } catch (const NodeError &e) {
            QVERIFY2(QString::fromUtf8(e.what()).contains(
                         QStringLiteral("row 6: class '3' was not seen in training")),
                     e.what());
        }
    }

    // k-means on iris through the real nodes: evaluate reports silhouette, inertia (against the
    // model's own centres: on the training rows it is k-means' objective) and the adjusted
    // Rand index against the species column, as scikit-learn computes them from the same labels.
    void evaluateClusteringModel()
    {
        if (!TrainerRegistry::builtin().find(QStringLiteral("kmeans")))
            QSKIP("the kmeans trainer is not registered yet");
        if (const QString why = fbtest::sklearnMissing(); !why.isEmpty())
            QSKIP(qPrintable(why));
        Builder b;
        b.node(QStringLiteral("d"),
               QStringLiteral("sample_dataset"),
               {{QStringLiteral("dataset"), QStringLiteral("iris")}});
        b.node(QStringLiteral("z"), QStringLiteral("standardize"));
        b.node(QStringLiteral("km"), QStringLiteral("kmeans"), {{QStringLiteral("n_clusters"), 3}});
        b.node(QStringLiteral("e"), QStringLiteral("evaluate"));
        b.node(QStringLiteral("p"), QStringLiteral("predict"));
        b.link(QStringLiteral("d.table"), QStringLiteral("z.train"));
        b.link(QStringLiteral("z.train"), QStringLiteral("km.train"));
        b.link(QStringLiteral("km.model"), QStringLiteral("e.model"));
        b.link(QStringLiteral("z.train"), QStringLiteral("e.data"));
        b.link(QStringLiteral("km.model"), QStringLiteral("p.model"));
        b.link(QStringLiteral("d.table"), QStringLiteral("p.table"));
        auto r = fbtest::run(b.p);
        for (const TaskResult &t : r->result.tasks)
            QVERIFY2(t.state == TaskState::Success, qPrintable(t.nodeId + u": " + t.error));
        const auto metrics = r->out<MetricsData>(QStringLiteral("e"), QStringLiteral("metrics"));
        QCOMPARE(metrics->task, QStringLiteral("clustering"));
        QCOMPARE(metrics->details.value(QStringLiteral("inertia_reference")).toString(),
                 QStringLiteral("model centres"));
        QCOMPARE(metrics->details.value(QStringLiteral("clusters")).toInt(), 3);
        QVERIFY(close(metrics->value(QStringLiteral("inertia")),
                      r->metric(QStringLiteral("km"), QStringLiteral("train_inertia")),
                      1e-9));

        const auto scaled = r->out<Table>(QStringLiteral("z"), QStringLiteral("train"));
        const auto predicted = r->out<Table>(QStringLiteral("p"), QStringLiteral("table"));
        const auto labels = predicted->numeric(predicted->indexOf(QStringLiteral("prediction")));
        QJsonArray X, species;
        for (Eigen::Index i = 0; i < scaled->rowCount(); ++i) {
            QJsonArray row;
            for (int c : scaled->columnsWithRole(ColumnRole::Feature))
                row.append(scaled->numeric(c)[i]);
            X.append(row);
            species.append(scaled->displayValue(i, scaled->targetColumn()));
        }
        const QJsonObject input{{QStringLiteral("X"), X},
                                {QStringLiteral("labels"), vectorJson(labels)},
                                {QStringLiteral("species"), species}};
        QString error;
        const QJsonObject py = fbtest::runPython(QString::fromUtf8(kIrisScript),
                                                 {},
                                                 &error,
                                                 QJsonDocument(input).toJson(
                                                     QJsonDocument::Compact));
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QVERIFY(close(metrics->value(QStringLiteral("silhouette")),
                      py.value(QStringLiteral("silhouette")).toDouble(),
                      1e-9));
        QVERIFY(close(metrics->value(QStringLiteral("ari")),
                      py.value(QStringLiteral("ari")).toDouble(),
                      1e-12));
        QVERIFY(metrics->value(QStringLiteral("ari")) > 0.5); // k-means finds the species roughly
    }
};

QTEST_GUILESS_MAIN(tst_Evaluation)
#include "tst_evaluation.moc"
