// Preparation: impute, one-hot, min-max (fitted values, unknown categories, JSON round trips),
// select_columns by pattern, the three-way split, and a pipeline with missing values and
// categorical columns whose model and predict node work from the raw columns.

#include "PipelineTestSupport.h"

#include "data/CsvReader.h"
#include "model/ImputeTransform.h"
#include "model/MinMaxTransform.h"
#include "model/Model.h"
#include "model/ModelFile.h"
#include "model/OneHotTransform.h"
#include "model/StandardizeTransform.h"

#include <QtTest>

#include <cmath>

using namespace fb;
using fbtest::Builder;

namespace {

TablePtr csvTable(const QTemporaryDir &dir,
                  const QString &name,
                  const QByteArray &text,
                  const QString &target = {})
{
    const QString path = dir.filePath(name);
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly))
        qFatal("cannot write %s", qPrintable(path));
    f.write(text);
    f.close();
    CsvOptions options;
    options.target = target;
    return CsvReader::readFile(path, options);
}

// A small data set with a categorical column and missing values in every feature column: the
// class depends on colour and size, so a linear model separates it well after encoding.
QByteArray mixedCsv(int rows)
{
    const char *colours[] = {"red", "blue", "green"};
    QByteArray out = "size,colour,weight,label\n";
    for (int i = 0; i < rows; ++i) {
        const QByteArray colour = colours[(i * 7) % 3];
        const double size = 1.0 + (i * 37 % 50) / 10.0;
        const bool yes = colour == "red" || size > 4.0;
        out += (i % 11 == 3 ? QByteArray() : QByteArray::number(size)) + ','
               + (i % 13 == 5 ? QByteArray() : colour) + ','
               + (i % 7 == 2 ? QByteArray() : QByteArray::number(10 + (i * 3) % 17)) + ','
               + (yes ? "yes" : "no") + '\n';
    }
    return out;
}

// The message of the SchemaError `call` throws; "(no error)" when it throws none.
template<typename Call>
QString schemaError(Call &&call)
{
    try {
        call();
    } catch (const SchemaError &e) {
        return QString::fromUtf8(e.what());
    }
    return QStringLiteral("(no error)");
}

Eigen::VectorXd column(const Table &t, const QString &name)
{
    return t.numeric(t.indexOf(name));
}

QStringList texts(const Table &t, const QString &name)
{
    QStringList out;
    const int i = t.indexOf(name);
    for (Eigen::Index r = 0; r < t.rowCount(); ++r)
        out.append(t.displayValue(r, i));
    return out;
}

} // namespace

