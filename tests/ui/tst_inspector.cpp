// The inspector through its real widgets: editors generated from the parameter schema, edits
// that become (merged) undo steps, inline messages, reset to default, renaming with validation.

#include "ui/UiTestUtil.h"

#include "inspector/InspectorWidget.h"
#include "inspector/NodeInspector.h"
#include "inspector/ParamEditor.h"
#include "inspector/PipelineInspector.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QSignalSpy>
#include <QSpinBox>
#include <QToolButton>
#include <QUndoStack>

using namespace fb;

namespace {

struct Harness : fbtest::Canvas
{
    InspectorWidget inspector{&document, &scene};
    Harness()
    {
        inspector.resize(380, 900);
        inspector.show();
        QVERIFY(QTest::qWaitForWindowExposed(&inspector));
    }
    NodeInspector *node() { return inspector.nodeInspector(); }
    int select(const QString &id)
    {
        const int k = pipeline().data().keyOf(id);
        scene.selectOnly({k});
        return k;
    }
    QJsonValue param(const QString &id, const QString &name)
    {
        const Node *n = pipeline().data().nodeById(id);
        return n && n->params.contains(name) ? n->params.value(name)
                                             : QJsonValue(QJsonValue::Undefined);
    }
    template<typename W>
    W *field(const QString &name)
    {
        ParamEditor *e = node()->paramEditor(name);
        return e ? qobject_cast<W *>(e->field()) : nullptr;
    }
    void typeInto(QWidget *w, const QString &text)
    {
        w->setFocus();
        QTest::keyClick(w, Qt::Key_A, Qt::ControlModifier);
        QTest::keyClicks(w, text);
    }
};

} // namespace

