// The executor with real threads: dependency order, parallel branches, failure propagation,
// retries, timeouts, cancellation, node selection, overrides and the event stream.

#include "TestNodes.h"

#include "exec/EventQueue.h"
#include "exec/Executor.h"

#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTest>

using namespace fb;
using namespace fbtest;

class TestExecutor : public QObject
{
    Q_OBJECT

private:
    NodeRegistry m_registry = testRegistry();

    struct Graph
    {
        PipelineData data;
        int add(const QString &id, const QString &type, QJsonObject params = {})
        {
            Node n;
            n.id = id;
            n.type = type;
            n.params = params;
            return data.addNode(n);
        }
        void link(const QString &from, const QString &to, const QString &toPort = QStringLiteral("a"))
        {
            data.addLink(Link{data.keyOf(from), QStringLiteral("out"), data.keyOf(to), toPort});
        }
        Node &node(const QString &id) { return *data.node(data.keyOf(id)); }
    };

    RunResult runToEnd(Executor &ex, const RunRequest &req)
    {
        QString error;
        if (!ex.start(req, &error))
            qWarning("start failed: %s", qPrintable(error));
        [&] { QVERIFY(ex.wait(30000)); }();
        return ex.result();
    }

    RunResult run(const PipelineData &p, QStringList targets = {})
    {
        Executor ex(m_registry);
        RunRequest req;
        req.pipeline = p;
        req.targets = targets;
        return runToEnd(ex, req);
    }

private Q_SLOTS:
    void init() { probe().reset(); }

    void diamondComputesInDependencyOrder()
    {
        Graph g;
        g.add(QStringLiteral("x"), QStringLiteral("const"), {{QStringLiteral("value"), 2}});
        g.add(QStringLiteral("left"), QStringLiteral("add"));
        g.add(QStringLiteral("right"), QStringLiteral("add"));
        g.add(QStringLiteral("join"), QStringLiteral("add"));
        g.link(QStringLiteral("x"), QStringLiteral("left"));
        g.link(QStringLiteral("x"), QStringLiteral("right"));
        g.link(QStringLiteral("left"), QStringLiteral("join"));
        g.link(QStringLiteral("right"), QStringLiteral("join"), QStringLiteral("b"));
        Executor ex(m_registry);
        RunRequest req;
        req.pipeline = g.data;
        const RunResult r = runToEnd(ex, req);
        QCOMPARE(r.state, TaskState::Success);
        QCOMPARE(r.tasks.size(), 4);
        for (const TaskResult &t : r.tasks)
            QCOMPARE(t.state, TaskState::Success);
        QCOMPARE(valueOf(ex.output(QStringLiteral("join"), QStringLiteral("out"))), 4.0);
        const QStringList order = probe().started;
        QCOMPARE(order.first(), QStringLiteral("x"));
        QCOMPARE(order.last(), QStringLiteral("join"));
        QCOMPARE(r.tasks.first().nodeId, QStringLiteral("x")); // topological listing
    }

    void independentBranchesRunInParallel()
    {
        Graph g;
        g.add(QStringLiteral("a"), QStringLiteral("rendezvous"));
        g.add(QStringLiteral("b"), QStringLiteral("rendezvous"));
        Executor ex(m_registry);
        ex.setMaxParallel(2);
        RunRequest req;
        req.pipeline = g.data;
        const RunResult r = runToEnd(ex, req);
        QCOMPARE(r.state, TaskState::Success);
    }

    void failureMarksDownstreamAndSparesIndependentBranches()
    {
        Graph g;
        g.add(QStringLiteral("bad"), QStringLiteral("fail"));
        g.add(QStringLiteral("child"), QStringLiteral("add"));
        g.add(QStringLiteral("grandchild"), QStringLiteral("add"));
        g.add(QStringLiteral("other"), QStringLiteral("sleep"), {{QStringLiteral("ms"), 50}});
        g.add(QStringLiteral("otherChild"), QStringLiteral("add"));
        g.link(QStringLiteral("bad"), QStringLiteral("child"));
        g.link(QStringLiteral("child"), QStringLiteral("grandchild"));
        g.link(QStringLiteral("other"), QStringLiteral("otherChild"));
        const RunResult r = run(g.data);
        QCOMPARE(r.state, TaskState::Failed);
        QCOMPARE(r.task(QStringLiteral("bad"))->state, TaskState::Failed);
        QCOMPARE(r.task(QStringLiteral("bad"))->error, QStringLiteral("deliberate failure"));
        QCOMPARE(r.task(QStringLiteral("child"))->state, TaskState::UpstreamFailed);
        QCOMPARE(r.task(QStringLiteral("grandchild"))->state, TaskState::UpstreamFailed);
        QCOMPARE(r.task(QStringLiteral("other"))->state, TaskState::Success);
        QCOMPARE(r.task(QStringLiteral("otherChild"))->state, TaskState::Success);
        QVERIFY(!probe().started.contains(QStringLiteral("child")));
    }

