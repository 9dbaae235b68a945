// The canvas driven like a user drives it: palette drops, port drags with the mouse, refusals
// with reasons, splicing into links, quick-add, moving, renaming in place, notes.

#include "ui/UiTestUtil.h"

#include "canvas/AnnotationItem.h"
#include "canvas/GroupItem.h"
#include "canvas/InlineRenameEditor.h"
#include "canvas/LinkItem.h"
#include "canvas/NodeGeometry.h"
#include "edit/PipelineEditor.h"
#include "palette/PaletteModel.h"
#include "palette/PaletteWidget.h"
#include "palette/QuickAddPopup.h"

#include <QLineEdit>
#include <QSignalSpy>
#include <QUndoStack>

using namespace fb;
using fbtest::Canvas;

class TestCanvas : public QObject
{
    Q_OBJECT

    // dataset(0,0) -> split(300,0), plus an unconnected logistic regression below.
    void buildChain(Canvas &c)
    {
        c.add(QStringLiteral("sample_dataset"), {0, 0}, QStringLiteral("data"));
        c.add(QStringLiteral("train_test_split"), {300, 0}, QStringLiteral("split"));
        c.add(QStringLiteral("logistic_regression"), {300, 240}, QStringLiteral("train"));
        const Link l{c.pipeline().data().keyOf(QStringLiteral("data")),
                     QStringLiteral("table"),
                     c.pipeline().data().keyOf(QStringLiteral("split")),
                     QStringLiteral("table")};
        QVERIFY(c.document.editor()->connectPorts(l).ok());
    }

    static bool hasLink(Pipeline &p, const QString &from, const QString &to)
    {
        const auto a = from.split(u'.'), b = to.split(u'.');
        return p.data().links().contains(
            Link{p.data().keyOf(a[0]), a[1], p.data().keyOf(b[0]), b[1]});
    }

private Q_SLOTS:
    void paletteDropCreatesNodeWhereDropped()
    {
        Canvas c;
        PaletteWidget palette(NodeRegistry::builtin());
        const QModelIndex index = palette.model()->indexOfType(QStringLiteral("train_test_split"));
        QVERIFY(index.isValid());
        std::unique_ptr<QMimeData> mime(palette.model()->mimeData({index}));
        QVERIFY(mime);
        const QPoint at = c.toView(QPointF(503, 317));
        QVERIFY(fbtest::dropOnCanvas(c.view, mime.get(), at));

        QCOMPARE(c.pipeline().data().nodes().size(), 1);
        const Node &n = c.pipeline().data().nodes().first();
        QCOMPARE(n.type, QStringLiteral("train_test_split"));
        QCOMPARE(n.id, QStringLiteral("train_test_split"));
        // The header's middle lands under the cursor, snapped to the grid.
        const QPointF expected = c.scene.snapNodePosition(
            c.view.mapToScene(at)
            - QPointF(NodeGeometry::width / 2, NodeGeometry::headerHeight / 2));
        QCOMPARE(n.position, expected);
        QVERIFY(c.scene.nodeItem(n.key));
        QCOMPARE(c.scene.selectedNodeKeys(), QList<int>{n.key});
        c.document.undoStack()->undo();
        QVERIFY(c.pipeline().data().nodes().isEmpty());
        QVERIFY(c.scene.nodeItems().isEmpty());
    }

    void dropOnLinkSplicesNodeIn()
    {
        Canvas c;
        buildChain(c);
        const QByteArray before = fbtest::json(c.pipeline());
        PaletteWidget palette(NodeRegistry::builtin());
        std::unique_ptr<QMimeData> mime(palette.model()->mimeData(
            {palette.model()->indexOfType(QStringLiteral("select_columns"))}));
        const Link link = c.pipeline().data().links().first();
        LinkItem *li = c.scene.linkItem(link);
        QVERIFY(li);
        const QPointF mid = LinkItem::curve(li->fromPos(), li->toPos()).pointAtPercent(0.5);
        QVERIFY(fbtest::dropOnCanvas(c.view, mime.get(), c.toView(mid)));

        QVERIFY(hasLink(c.pipeline(),
                        QStringLiteral("data.table"),
                        QStringLiteral("select_columns.table")));
        QVERIFY(hasLink(c.pipeline(),
                        QStringLiteral("select_columns.table"),
                        QStringLiteral("split.table")));
        QVERIFY(!hasLink(c.pipeline(), QStringLiteral("data.table"), QStringLiteral("split.table")));
        // One step undoes the node and both links.
        c.document.undoStack()->undo();
        QCOMPARE(fbtest::json(c.pipeline()), before);
        c.document.undoStack()->redo();
        QVERIFY(hasLink(c.pipeline(),
                        QStringLiteral("select_columns.table"),
                        QStringLiteral("split.table")));
    }

