// The observable pipeline model: ids, links refused with reasons, signals, validation.

#include "TestNodes.h"

#include "pipeline/Pipeline.h"

#include <QSignalSpy>
#include <QTest>

using namespace fb;

class TestPipeline : public QObject
{
    Q_OBJECT

    NodeRegistry m_registry = fbtest::testRegistry();

    Link link(Pipeline &p, const QString &from, const QString &to, const QString &port = QStringLiteral("a"))
    {
        return Link{p.data().keyOf(from), QStringLiteral("out"), p.data().keyOf(to), port};
    }

private Q_SLOTS:
    void addNodeMakesIdsUnique()
    {
        Pipeline p(m_registry);
        QSignalSpy added(&p, &Pipeline::nodeAdded);
        const int a = p.addNode(QStringLiteral("const"), QString(), {});
        const int b = p.addNode(QStringLiteral("const"), QString(), {});
        const int c = p.addNode(QStringLiteral("const"), QStringLiteral("const_2"), {});
        QCOMPARE(p.data().node(a)->id, QStringLiteral("const"));
        QCOMPARE(p.data().node(b)->id, QStringLiteral("const_2"));
        QCOMPARE(p.data().node(c)->id, QStringLiteral("const_3"));
        QCOMPARE(added.size(), 3);
        QCOMPARE(p.addNode(QStringLiteral("no_such_type"), QString(), {}), 0);
    }

    void renameIsValidated_data()
    {
        QTest::addColumn<QString>("newId");
        QTest::addColumn<QString>("error");
        QTest::newRow("ok") << "train" << "";
        QTest::newRow("taken") << "other" << "another node is already called 'other'";
        QTest::newRow("dot") << "a.b" << "not a valid id";
        QTest::newRow("space") << "a b" << "not a valid id";
        QTest::newRow("digit first") << "1a" << "not a valid id";
        QTest::newRow("empty") << "" << "not a valid id";
    }

    void renameIsValidated()
    {
        QFETCH(QString, newId);
        QFETCH(QString, error);
        Pipeline p(m_registry);
        const int a = p.addNode(QStringLiteral("const"), QStringLiteral("x"), {});
        p.addNode(QStringLiteral("const"), QStringLiteral("other"), {});
        QSignalSpy renamed(&p, &Pipeline::nodeRenamed);
        const QString result = p.renameNode(a, newId);
        if (error.isEmpty()) {
            QVERIFY(result.isEmpty());
            QCOMPARE(p.data().node(a)->id, newId);
            QCOMPARE(renamed.size(), 1);
        } else {
            QVERIFY2(result.contains(error), qPrintable(result));
            QCOMPARE(p.data().node(a)->id, QStringLiteral("x"));
            QCOMPARE(renamed.size(), 0);
        }
    }

    void linksAreRefusedWithReasons()
    {
        Pipeline p(m_registry);
        p.addNode(QStringLiteral("const"), QStringLiteral("x"), {});
        p.addNode(QStringLiteral("const"), QStringLiteral("w"), {});
        p.addNode(QStringLiteral("add"), QStringLiteral("y"), {});
        p.addNode(QStringLiteral("add"), QStringLiteral("z"), {});
        QVERIFY(p.addLink(link(p, QStringLiteral("x"), QStringLiteral("y"))).ok());
        QVERIFY(p.addLink(link(p, QStringLiteral("y"), QStringLiteral("z"))).ok());

        LinkCheck c = p.canLink(link(p, QStringLiteral("w"), QStringLiteral("y")));
        QCOMPARE(c.code, LinkCheck::InputOccupied);
        QVERIFY(c.reason.contains(QStringLiteral("already connected to x.out")));

        c = p.canLink(link(p, QStringLiteral("z"), QStringLiteral("y"), QStringLiteral("b")));
        QCOMPARE(c.code, LinkCheck::Cycle);
        QVERIFY(c.reason.contains(QStringLiteral("cycle")));

        c = p.canLink(link(p, QStringLiteral("y"), QStringLiteral("y"), QStringLiteral("b")));
        QCOMPARE(c.code, LinkCheck::SameNode);

        c = p.canLink(Link{p.data().keyOf(QStringLiteral("x")), QStringLiteral("nope"), p.data().keyOf(QStringLiteral("z")), QStringLiteral("b")});
        QCOMPARE(c.code, LinkCheck::UnknownPort);
        QVERIFY(c.reason.contains(QStringLiteral("no output 'nope'")));

        c = p.canLink(link(p, QStringLiteral("x"), QStringLiteral("z"), QStringLiteral("b")));
        QVERIFY(c.ok());
    }

