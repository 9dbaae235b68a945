// The built-in node library through the real executor: data sources, column selection, the
// split (seeded, stratified), standardize (fitted on train only), training, evaluation and
// saving, and the messages users get when inputs do not fit.

#include "data/Table.h"
#include "exec/Executor.h"
#include "model/MetricsData.h"
#include "model/Model.h"
#include "model/ModelFile.h"
#include "model/StandardizeTransform.h"
#include "pipeline/NodeRegistry.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>

using namespace fb;

namespace {

struct Builder
{
    PipelineData p;
    void node(const QString &id, const QString &type, QJsonObject params = {})
    {
        Node n;
        n.id = id;
        n.type = type;
        n.params = params;
        p.addNode(n);
    }
    void link(const QString &from, const QString &to)
    {
        const QStringList f = from.split(u'.');
        const QStringList t = to.split(u'.');
        p.addLink({p.keyOf(f[0]), f[1], p.keyOf(t[0]), t[1]});
    }
};

// Runs `p` and keeps the executor so outputs can be inspected.
struct Ran
{
    std::unique_ptr<Executor> executor = std::make_unique<Executor>(NodeRegistry::builtin());
    RunResult result;
    QString startError;
    template<typename T>
    std::shared_ptr<const T> out(const QString &node, const QString &port) const
    {
        return std::dynamic_pointer_cast<const T>(executor->output(node, port));
    }
    QString error(const QString &node) const
    {
        const TaskResult *t = result.task(node);
        return t ? t->error : QStringLiteral("<no task>");
    }
};

std::unique_ptr<Ran> run(const PipelineData &p, const QString &artifacts = {})
{
    auto r = std::make_unique<Ran>();
    RunRequest req;
    req.pipeline = p;
    req.artifactRoot = artifacts;
    if (r->executor->start(req, &r->startError)) {
        r->executor->wait();
        r->result = r->executor->result();
    }
    return r;
}

QStringList classesOf(const Table &t)
{
    QStringList out;
    const int target = t.targetColumn();
    for (Eigen::Index i = 0; i < t.rowCount(); ++i)
        out.append(t.displayValue(i, target));
    return out;
}

} // namespace

