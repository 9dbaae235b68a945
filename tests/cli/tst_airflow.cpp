// flowbench-cli export-airflow end to end: the generated DAG compiles with the real Python, is
// read back by executing it under a tiny fake `airflow` package (Airflow 2 and Airflow 3
// layouts) that records the operators and the `>>` edges, and its task commands are then run
// as Airflow would, one process per task in a topological order of the declared dependencies,
// with one run id and one store. The result must equal a single `flowbench-cli run`.

#include "cli/CliRunner.h"

#include "model/ModelFile.h"
#include "store/ModelRegistry.h"
#include "store/RunStore.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

using namespace fb;
using namespace fbtest;
using namespace Qt::StringLiterals;

namespace {

// The fake package: DAG is a context manager collecting operators, operators record their
// arguments and `>>` edges. Layout 2 is Airflow 2's (airflow.DAG, airflow.operators.bash),
// layout 3 Airflow 3's (airflow.sdk.DAG, airflow.providers.standard.operators.bash).
const char *const fakeCore = R"PY(
import datetime
RECORD = {"dag": None, "tasks": {}, "order": [], "edges": []}

class DAG:
    def __init__(self, dag_id, **kwargs):
        RECORD["dag"] = {"dag_id": dag_id, "schedule": kwargs.get("schedule"),
                         "start_date": kwargs["start_date"].date().isoformat(),
                         "tz": str(kwargs["start_date"].tzinfo), "catchup": kwargs.get("catchup"),
                         "tags": kwargs.get("tags"), "description": kwargs.get("description")}
    def __enter__(self):
        return self
    def __exit__(self, *exc):
        return False

class BashOperator:
    def __init__(self, task_id, bash_command, **kwargs):
        self.task_id = task_id
        timeout = kwargs.get("execution_timeout")
        RECORD["tasks"][task_id] = {
            "bash_command": bash_command, "env": kwargs.get("env"),
            "append_env": kwargs.get("append_env"), "retries": kwargs.get("retries"),
            "retry_delay": kwargs["retry_delay"].total_seconds(),
            "execution_timeout": None if timeout is None else timeout.total_seconds()}
        RECORD["order"].append(task_id)
    def __rshift__(self, other):
        RECORD["edges"].append([self.task_id, other.task_id])
        return other
)PY";

const char *const driver = R"PY(
import json, runpy, sys
sys.path.insert(0, sys.argv[2])
import fakecore
runpy.run_path(sys.argv[1], run_name="dag_module")
print(json.dumps(fakecore.RECORD))
)PY";

bool writeFile(const QString &path, const QByteArray &bytes)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile f(path);
    return f.open(QIODevice::WriteOnly) && f.write(bytes) == bytes.size();
}

struct Python
{
    int exitCode = -1;
    QByteArray out, err;
};

Python python(const QStringList &args, const QString &pythonPath = {})
{
    QProcess p;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    if (!pythonPath.isEmpty())
        env.insert(u"PYTHONPATH"_s, pythonPath);
    env.insert(u"PYTHONDONTWRITEBYTECODE"_s, u"1"_s);
    p.setProcessEnvironment(env);
    p.start(qEnvironmentVariable("FLOWBENCH_PYTHON", u"/usr/bin/python3"_s), args);
    Python r;
    if (!p.waitForStarted(10000) || !p.waitForFinished(60000))
        return r;
    r.exitCode = p.exitCode();
    r.out = p.readAllStandardOutput();
    r.err = p.readAllStandardError();
    return r;
}

} // namespace