class TestInspector : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void editorsFollowTheSchema()
    {
        Harness h;
        h.add(QStringLiteral("train_test_split"), {0, 0}, QStringLiteral("split"));
        h.add(QStringLiteral("csv_source"), {0, 200}, QStringLiteral("csv"));
        h.select(QStringLiteral("split"));
        QVERIFY(h.inspector.isShowingNode());
        auto *testSize = h.field<QDoubleSpinBox>(QStringLiteral("test_size"));
        QVERIFY(testSize);
        QCOMPARE(testSize->minimum(), 0.01);
        QCOMPARE(testSize->maximum(), 0.99);
        QCOMPARE(testSize->value(), 0.25); // the default shows
        QCOMPARE(testSize->text(), QStringLiteral("0.25"));
        auto *seed = h.field<QSpinBox>(QStringLiteral("seed"));
        QVERIFY(seed);
        QCOMPARE(seed->value(), 42);
        QCOMPARE(seed->minimum(), 0);
        QVERIFY(h.field<QCheckBox>(QStringLiteral("stratify")));
        QVERIFY(!h.node()
                     ->paramEditor(QStringLiteral("seed"))
                     ->resetButton()
                     ->isVisible()); // not set explicitly

        h.select(QStringLiteral("csv"));
        auto *delimiter = h.field<QComboBox>(QStringLiteral("delimiter"));
        QVERIFY(delimiter);
        QCOMPARE(delimiter->count(), 4);
        QCOMPARE(delimiter->currentText(), QStringLiteral("auto"));
        QVERIFY(h.field<QLineEdit>(QStringLiteral("path")));
        QVERIFY(
            h.node()->paramEditor(QStringLiteral("path"))->findChild<QToolButton *>()); // file picker
        QVERIFY(h.field<QLineEdit>(QStringLiteral("categorical")));
    }

    void typingIntoASpinBoxIsOneMergedStep()
    {
        Harness h;
        h.add(QStringLiteral("train_test_split"), {0, 0}, QStringLiteral("split"));
        h.select(QStringLiteral("split"));
        const QByteArray before = fbtest::json(h.pipeline());
        const int index = h.document.undoStack()->index();
        auto *testSize = h.field<QDoubleSpinBox>(QStringLiteral("test_size"));
        h.typeInto(testSize, QStringLiteral("0.35"));
        QCOMPARE(h.param(QStringLiteral("split"), QStringLiteral("test_size")).toDouble(), 0.35);
        QCOMPARE(h.document.undoStack()->index(), index + 1);
        QCOMPARE(h.document.undoStack()->undoText(), QStringLiteral("Set split.test_size = 0.35"));
        QVERIFY(h.node()
                    ->paramEditor(QStringLiteral("test_size"))
                    ->resetButton()
                    ->isVisibleTo(&h.inspector));

        // Arrow keys on another field: their own step, merged too.
        auto *seed = h.field<QSpinBox>(QStringLiteral("seed"));
        seed->setFocus();
        for (int i = 0; i < 3; ++i)
            QTest::keyClick(seed, Qt::Key_Up);
        QCOMPARE(h.param(QStringLiteral("split"), QStringLiteral("seed")).toInt(), 45);
        QCOMPARE(h.document.undoStack()->index(), index + 2);

        // Undo updates the widgets from the model.
        h.document.undoStack()->undo();
        QCOMPARE(seed->value(), 42);
        h.document.undoStack()->undo();
        QCOMPARE(testSize->value(), 0.25);
        QCOMPARE(fbtest::json(h.pipeline()), before);
        h.document.undoStack()->redo();
        QCOMPARE(testSize->value(), 0.35);
    }

    void checkBoxComboAndTextEdits()
    {
        Harness h;
        h.add(QStringLiteral("train_test_split"), {0, 0}, QStringLiteral("split"));
        h.add(QStringLiteral("csv_source"), {0, 200}, QStringLiteral("csv"));
        h.select(QStringLiteral("split"));
        auto *stratify = h.field<QCheckBox>(QStringLiteral("stratify"));
        QTest::mouseClick(stratify, Qt::LeftButton, {}, QPoint(8, stratify->height() / 2));
        QCOMPARE(h.param(QStringLiteral("split"), QStringLiteral("stratify")), QJsonValue(true));

        h.select(QStringLiteral("csv"));
        auto *delimiter = h.field<QComboBox>(QStringLiteral("delimiter"));
        delimiter->setFocus();
        QTest::keyClick(delimiter, Qt::Key_Down);
        QCOMPARE(h.param(QStringLiteral("csv"), QStringLiteral("delimiter")),
                 QJsonValue(QStringLiteral("comma")));

        h.typeInto(h.field<QLineEdit>(QStringLiteral("categorical")), QStringLiteral("color, size"));
        QCOMPARE(h.param(QStringLiteral("csv"), QStringLiteral("categorical")),
                 QJsonValue(QJsonArray{QStringLiteral("color"), QStringLiteral("size")}));
        const int index = h.document.undoStack()->index();
        h.typeInto(h.field<QLineEdit>(QStringLiteral("path")), QStringLiteral("data/iris.csv"));
        QCOMPARE(h.param(QStringLiteral("csv"), QStringLiteral("path")),
                 QJsonValue(QStringLiteral("data/iris.csv")));
        QCOMPARE(h.document.undoStack()->index(), index + 1); // 13 keystrokes, one step
    }

    void requiredAndInvalidValuesAreExplainedInline()
    {
        Harness h;
        h.add(QStringLiteral("csv_source"), {0, 0}, QStringLiteral("csv"));
        h.select(QStringLiteral("csv"));
        ParamEditor *path = h.node()->paramEditor(QStringLiteral("path"));
        QTRY_VERIFY(path->problem().contains(QStringLiteral("required parameter is not set")));
        QVERIFY(
            path->findChild<QLabel *>(QStringLiteral("message_path"))->isVisibleTo(&h.inspector));
        h.typeInto(path->field(), QStringLiteral("x.csv"));
        QTRY_VERIFY(path->problem().isEmpty());
        QVERIFY(
            !path->findChild<QLabel *>(QStringLiteral("message_path"))->isVisibleTo(&h.inspector));

        // A value out of range (from a hand-edited file) is shown with the schema's reason.
        h.document.editor()->setParam(h.pipeline().data().keyOf(QStringLiteral("csv")),
                                      QStringLiteral("delimiter"),
                                      QStringLiteral("pipe"));
        QTRY_VERIFY(h.node()
                        ->paramEditor(QStringLiteral("delimiter"))
                        ->problem()
                        .contains(QStringLiteral("pipe")));
        // Problems of the node that are not about one parameter show at the top.
        h.add(QStringLiteral("train_test_split"), {300, 0}, QStringLiteral("split"));
        h.select(QStringLiteral("split"));
        QTRY_VERIFY(h.node()->nodeProblems().join(u' ').contains(
            QStringLiteral("required input is not connected")));
    }

    void resetButtonRestoresTheDefault()
    {
        Harness h;
        h.add(QStringLiteral("ridge_regression"), {0, 0}, QStringLiteral("ridge"));
        h.select(QStringLiteral("ridge"));
        h.typeInto(h.field<QDoubleSpinBox>(QStringLiteral("alpha")), QStringLiteral("3"));
        QCOMPARE(h.param(QStringLiteral("ridge"), QStringLiteral("alpha")).toDouble(), 3.0);
        QToolButton *reset = h.node()->paramEditor(QStringLiteral("alpha"))->resetButton();
        QVERIFY(reset->isVisibleTo(&h.inspector));
        QTest::mouseClick(reset, Qt::LeftButton);
        QVERIFY(h.param(QStringLiteral("ridge"), QStringLiteral("alpha")).isUndefined());
        QCOMPARE(h.field<QDoubleSpinBox>(QStringLiteral("alpha"))->value(), 1.0);
        QVERIFY(!reset->isVisibleTo(&h.inspector));
    }

    void renameThroughTheIdFieldIsValidated()
    {
        Harness h;
        h.add(QStringLiteral("ridge_regression"), {0, 0}, QStringLiteral("ridge"));
        h.add(QStringLiteral("evaluate"), {300, 0}, QStringLiteral("evaluate"));
        const int k = h.select(QStringLiteral("ridge"));
        QLineEdit *id = h.node()->idField();
        const int index = h.document.undoStack()->index();

        h.typeInto(id, QStringLiteral("a.b"));
        QVERIFY2(h.node()->idProblem().contains(QStringLiteral("'a.b' is not a valid id")),
                 qPrintable(h.node()->idProblem()));
        QTest::keyClick(id, Qt::Key_Return);
        QCOMPARE(h.pipeline().data().node(k)->id, QStringLiteral("ridge"));

        h.typeInto(id, QStringLiteral("evaluate"));
        QCOMPARE(h.node()->idProblem(), QStringLiteral("another node is already called 'evaluate'"));
        QTest::keyClick(id, Qt::Key_Return);
        QCOMPARE(h.pipeline().data().node(k)->id, QStringLiteral("ridge"));
        QCOMPARE(h.document.undoStack()->index(), index);

        h.typeInto(id, QStringLiteral("model_a"));
        QVERIFY(h.node()->idProblem().isEmpty());
        QTest::keyClick(id, Qt::Key_Return);
        QCOMPARE(h.pipeline().data().node(k)->id, QStringLiteral("model_a"));
        QCOMPARE(h.document.undoStack()->index(), index + 1);
        QCOMPARE(h.scene.nodeItem(k)->nodeId(), QStringLiteral("model_a"));
        h.document.undoStack()->undo();
        QCOMPARE(id->text(), QStringLiteral("ridge"));
    }

    void executionSettingsAndComment()
    {
        Harness h;
        h.add(QStringLiteral("ridge_regression"), {0, 0}, QStringLiteral("ridge"));
        const int k = h.select(QStringLiteral("ridge"));
        const int index = h.document.undoStack()->index();
        h.node()->retriesField()->setFocus();
        QTest::keyClick(h.node()->retriesField(), Qt::Key_Up);
        QTest::keyClick(h.node()->retriesField(), Qt::Key_Up);
        QCOMPARE(h.pipeline().data().node(k)->retries, 2);
        QCOMPARE(h.document.undoStack()->index(), index + 1);
        h.node()->commentField()->setFocus();
        QTest::keyClicks(h.node()->commentField(), QStringLiteral("tune alpha"));
        QCOMPARE(h.pipeline().data().node(k)->comment, QStringLiteral("tune alpha"));
        QCOMPARE(h.document.undoStack()->index(), index + 2);
        h.document.undoStack()->undo();
        h.document.undoStack()->undo();
        QCOMPARE(h.pipeline().data().node(k)->retries, 0);
        QCOMPARE(h.node()->retriesField()->value(), 0);
        QVERIFY(h.node()->commentField()->toPlainText().isEmpty());
    }

    void withoutSelectionThePipelineShows()
    {
        Harness h;
        h.add(QStringLiteral("train_test_split"), {0, 0}, QStringLiteral("split"));
        h.scene.clearSelection();
        PipelineInspector *p = h.inspector.pipelineInspector();
        QVERIFY(p->isVisibleTo(&h.inspector));
        h.typeInto(p->nameField(), QStringLiteral("churn"));
        QCOMPARE(h.pipeline().data().name, QStringLiteral("churn"));
        QCOMPARE(h.document.undoStack()->undoText(), QStringLiteral("Rename pipeline"));
        // The problems list leads to the node.
        QTRY_VERIFY(p->problemList()->count() > 0);
        QSignalSpy requested(&h.inspector, &InspectorWidget::nodeRequested);
        QListWidgetItem *item = p->problemList()->item(0);
        QTest::mouseClick(p->problemList()->viewport(),
                          Qt::LeftButton,
                          {},
                          p->problemList()->visualItemRect(item).center());
        QCOMPARE(requested.size(), 1);
        QCOMPARE(requested.first().first().toString(), QStringLiteral("split"));
    }

    void multipleSelectionShowsASummary()
    {
        Harness h;
        const int a = h.add(QStringLiteral("ridge_regression"), {0, 0});
        const int b = h.add(QStringLiteral("evaluate"), {300, 0});
        h.scene.selectOnly({a, b});
        QVERIFY(!h.inspector.isShowingNode());
        QCOMPARE(h.node()->nodeKey(), 0);
    }
};

FB_UI_TEST_MAIN(TestInspector)
#include "tst_inspector.moc"