    void dragFromOutputToInputConnects()
    {
        Canvas c;
        c.add(QStringLiteral("sample_dataset"), {0, 0}, QStringLiteral("data"));
        c.add(QStringLiteral("train_test_split"), {320, 60}, QStringLiteral("split"));
        c.drag(c.portPos(QStringLiteral("data"), QStringLiteral("table"), true),
               c.portPos(QStringLiteral("split"), QStringLiteral("table"), false));
        QVERIFY(hasLink(c.pipeline(), QStringLiteral("data.table"), QStringLiteral("split.table")));
        QVERIFY(!c.scene.isDraggingLink());
        QCOMPARE(c.scene.linkItems().size(), 1);
        QVERIFY(c.item(QStringLiteral("split"))->isPortConnected(QStringLiteral("table"), false));
        c.document.undoStack()->undo();
        QVERIFY(c.pipeline().data().links().isEmpty());
        QVERIFY(c.scene.linkItems().isEmpty());
    }

    void dragFromInputToOutputConnects()
    {
        Canvas c;
        c.add(QStringLiteral("sample_dataset"), {0, 0}, QStringLiteral("data"));
        c.add(QStringLiteral("train_test_split"), {320, 60}, QStringLiteral("split"));
        c.drag(c.portPos(QStringLiteral("split"), QStringLiteral("table"), false),
               c.portPos(QStringLiteral("data"), QStringLiteral("table"), true));
        QVERIFY(hasLink(c.pipeline(), QStringLiteral("data.table"), QStringLiteral("split.table")));
    }

    void dropOnNodeBodyPicksTheCompatiblePort()
    {
        Canvas c;
        c.add(QStringLiteral("logistic_regression"), {0, 0}, QStringLiteral("train"));
        c.add(QStringLiteral("evaluate"), {320, 0}, QStringLiteral("evaluate"));
        // Drop on the header of evaluate: its 'model' input is the one that takes a model.
        const QPointF header = c.item(QStringLiteral("evaluate"))->mapToScene(QPointF(90, 20));
        c.drag(c.portPos(QStringLiteral("train"), QStringLiteral("model"), true), c.toView(header));
        QVERIFY(
            hasLink(c.pipeline(), QStringLiteral("train.model"), QStringLiteral("evaluate.model")));
    }

    void refusedLinkSaysWhy_data()
    {
        QTest::addColumn<QString>("from");
        QTest::addColumn<QString>("to");
        QTest::addColumn<QString>("reason");
        QTest::newRow("type mismatch")
            << "train.model"
            << "split.table"
            << "type mismatch: train.model gives a model, split.table takes a table";
        QTest::newRow("occupied") << "other.table"
                                  << "split.table"
                                  << "input split.table is already connected to data.table";
        QTest::newRow("cycle") << "b.table"
                               << "a.table"
                               << "this link would make a cycle: b already depends on a";
        QTest::newRow("same node") << "a.table"
                                   << "a.table"
                                   << "a node cannot feed itself";
    }