    void exceptionsAndMissingOutputsFailTheTask()
    {
        Graph g;
        g.add(QStringLiteral("std"), QStringLiteral("throw_std"));
        g.add(QStringLiteral("forgetful"), QStringLiteral("no_output"));
        g.add(QStringLiteral("consumer"), QStringLiteral("add"));
        g.link(QStringLiteral("forgetful"), QStringLiteral("consumer"));
        const RunResult r = run(g.data);
        QCOMPARE(r.task(QStringLiteral("std"))->state, TaskState::Failed);
        QCOMPARE(r.task(QStringLiteral("std"))->error, QStringLiteral("plain std exception"));
        QCOMPARE(r.task(QStringLiteral("forgetful"))->state, TaskState::Failed);
        QVERIFY(r.task(QStringLiteral("forgetful"))->error.contains(QStringLiteral("produced no 'out' output")));
        QCOMPARE(r.task(QStringLiteral("consumer"))->state, TaskState::UpstreamFailed);
    }

    void retriesUntilSuccess_data()
    {
        QTest::addColumn<int>("failures");
        QTest::addColumn<int>("retries");
        QTest::addColumn<int>("expectedState");
        QTest::addColumn<int>("expectedTries");
        QTest::newRow("succeeds on third try") << 2 << 2 << int(TaskState::Success) << 3;
        QTest::newRow("retries exhausted") << 2 << 1 << int(TaskState::Failed) << 2;
        QTest::newRow("no retries needed") << 0 << 3 << int(TaskState::Success) << 1;
    }

    void retriesUntilSuccess()
    {
        QFETCH(int, failures);
        QFETCH(int, retries);
        QFETCH(int, expectedState);
        QFETCH(int, expectedTries);
        Graph g;
        g.add(QStringLiteral("f"), QStringLiteral("flaky"), {{QStringLiteral("failures"), failures}});
        g.node(QStringLiteral("f")).retries = retries;
        g.node(QStringLiteral("f")).retryDelaySeconds = 0.05;
        Executor ex(m_registry);
        auto events = ex.events().subscribe();
        RunRequest req;
        req.pipeline = g.data;
        QElapsedTimer timer;
        timer.start();
        const RunResult r = runToEnd(ex, req);
        const TaskResult *t = r.task(QStringLiteral("f"));
        QCOMPARE(int(t->state), expectedState);
        QCOMPARE(t->tries, expectedTries);
        // The retry delay is honoured between tries.
        QVERIFY(timer.elapsed() >= 50 * (expectedTries - 1));
        int upForRetry = 0;
        for (const RunEvent &e : events->drain())
            if (e.kind == RunEvent::Kind::TaskState && e.state == TaskState::UpForRetry)
                ++upForRetry;
        QCOMPARE(upForRetry, expectedTries - 1);
    }

    void timeoutFailsALongTask()
    {
        Graph g;
        g.add(QStringLiteral("slow"), QStringLiteral("sleep"), {{QStringLiteral("ms"), 60000}});
        g.node(QStringLiteral("slow")).timeoutSeconds = 0.2;
        QElapsedTimer timer;
        timer.start();
        const RunResult r = run(g.data);
        QVERIFY2(timer.elapsed() < 10000, "the timeout did not stop the task");
        QCOMPARE(r.task(QStringLiteral("slow"))->state, TaskState::Failed);
        QVERIFY(r.task(QStringLiteral("slow"))->error.contains(QStringLiteral("timed out")));
    }