    void typeMismatchIsExplained()
    {
        NodeRegistry r = m_registry;
        r.add(NodeType{QStringLiteral("model_sink"), QStringLiteral("Sink"), QStringLiteral("Test"), {}, {},
                       {{QStringLiteral("m"), PortType::Model, {}}}, {}, {}, [](NodeContext &) {}});
        Pipeline p(r);
        p.addNode(QStringLiteral("const"), QStringLiteral("x"), {});
        p.addNode(QStringLiteral("model_sink"), QStringLiteral("sink"), {});
        const LinkCheck c = p.addLink(Link{p.data().keyOf(QStringLiteral("x")), QStringLiteral("out"),
                                           p.data().keyOf(QStringLiteral("sink")), QStringLiteral("m")});
        QCOMPARE(c.code, LinkCheck::TypeMismatch);
        QCOMPARE(c.reason, QStringLiteral("type mismatch: x.out gives a table, sink.m takes a model"));
        QVERIFY(p.data().links().isEmpty());
    }

    void removingANodeRemovesItsLinksFirst()
    {
        Pipeline p(m_registry);
        p.addNode(QStringLiteral("const"), QStringLiteral("x"), {});
        const int y = p.addNode(QStringLiteral("add"), QStringLiteral("y"), {});
        p.addLink(link(p, QStringLiteral("x"), QStringLiteral("y")));
        QStringList order;
        connect(&p, &Pipeline::linkRemoved, this, [&] { order.append(QStringLiteral("link")); });
        connect(&p, &Pipeline::nodeRemoved, this, [&] { order.append(QStringLiteral("node")); });
        p.removeNode(y);
        QCOMPARE(order, (QStringList{QStringLiteral("link"), QStringLiteral("node")}));
        QVERIFY(p.data().links().isEmpty());
        QVERIFY(!p.data().node(y));
    }

    void paramsChangeAndReset()
    {
        Pipeline p(m_registry);
        const int x = p.addNode(QStringLiteral("const"), QStringLiteral("x"), {});
        QSignalSpy spy(&p, &Pipeline::paramChanged);
        p.setParam(x, QStringLiteral("value"), 3.0);
        p.setParam(x, QStringLiteral("value"), 3.0); // no change, no signal
        QCOMPARE(spy.size(), 1);
        QCOMPARE(effectiveParams(*p.data().node(x), m_registry).value(QStringLiteral("value")).toDouble(), 3.0);
        p.setParam(x, QStringLiteral("value"), QJsonValue(QJsonValue::Undefined));
        QCOMPARE(spy.size(), 2);
        QCOMPARE(effectiveParams(*p.data().node(x), m_registry).value(QStringLiteral("value")).toDouble(), 1.0);
    }

    void validationReportsEachProblem_data()
    {
        QTest::addColumn<int>("code");
        QTest::addColumn<QString>("message");
        QTest::newRow("unknown type") << int(Problem::UnknownNodeType) << "unknown node type 'mystery'";
        QTest::newRow("param type") << int(Problem::WrongParameterType) << "expected a number, got a string";
        QTest::newRow("param range") << int(Problem::WrongParameterType) << "must be between -1000000000 and 1000000000";
        QTest::newRow("param unknown") << int(Problem::UnknownParameter) << "unknown parameter of const";
        QTest::newRow("input missing") << int(Problem::MissingInput) << "required input is not connected";
        QTest::newRow("cycle") << int(Problem::Cycle) << "the links form a cycle through";
        QTest::newRow("duplicate id") << int(Problem::DuplicateId) << "another node already has this id";
        QTest::newRow("occupied") << int(Problem::BadLink) << "already connected";
    }