    void refusedLinkSaysWhy()
    {
        QFETCH(QString, from);
        QFETCH(QString, to);
        QFETCH(QString, reason);
        Canvas c;
        buildChain(c);
        c.add(QStringLiteral("sample_dataset"), {0, 200}, QStringLiteral("other"));
        c.add(QStringLiteral("select_columns"), {0, 420}, QStringLiteral("a"));
        c.add(QStringLiteral("select_columns"), {320, 420}, QStringLiteral("b"));
        QVERIFY(c.document.editor()
                    ->connectPorts(Link{c.pipeline().data().keyOf(QStringLiteral("a")),
                                        QStringLiteral("table"),
                                        c.pipeline().data().keyOf(QStringLiteral("b")),
                                        QStringLiteral("table")})
                    .ok());
        const QByteArray before = fbtest::json(c.pipeline());
        const int undoCount = c.document.undoStack()->count();
        QSignalSpy messages(&c.scene, &CanvasScene::message);

        const QStringList f = from.split(u'.'), t = to.split(u'.');
        const QPoint start = c.portPos(f[0], f[1], true);
        const QPoint end = c.portPos(t[0], t[1], false);
        QTest::mousePress(c.viewport(), Qt::LeftButton, {}, start);
        QTest::mouseMove(c.viewport(), (start + end) / 2);
        QTest::mouseMove(c.viewport(), end);
        // While hovering, the bubble next to the cursor gives the model's reason.
        QVERIFY(c.scene.isDraggingLink());
        QVERIFY2(c.scene.linkDragMessage().contains(reason), qPrintable(c.scene.linkDragMessage()));
        QCOMPARE(c.item(t[0])->portMark(t[1], false), PortMark::TargetRefused);
        QTest::mouseRelease(c.viewport(), Qt::LeftButton, {}, end);

        QCOMPARE(c.scene.lastRefusal(), reason);
        QVERIFY(c.scene.flashedMessage().contains(reason));
        QCOMPARE(messages.size(), 1);
        QCOMPARE(messages.first().first().toString(),
                 QStringLiteral("Cannot connect: %1").arg(reason));
        QCOMPARE(fbtest::json(c.pipeline()), before);
        QCOMPARE(c.document.undoStack()->count(), undoCount);
    }

    void compatiblePortsLightUpWhileDragging()
    {
        Canvas c;
        buildChain(c);
        c.add(QStringLiteral("evaluate"), {620, 240}, QStringLiteral("evaluate"));
        const int count = c.document.undoStack()->count();
        const QPoint start = c.portPos(QStringLiteral("train"), QStringLiteral("model"), true);
        QTest::mousePress(c.viewport(), Qt::LeftButton, {}, start);
        QTest::mouseMove(c.viewport(), start + QPoint(40, 80));
        QCOMPARE(c.item(QStringLiteral("evaluate"))->portMark(QStringLiteral("model"), false),
                 PortMark::Compatible);
        QCOMPARE(c.item(QStringLiteral("evaluate"))->portMark(QStringLiteral("data"), false),
                 PortMark::Incompatible);
        QCOMPARE(c.item(QStringLiteral("split"))->portMark(QStringLiteral("table"), false),
                 PortMark::Incompatible);
        QTest::keyClick(c.viewport(), Qt::Key_Escape);
        QVERIFY(!c.scene.isDraggingLink());
        QCOMPARE(c.item(QStringLiteral("evaluate"))->portMark(QStringLiteral("model"), false),
                 PortMark::None);
        QTest::mouseRelease(c.viewport(), Qt::LeftButton, {}, start + QPoint(40, 80));
        QCOMPARE(c.document.undoStack()->count(), count); // Escape made nothing
    }

    void shiftReplacesAnOccupiedInput()
    {
        Canvas c;
        buildChain(c);
        c.add(QStringLiteral("sample_dataset"), {0, 200}, QStringLiteral("other"));
        const QByteArray before = fbtest::json(c.pipeline());
        c.drag(c.portPos(QStringLiteral("other"), QStringLiteral("table"), true),
               c.portPos(QStringLiteral("split"), QStringLiteral("table"), false),
               Qt::ShiftModifier);
        QVERIFY(hasLink(c.pipeline(), QStringLiteral("other.table"), QStringLiteral("split.table")));
        QVERIFY(!hasLink(c.pipeline(), QStringLiteral("data.table"), QStringLiteral("split.table")));
        c.document.undoStack()->undo();
        QCOMPARE(fbtest::json(c.pipeline()), before);
    }

