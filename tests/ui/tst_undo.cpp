// Undo and redo of every kind of edit restore the exact model: the serialised pipeline is
// compared byte for byte after each step, backwards and forwards.

#include "ui/UiTestUtil.h"

#include "edit/Fragment.h"
#include "edit/PipelineEditor.h"

#include <QFile>
#include <QUndoStack>

#include <functional>

using namespace fb;

class TestUndo : public QObject
{
    Q_OBJECT

    using Step = std::function<void(Document &)>;

    static int key(Document &d, const QString &id) { return d.pipeline()->data().keyOf(id); }
    static Link link(Document &d, const QString &from, const QString &to)
    {
        const auto a = from.split(u'.'), b = to.split(u'.');
        return Link{key(d, a[0]), a[1], key(d, b[0]), b[1]};
    }

    // Every kind of edit the GUI makes, applied to the example pipeline.
    static QList<QPair<QString, Step>> steps()
    {
        return {
            {QStringLiteral("add node"),
             [](Document &d) {
                 d.editor()->addNode(QStringLiteral("ridge_regression"),
                                     {720, 200},
                                     QStringLiteral("ridge"));
             }},
            {QStringLiteral("connect"),
             [](Document &d) {
                 QVERIFY(
                     d.editor()
                         ->connectPorts(
                             link(d, QStringLiteral("scale.train"), QStringLiteral("ridge.train")))
                         .ok());
             }},
            {QStringLiteral("set param"),
             [](Document &d) {
                 d.editor()->setParam(key(d, QStringLiteral("ridge")), QStringLiteral("alpha"), 0.5);
             }},
            {QStringLiteral("reset param"),
             [](Document &d) {
                 d.editor()->setParam(key(d, QStringLiteral("split")),
                                      QStringLiteral("seed"),
                                      QJsonValue(QJsonValue::Undefined));
             }},
            {QStringLiteral("rename"),
             [](Document &d) {
                 QVERIFY(d.editor()
                             ->renameNode(key(d, QStringLiteral("split")), QStringLiteral("holdout"))
                             .isEmpty());
             }},
            {QStringLiteral("move"),
             [](Document &d) {
                 d.editor()->moveItems({{key(d, QStringLiteral("data")), QPointF(-20.5, 90)},
                                        {key(d, QStringLiteral("save")), QPointF(980, -100)}},
                                       {});
             }},
            {QStringLiteral("delete middle node"),
             [](Document &d) {
                 d.editor()->removeItems({key(d, QStringLiteral("scale"))}, {}, {});
             }},
            {QStringLiteral("delete link"),
             [](Document &d) {
                 d.editor()->removeItems({},
                                         {link(d,
                                               QStringLiteral("train.model"),
                                               QStringLiteral("save.model"))},
                                         {});
             }},
            {QStringLiteral("add note"),
             [](Document &d) {
                 d.editor()->addAnnotation(QRectF(0, 300, 200, 60), QStringLiteral("first"));
             }},
            {QStringLiteral("edit note"),
             [](Document &d) {
                 const int k = d.pipeline()->data().annotations().first().key;
                 d.editor()->editAnnotation(k, QStringLiteral("second"), QRectF(10, 300, 260, 90));
             }},
            {QStringLiteral("splice node into link"),
             [](Document &d) {
                 // A palette drop onto a link (one step: node and both links).
                 QVERIFY(d.editor()->addNodeIntoLink(QStringLiteral("select_columns"),
                                                     {120, 160},
                                                     link(d,
                                                          QStringLiteral("data.table"),
                                                          QStringLiteral("holdout.table"))));
             }},
            {QStringLiteral("replace input"),
             [](Document &d) {
                 // Composite steps of the GUI are macros: one undo step.
                 d.undoStack()->beginMacro(QStringLiteral("add and replace"));
                 d.editor()->addNode(QStringLiteral("sample_dataset"),
                                     {0, 400},
                                     QStringLiteral("wine"));
                 QVERIFY(d.editor()
                             ->connectPorts(link(d,
                                                 QStringLiteral("wine.table"),
                                                 QStringLiteral("select_columns.table")),
                                            {link(d,
                                                  QStringLiteral("data.table"),
                                                  QStringLiteral("select_columns.table"))})
                             .ok());
                 d.undoStack()->endMacro();
             }},
            {QStringLiteral("paste"),
             [](Document &d) {
                 const PipelineData fragment = Fragment::extract(d.pipeline()->data(),
                                                                 {key(d, QStringLiteral("train")),
                                                                  key(d,
                                                                      QStringLiteral("evaluate"))},
                                                                 {});
                 d.editor()->addFragment(Fragment::prepareForPaste(fragment,
                                                                   d.pipeline()->data(),
                                                                   {0, 300}),
                                         QStringLiteral("Paste"));
             }},
            {QStringLiteral("execution settings"),
             [](Document &d) {
                 NodeSettings s;
                 s.retries = 2;
                 s.retryDelaySeconds = 1.5;
                 s.comment = QStringLiteral("flaky");
                 d.editor()->setNodeSettings(key(d, QStringLiteral("train")),
                                             QStringLiteral("retries"),
                                             s);
             }},
            {QStringLiteral("group"),
             [](Document &d) {
                 d.editor()->groupNodes({key(d, QStringLiteral("train")), key(d, QStringLiteral("evaluate"))},
                                        QStringLiteral("model"));
             }},
            {QStringLiteral("second group takes a member"),
             [](Document &d) {
                 d.editor()->groupNodes({key(d, QStringLiteral("evaluate")), key(d, QStringLiteral("save"))},
                                        QStringLiteral("outputs"));
             }},
            {QStringLiteral("rename group"),
             [](Document &d) {
                 d.editor()->setGroupTitle(d.pipeline()->data().groups().first().key, QStringLiteral("training"));
             }},
            {QStringLiteral("ungroup the first"),
             [](Document &d) { d.editor()->ungroup({d.pipeline()->data().groups().first().key}); }},
            {QStringLiteral("pipeline name"),
             [](Document &d) { d.editor()->setPipelineName(QStringLiteral("renamed")); }},
            {QStringLiteral("delete everything"),
             [](Document &d) {
                 QList<int> nodes, notes;
                 for (const Node &n : d.pipeline()->data().nodes())
                     nodes.append(n.key);
                 for (const Annotation &a : d.pipeline()->data().annotations())
                     notes.append(a.key);
                 d.editor()->removeItems(nodes, {}, notes);
             }},
        };
    }

private Q_SLOTS:
    void everyEditUndoesAndRedoesExactly()
    {
        Document d(NodeRegistry::builtin());
        QString error;
        QVERIFY2(d.load(fbtest::examplePath(), &error), qPrintable(error));
        QFile file(fbtest::examplePath());
        QVERIFY(file.open(QIODevice::ReadOnly));
        QList<QByteArray> states{d.serialize()};
        QCOMPARE(states.first(), file.readAll()); // the model is the file, byte for byte
        QStringList names;
        for (const auto &[name, step] : steps()) {
            const int before = d.undoStack()->index();
            step(d);
            QVERIFY2(d.undoStack()->index() == before + 1 && d.undoStack()->count() == before + 1,
                     qPrintable(name + QStringLiteral(": not exactly one undo step")));
            QVERIFY2(d.serialize() != states.last(),
                     qPrintable(name + QStringLiteral(": changed nothing")));
            states.append(d.serialize());
            names.append(name);
        }
        QVERIFY(d.pipeline()->data().nodes().isEmpty());
        for (qsizetype i = states.size() - 2; i >= 0; --i) {
            d.undoStack()->undo();
            QVERIFY2(d.serialize() == states.at(i),
                     qPrintable(QStringLiteral("undo of '%1'").arg(names.at(i))));
        }
        QVERIFY(!d.isModified());
        for (qsizetype i = 1; i < states.size(); ++i) {
            d.undoStack()->redo();
            QVERIFY2(d.serialize() == states.at(i),
                     qPrintable(QStringLiteral("redo of '%1'").arg(names.at(i - 1))));
        }
        // And back once more: keys kept through the cycles keep later steps valid.
        while (d.undoStack()->canUndo())
            d.undoStack()->undo();
        QCOMPARE(d.serialize(), states.first());
    }

