// ONNX export against real peers: every exportable model family, trained on the sample datasets
// through the real pipeline nodes (with its preprocessing), is exported, validated by ONNX's own
// checker (python3-onnx, full_check with shape inference) and run by ONNX Runtime
// (onnxruntime-node, installed by scripts/install-onnxruntime.sh). The runtime's labels must
// equal Flowbench's own predictions on every row, probabilities within 1e-5, regression values
// within 1e-5 relative to their size (float outputs), cluster labels exactly.
//
// Skips with a message when python3-onnx, node or onnxruntime-node is missing.

#include "PipelineTestSupport.h"

#include "export/OnnxExport.h"
#include "ml/ensemble/RandomForestClassifier.h"
#include "ml/ensemble/RandomForestRegressor.h"
#include "ml/tree/Tree.h"
#include "model/Model.h"

#include <QDir>
#include <QJsonArray>
#include <QTest>

#include <cmath>

using namespace fb;
using namespace fbtest;

namespace {

// Feeds the inputs of a JSON spec to an exported model and prints every output as JSON
// (int64 as numbers, NaN inputs as null in the spec).
const char *const onnxRunner = R"JS(
const ort = require('onnxruntime-node');
const fs = require('fs');
(async () => {
  const spec = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
  const session = await ort.InferenceSession.create(spec.model);
  const feeds = {};
  for (const [name, t] of Object.entries(spec.inputs)) {
    if (t.type === 'string') {
      feeds[name] = new ort.Tensor('string', t.data, t.dims);
    } else {
      const values = t.data.map(v => v === null ? NaN : v);
      feeds[name] = t.type === 'float' ? new ort.Tensor('float32', Float32Array.from(values), t.dims)
                                       : new ort.Tensor('float64', Float64Array.from(values), t.dims);
    }
  }
  const results = await session.run(feeds);
  const out = {};
  for (const [name, t] of Object.entries(results))
    out[name] = {type: t.type, dims: t.dims, data: Array.from(t.data, v => typeof v === 'bigint' ? Number(v) : v)};
  process.stdout.write(JSON.stringify(out));
})().catch(e => { process.stderr.write(String(e && e.stack || e)); process.exit(1); });
)JS";

const char *const onnxChecker = R"PY(
import sys, json, onnx
m = onnx.load(sys.argv[1])
onnx.checker.check_model(m, full_check=True)
print(json.dumps({"inputs": [i.name for i in m.graph.input], "outputs": [o.name for o in m.graph.output],
                  "opsets": {o.domain or "ai.onnx": o.version for o in m.opset_import}}))
)PY";

QString onnxRuntimeDir()
{
    const QString dir = qEnvironmentVariable("FLOWBENCH_ONNXRUNTIME_DIR");
    return dir.isEmpty() ? QDir::homePath() + QStringLiteral("/.cache/flowbench-onnxruntime") : dir;
}

// A table with numeric columns with gaps and a categorical column with gaps, for impute +
// one-hot models (inputs one per column, strings for text).
QByteArray mixedCsv()
{
    QByteArray csv = "size,color,weight,shape,label\n";
    const char *colors[] = {"red", "green", "blue", "dark red"};
    const char *shapes[] = {"round", "square"};
    for (int i = 0; i < 120; ++i) {
        const double size = (i * 37 % 100) / 10.0;
        const char *color = colors[(i * 7) % 4];
        const double weight = 2.0 + (i * 13 % 50) / 7.0;
        const char *label = size + (color[0] == 'r' ? 3.0 : 0.0) + weight / 4 > 7.0
                                ? "yes"
                                : (i % 3 ? "no" : "maybe");
        csv += (i % 11 == 0 ? QByteArray() : QByteArray::number(size)) + ','
               + (i % 13 == 0 ? "" : color) + ',' + QByteArray::number(weight) + ','
               + shapes[i % 5 == 0] + ',' + label + '\n';
    }
    return csv;
}

} // namespace