    void grabbingAConnectedInputReroutesItsLink()
    {
        Canvas c;
        buildChain(c);
        c.add(QStringLiteral("select_columns"), {320, 420}, QStringLiteral("cols"));
        const QByteArray before = fbtest::json(c.pipeline());
        c.drag(c.portPos(QStringLiteral("split"), QStringLiteral("table"), false),
               c.portPos(QStringLiteral("cols"), QStringLiteral("table"), false));
        QVERIFY(hasLink(c.pipeline(), QStringLiteral("data.table"), QStringLiteral("cols.table")));
        QVERIFY(!hasLink(c.pipeline(), QStringLiteral("data.table"), QStringLiteral("split.table")));
        QCOMPARE(c.pipeline().data().links().size(), 1);
        c.document.undoStack()->undo();
        QCOMPARE(fbtest::json(c.pipeline()), before);
    }

    void looseEndOpensQuickAddForCompatibleTypes()
    {
        Canvas c;
        c.add(QStringLiteral("sample_dataset"), {0, 0}, QStringLiteral("data"));
        const QByteArray before = fbtest::json(c.pipeline());
        const QPointF dropScene(420, 300);
        c.drag(c.portPos(QStringLiteral("data"), QStringLiteral("table"), true),
               c.toView(dropScene));
        QuickAddPopup *popup = c.view.quickAddPopup();
        QTRY_VERIFY(popup->isVisible());
        const QStringList listed = popup->listedTypes();
        QVERIFY(listed.contains(QStringLiteral("train_test_split")));
        QVERIFY(listed.contains(QStringLiteral("evaluate")));        // takes a table on 'data'
        QVERIFY(!listed.contains(QStringLiteral("sample_dataset"))); // has no input
        QVERIFY(!listed.contains(QStringLiteral("save_model")));     // takes a model
        QTest::keyClicks(popup->searchField(), QStringLiteral("split"));
        QCOMPARE(popup->listedTypes().first(), QStringLiteral("train_test_split"));
        QTest::keyClick(popup->searchField(), Qt::Key_Return);
        QVERIFY(!popup->isVisible());

        QVERIFY(hasLink(c.pipeline(),
                        QStringLiteral("data.table"),
                        QStringLiteral("train_test_split.table")));
        // The new node's input port sits where the link was dropped (up to the grid).
        const QPointF port = c.item(QStringLiteral("train_test_split"))
                                 ->portScenePos(QStringLiteral("table"), false);
        QVERIFY2(QLineF(port, dropScene).length() <= CanvasScene::gridSize,
                 qPrintable(QStringLiteral("%1,%2").arg(port.x()).arg(port.y())));
        c.document.undoStack()->undo();
        QCOMPARE(fbtest::json(c.pipeline()), before);
    }

    void doubleClickOnEmptyCanvasOpensQuickAdd()
    {
        Canvas c;
        const QPoint at = c.toView(QPointF(100, 100));
        QTest::mouseDClick(c.viewport(), Qt::LeftButton, {}, at);
        QuickAddPopup *popup = c.view.quickAddPopup();
        QTRY_VERIFY(popup->isVisible());
        QCOMPARE(popup->listedTypes().size(), NodeRegistry::builtin().types().size());
        QTest::keyClicks(popup->searchField(), QStringLiteral("log reg"));
        QCOMPARE(popup->listedTypes(), QStringList{QStringLiteral("logistic_regression")});
        QTest::keyClick(popup->searchField(), Qt::Key_Enter);
        QCOMPARE(c.pipeline().data().nodes().size(), 1);
        QCOMPARE(c.pipeline().data().nodes().first().type, QStringLiteral("logistic_regression"));
    }

    void quickAddEscapeAddsNothing()
    {
        Canvas c;
        c.view.showQuickAdd(QPointF(0, 0));
        QuickAddPopup *popup = c.view.quickAddPopup();
        QVERIFY(popup->isVisible());
        QTest::keyClicks(popup->searchField(), QStringLiteral("ridge"));
        QTest::keyClick(popup->searchField(), Qt::Key_Escape);
        QVERIFY(!popup->isVisible());
        QVERIFY(c.pipeline().data().nodes().isEmpty());
    }

