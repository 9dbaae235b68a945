// The scoring server end to end: the real `flowbench-cli serve` on a free port, models trained
// by the real `flowbench-cli run`, raw HTTP/1.1 over QTcpSocket. Every input format of MLflow's
// scoring protocol, every error path with its status and error_code, keep-alive, pipelining,
// chunked bodies, the body limit, timeouts of slow clients (while other clients are served),
// and predictions equal to `flowbench-cli predict` on the same rows.

#include "ServeTestSupport.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QTemporaryDir>
#include <QTest>

using namespace fbtest;

namespace {

const QByteArray irisColumns = R"(["sepal_length","sepal_width","petal_length","petal_width"])";

// A small mixed table (numeric with gaps, a categorical column with gaps) for a model whose
// preprocessing imputes and one-hot encodes: the server's table path, not the single-row one.
QByteArray mixedCsv()
{
    QByteArray csv = "size,color,weight,label\n";
    const char *colors[] = {"red", "green", "blue"};
    for (int i = 0; i < 90; ++i) {
        const double size = (i * 37 % 100) / 10.0;
        const char *color = colors[(i * 7) % 3];
        const double weight = 2.0 + (i * 13 % 50) / 7.0;
        const bool yes = size + (color[0] == 'r' ? 3.0 : 0.0) > 5.5;
        csv += (i % 11 == 0 ? QByteArray() : QByteArray::number(size)) + ','
               + (i % 13 == 0 ? "" : color) + ',' + QByteArray::number(weight) + ','
               + (yes ? "yes" : "no") + '\n';
    }
    return csv;
}

const char *const mixedPipeline = R"({
  "format": "flowbench.pipeline", "version": 1, "name": "mixed",
  "nodes": [
    {"id": "data", "type": "csv_source", "params": {"path": "mixed.csv", "target": "label"}},
    {"id": "fill", "type": "impute"},
    {"id": "onehot", "type": "one_hot_encode"},
    {"id": "train", "type": "logistic_regression"},
    {"id": "save", "type": "save_model", "params": {"path": "mixed.fbm"}}
  ],
  "links": [
    {"from": "data.table", "to": "fill.train"},
    {"from": "fill.train", "to": "onehot.train"},
    {"from": "onehot.train", "to": "train.train"},
    {"from": "train.model", "to": "save.model"}
  ]
})";

} // namespace