    void cancelStopsRunningAndPendingTasks()
    {
        Graph g;
        g.add(QStringLiteral("long"), QStringLiteral("sleep"), {{QStringLiteral("ms"), 60000}});
        g.add(QStringLiteral("after"), QStringLiteral("add"));
        g.link(QStringLiteral("long"), QStringLiteral("after"));
        Executor ex(m_registry);
        auto events = ex.events().subscribe();
        RunRequest req;
        req.pipeline = g.data;
        QString error;
        QVERIFY(ex.start(req, &error));
        // Wait until it really runs (it reports ticks).
        QTRY_VERIFY_WITH_TIMEOUT(probe().started.contains(QStringLiteral("long")), 5000);
        QElapsedTimer timer;
        timer.start();
        ex.cancel();
        QVERIFY(ex.wait(5000));
        QVERIFY2(timer.elapsed() < 500, qPrintable(QStringLiteral("cancel took %1 ms").arg(timer.elapsed())));
        const RunResult r = ex.result();
        QCOMPARE(r.state, TaskState::Cancelled);
        QCOMPARE(r.task(QStringLiteral("long"))->state, TaskState::Cancelled);
        QCOMPARE(r.task(QStringLiteral("after"))->state, TaskState::Cancelled);
        const auto all = events->drain();
        QCOMPARE(all.back().kind, RunEvent::Kind::RunFinished);
        QCOMPARE(all.back().state, TaskState::Cancelled);
    }

    void targetRunsOnlyWhatItNeeds()
    {
        Graph g;
        g.add(QStringLiteral("x"), QStringLiteral("const"));
        g.add(QStringLiteral("y"), QStringLiteral("add"));
        g.add(QStringLiteral("z"), QStringLiteral("add"));
        g.add(QStringLiteral("unrelated"), QStringLiteral("const"));
        g.link(QStringLiteral("x"), QStringLiteral("y"));
        g.link(QStringLiteral("y"), QStringLiteral("z"));
        const RunResult r = run(g.data, {QStringLiteral("y")});
        QCOMPARE(r.tasks.size(), 2);
        QVERIFY(r.task(QStringLiteral("x")));
        QVERIFY(r.task(QStringLiteral("y")));
        QVERIFY(!r.task(QStringLiteral("z")));
        QVERIFY(!probe().started.contains(QStringLiteral("unrelated")));
    }

    void refusesInvalidRequests_data()
    {
        QTest::addColumn<QString>("target");
        QTest::addColumn<QString>("overrideNode");
        QTest::addColumn<QJsonObject>("overrideParams");
        QTest::addColumn<QString>("expected");
        QTest::newRow("unknown target") << "nope" << "" << QJsonObject() << "--node: no node has the id 'nope'";
        QTest::newRow("unknown override node") << "" << "ghost" << QJsonObject{{"value", 1}}
                                               << "--set: no node has the id 'ghost'";
        QTest::newRow("override out of range") << "" << "x" << QJsonObject{{"value", 1e12}}
                                               << "must be between";
        QTest::newRow("override unknown param") << "" << "x" << QJsonObject{{"colour", 1}}
                                                << "unknown parameter";
    }

    void refusesInvalidRequests()
    {
        QFETCH(QString, target);
        QFETCH(QString, overrideNode);
        QFETCH(QJsonObject, overrideParams);
        QFETCH(QString, expected);
        Graph g;
        g.add(QStringLiteral("x"), QStringLiteral("const"));
        Executor ex(m_registry);
        RunRequest req;
        req.pipeline = g.data;
        if (!target.isEmpty())
            req.targets = {target};
        if (!overrideNode.isEmpty())
            req.overrides.insert(overrideNode, overrideParams);
        QString error;
        QVERIFY(!ex.start(req, &error));
        QVERIFY2(error.contains(expected), qPrintable(error));
        QVERIFY(!ex.isRunning());
    }

    void overridesReachTheNode()
    {
        Graph g;
        g.add(QStringLiteral("x"), QStringLiteral("const"), {{QStringLiteral("value"), 1}});
        Executor ex(m_registry);
        RunRequest req;
        req.pipeline = g.data;
        req.overrides.insert(QStringLiteral("x"), {{QStringLiteral("value"), 7}});
        runToEnd(ex, req);
        QCOMPARE(valueOf(ex.output(QStringLiteral("x"), QStringLiteral("out"))), 7.0);
    }