    void validationReportsEachProblem()
    {
        QFETCH(int, code);
        QFETCH(QString, message);
        PipelineData d;
        auto add = [&](const QString &id, const QString &type, QJsonObject params = {}) {
            Node n;
            n.id = id;
            n.type = type;
            n.params = params;
            return d.addNode(n);
        };
        const QString tag = QString::fromLatin1(QTest::currentDataTag());
        if (tag == u"unknown type")
            add(QStringLiteral("m"), QStringLiteral("mystery"));
        else if (tag == u"param type")
            add(QStringLiteral("x"), QStringLiteral("const"), {{QStringLiteral("value"), QStringLiteral("ten")}});
        else if (tag == u"param range")
            add(QStringLiteral("x"), QStringLiteral("const"), {{QStringLiteral("value"), 1e10}});
        else if (tag == u"param unknown")
            add(QStringLiteral("x"), QStringLiteral("const"), {{QStringLiteral("colour"), 1}});
        else if (tag == u"input missing")
            add(QStringLiteral("y"), QStringLiteral("add"));
        else if (tag == u"cycle") {
            const int a = add(QStringLiteral("a"), QStringLiteral("add"));
            const int b = add(QStringLiteral("b"), QStringLiteral("add"));
            d.addLink({a, QStringLiteral("out"), b, QStringLiteral("a")});
            d.addLink({b, QStringLiteral("out"), a, QStringLiteral("a")});
        } else if (tag == u"duplicate id") {
            add(QStringLiteral("x"), QStringLiteral("const"));
            add(QStringLiteral("x"), QStringLiteral("const"));
        } else if (tag == u"occupied") {
            const int a = add(QStringLiteral("a"), QStringLiteral("const"));
            const int b = add(QStringLiteral("b"), QStringLiteral("const"));
            const int c = add(QStringLiteral("c"), QStringLiteral("add"));
            d.addLink({a, QStringLiteral("out"), c, QStringLiteral("a")});
            d.addLink({b, QStringLiteral("out"), c, QStringLiteral("a")});
        }
        const QList<Problem> problems = validatePipeline(d, m_registry);
        QVERIFY2(!problems.isEmpty(), "expected a problem");
        bool found = false;
        for (const Problem &p : problems)
            if (p.code == code && p.toString().contains(message))
                found = true;
        QString all;
        for (const Problem &p : problems)
            all += p.toString() + u'\n';
        QVERIFY2(found, qPrintable(all));
    }

    void validPipelineHasNoProblems()
    {
        PipelineData d;
        Node x;
        x.id = QStringLiteral("x");
        x.type = QStringLiteral("const");
        const int kx = d.addNode(x);
        Node y;
        y.id = QStringLiteral("y");
        y.type = QStringLiteral("add");
        const int ky = d.addNode(y);
        d.addLink({kx, QStringLiteral("out"), ky, QStringLiteral("a")});
        QVERIFY(validatePipeline(d, m_registry).isEmpty());
    }

    void largePipelineValidatesQuickly()
    {
        // Validation must stay linear: 10,000 nodes in a chain.
        PipelineData d;
        int prev = 0;
        for (int i = 0; i < 10000; ++i) {
            Node n;
            n.id = QStringLiteral("n%1").arg(i);
            n.type = i == 0 ? QStringLiteral("const") : QStringLiteral("add");
            const int k = d.addNode(n);
            if (prev)
                d.addLink({prev, QStringLiteral("out"), k, QStringLiteral("a")});
            prev = k;
        }
        QElapsedTimer t;
        t.start();
        QVERIFY(validatePipeline(d, m_registry).isEmpty());
        // Not a speed test (that is in bench/): a quadratic algorithm would take minutes here.
        QVERIFY(t.elapsed() < 20000);
    }
};

QTEST_GUILESS_MAIN(TestPipeline)
#include "tst_pipeline.moc"