class TestServe : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    ServerProcess m_iris; // logistic regression on iris, 1 MiB body limit
    QList<QList<double>> m_irisRows;

    QString path(const QString &name) const { return m_dir.filePath(name); }
    QString dataset(const QString &name) const
    {
        return sourceDir() + QStringLiteral("/resources/datasets/") + name;
    }

    bool train(const QString &flow, const QStringList &sets, QString *error)
    {
        QStringList args{QStringLiteral("run"),
                         flow,
                         QStringLiteral("--store"),
                         path(QStringLiteral("store.sqlite"))};
        for (const QString &s : sets)
            args << QStringLiteral("--set") << s;
        const CliResult r = runCli(args, 300000);
        if (r.exitCode != 0)
            *error = r.err;
        return r.exitCode == 0;
    }

    QByteArray irisSplit(int from, int count) const
    {
        QByteArray body = "{\"dataframe_split\":{\"columns\":" + irisColumns + ",\"data\":[";
        for (int r = from; r < from + count; ++r) {
            body += r > from ? ",[" : "[";
            for (int c = 0; c < 4; ++c)
                body += (c ? "," : "") + QByteArray::number(m_irisRows[r][c], 'g', 17);
            body += ']';
        }
        return body + "]}}";
    }

    HttpReply call(const QByteArray &request, quint16 port = 0)
    {
        HttpClient client;
        HttpReply reply;
        if (!client.connectTo(port ? port : m_iris.port()) || !client.exchange(request, reply))
            reply.status = -1;
        return reply;
    }

    // The JSON that `flowbench-cli predict MODEL CSV --json` prints.
    QJsonObject predictJson(const QString &model, const QString &csv)
    {
        const CliResult r = runCli(
            {QStringLiteral("predict"), model, csv, QStringLiteral("--json")});
        if (r.exitCode != 0)
            qWarning("predict failed: %s", qPrintable(r.err));
        return r.json();
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY2(QFile::exists(cliPath()), "FLOWBENCH_CLI must point at the built flowbench-cli");
        QVERIFY(m_dir.isValid());
        const QString examples = sourceDir() + QStringLiteral("/resources/examples/");
        QString error;
        QVERIFY2(train(examples + QStringLiteral("classification.flow"),
                       {QStringLiteral("save.path=") + path(QStringLiteral("iris.fbm"))},
                       &error),
                 qPrintable(error));
        QVERIFY2(train(examples + QStringLiteral("regression.flow"),
                       {QStringLiteral("save.path=") + path(QStringLiteral("diabetes.fbm"))},
                       &error),
                 qPrintable(error));
        QFile csv(path(QStringLiteral("mixed.csv")));
        QVERIFY(csv.open(QIODevice::WriteOnly) && csv.write(mixedCsv()) > 0);
        csv.close();
        QFile flow(path(QStringLiteral("mixed.flow")));
        QVERIFY(flow.open(QIODevice::WriteOnly) && flow.write(mixedPipeline) > 0);
        flow.close();
        QVERIFY2(train(path(QStringLiteral("mixed.flow")), {}, &error), qPrintable(error));

        QFile iris(dataset(QStringLiteral("iris.csv")));
        QVERIFY(iris.open(QIODevice::ReadOnly));
        iris.readLine(); // header
        while (!iris.atEnd()) {
            const QList<QByteArray> f = iris.readLine().trimmed().split(',');
            if (f.size() == 5)
                m_irisRows.append(
                    {f[0].toDouble(), f[1].toDouble(), f[2].toDouble(), f[3].toDouble()});
        }
        QCOMPARE(m_irisRows.size(), 150);

        QVERIFY2(m_iris.start(path(QStringLiteral("iris.fbm")),
                              {QStringLiteral("--max-body-mb"), QStringLiteral("1")}),
                 qPrintable(m_iris.error()));
    }

    void cleanupTestCase() { QCOMPARE(m_iris.stop(), 0); }

    void pingHealthVersionMetadata()
    {
        for (const QByteArray route : {"/ping", "/health"}) {
            const HttpReply r = call(httpRequest("GET", route));
            QCOMPARE(r.status, 200);
        }
        const HttpReply version = call(httpRequest("GET", "/version"));
        QCOMPARE(version.status, 200);
        QVERIFY(!version.body.trimmed().isEmpty());

        const HttpReply meta = call(httpRequest("GET", "/metadata"));
        QCOMPARE(meta.status, 200);
        const QJsonObject m = meta.json();
        QCOMPARE(m.value(QStringLiteral("task")).toString(), QStringLiteral("classification"));
        QCOMPARE(m.value(QStringLiteral("classes")).toArray(),
                 QJsonArray({QStringLiteral("setosa"),
                             QStringLiteral("versicolor"),
                             QStringLiteral("virginica")}));
        const QJsonArray inputs = m.value(QStringLiteral("inputs")).toArray();
        QCOMPARE(inputs.size(), 4);
        QCOMPARE(inputs.at(0).toObject().value(QStringLiteral("name")).toString(),
                 QStringLiteral("sepal_length"));
        QCOMPARE(inputs.at(0).toObject().value(QStringLiteral("type")).toString(),
                 QStringLiteral("double"));

        HttpClient head;
        head.expectHeadResponse(true);
        HttpReply r;
        QVERIFY(head.connectTo(m_iris.port()) && head.exchange(httpRequest("HEAD", "/metadata"), r));
        QCOMPARE(r.status, 200);
        QVERIFY(r.body.isEmpty());
    }

    // The same three rows in every format MLflow accepts give the same predictions.
    void everyInputFormat()
    {
        const QByteArray rows = "[[5.1,3.5,1.4,0.2],[6.2,2.9,4.3,1.3],[6.3,3.3,6.0,2.5]]";
        const QByteArray records
            = R"([{"sepal_length":5.1,"sepal_width":3.5,"petal_length":1.4,"petal_width":0.2},)"
              R"({"petal_width":1.3,"petal_length":4.3,"sepal_width":2.9,"sepal_length":6.2},)"
              R"({"sepal_length":6.3,"sepal_width":3.3,"petal_length":6.0,"petal_width":2.5}])";
        const QList<QByteArray> bodies{
            "{\"dataframe_split\":{\"columns\":" + irisColumns + ",\"data\":" + rows + "}}",
            "{\"dataframe_split\":{\"index\":[7,8,9],\"columns\":" + irisColumns
                + ",\"data\":" + rows + "}}",
            "{\"dataframe_records\":" + records + "}",
            "{\"instances\":" + records + "}",
            "{\"instances\":" + rows + "}",
            "{\"inputs\":" + records + "}",
            "{\"inputs\":" + rows + "}",
            R"({"inputs":{"sepal_length":[5.1,6.2,6.3],"sepal_width":[3.5,2.9,3.3],)"
            R"("petal_length":[1.4,4.3,6.0],"petal_width":[0.2,1.3,2.5]}})",
        };
        const QJsonArray expected{QStringLiteral("setosa"),
                                  QStringLiteral("versicolor"),
                                  QStringLiteral("virginica")};
        for (const QByteArray &body : bodies) {
            const HttpReply r = call(postJson(body));
            QVERIFY2(r.status == 200, QByteArray(body + " -> " + r.body).constData());
            QCOMPARE(r.json().value(QStringLiteral("predictions")).toArray(), expected);
        }
        const HttpReply csv = call(
            httpRequest("POST",
                        "/invocations",
                        "text/csv; charset=utf-8",
                        "sepal_length,sepal_width,petal_length,petal_width\n"
                        "5.1,3.5,1.4,0.2\n6.2,2.9,4.3,1.3\n6.3,3.3,6.0,2.5\n"));
        QVERIFY2(csv.status == 200, csv.body.constData());
        QCOMPARE(csv.json().value(QStringLiteral("predictions")).toArray(), expected);

        // Probabilities: by query parameter or by "params".
        for (const QByteArray &request :
             {postJson("{\"instances\":" + rows + "}", "/invocations?probabilities=true"),
              postJson("{\"instances\":" + rows + ",\"params\":{\"probabilities\":true}}")}) {
            const QJsonObject o = call(request).json();
            QCOMPARE(o.value(QStringLiteral("classes")).toArray(), expected);
            const QJsonArray p = o.value(QStringLiteral("probabilities")).toArray();
            QCOMPARE(p.size(), 3);
            for (const QJsonValue &row : p) {
                double sum = 0;
                for (const QJsonValue &v : row.toArray())
                    sum += v.toDouble();
                QVERIFY(qAbs(sum - 1.0) < 1e-9);
            }
        }
        const HttpReply empty = call(
            postJson("{\"dataframe_split\":{\"columns\":" + irisColumns + ",\"data\":[]}}"));
        QCOMPARE(empty.status, 200);
        QCOMPARE(empty.json().value(QStringLiteral("predictions")).toArray().size(), 0);
    }

    // All 150 rows in one request, and each row alone (the single-row fast path), against
    // `flowbench-cli predict --json` on the same CSV.
    void predictionsEqualPredictCommand()
    {
        const QJsonObject expected = predictJson(path(QStringLiteral("iris.fbm")),
                                                 dataset(QStringLiteral("iris.csv")));
        const QJsonArray labels = expected.value(QStringLiteral("predictions")).toArray();
        const QJsonArray proba = expected.value(QStringLiteral("probabilities")).toArray();
        QCOMPARE(labels.size(), 150);

        const HttpReply all = call(postJson(irisSplit(0, 150), "/invocations?probabilities=true"));
        QCOMPARE(all.status, 200);
        QCOMPARE(all.json(), expected);

        HttpClient client;
        QVERIFY(client.connectTo(m_iris.port()));
        for (int r = 0; r < 150; ++r) {
            HttpReply one;
            QVERIFY(
                client.exchange(postJson(irisSplit(r, 1), "/invocations?probabilities=true"), one));
            QCOMPARE(one.status, 200);
            const QJsonObject o = one.json();
            QCOMPARE(o.value(QStringLiteral("predictions")).toArray().at(0), labels.at(r));
            const QJsonArray got = o.value(QStringLiteral("probabilities")).toArray().at(0).toArray();
            const QJsonArray want = proba.at(r).toArray();
            QCOMPARE(got.size(), want.size());
            for (qsizetype k = 0; k < got.size(); ++k)
                QVERIFY2(qAbs(got.at(k).toDouble() - want.at(k).toDouble()) <= 1e-12,
                         qPrintable(QStringLiteral("row %1 class %2").arg(r).arg(k)));
        }
    }

    void regressorEqualsPredictCommand()
    {
        ServerProcess server;
        QVERIFY2(server.start(path(QStringLiteral("diabetes.fbm"))), qPrintable(server.error()));
        QFile file(dataset(QStringLiteral("diabetes.csv")));
        QVERIFY(file.open(QIODevice::ReadOnly));
        QByteArray csv = file.readAll();
        // Without the target: the server refuses columns the model does not use.
        QByteArray features;
        for (const QByteArray &line : csv.split('\n'))
            if (!line.isEmpty())
                features += line.left(line.lastIndexOf(',')) + '\n';
        const HttpReply r = call(httpRequest("POST", "/invocations", "text/csv", features),
                                 server.port());
        QVERIFY2(r.status == 200, r.body.constData());
        const QJsonObject expected = predictJson(path(QStringLiteral("diabetes.fbm")),
                                                 dataset(QStringLiteral("diabetes.csv")));
        QCOMPARE(r.json().value(QStringLiteral("predictions")).toArray(),
                 expected.value(QStringLiteral("predictions")).toArray());
        QCOMPARE(r.json().value(QStringLiteral("predictions")).toArray().size(), 442);
        QCOMPARE(server.stop(), 0);
    }

    // Categorical inputs with gaps: impute + one-hot in the model, the table path in the server.
    void categoricalModelEqualsPredictCommand()
    {
        ServerProcess server;
        QVERIFY2(server.start(path(QStringLiteral("mixed.fbm"))), qPrintable(server.error()));
        QByteArray rows = "size,color,weight\n";
        for (const QByteArray &line : mixedCsv().split('\n').mid(1))
            if (!line.isEmpty())
                rows += line.left(line.lastIndexOf(',')) + '\n';
        QFile scored(path(QStringLiteral("mixed_rows.csv")));
        QVERIFY(scored.open(QIODevice::WriteOnly) && scored.write(rows) > 0);
        scored.close();
        const QJsonObject expected = predictJson(path(QStringLiteral("mixed.fbm")),
                                                 scored.fileName());
        QCOMPARE(expected.value(QStringLiteral("predictions")).toArray().size(), 90);

        const HttpReply csv
            = call(httpRequest("POST", "/invocations?probabilities=1", "text/csv", rows),
                   server.port());
        QVERIFY2(csv.status == 200, csv.body.constData());
        QCOMPARE(csv.json(), expected);

        // JSON records: null and a missing key are missing values; a category never seen in
        // training encodes as all zeros (handle_unknown=ignore).
        const HttpReply json
            = call(postJson(R"({"dataframe_records":[{"size":7,"color":"red","weight":3},)"
                            R"({"size":null,"color":null,"weight":3},)"
                            R"({"size":1,"color":"purple","weight":3}]})"),
                   server.port());
        QVERIFY2(json.status == 200, json.body.constData());
        QCOMPARE(json.json().value(QStringLiteral("predictions")).toArray().size(), 3);

        const HttpReply mistyped
            = call(postJson(R"({"dataframe_records":[{"size":"big","color":"red","weight":3}]})"),
                   server.port());
        QCOMPARE(mistyped.status, 400);
        QCOMPARE(mistyped.errorCode(), QStringLiteral("INVALID_PARAMETER_VALUE"));
        QVERIFY2(mistyped.message().contains(QStringLiteral("'size'")),
                 qPrintable(mistyped.message()));
        QCOMPARE(server.stop(), 0);
    }

    void errors_data()
    {
        QTest::addColumn<QByteArray>("request");
        QTest::addColumn<int>("status");
        QTest::addColumn<QString>("code");
        QTest::addColumn<QString>("mentions");

        const QByteArray row = "[5.1,3.5,1.4,0.2]";
        QTest::newRow("malformed json")
            << postJson("{\"instances\": [" + row) << 400 << "BAD_REQUEST"
            << "malformed JSON";
        QTest::newRow("not an object") << postJson("[1,2]") << 400 << "BAD_REQUEST"
                                       << "JSON object";
        QTest::newRow("no format key") << postJson(R"({"rows": []})") << 400 << "BAD_REQUEST"
                                       << "rows";
        QTest::newRow("two format keys")
            << postJson("{\"instances\":[" + row + "],\"inputs\":[" + row + "]}") << 400
            << "BAD_REQUEST"
            << "exactly one";
        QTest::newRow("missing column") << postJson(
            R"({"dataframe_records":[{"sepal_length":1,"sepal_width":2,"petal_length":3}]})")
                                        << 400 << "INVALID_PARAMETER_VALUE"
                                        << "petal_width";
        QTest::newRow("unknown column") << postJson(
            R"({"dataframe_records":[{"sepal_length":1,"sepal_width":2,"petal_length":3,"petal_width":4,"colour":1}]})")
                                        << 400 << "INVALID_PARAMETER_VALUE"
                                        << "colour";
        QTest::newRow("text in numeric column") << postJson(
            R"({"dataframe_split":{"columns":)" + irisColumns + R"(,"data":[[1,"wide",3,4]]}})")
                                                << 400 << "INVALID_PARAMETER_VALUE"
                                                << "sepal_width";
        QTest::newRow("missing value") << postJson(R"({"dataframe_split":{"columns":)" + irisColumns
                                                   + R"(,"data":[[1,2,null,4]]}})")
                                       << 400 << "INVALID_PARAMETER_VALUE"
                                       << "petal_length";
        QTest::newRow("short row") << postJson("{\"instances\":[[1,2,3]]}") << 400 << "BAD_REQUEST"
                                   << "row 1";
        QTest::newRow("csv unknown column")
            << httpRequest("POST",
                           "/invocations",
                           "text/csv",
                           "sepal_length,sepal_width,petal_length,petal_width,x\n1,2,3,4,5\n")
            << 400 << "INVALID_PARAMETER_VALUE"
            << "x";
        QTest::newRow("csv missing column")
            << httpRequest("POST", "/invocations", "text/csv", "sepal_length,sepal_width\n1,2\n")
            << 400 << "INVALID_PARAMETER_VALUE"
            << "petal_length";
        QTest::newRow("unknown param")
            << postJson("{\"instances\":[" + row + "],\"params\":{\"top_k\":3}}") << 400
            << "INVALID_PARAMETER_VALUE"
            << "top_k";
        QTest::newRow("bad probabilities query")
            << postJson("{\"instances\":[" + row + "]}", "/invocations?probabilities=maybe") << 400
            << "INVALID_PARAMETER_VALUE"
            << "probabilities";
        QTest::newRow("wrong content type")
            << httpRequest("POST", "/invocations", "text/plain", "5.1,3.5,1.4,0.2") << 415
            << "BAD_REQUEST"
            << "text/plain";
        QTest::newRow("no content type")
            << httpRequest("POST", "/invocations", {}, "{}") << 415 << "BAD_REQUEST"
            << "content type";
        QTest::newRow("unknown route")
            << httpRequest("GET", "/predict") << 404 << "ENDPOINT_NOT_FOUND"
            << "/predict";
        QTest::newRow("GET invocations")
            << httpRequest("GET", "/invocations") << 405 << "BAD_REQUEST"
            << "POST";
        QTest::newRow("POST ping")
            << httpRequest("POST", "/ping", "application/json", "{}") << 405 << "BAD_REQUEST"
            << "GET";
    }

    void errors()
    {
        QFETCH(QByteArray, request);
        QFETCH(int, status);
        QFETCH(QString, code);
        QFETCH(QString, mentions);
        HttpClient client;
        QVERIFY(client.connectTo(m_iris.port()));
        HttpReply r;
        QVERIFY(client.exchange(request, r));
        QVERIFY2(r.status == status, r.body.constData());
        QCOMPARE(r.headers.value("content-type"), QByteArray("application/json"));
        QCOMPARE(r.errorCode(), code);
        QVERIFY2(r.message().contains(mentions), qPrintable(r.message()));
        if (status == 405)
            QVERIFY(!r.headers.value("allow").isEmpty());
        // An answered error keeps the connection usable.
        QVERIFY(client.exchange(httpRequest("GET", "/ping"), r));
        QCOMPARE(r.status, 200);
    }

    // Malformed HTTP is answered and the connection closed (nothing after it can be trusted).
    void protocolErrorsClose_data()
    {
        QTest::addColumn<QByteArray>("request");
        QTest::addColumn<int>("status");
        QTest::newRow("garbage") << QByteArray("HELLO\r\n\r\n") << 400;
        QTest::newRow("http/2.0") << QByteArray("GET /ping HTTP/2.0\r\n\r\n") << 505;
        QTest::newRow("smuggling")
            << QByteArray("POST /invocations HTTP/1.1\r\nContent-Length: 3\r\n"
                          "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n")
            << 400;
        QTest::newRow("gzip coding")
            << QByteArray("POST /invocations HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n") << 501;
        QTest::newRow("bad length")
            << QByteArray("POST /invocations HTTP/1.1\r\nContent-Length: ten\r\n\r\n") << 400;
        QTest::newRow("huge header")
            << "GET /ping HTTP/1.1\r\nX-Big: " + QByteArray(70 * 1024, 'a') + "\r\n\r\n"
            << 431;
        QTest::newRow("body over limit")
            << QByteArray("POST /invocations HTTP/1.1\r\nContent-Type: "
                          "application/json\r\nContent-Length: 2000000\r\n\r\n")
            << 413;
    }

    void protocolErrorsClose()
    {
        QFETCH(QByteArray, request);
        QFETCH(int, status);
        HttpClient client;
        QVERIFY(client.connectTo(m_iris.port()));
        HttpReply r;
        QVERIFY(client.exchange(request, r));
        QVERIFY2(r.status == status, r.body.constData());
        QVERIFY(!r.errorCode().isEmpty());
        QCOMPARE(r.headers.value("connection"), QByteArray("close"));
        QVERIFY(client.waitForClose());
    }

    // A chunked body larger than the limit is refused while it arrives.
    void chunkedBodies()
    {
        const QByteArray body = "{\"instances\":[[5.1,3.5,1.4,0.2]]}";
        QByteArray chunked = "POST /invocations HTTP/1.1\r\nContent-Type: application/json\r\n"
                             "Transfer-Encoding: chunked\r\n\r\n";
        for (qsizetype i = 0; i < body.size(); i += 7) {
            const QByteArray part = body.mid(i, 7);
            chunked += QByteArray::number(part.size(), 16) + ";ext=1\r\n" + part + "\r\n";
        }
        chunked += "0\r\nX-Trailer: yes\r\n\r\n";
        HttpClient client;
        QVERIFY(client.connectTo(m_iris.port()));
        HttpReply r;
        QVERIFY(client.exchange(chunked, r));
        QVERIFY2(r.status == 200, r.body.constData());
        QCOMPARE(r.json().value(QStringLiteral("predictions")).toArray(),
                 QJsonArray{QStringLiteral("setosa")});

        QByteArray big = "POST /invocations HTTP/1.1\r\nContent-Type: "
                         "application/json\r\nTransfer-Encoding: chunked\r\n\r\n";
        const QByteArray chunk(256 * 1024, ' ');
        for (int i = 0; i < 5; ++i)
            big += QByteArray::number(chunk.size(), 16) + "\r\n" + chunk + "\r\n";
        QVERIFY(client.send(big));
        QVERIFY(client.read(r));
        QCOMPARE(r.status, 413);
        QCOMPARE(r.errorCode(), QStringLiteral("RESOURCE_EXHAUSTED"));
        QVERIFY2(r.message().contains(QStringLiteral("1 MiB (serve --max-body-mb)")),
                 qPrintable(r.message()));
        QVERIFY(client.waitForClose());
    }

    void keepAliveAndPipelining()
    {
        HttpClient client;
        QVERIFY(client.connectTo(m_iris.port()));
        HttpReply r;
        for (int i = 0; i < 200; ++i) { // one connection, reused
            QVERIFY(client.exchange(postJson(irisSplit(i % 150, 1)), r));
            QCOMPARE(r.status, 200);
            QVERIFY(r.headers.value("connection") != "close");
        }
        QVERIFY(client.isConnected());

        // Pipelined: many requests in one write, some split across writes; answers in order.
        QByteArray batch;
        for (int i = 0; i < 50; ++i)
            batch += i % 10 == 9 ? httpRequest("GET", "/nowhere") : postJson(irisSplit(i, 1));
        QVERIFY(client.send(batch.left(batch.size() / 3)));
        QVERIFY(client.send(batch.mid(batch.size() / 3)));
        const QJsonObject expected = call(postJson(irisSplit(0, 50))).json();
        const QJsonArray labels = expected.value(QStringLiteral("predictions")).toArray();
        for (int i = 0; i < 50; ++i) {
            QVERIFY(client.read(r));
            if (i % 10 == 9) {
                QCOMPARE(r.status, 404);
                continue;
            }
            QCOMPARE(r.status, 200);
            QCOMPARE(r.json().value(QStringLiteral("predictions")).toArray().at(0), labels.at(i));
        }

        // Expect: 100-continue (curl, large bodies): the interim answer, then the real one.
        const QByteArray body = "{\"instances\":[[5.1,3.5,1.4,0.2]]}";
        QVERIFY(client.send(
            httpRequest("POST", "/invocations", "application/json", {}, "Expect: 100-continue\r\n")
                .replace("Content-Length: 0",
                         QByteArray("Content-Length: " + QByteArray::number(body.size())))));
        QVERIFY(client.read(r));
        QCOMPARE(r.status, 100);
        QVERIFY(client.send(body));
        QVERIFY(client.read(r));
        QCOMPARE(r.status, 200);

        // Connection: close and HTTP/1.0 without keep-alive end the connection after the answer.
        QVERIFY(client.send(httpRequest("GET", "/ping", {}, {}, "Connection: close\r\n")));
        QVERIFY(client.read(r));
        QCOMPARE(r.status, 200);
        QCOMPARE(r.headers.value("connection"), QByteArray("close"));
        QVERIFY(client.waitForClose());

        HttpClient old;
        QVERIFY(old.connectTo(m_iris.port()));
        QVERIFY(old.exchange("GET /ping HTTP/1.0\r\n\r\n", r));
        QCOMPARE(r.status, 200);
        QVERIFY(old.waitForClose());
    }

    // Several clients at once on the two workers, each on its own keep-alive connection.
    void concurrentClients()
    {
        const QJsonArray expected = call(postJson(irisSplit(0, 150)))
                                        .json()
                                        .value(QStringLiteral("predictions"))
                                        .toArray();
        std::vector<std::unique_ptr<HttpClient>> clients;
        for (int c = 0; c < 8; ++c) {
            clients.push_back(std::make_unique<HttpClient>());
            QVERIFY(clients.back()->connectTo(m_iris.port()));
        }
        for (int round = 0; round < 10; ++round) {
            for (int c = 0; c < 8; ++c) // all requests out before any answer is read
                QVERIFY(clients[c]->send(postJson(irisSplit((round * 8 + c) % 150, 1))));
            for (int c = 0; c < 8; ++c) {
                HttpReply r;
                QVERIFY(clients[c]->read(r));
                QCOMPARE(r.status, 200);
                QCOMPARE(r.json().value(QStringLiteral("predictions")).toArray().at(0),
                         expected.at((round * 8 + c) % 150));
            }
        }
    }

    // A client that sends half a request gets 408 when the request timeout passes, and is
    // disconnected; meanwhile other clients are served. Idle keep-alive connections are closed.
    void slowClientsTimeOut()
    {
        ServerProcess server;
        QVERIFY2(server.start(path(QStringLiteral("iris.fbm")),
                              {QStringLiteral("--request-timeout"),
                               QStringLiteral("1"),
                               QStringLiteral("--idle-timeout"),
                               QStringLiteral("2")}),
                 qPrintable(server.error()));
        HttpClient slowBody;
        HttpClient slowHeaders;
        QVERIFY(slowBody.connectTo(server.port()) && slowHeaders.connectTo(server.port()));
        QVERIFY(slowBody.send("POST /invocations HTTP/1.1\r\nContent-Type: application/json\r\n"
                              "Content-Length: 100\r\n\r\n{\"instances\":"));
        QVERIFY(slowHeaders.send("POST /invocations HTTP/1.1\r\nContent-Ty"));

        HttpClient other;
        QVERIFY(other.connectTo(server.port()));
        for (int i = 0; i < 20; ++i) {
            HttpReply r;
            QVERIFY(other.exchange(postJson(irisSplit(i, 1)), r));
            QCOMPARE(r.status, 200);
        }
        for (HttpClient *slow : {&slowBody, &slowHeaders}) {
            HttpReply r;
            QVERIFY(slow->read(r, 30000));
            QCOMPARE(r.status, 408);
            QCOMPARE(r.errorCode(), QStringLiteral("DEADLINE_EXCEEDED"));
            QVERIFY(slow->waitForClose());
        }
        // `other` stayed idle for more than 2 s meanwhile, or will now: closed without a word.
        QVERIFY(other.waitForClose(30000));

        HttpClient fresh;
        HttpReply r;
        QVERIFY(fresh.connectTo(server.port()) && fresh.exchange(httpRequest("GET", "/ping"), r));
        QCOMPARE(r.status, 200);
        QCOMPARE(server.stop(), 0);
    }

    void commandLineErrors()
    {
        CliResult r = runCli({QStringLiteral("serve"), path(QStringLiteral("nothing.fbm"))});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains(QStringLiteral("nothing.fbm")), qPrintable(r.err));
        r = runCli({QStringLiteral("serve"),
                    QStringLiteral("churn@champion"),
                    QStringLiteral("--store"),
                    path(QStringLiteral("store.sqlite"))});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains(QStringLiteral("churn@champion")), qPrintable(r.err));
        r = runCli({QStringLiteral("serve"),
                    path(QStringLiteral("iris.fbm")),
                    QStringLiteral("--port"),
                    QStringLiteral("70000")});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains(QStringLiteral("--port")), qPrintable(r.err));
        // The port the running server holds.
        r = runCli({QStringLiteral("serve"),
                    path(QStringLiteral("iris.fbm")),
                    QStringLiteral("--port"),
                    QString::number(m_iris.port())});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains(QString::number(m_iris.port())), qPrintable(r.err));
    }
};

QTEST_GUILESS_MAIN(TestServe)
#include "tst_serve.moc"