    void movingASelectionIsOneUndoStep()
    {
        Canvas c;
        buildChain(c);
        const QByteArray before = fbtest::json(c.pipeline());
        const int count = c.document.undoStack()->count();
        c.scene.selectOnly({c.pipeline().data().keyOf(QStringLiteral("data")),
                            c.pipeline().data().keyOf(QStringLiteral("split"))});
        const QPointF grab = c.item(QStringLiteral("split"))->mapToScene(QPointF(90, 18));
        c.drag(c.toView(grab), c.toView(grab + QPointF(63, 41)));
        const Node *data = c.pipeline().data().nodeById(QStringLiteral("data"));
        const Node *split = c.pipeline().data().nodeById(QStringLiteral("split"));
        // Snapped to the grid; both moved by the same amount; train did not move.
        QCOMPARE(split->position, QPointF(360, 40));
        QCOMPARE(data->position, QPointF(60, 40));
        QCOMPARE(c.pipeline().data().nodeById(QStringLiteral("train"))->position, QPointF(300, 240));
        QCOMPARE(c.document.undoStack()->count(), count + 1);
        // The link followed its nodes.
        LinkItem *link = c.scene.linkItems().first();
        QCOMPARE(link->fromPos(),
                 c.item(QStringLiteral("data"))->portScenePos(QStringLiteral("table"), true));
        c.document.undoStack()->undo();
        QCOMPARE(fbtest::json(c.pipeline()), before);
        QCOMPARE(c.item(QStringLiteral("split"))->pos(), QPointF(300, 0));
    }

    void draggingAnUnconnectedNodeOntoALinkSplicesIt()
    {
        Canvas c;
        buildChain(c);
        c.add(QStringLiteral("select_columns"), {0, 420}, QStringLiteral("cols"));
        const QByteArray before = fbtest::json(c.pipeline());
        LinkItem *li = c.scene.linkItems().first();
        const QPointF mid = LinkItem::curve(li->fromPos(), li->toPos()).pointAtPercent(0.5);
        NodeItem *cols = c.item(QStringLiteral("cols"));
        const QPointF grab = cols->mapToScene(QPointF(NodeGeometry::width / 2, 20));
        const QPointF target = mid - QPointF(0, 20) + QPointF(0, NodeGeometry::headerHeight / 2);
        c.drag(c.toView(grab), c.toView(target));
        QVERIFY(hasLink(c.pipeline(), QStringLiteral("data.table"), QStringLiteral("cols.table")));
        QVERIFY(hasLink(c.pipeline(), QStringLiteral("cols.table"), QStringLiteral("split.table")));
        c.document.undoStack()->undo();
        QCOMPARE(fbtest::json(c.pipeline()), before);
    }

    void inlineRenameValidatesAsYouType()
    {
        Canvas c;
        buildChain(c);
        const int key = c.pipeline().data().keyOf(QStringLiteral("split"));
        // Double-click on the id starts the in-place editor.
        const QPointF idPos = c.item(QStringLiteral("split"))
                                  ->mapToScene(NodeGeometry::forType(nullptr).idRect().center());
        QTest::mouseDClick(c.viewport(), Qt::LeftButton, {}, c.toView(idPos));
        InlineRenameEditor *editor = c.view.renameEditor();
        QTRY_VERIFY(editor->isVisible());
        QCOMPARE(editor->key(), key);
        QCOMPARE(editor->text(), QStringLiteral("split"));

        editor->selectAll();
        QTest::keyClicks(editor, QStringLiteral("9lives"));
        QVERIFY2(editor->problem().contains(QStringLiteral("not a valid id")),
                 qPrintable(editor->problem()));
        QTest::keyClick(editor, Qt::Key_Return);
        QVERIFY(editor->isVisible()); // refused: stays open, says why
        QCOMPARE(c.pipeline().data().node(key)->id, QStringLiteral("split"));

        editor->selectAll();
        QTest::keyClicks(editor, QStringLiteral("train"));
        QCOMPARE(editor->problem(), QStringLiteral("another node is already called 'train'"));

        editor->selectAll();
        QTest::keyClicks(editor, QStringLiteral("holdout"));
        QVERIFY(editor->problem().isEmpty());
        QTest::keyClick(editor, Qt::Key_Return);
        QVERIFY(!editor->isVisible());
        QCOMPARE(c.pipeline().data().node(key)->id, QStringLiteral("holdout"));
        QCOMPARE(c.item(QStringLiteral("holdout"))->nodeId(), QStringLiteral("holdout"));
        c.document.undoStack()->undo();
        QCOMPARE(c.pipeline().data().node(key)->id, QStringLiteral("split"));
    }