class TestAirflow : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    QString m_flow;

    // The classification example with its data next to it, plus execution settings and a
    // register_model node, so the DAG carries retries/timeouts and the run registers a model.
    void preparePipeline()
    {
        const QString src = sourceDir() + u"/resources"_s;
        QFile flow(src + u"/examples/classification.flow"_s);
        QVERIFY(flow.open(QIODevice::ReadOnly));
        QJsonObject doc = QJsonDocument::fromJson(flow.readAll()).object();
        QJsonArray nodes = doc[u"nodes"_s].toArray();
        for (qsizetype i = 0; i < nodes.size(); ++i) {
            QJsonObject n = nodes[i].toObject();
            if (n[u"id"_s] == u"train"_s) {
                n[u"retries"_s] = 2;
                n[u"retry_delay"_s] = 7.5;
                n[u"timeout"_s] = 600;
            }
            nodes[i] = n;
        }
        nodes.append(QJsonObject{{u"id"_s, u"register"_s},
                                 {u"type"_s, u"register_model"_s},
                                 {u"position"_s, QJsonArray{1200, 0}},
                                 {u"params"_s,
                                  QJsonObject{{u"name"_s, u"iris"_s},
                                              {u"alias"_s, u"champion"_s},
                                              {u"tags"_s, u"team=ml, stage=test"_s}}}});
        doc[u"nodes"_s] = nodes;
        QJsonArray links = doc[u"links"_s].toArray();
        links.append(QJsonObject{{u"from"_s, u"train.model"_s}, {u"to"_s, u"register.model"_s}});
        doc[u"links"_s] = links;
        m_flow = m_dir.filePath(u"project/examples/classification flow.flow"_s); // a space: quoting
        QVERIFY(writeFile(m_flow, QJsonDocument(doc).toJson()));
        QFile csv(src + u"/datasets/iris.csv"_s);
        QVERIFY(csv.open(QIODevice::ReadOnly));
        QVERIFY(writeFile(m_dir.filePath(u"project/datasets/iris.csv"_s), csv.readAll()));
    }

    QJsonObject readDag(const QString &dagFile, int layout)
    {
        const QString fake = m_dir.filePath(u"fake%1"_s.arg(layout));
        writeFile(fake + u"/fakecore.py"_s, fakeCore);
        writeFile(fake + u"/driver.py"_s, driver);
        if (layout == 2) {
            writeFile(fake + u"/airflow/__init__.py"_s, "from fakecore import DAG\n");
            writeFile(fake + u"/airflow/operators/__init__.py"_s, "");
            writeFile(fake + u"/airflow/operators/bash.py"_s, "from fakecore import BashOperator\n");
        } else {
            writeFile(fake + u"/airflow/__init__.py"_s, "");
            writeFile(fake + u"/airflow/sdk/__init__.py"_s, "from fakecore import DAG\n");
            for (const QString &pkg :
                 {u"providers"_s, u"providers/standard"_s, u"providers/standard/operators"_s})
                writeFile(fake + u"/airflow/"_s + pkg + u"/__init__.py"_s, "");
            writeFile(fake + u"/airflow/providers/standard/operators/bash.py"_s,
                      "from fakecore import BashOperator\n");
        }
        const Python r = python({fake + u"/driver.py"_s, dagFile, fake}, fake);
        if (r.exitCode != 0)
            qWarning("driver failed: %s", r.err.constData());
        return QJsonDocument::fromJson(r.out).object();
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        QVERIFY2(QFileInfo(cliPath()).isExecutable(), qPrintable(cliPath()));
        preparePipeline();
    }

    void refusesBadOptions_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("message");
        QTest::newRow("no output") << QStringList{} << u"-o DAG.py is required"_s;
        QTest::newRow("schedule") << QStringList{u"-o"_s, u"x.py"_s, u"--schedule"_s, u"sometimes"_s}
                                  << u"--schedule 'sometimes'"_s;
        QTest::newRow("date") << QStringList{u"-o"_s, u"x.py"_s, u"--start-date"_s, u"2024-13-01"_s}
                              << u"--start-date '2024-13-01'"_s;
        QTest::newRow("dag id") << QStringList{u"-o"_s, u"x.py"_s, u"--dag-id"_s, u"a b"_s}
                                << u"--dag-id 'a b'"_s;
        QTest::newRow("airflow") << QStringList{u"-o"_s, u"x.py"_s, u"--airflow"_s, u"4"_s}
                                 << u"--airflow '4'"_s;
    }

    void refusesBadOptions()
    {
        QFETCH(QStringList, args);
        QFETCH(QString, message);
        const CliResult r = runCli(QStringList{u"export-airflow"_s, m_flow} + args,
                                   60000,
                                   m_dir.path());
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains(message), qPrintable(r.err));
        QVERIFY(!QFileInfo::exists(m_dir.filePath(u"x.py"_s)));
    }

    void dagMatchesPipelineAndRunsLikeOneRun()
    {
        const QString store = m_dir.filePath(u"shared store/store.sqlite"_s);
        const QString dag = m_dir.filePath(u"dags/classification.py"_s);
        QDir().mkpath(QFileInfo(dag).absolutePath());
        CliResult r = runCli({u"export-airflow"_s,
                              m_flow,
                              u"-o"_s,
                              dag,
                              u"--store"_s,
                              store,
                              u"--schedule"_s,
                              u"@daily"_s,
                              u"--start-date"_s,
                              u"2024-03-01"_s,
                              u"--cli"_s,
                              cliPath(),
                              u"--dag-id"_s,
                              u"iris_training"_s});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const Python compiled = python({u"-m"_s, u"py_compile"_s, dag});
        QVERIFY2(compiled.exitCode == 0, compiled.err.constData());

        // Read back under both layouts: the same tasks and edges.
        const QJsonObject v2 = readDag(dag, 2);
        const QJsonObject v3 = readDag(dag, 3);
        QVERIFY(!v2.isEmpty());
        QCOMPARE(v3, v2);
        const QJsonObject info = v2[u"dag"_s].toObject();
        QCOMPARE(info[u"dag_id"_s].toString(), u"iris_training"_s);
        QCOMPARE(info[u"schedule"_s].toString(), u"@daily"_s);
        QCOMPARE(info[u"start_date"_s].toString(), u"2024-03-01"_s);
        QCOMPARE(info[u"tz"_s].toString(), u"UTC"_s);
        QCOMPARE(info[u"catchup"_s], QJsonValue(false));
        QCOMPARE(info[u"tags"_s].toArray(), QJsonArray{u"flowbench"_s});

        const QStringList order = [&] {
            QStringList out;
            for (const QJsonValue &v : v2[u"order"_s].toArray())
                out.append(v.toString());
            return out;
        }();
        QCOMPARE(order,
                 (QStringList{u"data"_s,
                              u"split"_s,
                              u"scale"_s,
                              u"train"_s,
                              u"evaluate"_s,
                              u"save"_s,
                              u"register"_s}));
        QSet<QString> edges;
        for (const QJsonValue &e : v2[u"edges"_s].toArray())
            edges.insert(e[0].toString() + u">>"_s + e[1].toString());
        // split -> scale is two links (train and test rows) but one dependency.
        QCOMPARE(edges,
                 (QSet<QString>{u"data>>split"_s,
                                u"split>>scale"_s,
                                u"scale>>train"_s,
                                u"train>>evaluate"_s,
                                u"scale>>evaluate"_s,
                                u"train>>save"_s,
                                u"train>>register"_s}));
        QCOMPARE(v2[u"edges"_s].toArray().size(), 7);
        const QJsonObject tasks = v2[u"tasks"_s].toObject();
        const QJsonObject train = tasks[u"train"_s].toObject();
        QCOMPARE(train[u"retries"_s].toInt(), 2);
        QCOMPARE(train[u"retry_delay"_s].toDouble(), 7.5);
        QCOMPARE(train[u"execution_timeout"_s].toDouble(), 600.0);
        QCOMPARE(tasks[u"data"_s][u"execution_timeout"_s], QJsonValue(QJsonValue::Null));
        QCOMPARE(tasks[u"data"_s][u"retries"_s].toInt(), 0);
        QCOMPARE(tasks[u"data"_s][u"env"_s][u"FLOWBENCH_RUN_ID"_s].toString(), u"{{ run_id }}"_s);
        QCOMPARE(tasks[u"data"_s][u"append_env"_s], QJsonValue(true));

        // Run the tasks as Airflow would: each its own process, dependencies first (the
        // declared order is topological here, checked against the edges), one run id.
        QStringList done;
        const QString runId = u"scheduled__2024-03-02T00:00:00+00:00"_s;
        for (const QString &task : order) {
            for (const QString &e : edges) {
                if (e.endsWith(u">>"_s + task))
                    QVERIFY2(done.contains(e.section(u">>"_s, 0, 0)), qPrintable(e));
            }
            QProcess bash;
            QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
            env.insert(u"FLOWBENCH_RUN_ID"_s, runId);
            env.insert(u"OPENBLAS_NUM_THREADS"_s, u"1"_s);
            bash.setProcessEnvironment(env);
            bash.setWorkingDirectory(QDir::tempPath()); // the command must not depend on it
            const QString command = tasks[task][u"bash_command"_s].toString();
            bash.start(u"/bin/bash"_s, {u"-c"_s, command + u" --json --quiet"_s});
            QVERIFY(bash.waitForFinished(120000));
            const QByteArray out = bash.readAllStandardOutput();
            QVERIFY2(bash.exitCode() == 0,
                     qPrintable(command + u"\n"_s + QString::fromUtf8(bash.readAllStandardError())));
            // This invocation computed its own node and took every upstream node from the cache.
            const QJsonObject nodes = QJsonDocument::fromJson(out).object()[u"nodes"_s].toObject();
            QVERIFY2(nodes.contains(task), out.constData());
            QCOMPARE(nodes[task][u"cached"_s], QJsonValue(false));
            for (auto it = nodes.begin(); it != nodes.end(); ++it) {
                if (it.key() != task)
                    QVERIFY2(it.value()[u"cached"_s].toBool(),
                             qPrintable(task + u": "_s + it.key()));
            }
            done.append(task);
        }

        // The same pipeline in one process, into another store.
        const QString single = m_dir.filePath(u"single/store.sqlite"_s);
        r = runCli({u"run"_s, m_flow, u"--store"_s, single, u"--json"_s, u"--quiet"_s});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const QString singleRun = r.json()[u"run_id"_s].toString();

        QString error;
        auto dagStore = RunStore::open(store, &error);
        auto singleStore = RunStore::open(single, &error);
        QVERIFY2(dagStore && singleStore, qPrintable(error));
        const QList<RunSummary> runs = dagStore->listRuns();
        QCOMPARE(runs.size(), 1);
        QCOMPARE(runs.first().runId, runId);
        QCOMPARE(runs.first().state, TaskState::Success);
        QVERIFY(runs.first().endMs >= runs.first().startMs);
        QCOMPARE(dagStore->invocations(runId).size(), order.size());
        const QList<TaskInstanceRecord> instances = dagStore->taskInstances(runId);
        QSet<qint64> pids;
        QStringList nodesSeen;
        for (const TaskInstanceRecord &t : instances) {
            QCOMPARE(t.state, TaskState::Success);
            QCOMPARE(t.tryNumber, 1);
            QVERIFY(!t.cached);
            pids.insert(t.pid);
            nodesSeen.append(t.nodeId);
        }
        nodesSeen.sort();
        QStringList expectedNodes = order;
        expectedNodes.sort();
        QCOMPARE(nodesSeen, expectedNodes); // one real try per task, none duplicated
        QCOMPARE(pids.size(), order.size());

        // Same evaluation metrics.
        const auto finals = [](RunStore &s, const QString &run) {
            QMap<QString, double> out;
            for (const MetricPoint &p : s.metrics(run, u"evaluate"_s))
                out[p.key] = p.value;
            return out;
        };
        const QMap<QString, double> dagMetrics = finals(*dagStore, runId);
        QVERIFY(!dagMetrics.isEmpty());
        QCOMPARE(dagMetrics, finals(*singleStore, singleRun));

        // Same model predictions: the saved models of both runs score the data identically.
        const auto savedModel = [](RunStore &s, const QString &run) {
            for (const ArtifactRecord &a : s.artifacts(run)) {
                if (a.nodeId == u"save"_s)
                    return a.path;
            }
            return QString();
        };
        const QString data = m_dir.filePath(u"project/datasets/iris.csv"_s);
        const QString a = m_dir.filePath(u"pred-dag.csv"_s),
                      b = m_dir.filePath(u"pred-single.csv"_s);
        r = runCli({u"predict"_s, savedModel(*dagStore, runId), data, u"-o"_s, a});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        r = runCli({u"predict"_s, savedModel(*singleStore, singleRun), data, u"-o"_s, b});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QFile fa(a), fb(b);
        QVERIFY(fa.open(QIODevice::ReadOnly) && fb.open(QIODevice::ReadOnly));
        const QByteArray predictions = fa.readAll();
        QVERIFY(predictions.count('\n') > 100);
        QCOMPARE(predictions, fb.readAll());

        // The register_model task registered one version, with the run's lineage and metrics.
        const auto version = ModelRegistry(*dagStore).resolve(u"iris@champion"_s, &error);
        QVERIFY2(version, qPrintable(error));
        QCOMPARE(version->version, 1);
        QCOMPARE(version->runId, runId);
        QCOMPARE(version->nodeId, u"train"_s);
        QCOMPARE(version->tags.value(u"team"_s), u"ml"_s);
        QVERIFY2(version->metrics.contains(u"evaluate.accuracy"_s),
                 QJsonDocument(version->metrics).toJson().constData());
    }
};

QTEST_GUILESS_MAIN(TestAirflow)
#include "tst_airflow.moc"
