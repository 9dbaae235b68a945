// Getting around a pipeline: touchpad pinch (native and gesture-framework events), the overview
// map of a large pipeline, grid snap switched off from the View menu, and the History dock
// taking the pipeline back to any earlier step.

#include "ui/UiTestUtil.h"

#include "MainWindow.h"
#include "canvas/Minimap.h"
#include "edit/EditActions.h"

#include <QAction>
#include <QGestureEvent>
#include <QNativeGestureEvent>
#include <QPinchGesture>
#include <QPointingDevice>
#include <QSettings>
#include <QUndoStack>
#include <QUndoView>

using namespace fb;
using fbtest::Canvas;

namespace {

// `count` unconnected nodes on a wide grid, far larger than one view at 100 %.
void addGrid(Canvas &c, int count)
{
    for (int i = 0; i < count; ++i)
        c.add(QStringLiteral("standardize"), QPointF((i % 10) * 300, (i / 10) * 200));
}

QPointF sceneUnder(Canvas &c, QPoint viewportPos)
{
    return c.view.mapToScene(viewportPos);
}

} // namespace

class TestNavigation : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void nativePinchZoomsAroundTheFingers()
    {
        Canvas c;
        addGrid(c, 4);
        const QPoint fingers(300, 250);
        const QPointF before = sceneUnder(c, fingers);
        const qreal zoom = c.view.zoom();
        // macOS and Wayland/libinput deliver pinch as native zoom gestures: value = scale - 1.
        for (qreal step : {0.1, 0.1, 0.1}) {
            QNativeGestureEvent pinch(Qt::ZoomNativeGesture,
                                      QPointingDevice::primaryPointingDevice(),
                                      2,
                                      QPointF(fingers),
                                      QPointF(fingers),
                                      QPointF(c.viewport()->mapToGlobal(fingers)),
                                      step,
                                      QPointF(),
                                      1);
            QApplication::sendEvent(c.viewport(), &pinch);
            QVERIFY(pinch.isAccepted());
        }
        QVERIFY(qAbs(c.view.zoom() - zoom * 1.1 * 1.1 * 1.1) < 1e-6);
        // The point under the fingers stays under them.
        QVERIFY(QLineF(sceneUnder(c, fingers), before).length() < 2.0);

        // Pinching in again goes back out.
        QNativeGestureEvent out(Qt::ZoomNativeGesture,
                                QPointingDevice::primaryPointingDevice(),
                                2,
                                QPointF(fingers),
                                QPointF(fingers),
                                QPointF(c.viewport()->mapToGlobal(fingers)),
                                -0.5,
                                QPointF(),
                                2);
        QApplication::sendEvent(c.viewport(), &out);
        QVERIFY(c.view.zoom() < zoom);
    }

    void gesturePinchZooms()
    {
        Canvas c;
        addGrid(c, 4);
        const QPoint centre(500, 300);
        const QPointF before = sceneUnder(c, centre);
        const qreal zoom = c.view.zoom();
        // Touch screens (X11/XInput) go through the gesture framework: QPinchGesture.
        QPinchGesture pinch;
        pinch.setCenterPoint(QPointF(c.viewport()->mapToGlobal(centre)));
        pinch.setScaleFactor(1.5);
        pinch.setChangeFlags(QPinchGesture::ScaleFactorChanged);
        QGestureEvent event({&pinch});
        QApplication::sendEvent(c.viewport(), &event);
        QVERIFY(qAbs(c.view.zoom() - zoom * 1.5) < 1e-6);
        QVERIFY(QLineF(sceneUnder(c, centre), before).length() < 2.0);
        // A pinch that only moves its centre does not zoom.
        pinch.setChangeFlags(QPinchGesture::CenterPointChanged);
        QGestureEvent move({&pinch});
        QApplication::sendEvent(c.viewport(), &move);
        QVERIFY(qAbs(c.view.zoom() - zoom * 1.5) < 1e-6);
    }

    void overviewMapShowsAndMovesTheView()
    {
        Canvas c;
        Minimap *map = c.view.minimap();
        addGrid(c, 2);
        c.view.zoomToFit();
        // Everything fits: no map.
        QTRY_VERIFY(!map->isVisible());

        addGrid(c, 100); // 3,000 x 2,000 scene units
        c.view.resetZoom();
        c.view.centerOn(QPointF(0, 0));
        QTRY_VERIFY(map->isVisible());
        // In the bottom-right corner of the canvas, inside it.
        QVERIFY(c.view.rect().contains(map->geometry()));
        QVERIFY(map->geometry().right() > c.view.width() * 3 / 4);
        QVERIFY(map->geometry().bottom() > c.view.height() * 3 / 4);

        // A click on the right end of the map brings the right end of the pipeline into view.
        const QRectF content = c.scene.contentRect();
        const QPoint rightEnd(map->width() - 12, map->height() / 2);
        QTest::mouseClick(map, Qt::LeftButton, Qt::NoModifier, rightEnd);
        QRectF visible = c.view.mapToScene(c.viewport()->rect()).boundingRect();
        QVERIFY2(visible.right() > content.right() - 100,
                 qPrintable(QStringLiteral("visible right %1, content right %2")
                                .arg(visible.right())
                                .arg(content.right())));

        // Dragging over the map pans continuously, and back to the left end.
        QTest::mousePress(map, Qt::LeftButton, Qt::NoModifier, rightEnd);
        for (int x = rightEnd.x(); x >= 12; x -= 20)
            QTest::mouseMove(map, QPoint(x, map->height() / 2));
        QTest::mouseMove(map, QPoint(12, map->height() / 2));
        QTest::mouseRelease(map, Qt::LeftButton, Qt::NoModifier, QPoint(12, map->height() / 2));
        visible = c.view.mapToScene(c.viewport()->rect()).boundingRect();
        QVERIFY2(visible.left() < content.left() + 100,
                 qPrintable(QStringLiteral("visible left %1").arg(visible.left())));

        // Switched off by the user, it stays off.
        map->setEnabledByUser(false);
        QVERIFY(!map->isVisible());
        c.view.centerOn(content.center());
        map->refresh();
        QTest::qWait(100);
        QVERIFY(!map->isVisible());
    }

    void snapToGridCanBeSwitchedOff()
    {
        MainWindow w;
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QAction *snap = w.editActions()->snapAction();
        QVERIFY(snap->isChecked());
        const int key = w.document()->editor()->addNode(QStringLiteral("standardize"),
                                                        QPointF(100, 100),
                                                        QStringLiteral("scale"));
        CanvasView *view = w.view();
        view->resetZoom();
        view->centerOn(QPointF(200, 150));
        auto dragBy = [&](QPointF delta) {
            NodeItem *item = w.scene()->nodeItemById(QStringLiteral("scale"));
            const QPointF grab = item->mapToScene(QPointF(60, 18));
            const QPoint from = view->mapFromScene(grab), to = view->mapFromScene(grab + delta);
            QTest::mousePress(view->viewport(), Qt::LeftButton, Qt::NoModifier, from);
            for (int i = 1; i <= 4; ++i)
                QTest::mouseMove(view->viewport(), from + (to - from) * i / 4);
            QTest::mouseRelease(view->viewport(), Qt::LeftButton, Qt::NoModifier, to);
        };
        dragBy(QPointF(37, 23));
        QCOMPARE(w.document()->pipeline()->data().node(key)->position, QPointF(140, 120));

        snap->trigger(); // View › Snap to Grid off
        QVERIFY(!w.scene()->snapToGrid());
        QCOMPARE(QSettings().value(QStringLiteral("canvas/snap")).toBool(), false);
        dragBy(QPointF(37, 23));
        QCOMPARE(w.document()->pipeline()->data().node(key)->position, QPointF(177, 143));
        snap->trigger();
        QVERIFY(w.scene()->snapToGrid());
    }

    void historyDockGoesBackToAnyStep()
    {
        MainWindow w;
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        auto *history = w.findChild<QUndoView *>(QStringLiteral("history"));
        QVERIFY(history);
        QVERIFY(history->isVisibleTo(&w));
        PipelineEditor *editor = w.document()->editor();
        QList<QByteArray> states{w.document()->serialize()};
        const int a = editor->addNode(QStringLiteral("sample_dataset"),
                                      {0, 0},
                                      QStringLiteral("data"));
        states.append(w.document()->serialize());
        const int b = editor->addNode(QStringLiteral("train_test_split"),
                                      {300, 0},
                                      QStringLiteral("split"));
        states.append(w.document()->serialize());
        QVERIFY(
            editor->connectPorts(Link{a, QStringLiteral("table"), b, QStringLiteral("table")}).ok());
        states.append(w.document()->serialize());
        editor->setParam(b, QStringLiteral("test_size"), 0.3);
        states.append(w.document()->serialize());
        QCOMPARE(history->model()->rowCount(), 5); // "<opened>" + four steps
        QVERIFY(history->model()->index(3, 0).data().toString().contains(QStringLiteral("onnect")));

        // Clicking an entry (with the mouse, in the dock's list) restores exactly that state;
        // clicking a later one goes forward again.
        auto click = [&](int row) {
            history->raise();
            const QRect r = history->visualRect(history->model()->index(row, 0));
            QVERIFY(r.isValid());
            QTest::mouseClick(history->viewport(), Qt::LeftButton, Qt::NoModifier, r.center());
        };
        for (int row : {1, 0, 3, 4, 2}) {
            click(row);
            QCOMPARE(w.document()->undoStack()->index(), row);
            QCOMPARE(w.document()->serialize(), states.at(row));
        }
        // A new edit from a past step drops the steps after it, as everywhere else.
        QVERIFY(editor->renameNode(a, QStringLiteral("iris")).isEmpty());
        QCOMPARE(history->model()->rowCount(), 4);
    }
};

FB_UI_TEST_MAIN(TestNavigation)
#include "tst_navigation.moc"