    void sceneUpdatesIncrementally()
    {
        Canvas c;
        buildChain(c);
        NodeItem *data = c.item(QStringLiteral("data"));
        LinkItem *link = c.scene.linkItems().first();
        c.add(QStringLiteral("evaluate"), {600, 0});
        c.document.editor()->setParam(c.pipeline().data().keyOf(QStringLiteral("split")),
                                      QStringLiteral("test_size"),
                                      0.4);
        c.document.editor()->renameNode(c.pipeline().data().keyOf(QStringLiteral("train")),
                                        QStringLiteral("model"));
        // Items of untouched nodes and links are the same objects: nothing was rebuilt.
        QCOMPARE(c.item(QStringLiteral("data")), data);
        QCOMPARE(c.scene.linkItems().first(), link);
        QCOMPARE(c.scene.nodeItems().size(), 4);
        QVERIFY(c.item(QStringLiteral("model")));
    }

    void problemsShowOnTheNode()
    {
        Canvas c;
        c.add(QStringLiteral("csv_source"), {0, 0}, QStringLiteral("csv"));
        c.add(QStringLiteral("train_test_split"), {300, 0}, QStringLiteral("split"));
        QTRY_VERIFY(!c.item(QStringLiteral("csv"))->problems().isEmpty());
        QVERIFY(
            c.item(QStringLiteral("csv"))->problems().join(u'\n').contains(QStringLiteral("path")));
        QVERIFY(c.item(QStringLiteral("split"))
                    ->problems()
                    .join(u'\n')
                    .contains(QStringLiteral("table")));
        c.document.editor()->setParam(c.pipeline().data().keyOf(QStringLiteral("csv")),
                                      QStringLiteral("path"),
                                      QStringLiteral("x.csv"));
        QTRY_VERIFY(c.item(QStringLiteral("csv"))->problems().isEmpty());
    }

    void tabWalksThroughNodes()
    {
        Canvas c;
        buildChain(c);
        c.view.setFocus();
        QTest::keyClick(&c.view, Qt::Key_Tab);
        QCOMPARE(c.scene.selectedNodeKeys(),
                 QList<int>{c.pipeline().data().keyOf(QStringLiteral("data"))});
        QTest::keyClick(&c.view, Qt::Key_Tab);
        QCOMPARE(c.scene.selectedNodeKeys(),
                 QList<int>{c.pipeline().data().keyOf(QStringLiteral("split"))});
        QTest::keyClick(&c.view, Qt::Key_Backtab, Qt::ShiftModifier);
        QCOMPARE(c.scene.selectedNodeKeys(),
                 QList<int>{c.pipeline().data().keyOf(QStringLiteral("data"))});
    }

    void notesAreEditedInPlace()
    {
        Canvas c;
        const int key = c.document.editor()->addAnnotation(QRectF(0, 300, 200, 80),
                                                           QStringLiteral("Note"));
        AnnotationItem *note = c.scene.annotationItem(key);
        QVERIFY(note);
        QTest::mouseDClick(c.viewport(), Qt::LeftButton, {}, c.toView(QPointF(50, 330)));
        QVERIFY(note->isEditing());
        QTest::keyClick(c.viewport(), Qt::Key_End);
        QTest::keyClicks(c.viewport(), QStringLiteral(": check the split"));
        QTest::keyClick(c.viewport(), Qt::Key_Return, Qt::ControlModifier);
        QVERIFY(!note->isEditing());
        QCOMPARE(c.pipeline().data().annotation(key)->text, QStringLiteral("Note: check the split"));
        c.document.undoStack()->undo();
        QCOMPARE(c.pipeline().data().annotation(key)->text, QStringLiteral("Note"));
        QCOMPARE(c.scene.annotationItem(key)->text(), QStringLiteral("Note"));
    }