    void eventStreamIsOrdered()
    {
        Graph g;
        g.add(QStringLiteral("x"), QStringLiteral("const"));
        g.add(QStringLiteral("s"), QStringLiteral("sleep"), {{QStringLiteral("ms"), 20}});
        g.link(QStringLiteral("x"), QStringLiteral("s"));
        Executor ex(m_registry);
        auto events = ex.events().subscribe();
        QSignalSpy finished(&ex, &Executor::finished);
        RunRequest req;
        req.pipeline = g.data;
        runToEnd(ex, req);
        QVERIFY(finished.wait(5000) || finished.size() == 1);
        const std::vector<RunEvent> all = events->drain();
        QCOMPARE(all.front().kind, RunEvent::Kind::RunStarted);
        QVERIFY(all.front().info);
        QCOMPARE(all.front().info->taskTypes.size(), 2);
        QCOMPARE(all.back().kind, RunEvent::Kind::RunFinished);
        QCOMPARE(all.back().state, TaskState::Success);
        QStringList sequence;
        int ticks = 0;
        for (const RunEvent &e : all) {
            if (e.kind == RunEvent::Kind::TaskState)
                sequence.append(e.nodeId + u':' + taskStateName(e.state));
            if (e.kind == RunEvent::Kind::Metric && e.key == u"tick") {
                QCOMPARE(e.step, qint64(ticks++));
                QCOMPARE(e.nodeId, QStringLiteral("s"));
            }
        }
        QCOMPARE(sequence, (QStringList{"x:queued", "x:running", "x:success", "s:queued", "s:running", "s:success"}));
        QVERIFY(ticks > 0);
        QCOMPARE(ex.result().task(QStringLiteral("s"))->metrics.first().first, QStringLiteral("tick"));
    }

    void executorDestroyedMidRunCancelsAndWaits()
    {
        Graph g;
        g.add(QStringLiteral("long"), QStringLiteral("sleep"), {{QStringLiteral("ms"), 60000}});
        QElapsedTimer timer;
        timer.start();
        {
            Executor ex(m_registry);
            RunRequest req;
            req.pipeline = g.data;
            QString error;
            QVERIFY(ex.start(req, &error));
            QTRY_VERIFY_WITH_TIMEOUT(probe().started.contains(QStringLiteral("long")), 5000);
        }
        QVERIFY(timer.elapsed() < 5000);
    }

    void outputsAreReleasedWhenNotKept()
    {
        Graph g;
        g.add(QStringLiteral("x"), QStringLiteral("const"));
        g.add(QStringLiteral("y"), QStringLiteral("add"));
        g.add(QStringLiteral("z"), QStringLiteral("add"));
        g.add(QStringLiteral("w"), QStringLiteral("add"));
        g.link(QStringLiteral("x"), QStringLiteral("y"));
        g.link(QStringLiteral("y"), QStringLiteral("z"));
        g.link(QStringLiteral("y"), QStringLiteral("w"));
        for (bool keep : {true, false}) {
            Executor ex(m_registry);
            RunRequest req;
            req.pipeline = g.data;
            req.keepOutputs = keep;
            QCOMPARE(runToEnd(ex, req).state, TaskState::Success);
            // y fed two tasks: it is released only after both finished.
            QCOMPARE(bool(ex.output(QStringLiteral("x"), QStringLiteral("out"))), keep);
            QCOMPARE(bool(ex.output(QStringLiteral("y"), QStringLiteral("out"))), keep);
            QCOMPARE(valueOf(ex.output(QStringLiteral("z"), QStringLiteral("out"))), 1.0);
            QCOMPARE(valueOf(ex.output(QStringLiteral("w"), QStringLiteral("out"))), 1.0);
        }
    }

    void emptyPipelineFinishesAtOnce()
    {
        const RunResult r = run(PipelineData());
        QCOMPARE(r.state, TaskState::Success);
        QVERIFY(r.tasks.isEmpty());
    }

    void backToBackRunsReuseTheExecutor()
    {
        Graph g;
        g.add(QStringLiteral("x"), QStringLiteral("const"));
        g.add(QStringLiteral("y"), QStringLiteral("add"));
        g.link(QStringLiteral("x"), QStringLiteral("y"));
        Executor ex(m_registry);
        QSet<QString> ids;
        for (int i = 0; i < 50; ++i) {
            RunRequest req;
            req.pipeline = g.data;
            req.runId = QStringLiteral("run-%1").arg(i);
            QCOMPARE(runToEnd(ex, req).state, TaskState::Success);
            ids.insert(ex.runId());
        }
        QCOMPARE(ids.size(), 50);
    }
};

QTEST_GUILESS_MAIN(TestExecutor)
#include "tst_executor.moc"