    void deletingTheFirstNodeRestoresOrder()
    {
        Document d(NodeRegistry::builtin());
        QString error;
        QVERIFY(d.load(fbtest::examplePath(), &error));
        const QByteArray original = d.serialize();
        d.editor()->removeItems({key(d, QStringLiteral("data")), key(d, QStringLiteral("train"))},
                                {},
                                {});
        QCOMPARE(d.pipeline()->data().nodes().size(), 4);
        QCOMPARE(d.pipeline()->data().links().size(), 3);
        d.undoStack()->undo();
        QCOMPARE(d.serialize(), original);
    }

    void editsOfOneFieldMerge()
    {
        Document d(NodeRegistry::builtin());
        const int k = d.editor()->addNode(QStringLiteral("train_test_split"),
                                          {0, 0},
                                          QStringLiteral("split"));
        const int base = d.undoStack()->count();
        const QByteArray start = d.serialize();
        for (double v : {0.3, 0.35, 0.4})
            d.editor()->setParam(k, QStringLiteral("test_size"), v);
        QCOMPARE(d.undoStack()->count(), base + 1);
        QCOMPARE(d.undoStack()->undoText(), QStringLiteral("Set split.test_size = 0.4"));
        d.editor()->setParam(k, QStringLiteral("seed"), 7);
        QCOMPARE(d.undoStack()->count(), base + 2); // another field: another step
        d.editor()->setParam(k, QStringLiteral("test_size"), 0.5);
        QCOMPARE(d.undoStack()->count(), base + 3); // not merged across the seed edit
        d.undoStack()->undo();
        d.undoStack()->undo();
        d.undoStack()->undo();
        QCOMPARE(d.serialize(), start);
    }