class TestNodes : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void sampleDatasetsLoadWithTargets_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<int>("rows");
        QTest::addColumn<int>("columns");
        QTest::addColumn<QString>("target");
        QTest::newRow("iris") << "iris" << 150 << 5 << "species";
        QTest::newRow("wine") << "wine" << 178 << 14 << "cultivar";
        QTest::newRow("breast_cancer") << "breast_cancer" << 569 << 31 << "diagnosis";
        QTest::newRow("diabetes") << "diabetes" << 442 << 11 << "progression";
        QTest::newRow("digits") << "digits" << 1797 << 65 << "digit";
    }

    void sampleDatasetsLoadWithTargets()
    {
        QFETCH(QString, name);
        QFETCH(int, rows);
        QFETCH(int, columns);
        QFETCH(QString, target);
        Builder b;
        b.node(QStringLiteral("d"), QStringLiteral("sample_dataset"), {{QStringLiteral("dataset"), name}});
        auto r = run(b.p);
        QCOMPARE(r->result.state, TaskState::Success);
        auto t = r->out<Table>(QStringLiteral("d"), QStringLiteral("table"));
        QVERIFY(t);
        QCOMPARE(t->rowCount(), rows);
        QCOMPARE(t->columnCount(), columns);
        QCOMPARE(t->column(t->targetColumn()).name, target);
        QCOMPARE(t->columnsWithRole(ColumnRole::Feature).size(), columns - 1);
    }

    void splitIsSeededAndStratified()
    {
        Builder b;
        b.node(QStringLiteral("d"), QStringLiteral("sample_dataset"), {{QStringLiteral("dataset"), QStringLiteral("iris")}});
        b.node(QStringLiteral("s"), QStringLiteral("train_test_split"),
               {{QStringLiteral("test_size"), 0.2}, {QStringLiteral("stratify"), true}, {QStringLiteral("seed"), 3}});
        b.link(QStringLiteral("d.table"), QStringLiteral("s.table"));
        auto first = run(b.p);
        auto second = run(b.p);
        auto train = first->out<Table>(QStringLiteral("s"), QStringLiteral("train"));
        auto test = first->out<Table>(QStringLiteral("s"), QStringLiteral("test"));
        QCOMPARE(test->rowCount(), 30);
        QCOMPARE(train->rowCount(), 120);
        // Stratified: 10 of each class in the test rows.
        const QStringList labels = classesOf(*test);
        for (const QString &c : {QStringLiteral("setosa"), QStringLiteral("versicolor"), QStringLiteral("virginica")})
            QCOMPARE(labels.count(c), 10);
        // Same seed, same rows.
        QCOMPARE(classesOf(*second->out<Table>(QStringLiteral("s"), QStringLiteral("test"))), labels);
        QCOMPARE(Eigen::MatrixXd(second->out<Table>(QStringLiteral("s"), QStringLiteral("test"))->numericData()),
                 Eigen::MatrixXd(test->numericData()));
        // Another seed, other rows.
        b.p.node(b.p.keyOf(QStringLiteral("s")))->params.insert(QStringLiteral("seed"), 4);
        auto third = run(b.p);
        QVERIFY(Eigen::MatrixXd(third->out<Table>(QStringLiteral("s"), QStringLiteral("test"))->numericData())
                != Eigen::MatrixXd(test->numericData()));
    }

    void splitWithoutShuffleKeepsOrder()
    {
        Builder b;
        b.node(QStringLiteral("d"), QStringLiteral("sample_dataset"), {{QStringLiteral("dataset"), QStringLiteral("diabetes")}});
        b.node(QStringLiteral("s"), QStringLiteral("train_test_split"),
               {{QStringLiteral("test_size"), 0.1}, {QStringLiteral("shuffle"), false}});
        b.link(QStringLiteral("d.table"), QStringLiteral("s.table"));
        auto r = run(b.p);
        auto all = r->out<Table>(QStringLiteral("d"), QStringLiteral("table"));
        auto test = r->out<Table>(QStringLiteral("s"), QStringLiteral("test"));
        QCOMPARE(test->rowCount(), 45); // ceil(0.1 * 442)
        auto train = r->out<Table>(QStringLiteral("s"), QStringLiteral("train"));
        QCOMPARE(Eigen::RowVectorXd(test->numericData().row(44)), Eigen::RowVectorXd(all->numericData().row(441)));
        QCOMPARE(Eigen::RowVectorXd(train->numericData().row(0)), Eigen::RowVectorXd(all->numericData().row(0)));
        // Without shuffling both parts are views of the loaded data: nothing was copied.
        QVERIFY(&train->numericStore() == &all->numericStore());
        QVERIFY(&test->numericStore() == &all->numericStore());
        QCOMPARE(test->rowOffset(), Eigen::Index(397));
        // Views work everywhere: standardizing the view gives the statistics of its rows only.
        QCOMPARE(test->numeric(0)[0], all->numeric(0)[397]);
        QCOMPARE(test->displayValue(44, test->targetColumn()), all->displayValue(441, all->targetColumn()));
        Eigen::MatrixXd scratch;
        const QList<int> gathered{2, 0};
        const ConstMatrixMap x = test->numericColumns(gathered, scratch);
        QCOMPARE(x(3, 0), all->numeric(2)[400]);
        QCOMPARE(x(3, 1), all->numeric(0)[400]);
    }

    void standardizeFitsOnTrainOnly()
    {
        Builder b;
        b.node(QStringLiteral("d"), QStringLiteral("sample_dataset"), {{QStringLiteral("dataset"), QStringLiteral("wine")}});
        b.node(QStringLiteral("s"), QStringLiteral("train_test_split"));
        b.node(QStringLiteral("z"), QStringLiteral("standardize"));
        b.link(QStringLiteral("d.table"), QStringLiteral("s.table"));
        b.link(QStringLiteral("s.train"), QStringLiteral("z.train"));
        b.link(QStringLiteral("s.test"), QStringLiteral("z.test"));
        auto r = run(b.p);
        QCOMPARE(r->result.state, TaskState::Success);
        auto train = r->out<Table>(QStringLiteral("z"), QStringLiteral("train"));
        auto test = r->out<Table>(QStringLiteral("z"), QStringLiteral("test"));
        auto rawTest = r->out<Table>(QStringLiteral("s"), QStringLiteral("test"));
        const int alcohol = train->indexOf(QStringLiteral("alcohol"));
        const auto col = train->numeric(alcohol);
        QVERIFY(std::abs(col.mean()) < 1e-12);
        QVERIFY(std::abs(std::sqrt((col.array() - col.mean()).square().mean()) - 1.0) < 1e-12);
        // The test rows use the training statistics, so they are not exactly centred.
        QVERIFY(std::abs(test->numeric(alcohol).mean()) > 1e-6);
        auto step = std::dynamic_pointer_cast<const StandardizeTransform>(train->preprocessing().value(0));
        QVERIFY(step);
        const int j = int(step->inputs().indexOf(InputColumn{QStringLiteral("alcohol"), ColumnKind::Numeric}));
        const double expected = (rawTest->numeric(alcohol)[0] - step->means()[size_t(j)]) / step->scales()[size_t(j)];
        QCOMPARE(test->numeric(alcohol)[0], expected);
        // The target column is not scaled and the raw table is untouched (shared, immutable).
        QCOMPARE(test->displayValue(0, test->targetColumn()), rawTest->displayValue(0, rawTest->targetColumn()));
        QCOMPARE(test->preprocessing().size(), 1);
        QVERIFY(test->preprocessing().first() == train->preprocessing().first());
    }

    void selectColumnsSharesStorage()
    {
        Builder b;
        b.node(QStringLiteral("d"), QStringLiteral("sample_dataset"), {{QStringLiteral("dataset"), QStringLiteral("iris")}});
        b.node(QStringLiteral("c"), QStringLiteral("select_columns"),
               {{QStringLiteral("drop"), QJsonArray{QStringLiteral("sepal_width")}},
                {QStringLiteral("target"), QStringLiteral("petal_width")},
                {QStringLiteral("ignore"), QJsonArray{QStringLiteral("species")}}});
        b.link(QStringLiteral("d.table"), QStringLiteral("c.table"));
        auto r = run(b.p);
        QCOMPARE(r->result.state, TaskState::Success);
        auto in = r->out<Table>(QStringLiteral("d"), QStringLiteral("table"));
        auto out = r->out<Table>(QStringLiteral("c"), QStringLiteral("table"));
        QCOMPARE(out->columnNames(), (QStringList{"sepal_length", "petal_length", "petal_width", "species"}));
        QCOMPARE(out->column(out->targetColumn()).name, QStringLiteral("petal_width"));
        QCOMPARE(out->column(out->indexOf(QStringLiteral("species"))).role, ColumnRole::Ignored);
        QVERIFY(&out->numericStore() == &in->numericStore()); // no copy
    }

    void trainEvaluateSavePredictsFromRawColumns()
    {
        QTemporaryDir dir;
        Builder b;
        b.node(QStringLiteral("d"), QStringLiteral("sample_dataset"), {{QStringLiteral("dataset"), QStringLiteral("breast_cancer")}});
        b.node(QStringLiteral("s"), QStringLiteral("train_test_split"), {{QStringLiteral("stratify"), true}});
        b.node(QStringLiteral("z"), QStringLiteral("standardize"));
        b.node(QStringLiteral("t"), QStringLiteral("logistic_regression"));
        b.node(QStringLiteral("e"), QStringLiteral("evaluate"));
        b.node(QStringLiteral("m"), QStringLiteral("save_model"), {{QStringLiteral("path"), dir.filePath(QStringLiteral("m.fbm"))}});
        b.link(QStringLiteral("d.table"), QStringLiteral("s.table"));
        b.link(QStringLiteral("s.train"), QStringLiteral("z.train"));
        b.link(QStringLiteral("s.test"), QStringLiteral("z.test"));
        b.link(QStringLiteral("z.train"), QStringLiteral("t.train"));
        b.link(QStringLiteral("t.model"), QStringLiteral("e.model"));
        b.link(QStringLiteral("z.test"), QStringLiteral("e.data"));
        b.link(QStringLiteral("t.model"), QStringLiteral("m.model"));
        auto r = run(b.p, dir.path());
        QVERIFY2(r->result.state == TaskState::Success, qPrintable(r->error(QStringLiteral("t")) + r->error(QStringLiteral("e"))));
        auto metrics = r->out<MetricsData>(QStringLiteral("e"), QStringLiteral("metrics"));
        QVERIFY(metrics->value(QStringLiteral("accuracy")) > 0.95);
        QVERIFY(metrics->value(QStringLiteral("roc_auc")) > 0.98);
        QCOMPARE(metrics->details.value(QStringLiteral("confusion_matrix")).toArray().size(), 2);

        // The saved model predicts from the raw test table exactly as the pipeline's model does
        // from the standardized one.
        QString error;
        const ModelPtr loaded = ModelFile::load(dir.filePath(QStringLiteral("m.fbm")), &error);
        QVERIFY2(loaded, qPrintable(error));
        const ModelPtr trained = r->out<Model>(QStringLiteral("t"), QStringLiteral("model"));
        const TablePtr rawTest = r->out<Table>(QStringLiteral("s"), QStringLiteral("test"));
        const TablePtr scaledTest = r->out<Table>(QStringLiteral("z"), QStringLiteral("test"));
        const Prediction fromRaw = loaded->predict(rawTest);
        const Prediction fromScaled = trained->predict(scaledTest);
        QCOMPARE(fromRaw.labels, fromScaled.labels);
        QVERIFY((fromRaw.proba - fromScaled.proba).cwiseAbs().maxCoeff() < 1e-12);
        QCOMPARE(loaded->inputs.size(), 30);
        QCOMPARE(loaded->classes, (QStringList{QStringLiteral("benign"), QStringLiteral("malignant")}));

        // A raw table without a needed column is refused by name.
        const TablePtr narrowed = rawTest->withColumns({1, 2, 3});
        try {
            loaded->predict(narrowed);
            QFAIL("expected a schema error");
        } catch (const SchemaError &e) {
            QVERIFY2(QString::fromUtf8(e.what()).contains(QStringLiteral("missing column(s): mean_radius")), e.what());
        }
    }

    void usefulErrors_data()
    {
        QTest::addColumn<QString>("dataset");
        QTest::addColumn<QString>("trainer");
        QTest::addColumn<QJsonObject>("select");
        QTest::addColumn<QString>("expected");
        QTest::newRow("regression on classes") << "iris" << "ridge_regression" << QJsonObject()
                                               << "target column 'species' is categorical; regression needs a numeric target";
        QTest::newRow("categorical feature") << "iris" << "ridge_regression"
                                             << QJsonObject{{"target", "petal_width"}}
                                             << "feature column 'species' is categorical";
        QTest::newRow("no features") << "iris" << "logistic_regression"
                                     << QJsonObject{{"keep", QJsonArray{"species"}}}
                                     << "has no feature columns";
        QTest::newRow("one class") << "diabetes" << "logistic_regression" << QJsonObject{{"target", "sex"}, {"drop", QJsonArray{"progression"}}}
                                   << ""; // sex has two classes: must succeed
    }

    void usefulErrors()
    {
        QFETCH(QString, dataset);
        QFETCH(QString, trainer);
        QFETCH(QJsonObject, select);
        QFETCH(QString, expected);
        Builder b;
        b.node(QStringLiteral("d"), QStringLiteral("sample_dataset"), {{QStringLiteral("dataset"), dataset}});
        b.node(QStringLiteral("c"), QStringLiteral("select_columns"), select);
        b.node(QStringLiteral("t"), trainer);
        b.link(QStringLiteral("d.table"), QStringLiteral("c.table"));
        b.link(QStringLiteral("c.table"), QStringLiteral("t.train"));
        auto r = run(b.p);
        if (expected.isEmpty()) {
            QVERIFY2(r->result.state == TaskState::Success, qPrintable(r->error(QStringLiteral("t"))));
            return;
        }
        QCOMPARE(r->result.task(QStringLiteral("t"))->state, TaskState::Failed);
        QVERIFY2(r->error(QStringLiteral("t")).contains(expected), qPrintable(r->error(QStringLiteral("t"))));
    }

    void csvSourceReportsFileErrors()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("ragged.csv"));
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("a,b,c\n1,2,3\n4,5\n");
        f.close();
        Builder b;
        b.node(QStringLiteral("data"), QStringLiteral("csv_source"), {{QStringLiteral("path"), path}});
        auto r = run(b.p);
        QCOMPARE(r->result.state, TaskState::Failed);
        const QString error = r->error(QStringLiteral("data"));
        QVERIFY2(error.contains(path) && error.contains(QStringLiteral(":3:")), qPrintable(error));
    }
    void csvSourceReadsExtraMissingTokens()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("sentinels.csv"));
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("a,b\n1,-999\n?,2\n3,4\n");
        f.close();
        Builder b;
        b.node(QStringLiteral("data"), QStringLiteral("csv_source"),
               {{QStringLiteral("path"), path}, {QStringLiteral("missing"), QStringLiteral("-999, ?")}});
        auto r = run(b.p);
        QCOMPARE(r->result.state, TaskState::Success);
        auto t = r->out<Table>(QStringLiteral("data"), QStringLiteral("table"));
        QVERIFY(t);
        // '?' would make column a categorical if it were not a missing token.
        QCOMPARE(t->column(0).kind, ColumnKind::Numeric);
        QVERIFY(std::isnan(t->numeric(0)(1)));
        QVERIFY(std::isnan(t->numeric(1)(0)));
        QCOMPARE(t->numeric(1)(1), 2.0);
    }
};

QTEST_GUILESS_MAIN(TestNodes)
#include "tst_nodes.moc"