class TestOnnx : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    QString m_skip;
    QString m_mixed;

    // Runs source -> steps -> trainer and returns the model and the source table.
    std::pair<std::shared_ptr<const Model>, std::shared_ptr<const Table>> train(
        const QString &dataset,
        const QList<QPair<QString, QJsonObject>> &steps,
        const QString &trainer,
        const QJsonObject &params)
    {
        Builder b;
        if (dataset == u"mixed")
            b.node(QStringLiteral("data"),
                   QStringLiteral("csv_source"),
                   {{QStringLiteral("path"), m_mixed},
                    {QStringLiteral("target"), QStringLiteral("label")}});
        else
            b.node(QStringLiteral("data"),
                   QStringLiteral("sample_dataset"),
                   {{QStringLiteral("dataset"), dataset}});
        QString from = QStringLiteral("data.table");
        for (qsizetype i = 0; i < steps.size(); ++i) {
            const QString id = QStringLiteral("step%1").arg(i);
            b.node(id, steps.at(i).first, steps.at(i).second);
            b.link(from, id + QStringLiteral(".train"));
            from = id + QStringLiteral(".train");
        }
        b.node(QStringLiteral("train"), trainer, params);
        b.link(from, QStringLiteral("train.train"));
        const auto r = run(b.p);
        if (!r->startError.isEmpty() || r->state(QStringLiteral("train")) != TaskState::Success)
            qWarning("training failed: %s %s",
                     qPrintable(r->startError),
                     qPrintable(r->error(QStringLiteral("train"))));
        return {r->out<Model>(QStringLiteral("train"), QStringLiteral("model")),
                r->out<Table>(QStringLiteral("data"), QStringLiteral("table"))};
    }

    // The spec the node runner reads: the model's inputs filled from the table's rows.
    QJsonObject inputSpec(const QString &onnx,
                          const Model &model,
                          const Table &table,
                          bool doubleInputs)
    {
        const QString numericType = doubleInputs ? QStringLiteral("double")
                                                 : QStringLiteral("float");
        const auto n = table.rowCount();
        bool allNumeric = true;
        for (const InputColumn &in : model.inputs)
            allNumeric = allNumeric && in.kind == ColumnKind::Numeric;
        auto number = [](double v) { return std::isnan(v) ? QJsonValue() : QJsonValue(v); };
        QJsonObject inputs;
        if (allNumeric) {
            QJsonArray data;
            for (Eigen::Index r = 0; r < n; ++r)
                for (const InputColumn &in : model.inputs)
                    data.append(number(table.numeric(table.indexOf(in.name))[r]));
            inputs.insert(QStringLiteral("input"),
                          QJsonObject{{QStringLiteral("type"), numericType},
                                      {QStringLiteral("dims"),
                                       QJsonArray{qint64(n), qint64(model.inputs.size())}},
                                      {QStringLiteral("data"), data}});
        } else {
            for (const InputColumn &in : model.inputs) {
                const int c = table.indexOf(in.name);
                QJsonArray data;
                for (Eigen::Index r = 0; r < n; ++r)
                    data.append(in.kind == ColumnKind::Numeric
                                    ? number(table.numeric(c)[r])
                                    : QJsonValue(table.displayValue(r, c)));
                inputs.insert(in.name,
                              QJsonObject{{QStringLiteral("type"),
                                           in.kind == ColumnKind::Numeric
                                               ? numericType
                                               : QStringLiteral("string")},
                                          {QStringLiteral("dims"), QJsonArray{qint64(n), 1}},
                                          {QStringLiteral("data"), data}});
            }
        }
        return {{QStringLiteral("model"), onnx}, {QStringLiteral("inputs"), inputs}};
    }

    QJsonObject runNode(const QJsonObject &spec, QString *error)
    {
        const QString specPath = m_dir.filePath(QStringLiteral("spec.json"));
        QFile f(specPath);
        if (!f.open(QIODevice::WriteOnly)
            || f.write(QJsonDocument(spec).toJson(QJsonDocument::Compact)) < 0) {
            *error = QStringLiteral("cannot write %1").arg(specPath);
            return {};
        }
        f.close();
        QProcess node;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("NODE_PATH"), onnxRuntimeDir() + QStringLiteral("/node_modules"));
        node.setProcessEnvironment(env);
        node.start(QStringLiteral("node"), {m_dir.filePath(QStringLiteral("run.js")), specPath});
        if (!node.waitForFinished(120000) || node.exitStatus() != QProcess::NormalExit
            || node.exitCode() != 0) {
            *error = QStringLiteral("onnxruntime-node failed: ")
                     + QString::fromUtf8(node.readAllStandardError());
            return {};
        }
        return QJsonDocument::fromJson(node.readAllStandardOutput()).object();
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        QFile runner(m_dir.filePath(QStringLiteral("run.js")));
        QVERIFY(runner.open(QIODevice::WriteOnly) && runner.write(onnxRunner) > 0);
        runner.close();
        QFile mixed(m_dir.filePath(QStringLiteral("mixed.csv")));
        QVERIFY(mixed.open(QIODevice::WriteOnly) && mixed.write(mixedCsv()) > 0);
        mixed.close();
        m_mixed = mixed.fileName();

        QProcess python;
        python.start(pythonPath(), {QStringLiteral("-c"), QStringLiteral("import onnx")});
        if (!python.waitForFinished(60000) || python.exitCode() != 0)
            m_skip = QStringLiteral("python3-onnx is not importable by %1").arg(pythonPath());
        QProcess node;
        node.start(QStringLiteral("node"), {QStringLiteral("--version")});
        if (!node.waitForStarted(10000) || !node.waitForFinished(30000) || node.exitCode() != 0)
            m_skip = QStringLiteral("node is not installed");
        else if (!QFile::exists(onnxRuntimeDir()
                                + QStringLiteral("/node_modules/onnxruntime-node/package.json")))
            m_skip = QStringLiteral(
                         "onnxruntime-node is not installed in %1 (scripts/install-onnxruntime.sh)")
                         .arg(onnxRuntimeDir());
        if (!m_skip.isEmpty())
            qWarning("ONNX Runtime checks will be skipped: %s", qPrintable(m_skip));
    }

    void matchesOnnxRuntime_data()
    {
        QTest::addColumn<QString>("dataset");
        QTest::addColumn<QStringList>("steps");
        QTest::addColumn<QString>("trainer");
        QTest::addColumn<QJsonObject>("params");
        QTest::addColumn<bool>("doubleInputs");

        const QStringList scale{QStringLiteral("standardize")};
        auto add = [](const char *name,
                      const char *dataset,
                      QStringList steps,
                      const char *trainer,
                      QJsonObject params = {},
                      bool doubleInputs = false) {
            QTest::newRow(name) << QString::fromUtf8(dataset) << steps << QString::fromUtf8(trainer)
                                << params << doubleInputs;
        };
        add("logistic multinomial", "iris", scale, "logistic_regression");
        add("logistic binary", "breast_cancer", scale, "logistic_regression");
        add("logistic double inputs",
            "wine",
            {QStringLiteral("minmax_scale")},
            "logistic_regression",
            {},
            true);
        add("linear regression", "diabetes", scale, "linear_regression");
        add("ridge", "diabetes", {QStringLiteral("minmax_scale")}, "ridge_regression");
        add("lasso", "diabetes", scale, "lasso_regression", {{QStringLiteral("alpha"), 0.5}});
        add("elastic net", "diabetes", {}, "elastic_net");
        add("linear svm multiclass", "wine", scale, "linear_svm");
        add("linear svm binary", "breast_cancer", scale, "linear_svm");
        add("mlp classifier",
            "iris",
            scale,
            "mlp_classifier",
            {{QStringLiteral("hidden_layer_sizes"), QStringLiteral("8,6")},
             {QStringLiteral("max_iter"), 300}});
        add("mlp classifier binary tanh",
            "breast_cancer",
            scale,
            "mlp_classifier",
            {{QStringLiteral("hidden_layer_sizes"), QStringLiteral("5")},
             {QStringLiteral("activation"), QStringLiteral("tanh")},
             {QStringLiteral("max_iter"), 100}});
        add("mlp regressor",
            "diabetes",
            scale,
            "mlp_regressor",
            {{QStringLiteral("hidden_layer_sizes"), QStringLiteral("16")},
             {QStringLiteral("max_iter"), 200}});
        add("kmeans", "wine", scale, "kmeans", {{QStringLiteral("n_clusters"), 3}});
        // Neighbours at nearly equal distances can swap when inputs are rounded to float.
        add("knn classifier", "iris", scale, "knn_classifier", {}, true);
        add("knn classifier distance",
            "wine",
            scale,
            "knn_classifier",
            {{QStringLiteral("weights"), QStringLiteral("distance")}},
            true);
        add("knn regressor", "diabetes", scale, "knn_regressor", {}, true);
        add("gaussian nb", "wine", {}, "gaussian_nb");
        add("decision tree classifier", "iris", {}, "decision_tree_classifier");
        add("decision tree regressor",
            "diabetes",
            {},
            "decision_tree_regressor",
            {{QStringLiteral("max_depth"), 6}});
        // Float inputs: these forests used to differ on a few rows (a bootstrap tree's midpoint
        // threshold within float rounding of an out-of-bag value, e.g. 0.5 * 1.31 + 0.5 * 1.41
        // vs wine's flavanoids 1.36), fixed by float-exact thresholds (Tree::floatExactThreshold).
        add("random forest classifier",
            "wine",
            {},
            "random_forest_classifier",
            {{QStringLiteral("n_estimators"), 20}});
        add("random forest regressor",
            "diabetes",
            {},
            "random_forest_regressor",
            {{QStringLiteral("n_estimators"), 20}});
        add("random forest classifier double inputs",
            "wine",
            {},
            "random_forest_classifier",
            {{QStringLiteral("n_estimators"), 20}},
            true);
        add("gradient boosting multiclass",
            "iris",
            {},
            "gradient_boosting_classifier",
            {{QStringLiteral("max_iter"), 30}});
        add("gradient boosting binary",
            "breast_cancer",
            {},
            "gradient_boosting_classifier",
            {{QStringLiteral("max_iter"), 30}});
        add("gradient boosting regressor",
            "diabetes",
            {},
            "gradient_boosting_regressor",
            {{QStringLiteral("max_iter"), 40}});
        add("pca + logistic",
            "iris",
            {QStringLiteral("standardize"), QStringLiteral("pca")},
            "logistic_regression");
        add("impute + one-hot + logistic",
            "mixed",
            {QStringLiteral("impute"),
             QStringLiteral("one_hot_encode"),
             QStringLiteral("standardize")},
            "logistic_regression");
        add("impute + one-hot + tree",
            "mixed",
            {QStringLiteral("impute"), QStringLiteral("one_hot_encode")},
            "decision_tree_classifier");
        // (Not k-NN here: one-hot rows sit at exactly equal distances from many training rows, and
        // which of those Flowbench keeps depends on the rounding of its GEMM distances.)
        add("impute + one-hot + forest",
            "mixed",
            {QStringLiteral("impute"), QStringLiteral("one_hot_encode")},
            "random_forest_classifier",
            {{QStringLiteral("n_estimators"), 10}});
    }

    void matchesOnnxRuntime()
    {
        QFETCH(QString, dataset);
        QFETCH(QStringList, steps);
        QFETCH(QString, trainer);
        QFETCH(QJsonObject, params);
        QFETCH(bool, doubleInputs);

        QList<QPair<QString, QJsonObject>> stepList;
        for (const QString &s : steps)
            stepList.append({s, {}});
        const auto [model, table] = train(dataset, stepList, trainer, params);
        QVERIFY(model && table);
        const Prediction expected = model->predict(std::const_pointer_cast<Table>(table));

        const QString onnx = m_dir.filePath(
            QString::fromUtf8(QTest::currentDataTag()).replace(u' ', u'_') + ".onnx");
        OnnxExportOptions options;
        options.doubleInputs = doubleInputs;
        QString error;
        QVERIFY2(exportOnnx(*model, onnx, options, &error), qPrintable(error));
        if (!m_skip.isEmpty())
            QSKIP(qPrintable(m_skip));

        const QJsonObject check = runPython(QString::fromUtf8(onnxChecker), {onnx}, &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QCOMPARE(check.value(QStringLiteral("opsets"))
                     .toObject()
                     .value(QStringLiteral("ai.onnx"))
                     .toInt(),
                 17);

        const QJsonObject out = runNode(inputSpec(onnx, *model, *table, doubleInputs), &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        const auto n = table->rowCount();
        const ml::TaskKind task = model->task();
        if (task == ml::TaskKind::Regression) {
            const QJsonArray values = out.value(QStringLiteral("variable"))
                                          .toObject()
                                          .value(QStringLiteral("data"))
                                          .toArray();
            QCOMPARE(values.size(), qsizetype(n));
            for (Eigen::Index r = 0; r < n; ++r) {
                const double want = expected.values[r];
                QVERIFY2(qAbs(values.at(r).toDouble() - want) <= 1e-5 * std::max(1.0, qAbs(want)),
                         qPrintable(QStringLiteral("row %1: onnx %2, flowbench %3")
                                        .arg(r)
                                        .arg(values.at(r).toDouble())
                                        .arg(want)));
            }
            return;
        }
        const QJsonArray labels
            = out.value(QStringLiteral("label")).toObject().value(QStringLiteral("data")).toArray();
        QCOMPARE(labels.size(), qsizetype(n));
        if (task == ml::TaskKind::Clustering) {
            for (Eigen::Index r = 0; r < n; ++r)
                QCOMPARE(labels.at(r).toInt(), int(expected.values[r]));
            QCOMPARE(out.value(QStringLiteral("scores"))
                         .toObject()
                         .value(QStringLiteral("dims"))
                         .toArray()
                         .at(1)
                         .toInt(),
                     3);
            return;
        }
        const QJsonArray proba = out.value(QStringLiteral("probabilities"))
                                     .toObject()
                                     .value(QStringLiteral("data"))
                                     .toArray();
        const auto k = expected.proba.cols();
        QCOMPARE(proba.size(), qsizetype(n * k));
        for (Eigen::Index r = 0; r < n; ++r) {
            const QString want = model->classes.at(int(expected.values[r]));
            const QString got = labels.at(r).isString() ? labels.at(r).toString()
                                                        : QString::number(labels.at(r).toInteger());
            QVERIFY2(got == want,
                     qPrintable(
                         QStringLiteral("row %1: onnx '%2', flowbench '%3'").arg(r).arg(got, want)));
            for (Eigen::Index c = 0; c < k; ++c)
                QVERIFY2(qAbs(proba.at(r * k + c).toDouble() - expected.proba(r, c)) <= 1e-5,
                         qPrintable(QStringLiteral("row %1 class %2: onnx %3, flowbench %4")
                                        .arg(r)
                                        .arg(c)
                                        .arg(proba.at(r * k + c).toDouble())
                                        .arg(expected.proba(r, c))));
        }
    }

    // Why forests agree with float inputs: every fitted threshold T is float-exact, so for each
    // double x, x <= T exactly when float(x) <= float(T) (no ONNX Runtime needed here).
    void floatExactThresholds()
    {
        using ml::Tree;
        const auto isFloatExact = [](double t) {
            const float f = float(t);
            return double(f) <= t && float(std::nextafter(t, HUGE_VAL)) > f;
        };
        // The case found on wine: a bootstrap tree split between 1.31 and 1.41 (1.32, 1.36 and
        // 1.39 out of its sample); the midpoint is the double just below 1.36, which float
        // rounds to float(1.36), so 1.36 went right in double and left in float.
        const double mid = 0.5 * 1.31 + 0.5 * 1.41;
        QVERIFY(mid < 1.36 && float(mid) == float(1.36));
        const double t = Tree::floatExactThreshold(mid, 1.32, 1.36);
        QVERIFY(isFloatExact(t));
        QVERIFY(1.32 <= t && t < 1.36);
        QVERIFY(float(1.32) <= float(t) && float(1.36) > float(t));
        // Usually the threshold just moves up to the top of its float's rounding interval.
        const double up = Tree::floatExactThreshold(1.355, 1.32, 1.36);
        QVERIFY(isFloatExact(up) && up >= 1.355 && up < 1.36);
        QCOMPARE(float(up), float(1.355));
        // Negative values and values around zero.
        for (double v : {-2.5e-3, -1.0 / 3.0, -1e-40, 0.0, 7e-46, 1e30}) {
            const double s = Tree::floatExactThreshold(v, -HUGE_VAL, HUGE_VAL);
            QVERIFY2(isFloatExact(s) && s >= v, qPrintable(QString::number(v, 'g', 17)));
        }
        // Inseparable in float, or beyond the float range: unchanged.
        QCOMPARE(Tree::floatExactThreshold(1.0 + 1e-12, 1.0, 1.0 + 2e-12), 1.0 + 1e-12);
        QCOMPARE(Tree::floatExactThreshold(1e300, 1e299, HUGE_VAL), 1e300);

        // Every threshold of trained forests (the two ONNX cases) is float-exact.
        for (const auto &[dataset, trainer] : {std::pair{"wine", "random_forest_classifier"},
                                               std::pair{"diabetes", "random_forest_regressor"}}) {
            const auto [model, table] = train(QString::fromLatin1(dataset),
                                              {},
                                              QString::fromLatin1(trainer),
                                              {{QStringLiteral("n_estimators"), 20}});
            QVERIFY(model);
            const std::vector<Tree> *trees = nullptr;
            if (auto c = dynamic_cast<const ml::RandomForestClassifier *>(model->estimator.get()))
                trees = &c->trees();
            else if (auto r = dynamic_cast<const ml::RandomForestRegressor *>(
                         model->estimator.get()))
                trees = &r->trees();
            QVERIFY(trees && !trees->empty());
            int checked = 0;
            for (const Tree &tree : *trees)
                for (const Tree::Node &node : tree.nodes())
                    if (node.feature >= 0 && std::abs(node.threshold) < 3e38) {
                        QVERIFY2(isFloatExact(node.threshold),
                                 qPrintable(QString::number(node.threshold, 'g', 17)));
                        ++checked;
                    }
            QVERIFY(checked > 100);
        }
    }

    // The graph's interface: named raw inputs (strings for text columns), the documented outputs.
    void inputOutputConvention()
    {
        const auto [model, table] = train(QStringLiteral("mixed"),
                                          {{QStringLiteral("impute"), {}},
                                           {QStringLiteral("one_hot_encode"), {}}},
                                          QStringLiteral("logistic_regression"),
                                          {});
        QVERIFY(model);
        const QString onnx = m_dir.filePath(QStringLiteral("convention.onnx"));
        QString error;
        QVERIFY2(exportOnnx(*model, onnx, &error), qPrintable(error));
        if (!m_skip.isEmpty())
            QSKIP(qPrintable(m_skip));
        const QJsonObject check = runPython(QString::fromUtf8(onnxChecker), {onnx}, &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QCOMPARE(check.value(QStringLiteral("inputs")).toArray(),
                 QJsonArray({QStringLiteral("size"),
                             QStringLiteral("color"),
                             QStringLiteral("weight"),
                             QStringLiteral("shape")}));
        QCOMPARE(check.value(QStringLiteral("outputs")).toArray(),
                 QJsonArray({QStringLiteral("label"), QStringLiteral("probabilities")}));
        QCOMPARE(check.value(QStringLiteral("opsets"))
                     .toObject()
                     .value(QStringLiteral("ai.onnx.ml"))
                     .toInt(),
                 3);
    }

    void writeFailureLeavesNothing()
    {
        const auto [model, table] = train(QStringLiteral("iris"),
                                          {},
                                          QStringLiteral("logistic_regression"),
                                          {});
        QVERIFY(model);
        const QString target = m_dir.filePath(QStringLiteral("run.js/model.onnx")); // under a file
        QString error;
        QVERIFY(!exportOnnx(*model, target, &error));
        QVERIFY2(error.contains(QStringLiteral("model.onnx")), qPrintable(error));
        QVERIFY(!QFile::exists(target));
        QVERIFY(!onnxModelBytes(*model, {}, &error).isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestOnnx)
#include "tst_onnx.moc"
