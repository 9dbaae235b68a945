// The assembled window: docks, standard shortcuts that work from the keyboard, window state
// kept between sessions, palette activation, and Run All executing the pipeline with live
// node states on the canvas.

#include "ui/UiTestUtil.h"

#include "MainWindow.h"
#include "document/FileController.h"
#include "edit/EditActions.h"
#include "palette/PaletteWidget.h"
#include "palette/QuickAddPopup.h"
#include "run/LogView.h"
#include "run/RunController.h"

#include <QAction>
#include <QDockWidget>
#include <QLineEdit>
#include <QUndoStack>

using namespace fb;

namespace {

void showAndActivate(MainWindow &w)
{
    w.show();
    w.activateWindow();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    QVERIFY(QTest::qWaitForWindowActive(&w));
    w.view()->setFocus();
}

} // namespace

class TestMainWindow : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void assemblesCanvasAndDocks()
    {
        MainWindow w;
        QCOMPARE(w.centralWidget(), static_cast<QWidget *>(w.view()));
        QStringList docks;
        for (QDockWidget *d : w.findChildren<QDockWidget *>())
            docks.append(d->objectName());
        for (const char *name : {"paletteDock", "inspectorDock", "historyDock", "logDock"})
            QVERIFY2(docks.contains(QLatin1String(name)), name);
        QVERIFY(!w.windowIcon().isNull());
    }

    void standardShortcuts()
    {
        MainWindow w;
        auto has = [](QAction *a, QKeySequence::StandardKey key) {
            return a->shortcuts().contains(QKeySequence(key))
                   || QKeySequence::keyBindings(key).isEmpty();
        };
        QVERIFY(has(w.editActions()->undoAction(), QKeySequence::Undo));
        QVERIFY(has(w.editActions()->redoAction(), QKeySequence::Redo));
        QVERIFY(has(w.editActions()->copyAction(), QKeySequence::Copy));
        QVERIFY(has(w.editActions()->cutAction(), QKeySequence::Cut));
        QVERIFY(has(w.editActions()->pasteAction(), QKeySequence::Paste));
        QVERIFY(w.editActions()->deleteAction()->shortcuts().contains(QKeySequence(Qt::Key_Delete)));
        // Ctrl+D is Duplicate only (X11's Delete bindings include Ctrl+D: no ambiguity allowed).
        int ctrlD = 0;
        for (QAction *a : w.findChildren<QAction *>())
            ctrlD += a->shortcuts().contains(QKeySequence(QStringLiteral("Ctrl+D")));
        QCOMPARE(ctrlD, 1);
        QVERIFY(has(w.editActions()->selectAllAction(), QKeySequence::SelectAll));
        QVERIFY(has(w.editActions()->zoomInAction(), QKeySequence::ZoomIn));
        QVERIFY(has(w.fileController()->newAction(), QKeySequence::New));
        QVERIFY(has(w.fileController()->openAction(), QKeySequence::Open));
        QVERIFY(has(w.fileController()->saveAction(), QKeySequence::Save));
        QVERIFY(has(w.fileController()->saveAsAction(), QKeySequence::SaveAs));
        QCOMPARE(w.editActions()->duplicateAction()->shortcut(),
                 QKeySequence(QStringLiteral("Ctrl+D")));
        QCOMPARE(w.runController()->runAllAction()->shortcut(), QKeySequence(Qt::Key_F5));
    }

    void keyboardEditing()
    {
        MainWindow w;
        showAndActivate(w);
        QVERIFY(w.openFile(fbtest::examplePath()));
        const QByteArray original = w.document()->serialize();
        QWidget *canvas = w.view()->viewport();
        QTest::keyClick(canvas, Qt::Key_A, Qt::ControlModifier);
        QCOMPARE(w.scene()->selectedNodeKeys().size(), 6);
        QVERIFY(w.editActions()->deleteAction()->isEnabled());
        QTest::keyClick(canvas, Qt::Key_Delete);
        QVERIFY(w.document()->pipeline()->data().nodes().isEmpty());
        QVERIFY(w.isWindowModified());
        QTest::keyClick(canvas, Qt::Key_Z, Qt::ControlModifier);
        QCOMPARE(w.document()->serialize(), original);
        QVERIFY(!w.isWindowModified());
        QTest::keyClick(canvas, Qt::Key_Z, Qt::ControlModifier | Qt::ShiftModifier);
        QVERIFY(w.document()->pipeline()->data().nodes().isEmpty());
    }

    void spaceOpensQuickAdd()
    {
        MainWindow w;
        showAndActivate(w);
        QTest::keyPress(w.view(), Qt::Key_Space);
        QTest::keyRelease(w.view(), Qt::Key_Space);
        QTRY_VERIFY(w.view()->quickAddPopup()->isVisible());
        QTest::keyClicks(w.view()->quickAddPopup()->searchField(), QStringLiteral("dataset"));
        QTest::keyClick(w.view()->quickAddPopup()->searchField(), Qt::Key_Return);
        QCOMPARE(w.document()->pipeline()->data().nodes().size(), 1);
        QCOMPARE(w.document()->pipeline()->data().nodes().first().type,
                 QStringLiteral("sample_dataset"));
    }

    void paletteActivationAddsNextToTheSelectionAndConnects()
    {
        MainWindow w;
        showAndActivate(w);
        PipelineEditor *e = w.document()->editor();
        const int data = e->addNode(QStringLiteral("sample_dataset"),
                                    {0, 0},
                                    QStringLiteral("data"));
        w.scene()->selectOnly({data});
        Q_EMIT w.paletteWidget()->typeActivated(QStringLiteral("train_test_split"));
        const PipelineData &d = w.document()->pipeline()->data();
        QCOMPARE(d.nodes().size(), 2);
        QCOMPARE(d.links().size(), 1);
        const Node &split = d.nodes().last();
        QVERIFY(split.position.x() > 150);
        QCOMPARE(d.links().first(),
                 (Link{data, QStringLiteral("table"), split.key, QStringLiteral("table")}));
        QCOMPARE(w.scene()->selectedNodeKeys(), QList<int>{split.key});
        QCOMPARE(w.document()->undoStack()->undoText(),
                 QStringLiteral("Add Train/Test Split and connect"));
    }

    void windowStateIsRemembered()
    {
        {
            MainWindow w;
            w.show();
            QVERIFY(QTest::qWaitForWindowExposed(&w));
            w.findChild<QDockWidget *>(QStringLiteral("logDock"))->hide();
            w.resize(1000, 700);
            QVERIFY(w.close());
        }
        MainWindow w2;
        w2.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w2));
        QVERIFY(!w2.findChild<QDockWidget *>(QStringLiteral("logDock"))->isVisible());
        QCOMPARE(w2.size(), QSize(1000, 700));
        w2.findChild<QDockWidget *>(QStringLiteral("logDock"))->show();
        QVERIFY(w2.close());
    }

    void runAllShowsNodeStates()
    {
        MainWindow w;
        showAndActivate(w);
        QVERIFY(w.openFile(fbtest::examplePath()));
        QTest::keyClick(w.view()->viewport(), Qt::Key_F5);
        QVERIFY(!w.runController()->runAllAction()->isEnabled() || !w.runController()->isRunning());
        QTRY_VERIFY_WITH_TIMEOUT(!w.runController()->isRunning()
                                     && w.runController()->runAllAction()->isEnabled(),
                                 60000);
        for (NodeItem *item : w.scene()->nodeItems()) {
            QVERIFY2(item->runState() == TaskState::Success,
                     qPrintable(item->nodeId() + u' ' + taskStateName(item->runState())));
            QVERIFY(item->elapsedMs() >= 0);
            QVERIFY(item->toolTip().contains(QStringLiteral("success")));
        }
        QVERIFY(w.log()->toPlainText().contains(QStringLiteral("finished: success")));
        // A new run starts from a clean slate.
        w.scene()->clearRunStates();
        QCOMPARE(w.scene()->nodeItemById(QStringLiteral("train"))->runState(), TaskState::None);
    }

    void aPipelineThatCannotRunSaysWhy()
    {
        MainWindow w;
        showAndActivate(w);
        w.document()->editor()->addNode(QStringLiteral("csv_source"), {0, 0}, QStringLiteral("csv"));
        QVERIFY(!w.runController()->run());
        QVERIFY(w.log()->toPlainText().contains(QStringLiteral("csv")));
        QVERIFY(w.log()->toPlainText().contains(QStringLiteral("path")));
    }
};

FB_UI_TEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"