    void anEditBackToTheStartVanishes()
    {
        Document d(NodeRegistry::builtin());
        const int k = d.editor()->addNode(QStringLiteral("ridge_regression"), {0, 0});
        const int base = d.undoStack()->count();
        d.editor()->setParam(k, QStringLiteral("alpha"), 2.0);
        d.editor()->setParam(k, QStringLiteral("alpha"), QJsonValue(QJsonValue::Undefined));
        QCOMPARE(d.undoStack()->count(), base);
    }

    void mergingStopsAtTheSavedState()
    {
        QTemporaryDir dir;
        Document d(NodeRegistry::builtin());
        const int k = d.editor()->addNode(QStringLiteral("ridge_regression"), {0, 0});
        d.editor()->setParam(k, QStringLiteral("alpha"), 2.0);
        QString error;
        QVERIFY(d.save(dir.filePath(QStringLiteral("p.flow")), &error));
        QVERIFY(!d.isModified());
        d.editor()->setParam(k, QStringLiteral("alpha"), 3.0);
        QVERIFY(d.isModified());
        d.undoStack()->undo();
        QVERIFY(!d.isModified()); // back at the saved state
        QCOMPARE(d.pipeline()->data().node(k)->params.value(QStringLiteral("alpha")).toDouble(),
                 2.0);
    }

    void refusedEditsLeaveNoStep()
    {
        Document d(NodeRegistry::builtin());
        const int a = d.editor()->addNode(QStringLiteral("logistic_regression"),
                                          {0, 0},
                                          QStringLiteral("a"));
        const int b = d.editor()->addNode(QStringLiteral("train_test_split"),
                                          {300, 0},
                                          QStringLiteral("b"));
        const int count = d.undoStack()->count();
        QCOMPARE(d.editor()
                     ->connectPorts(Link{a, QStringLiteral("model"), b, QStringLiteral("table")})
                     .code,
                 LinkCheck::TypeMismatch);
        QVERIFY(!d.editor()->renameNode(a, QStringLiteral("b")).isEmpty());
        QVERIFY(!d.editor()->renameNode(a, QStringLiteral("has space")).isEmpty());
        QCOMPARE(d.editor()->addNode(QStringLiteral("no_such_type"), {0, 0}), 0);
        QCOMPARE(d.undoStack()->count(), count);
    }
};

FB_UI_TEST_MAIN(TestUndo)
#include "tst_undo.moc"