    void zoomToFitShowsTheWholePipeline()
    {
        Canvas c;
        QString error;
        QVERIFY2(c.document.load(fbtest::examplePath(), &error), qPrintable(error));
        c.view.zoomToFit();
        const QRectF visible = c.view.mapToScene(c.viewport()->rect()).boundingRect();
        const QRectF content = c.scene.contentRect();
        QVERIFY(visible.contains(content));
        // Centred.
        QVERIFY(QLineF(visible.center(), content.center()).length() < 2.0 / c.view.zoom() + 1);
        QVERIFY(c.view.zoom() <= 1.0);
        c.view.setZoom(2.0);
        QCOMPARE(c.view.zoom(), 2.0);
        c.view.zoomBy(100.0, c.viewport()->rect().center());
        QCOMPARE(c.view.zoom(), CanvasView::maxZoom);
    }

    void groupsFollowAndMoveTheirMembers()
    {
        Canvas c;
        buildChain(c);
        const int data = c.pipeline().data().keyOf(QStringLiteral("data"));
        const int split = c.pipeline().data().keyOf(QStringLiteral("split"));
        const QByteArray before = fbtest::json(c.pipeline());
        const int key = c.document.editor()->groupNodes({data, split}, QStringLiteral("inputs"));
        GroupItem *group = c.scene.groupItem(key);
        QVERIFY(group);
        QVERIFY(group->frame().contains(c.item(QStringLiteral("data"))->sceneBoundingRect().adjusted(0, 0, 0, -18)));
        QVERIFY(group->frame().contains(c.item(QStringLiteral("split"))->sceneBoundingRect().adjusted(0, 0, 0, -18)));
        QVERIFY(!group->frame().intersects(c.item(QStringLiteral("train"))->sceneBoundingRect()));

        // Dragging the title bar moves every member, as one step; the frame follows.
        const int index = c.document.undoStack()->index();
        const QPointF grab = group->titleBar().center();
        c.drag(c.toView(grab), c.toView(grab + QPointF(40, 100)));
        QCOMPARE(c.pipeline().data().node(data)->position, QPointF(40, 100));
        QCOMPARE(c.pipeline().data().node(split)->position, QPointF(340, 100));
        QCOMPARE(c.document.undoStack()->index(), index + 1);
        QVERIFY(group->frame().contains(c.item(QStringLiteral("data"))->mapRectToScene(c.item(QStringLiteral("data"))->geometry().bodyRect())));

        // Double-click on the title renames it in place.
        QTest::mouseDClick(c.viewport(), Qt::LeftButton, {}, c.toView(group->titleBar().center()));
        QVERIFY(group->isEditing());
        QTest::keyClicks(c.viewport(), QStringLiteral("raw data"));
        QTest::keyClick(c.viewport(), Qt::Key_Return);
        QVERIFY(!group->isEditing());
        QCOMPARE(c.pipeline().data().group(key)->title, QStringLiteral("raw data"));

        c.document.editor()->ungroup({key});
        QVERIFY(!c.scene.groupItem(key));
        while (c.document.undoStack()->index() >= index) // back to before the grouping
            c.document.undoStack()->undo();
        QCOMPARE(fbtest::json(c.pipeline()), before);
    }

    void wheelZoomKeepsThePointUnderTheCursor()
    {
        Canvas c;
        const QPoint cursor(300, 200);
        const QPointF before = c.view.mapToScene(cursor);
        QWheelEvent wheel(QPointF(cursor),
                          QPointF(c.viewport()->mapToGlobal(cursor)),
                          QPoint(),
                          QPoint(0, 120),
                          Qt::NoButton,
                          Qt::NoModifier,
                          Qt::NoScrollPhase,
                          false);
        QApplication::sendEvent(c.viewport(), &wheel);
        QVERIFY(c.view.zoom() > 1.1);
        QVERIFY(QLineF(c.view.mapToScene(cursor), before).length() < 2.0);
    }
};

FB_UI_TEST_MAIN(TestCanvas)
#include "tst_canvas.moc"