class tst_Prepare : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void imputeLearnsFillValues_data()
    {
        QTest::addColumn<QString>("strategy");
        QTest::addColumn<QString>("categoricalStrategy");
        QTest::addColumn<double>("numberFill");
        QTest::addColumn<QString>("textFill");
        // x = 1, NaN, 3, 3, 10 (mean 4.25, median 3, mode 3); c = b, a, -, b, a (tie: a).
        QTest::newRow("mean") << "mean"
                              << "most_frequent" << 4.25 << "a";
        QTest::newRow("median") << "median"
                                << "most_frequent" << 3.0 << "a";
        QTest::newRow("most_frequent") << "most_frequent"
                                       << "most_frequent" << 3.0 << "a";
        QTest::newRow("constant") << "constant"
                                  << "constant" << 7.5 << "unknown";
    }

    void imputeLearnsFillValues()
    {
        QFETCH(QString, strategy);
        QFETCH(QString, categoricalStrategy);
        QFETCH(double, numberFill);
        QFETCH(QString, textFill);
        QTemporaryDir dir;
        const TablePtr train = csvTable(dir,
                                        "train.csv",
                                        "x,c,y\n1,b,0\n,a,1\n3,,0\n3,b,1\n10,a,0\n");
        const TablePtr test = csvTable(dir, "test.csv", "x,c,y\n,,0\n2,z,1\n");
        ImputeOptions options;
        QVERIFY(imputeStrategyFromName(strategy, &options.numeric));
        QVERIFY(imputeStrategyFromName(categoricalStrategy, &options.categorical));
        options.fillValue = 7.5;
        options.fillText = QStringLiteral("unknown");
        const auto step = ImputeTransform::fit(*train,
                                               {QStringLiteral("x"), QStringLiteral("c")},
                                               options);
        QCOMPARE(step->fills().size(), 2);
        QCOMPARE(step->fills()[0].number, numberFill);
        QCOMPARE(step->fills()[1].text, textFill);

        const TablePtr filled = applyStep(step, train);
        QCOMPARE(column(*filled, QStringLiteral("x")),
                 (Eigen::VectorXd(5) << 1, numberFill, 3, 3, 10).finished());
        QCOMPARE(texts(*filled, QStringLiteral("c")),
                 (QStringList{QStringLiteral("b"),
                              QStringLiteral("a"),
                              textFill,
                              QStringLiteral("b"),
                              QStringLiteral("a")}));
        QCOMPARE(filled->preprocessing().size(), 1);
        // The test rows get the training values; known values stay.
        const TablePtr filledTest = applyStep(step, test);
        QCOMPARE(column(*filledTest, QStringLiteral("x"))[0], numberFill);
        QCOMPARE(column(*filledTest, QStringLiteral("x"))[1], 2.0);
        QCOMPARE(texts(*filledTest, QStringLiteral("c")),
                 (QStringList{textFill, QStringLiteral("z")}));
        // Untouched column shares nothing it does not need: y is unchanged.
        QCOMPARE(column(*filled, QStringLiteral("y")), column(*train, QStringLiteral("y")));
    }

    void imputeRefusesWhatItCannotLearn()
    {
        QTemporaryDir dir;
        const TablePtr t = csvTable(dir, "t.csv", "x,c\n,a\n,b\n");
        ImputeOptions options;
        // An all-missing column has nothing to learn from.
        QString m = schemaError([&] { ImputeTransform::fit(*t, {QStringLiteral("x")}, options); });
        QVERIFY2(m.contains(QStringLiteral("'x' has no values")), qPrintable(m));
        options.categorical = ImputeStrategy::Median; // no median of categories
        m = schemaError([&] { ImputeTransform::fit(*t, {QStringLiteral("c")}, options); });
        QVERIFY2(m.contains(QStringLiteral("categorical")), qPrintable(m));
    }

    void oneHotEncodesSortedCategories()
    {
        QTemporaryDir dir;
        const TablePtr train
            = csvTable(dir,
                       "train.csv",
                       "a,colour,n\n1,red,2\n2,blue,1\n3,red,2.5\n4,green,1\n5,,2\n");
        const TablePtr test = csvTable(dir, "test.csv", "a,colour,n\n6,purple,1\n7,green,2.5\n");
        OneHotOptions options;
        const auto step = OneHotTransform::fit(*train,
                                               {QStringLiteral("colour"), QStringLiteral("n")},
                                               options);
        const QStringList expectedColumns{QStringLiteral("colour=blue"),
                                          QStringLiteral("colour=green"),
                                          QStringLiteral("colour=red"),
                                          QStringLiteral("n=1"),
                                          QStringLiteral("n=2"),
                                          QStringLiteral("n=2.5")};
        QCOMPARE(step->outputColumns(), expectedColumns);
        const TablePtr out = applyStep(step, train);
        // Encoded in place: a, then the colour columns, then the n columns.
        QCOMPARE(out->columnNames(), QStringList{QStringLiteral("a")} + expectedColumns);
        QCOMPARE(column(*out, QStringLiteral("colour=red")),
                 (Eigen::VectorXd(5) << 1, 0, 1, 0, 0).finished());
        QCOMPARE(column(*out, QStringLiteral("colour=blue")),
                 (Eigen::VectorXd(5) << 0, 1, 0, 0, 0).finished());
        QCOMPARE(column(*out, QStringLiteral("n=2.5")),
                 (Eigen::VectorXd(5) << 0, 0, 1, 0, 0).finished());
        // A missing value is all zeros; an unknown category too with handle_unknown=ignore.
        QCOMPARE(Eigen::RowVectorXd(out->numericData().row(4).segment(1, 3)),
                 Eigen::RowVectorXd::Zero(3));
        const TablePtr encodedTest = applyStep(step, test);
        QCOMPARE(column(*encodedTest, QStringLiteral("colour=green")),
                 (Eigen::VectorXd(2) << 0, 1).finished());
        QCOMPARE(column(*encodedTest, QStringLiteral("colour=red"))[0], 0.0);
        QCOMPARE(column(*encodedTest, QStringLiteral("colour=blue"))[0], 0.0);

        options.ignoreUnknown = false;
        const auto strict = OneHotTransform::fit(*train, {QStringLiteral("colour")}, options);
        const QString m = schemaError([&] { strict->apply(test); });
        QVERIFY2(m.contains(QStringLiteral("'purple'")) && m.contains(QStringLiteral("row 1")),
                 qPrintable(m));
    }

    void oneHotDropAndGuard_data()
    {
        QTest::addColumn<QString>("drop");
        QTest::addColumn<QStringList>("columns");
        QTest::newRow("none") << "none"
                              << QStringList{"colour=blue",
                                             "colour=green",
                                             "colour=red",
                                             "size=L",
                                             "size=S"};
        QTest::newRow("first") << "first" << QStringList{"colour=green", "colour=red", "size=S"};
        QTest::newRow("if_binary")
            << "if_binary" << QStringList{"colour=blue", "colour=green", "colour=red", "size=S"};
    }

    void oneHotDropAndGuard()
    {
        QFETCH(QString, drop);
        QFETCH(QStringList, columns);
        QTemporaryDir dir;
        const TablePtr t = csvTable(dir, "t.csv", "colour,size\nred,S\nblue,L\ngreen,S\n");
        OneHotOptions options;
        options.drop = drop;
        QCOMPARE(OneHotTransform::fit(*t,
                                      {QStringLiteral("colour"), QStringLiteral("size")},
                                      options)
                     ->outputColumns(),
                 columns);
        options.maxCategories = 2;
        const QString m = schemaError(
            [&] { OneHotTransform::fit(*t, {QStringLiteral("colour")}, options); });
        QVERIFY2(m.contains(QStringLiteral("3 distinct values")), qPrintable(m));
    }

    void minMaxScalesToRange_data()
    {
        QTest::addColumn<double>("lo");
        QTest::addColumn<double>("hi");
        QTest::addColumn<bool>("clip");
        QTest::addColumn<double>("trainMid"); // x = 4
        QTest::addColumn<double>("testHigh"); // x = 8
        QTest::newRow("[0,1]") << 0.0 << 1.0 << false << 0.5 << 1.5;
        QTest::newRow("[-1,1]") << -1.0 << 1.0 << false << 0.0 << 2.0;
        QTest::newRow("clipped") << 0.0 << 1.0 << true << 0.5 << 1.0;
    }

    void minMaxScalesToRange()
    {
        QFETCH(double, lo);
        QFETCH(double, hi);
        QFETCH(bool, clip);
        QFETCH(double, trainMid);
        QFETCH(double, testHigh);
        QTemporaryDir dir;
        const TablePtr train = csvTable(dir, "train.csv", "x,k\n2,5\n4,5\n6,5\n,5\n");
        const TablePtr test = csvTable(dir, "test.csv", "x,k\n8,7\n");
        const auto step = MinMaxTransform::fit(*train,
                                               {QStringLiteral("x"), QStringLiteral("k")},
                                               lo,
                                               hi,
                                               clip);
        const TablePtr out = applyStep(step, train);
        const Eigen::VectorXd x = column(*out, QStringLiteral("x"));
        QCOMPARE(x[0], lo);
        QCOMPARE(x[1], trainMid);
        QCOMPARE(x[2], hi);
        QVERIFY(std::isnan(x[3]));
        // A constant column maps to the low end (its range counts as 1, as scikit-learn).
        QCOMPARE(column(*out, QStringLiteral("k"))[0], lo);
        QCOMPARE(column(*applyStep(step, test), QStringLiteral("x"))[0], testHigh);
        QVERIFY_THROWS_EXCEPTION(SchemaError,
                                 MinMaxTransform::fit(*train,
                                                      {QStringLiteral("x")},
                                                      1.0,
                                                      1.0,
                                                      false));
    }

    void transformsRoundTripThroughJson_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::newRow("impute") << "impute";
        QTest::newRow("one_hot") << "one_hot";
        QTest::newRow("minmax_scale") << "minmax_scale";
    }

    void transformsRoundTripThroughJson()
    {
        QFETCH(QString, kind);
        QTemporaryDir dir;
        const TablePtr train = csvTable(dir, "train.csv", mixedCsv(40), QStringLiteral("label"));
        const TablePtr test = csvTable(dir, "test.csv", mixedCsv(15), QStringLiteral("label"));
        TransformPtr step;
        TablePtr input = test;
        if (kind == u"impute") {
            step = ImputeTransform::fit(*train,
                                        {QStringLiteral("size"), QStringLiteral("colour")},
                                        ImputeOptions{});
        } else if (kind == u"one_hot") {
            step = OneHotTransform::fit(*train, {QStringLiteral("colour")}, OneHotOptions{});
        } else {
            const auto imputed = ImputeTransform::fit(*train,
                                                      {QStringLiteral("size")},
                                                      ImputeOptions{});
            input = applyStep(imputed, test);
            step = MinMaxTransform::fit(*applyStep(imputed, train),
                                        {QStringLiteral("size"), QStringLiteral("weight")});
        }
        const QJsonObject json = step->toJson();
        QCOMPARE(json.value(QStringLiteral("kind")).toString(), kind);
        const TransformPtr loaded = Transform::fromJson(json);
        QCOMPARE(loaded->toJson(), json);
        QCOMPARE(loaded->outputColumns(), step->outputColumns());
        QCOMPARE(loaded->inputs(), step->inputs());
        const TablePtr a = step->apply(input);
        const TablePtr b = loaded->apply(input);
        QCOMPARE(a->columnNames(), b->columnNames());
        for (int i = 0; i < a->columnCount(); ++i)
            for (Eigen::Index r = 0; r < a->rowCount(); ++r)
                QCOMPARE(a->displayValue(r, i), b->displayValue(r, i));
    }

    void selectColumnsByPattern_data()
    {
        QTest::addColumn<QJsonObject>("params");
        QTest::addColumn<QStringList>("expected"); // empty: the node fails
        QTest::addColumn<QString>("error");
        const QString target = QStringLiteral("species");
        QTest::newRow("glob keep")
            << QJsonObject{{"keep_pattern", "sepal*"}}
            << QStringList{"sepal_length", "sepal_width", target} << QString();
        QTest::newRow("several globs")
            << QJsonObject{{"keep_pattern", "*_length, petal_w*"}}
            << QStringList{"sepal_length", "petal_length", "petal_width", target} << QString();
        QTest::newRow("regex keep")
            << QJsonObject{{"keep_pattern", "width$"}, {"pattern_syntax", "regex"}}
            << QStringList{"sepal_width", "petal_width", target} << QString();
        QTest::newRow("glob drop")
            << QJsonObject{{"drop_pattern", "petal*"}}
            << QStringList{"sepal_length", "sepal_width", target} << QString();
        QTest::newRow("list then pattern")
            << QJsonObject{{"keep", QJsonArray{"petal_width"}}, {"keep_pattern", "sepal_l*"}}
            << QStringList{"petal_width", "sepal_length", target} << QString();
        QTest::newRow("no match") << QJsonObject{{"keep_pattern", "zzz*"}} << QStringList()
                                  << QStringLiteral("'keep_pattern' zzz* matches no column");
        QTest::newRow("bad regex")
            << QJsonObject{{"keep_pattern", "("}, {"pattern_syntax", "regex"}} << QStringList()
            << QStringLiteral("invalid regular expression");
    }

    void selectColumnsByPattern()
    {
        QFETCH(QJsonObject, params);
        QFETCH(QStringList, expected);
        QFETCH(QString, error);
        Builder b;
        b.node(QStringLiteral("d"),
               QStringLiteral("sample_dataset"),
               {{QStringLiteral("dataset"), QStringLiteral("iris")}});
        b.node(QStringLiteral("s"), QStringLiteral("select_columns"), params);
        b.link(QStringLiteral("d.table"), QStringLiteral("s.table"));
        auto r = fbtest::run(b.p);
        if (expected.isEmpty()) {
            QCOMPARE(r->state(QStringLiteral("s")), TaskState::Failed);
            QVERIFY2(r->error(QStringLiteral("s")).contains(error),
                     qPrintable(r->error(QStringLiteral("s"))));
            return;
        }
        QCOMPARE(r->state(QStringLiteral("s")), TaskState::Success);
        const auto t = r->out<Table>(QStringLiteral("s"), QStringLiteral("table"));
        QCOMPARE(t->columnNames(), expected);
        QCOMPARE(t->column(t->targetColumn()).name, QStringLiteral("species"));
    }

    void threeWaySplit_data()
    {
        QTest::addColumn<QString>("dataset");
        QTest::addColumn<bool>("shuffle");
        QTest::addColumn<bool>("stratify");
        QTest::newRow("iris stratified") << "iris" << true << true;
        QTest::newRow("diabetes shuffled") << "diabetes" << true << false;
        QTest::newRow("diabetes ordered") << "diabetes" << false << false;
    }

    void threeWaySplit()
    {
        QFETCH(QString, dataset);
        QFETCH(bool, shuffle);
        QFETCH(bool, stratify);
        Builder b;
        b.node(QStringLiteral("d"),
               QStringLiteral("sample_dataset"),
               {{QStringLiteral("dataset"), dataset}});
        const QJsonObject common{{QStringLiteral("test_size"), 0.2},
                                 {QStringLiteral("seed"), 7},
                                 {QStringLiteral("shuffle"), shuffle},
                                 {QStringLiteral("stratify"), stratify}};
        QJsonObject three = common;
        three.insert(QStringLiteral("validation_size"), 0.2);
        b.node(QStringLiteral("s3"), QStringLiteral("train_val_test_split"), three);
        b.node(QStringLiteral("s2"), QStringLiteral("train_test_split"), common);
        b.link(QStringLiteral("d.table"), QStringLiteral("s3.table"));
        b.link(QStringLiteral("d.table"), QStringLiteral("s2.table"));
        auto r = fbtest::run(b.p);
        QCOMPARE(r->result.state, TaskState::Success);
        const auto all = r->out<Table>(QStringLiteral("d"), QStringLiteral("table"));
        const auto train = r->out<Table>(QStringLiteral("s3"), QStringLiteral("train"));
        const auto val = r->out<Table>(QStringLiteral("s3"), QStringLiteral("validation"));
        const auto test = r->out<Table>(QStringLiteral("s3"), QStringLiteral("test"));
        const Eigen::Index n = all->rowCount();
        const auto part = Eigen::Index(std::ceil(0.2 * double(n)));
        QCOMPARE(val->rowCount(), part);
        QCOMPARE(test->rowCount(), part);
        QCOMPARE(train->rowCount(), n - 2 * part);
        // The test part is exactly train_test_split's with the same seed.
        QCOMPARE(Eigen::MatrixXd(test->numericData()),
                 Eigen::MatrixXd(
                     r->out<Table>(QStringLiteral("s2"), QStringLiteral("test"))->numericData()));
        // Together the parts hold every row once (rows compared as sorted tuples).
        auto rowsOf = [](const Table &t) {
            std::vector<std::vector<double>> rows;
            for (Eigen::Index i = 0; i < t.rowCount(); ++i) {
                const Eigen::RowVectorXd row = t.numericData().row(i);
                rows.emplace_back(row.data(), row.data() + row.size());
            }
            return rows;
        };
        auto together = rowsOf(*train);
        for (const auto &t : {val, test})
            for (auto &row : rowsOf(*t))
                together.push_back(row);
        auto expected = rowsOf(*all);
        std::sort(together.begin(), together.end());
        std::sort(expected.begin(), expected.end());
        QVERIFY(together == expected);
        if (stratify) {
            for (const auto &t : {val, test}) {
                QHash<QString, int> counts;
                for (Eigen::Index i = 0; i < t->rowCount(); ++i)
                    ++counts[t->displayValue(i, t->targetColumn())];
                for (int c : counts)
                    QCOMPARE(c, 10);
            }
        }
        if (!shuffle) {
            QCOMPARE(Eigen::RowVectorXd(train->numericData().row(0)),
                     Eigen::RowVectorXd(all->numericData().row(0)));
            QCOMPARE(Eigen::RowVectorXd(val->numericData().row(0)),
                     Eigen::RowVectorXd(all->numericData().row(n - 2 * part)));
            QCOMPARE(Eigen::RowVectorXd(test->numericData().row(part - 1)),
                     Eigen::RowVectorXd(all->numericData().row(n - 1)));
        }
    }

    // Missing values and a categorical column all the way to a saved model that predicts from
    // the raw CSV columns, and the predict node on raw and prepared tables.
    void modelPredictsFromRawColumns()
    {
        QTemporaryDir dir;
        const QString csv = dir.filePath(QStringLiteral("mixed.csv"));
        {
            QFile f(csv);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(mixedCsv(120));
        }
        Builder b;
        b.node(QStringLiteral("data"),
               QStringLiteral("csv_source"),
               {{QStringLiteral("path"), csv}, {QStringLiteral("target"), QStringLiteral("label")}});
        b.node(QStringLiteral("split"),
               QStringLiteral("train_test_split"),
               {{QStringLiteral("stratify"), true}, {QStringLiteral("seed"), 1}});
        b.node(QStringLiteral("impute"),
               QStringLiteral("impute"),
               {{QStringLiteral("strategy"), QStringLiteral("median")}});
        b.node(QStringLiteral("encode"), QStringLiteral("one_hot_encode"));
        b.node(QStringLiteral("scale"), QStringLiteral("minmax_scale"));
        b.node(QStringLiteral("train"),
               QStringLiteral("logistic_regression"),
               {{QStringLiteral("C"), 10.0}});
        b.node(QStringLiteral("evaluate"), QStringLiteral("evaluate"));
        b.node(QStringLiteral("predict_raw"), QStringLiteral("predict"));
        b.node(QStringLiteral("predict_prepared"), QStringLiteral("predict"));
        b.link(QStringLiteral("data.table"), QStringLiteral("split.table"));
        for (const QString &port : {QStringLiteral("train"), QStringLiteral("test")}) {
            b.link(QStringLiteral("split.") + port, QStringLiteral("impute.") + port);
            b.link(QStringLiteral("impute.") + port, QStringLiteral("encode.") + port);
            b.link(QStringLiteral("encode.") + port, QStringLiteral("scale.") + port);
        }
        b.link(QStringLiteral("scale.train"), QStringLiteral("train.train"));
        b.link(QStringLiteral("train.model"), QStringLiteral("evaluate.model"));
        b.link(QStringLiteral("scale.test"), QStringLiteral("evaluate.data"));
        b.link(QStringLiteral("train.model"), QStringLiteral("predict_raw.model"));
        b.link(QStringLiteral("data.table"), QStringLiteral("predict_raw.table"));
        b.link(QStringLiteral("train.model"), QStringLiteral("predict_prepared.model"));
        b.link(QStringLiteral("scale.test"), QStringLiteral("predict_prepared.table"));
        auto r = fbtest::run(b.p);
        for (const TaskResult &t : r->result.tasks)
            QVERIFY2(t.state == TaskState::Success, qPrintable(t.nodeId + u": " + t.error));
        QVERIFY2(r->metric(QStringLiteral("evaluate"), QStringLiteral("accuracy")) >= 0.8,
                 qPrintable(QString::number(
                     r->metric(QStringLiteral("evaluate"), QStringLiteral("accuracy")))));

        const auto model = r->out<Model>(QStringLiteral("train"), QStringLiteral("model"));
        QStringList kinds;
        for (const auto &step : model->preprocessing)
            kinds.append(step->kind());
        QCOMPARE(kinds,
                 (QStringList{QStringLiteral("impute"),
                              QStringLiteral("one_hot"),
                              QStringLiteral("minmax_scale")}));
        QVERIFY(model->features.contains(QStringLiteral("colour=red")));
        QVERIFY(
            model->inputs.contains(InputColumn{QStringLiteral("colour"), ColumnKind::Categorical}));
        QVERIFY(model->inputs.contains(InputColumn{QStringLiteral("size"), ColumnKind::Numeric}));
        QVERIFY(model->inputs.contains(InputColumn{QStringLiteral("weight"), ColumnKind::Numeric}));
        QCOMPARE(model->inputs.size(), 3);

        // The saved model predicts from the raw file exactly as the one in memory.
        const QString path = dir.filePath(QStringLiteral("m.fbm"));
        QString error;
        QVERIFY2(ModelFile::save(*model, path, &error), qPrintable(error));
        const ModelPtr loaded = ModelFile::load(path, &error);
        QVERIFY2(loaded, qPrintable(error));
        const auto raw = r->out<Table>(QStringLiteral("data"), QStringLiteral("table"));
        const Prediction expected = model->predict(raw);
        const Prediction fromFile = loaded->predict(raw);
        QCOMPARE(fromFile.labels, expected.labels);
        QVERIFY((fromFile.proba - expected.proba).cwiseAbs().maxCoeff() < 1e-12);

        // predict node: the input columns plus prediction and per-class probabilities.
        const auto predicted = r->out<Table>(QStringLiteral("predict_raw"), QStringLiteral("table"));
        const QStringList added{QStringLiteral("prediction"),
                                QStringLiteral("proba_no"),
                                QStringLiteral("proba_yes")};
        QCOMPARE(predicted->columnNames(), raw->columnNames() + added);
        QCOMPARE(texts(*predicted, QStringLiteral("prediction")), expected.labels);
        QCOMPARE(predicted->column(predicted->indexOf(QStringLiteral("prediction"))).role,
                 ColumnRole::Ignored);
        const Eigen::VectorXd sum = column(*predicted, QStringLiteral("proba_no"))
                                    + column(*predicted, QStringLiteral("proba_yes"));
        QVERIFY((sum.array() - 1.0).abs().maxCoeff() < 1e-12);
        // A prepared table (the scaled test rows) gets only what is left: nothing.
        const auto preparedTest = r->out<Table>(QStringLiteral("scale"), QStringLiteral("test"));
        const auto predictedTest = r->out<Table>(QStringLiteral("predict_prepared"),
                                                 QStringLiteral("table"));
        QCOMPARE(texts(*predictedTest, QStringLiteral("prediction")),
                 model->predict(preparedTest).labels);
    }

    void predictRegressorAndNameClash()
    {
        Builder b;
        b.node(QStringLiteral("d"),
               QStringLiteral("sample_dataset"),
               {{QStringLiteral("dataset"), QStringLiteral("diabetes")}});
        b.node(QStringLiteral("s"), QStringLiteral("train_test_split"));
        b.node(QStringLiteral("z"), QStringLiteral("standardize"));
        b.node(QStringLiteral("m"), QStringLiteral("ridge_regression"));
        b.node(QStringLiteral("p"),
               QStringLiteral("predict"),
               {{QStringLiteral("column"), QStringLiteral("yhat")}});
        b.node(QStringLiteral("clash"),
               QStringLiteral("predict"),
               {{QStringLiteral("column"), QStringLiteral("bmi")}});
        b.link(QStringLiteral("d.table"), QStringLiteral("s.table"));
        b.link(QStringLiteral("s.train"), QStringLiteral("z.train"));
        b.link(QStringLiteral("z.train"), QStringLiteral("m.train"));
        b.link(QStringLiteral("m.model"), QStringLiteral("p.model"));
        b.link(QStringLiteral("s.test"), QStringLiteral("p.table"));
        b.link(QStringLiteral("m.model"), QStringLiteral("clash.model"));
        b.link(QStringLiteral("s.test"), QStringLiteral("clash.table"));
        auto r = fbtest::run(b.p);
        QCOMPARE(r->state(QStringLiteral("p")), TaskState::Success);
        const auto test = r->out<Table>(QStringLiteral("s"), QStringLiteral("test"));
        const auto out = r->out<Table>(QStringLiteral("p"), QStringLiteral("table"));
        QCOMPARE(out->columnCount(), test->columnCount() + 1);
        QCOMPARE(column(*out, QStringLiteral("yhat")),
                 r->out<Model>(QStringLiteral("m"), QStringLiteral("model"))->predict(test).values);
        QCOMPARE(column(*out, QStringLiteral("bmi")), column(*test, QStringLiteral("bmi")));
        QCOMPARE(r->state(QStringLiteral("clash")), TaskState::Failed);
        QVERIFY2(r->error(QStringLiteral("clash"))
                     .contains(QStringLiteral("already has a column 'bmi'")),
                 qPrintable(r->error(QStringLiteral("clash"))));
    }
};

QTEST_GUILESS_MAIN(tst_Prepare)
#include "tst_prepare.moc"
