#include "EditActions.h"

#include "Fragment.h"
#include "PipelineEditor.h"
#include "canvas/AnnotationItem.h"
#include "canvas/CanvasScene.h"
#include "canvas/CanvasView.h"
#include "canvas/GroupItem.h"
#include "canvas/Minimap.h"
#include "canvas/NodeGeometry.h"
#include "canvas/NodeItem.h"
#include "document/Document.h"
#include "pipeline/NodeRegistry.h"
#include "pipeline/Pipeline.h"

#include <QAction>
#include <QClipboard>
#include <QGuiApplication>
#include <QMenu>
#include <QMimeData>
#include <QSettings>
#include <QUndoStack>

#include <cmath>

namespace fb {

EditActions::EditActions(Document *document, CanvasView *view, QObject *parent)
    : QObject(parent)
    , m_document(document)
    , m_view(view)
{
    QUndoStack *stack = document->undoStack();
    m_undo = stack->createUndoAction(this, tr("&Undo"));
    m_undo->setShortcut(QKeySequence::Undo);
    m_undo->setIcon(QIcon::fromTheme(QStringLiteral("edit-undo")));
    m_redo = stack->createRedoAction(this, tr("&Redo"));
    QList<QKeySequence> redoKeys = QKeySequence::keyBindings(QKeySequence::Redo);
    if (!redoKeys.contains(QKeySequence(QStringLiteral("Ctrl+Y"))))
        redoKeys.append(QKeySequence(QStringLiteral("Ctrl+Y")));
    m_redo->setShortcuts(redoKeys);
    m_redo->setIcon(QIcon::fromTheme(QStringLiteral("edit-redo")));

    auto make = [this](const QString &text, const QList<QKeySequence> &keys, auto slot) {
        auto *a = new QAction(text, this);
        a->setShortcuts(keys);
        connect(a, &QAction::triggered, this, slot);
        return a;
    };
    m_cut = make(tr("Cu&t"), {QKeySequence::Cut}, &EditActions::cutSelection);
    m_copy = make(tr("&Copy"), {QKeySequence::Copy}, &EditActions::copySelection);
    m_paste = make(tr("&Paste"), {QKeySequence::Paste}, [this] { paste(); });
    m_duplicate = make(tr("D&uplicate"),
                       {QKeySequence(QStringLiteral("Ctrl+D"))},
                       &EditActions::duplicateSelection);
    // Not QKeySequence::Delete: on X11 it includes Ctrl+D, which is Duplicate here.
    m_delete = make(tr("&Delete"),
                    {QKeySequence(Qt::Key_Delete), QKeySequence(Qt::Key_Backspace)},
                    &EditActions::deleteSelection);
    m_selectAll = make(tr("Select &All"), {QKeySequence::SelectAll}, [this] {
        for (QGraphicsItem *item : m_view->canvasScene()->items())
            if (item->flags() & QGraphicsItem::ItemIsSelectable)
                item->setSelected(true);
    });
    m_rename = make(tr("Re&name Node…"), {QKeySequence(Qt::Key_F2)}, &EditActions::renameSelected);
    m_addNote = make(tr("Add &Note"), {QKeySequence(QStringLiteral("Ctrl+Shift+M"))}, [this] {
        addNoteAt(m_view->preferredScenePos());
    });
    m_group = make(tr("&Group"), {QKeySequence(QStringLiteral("Ctrl+G"))}, [this] { groupSelection(); });
    m_ungroup = make(tr("U&ngroup"), {QKeySequence(QStringLiteral("Ctrl+Shift+G"))}, &EditActions::ungroupSelection);
    m_quickAdd = make(tr("Add Node by &Name…"), {QKeySequence(QStringLiteral("Ctrl+K"))}, [this] {
        m_view->showQuickAdd(m_view->preferredScenePos());
    });
    m_quickAdd->setToolTip(
        tr("Find a node type by typing (also Space or double-click on the canvas)"));

    m_zoomIn = make(tr("Zoom &In"),
                    {QKeySequence::ZoomIn, QKeySequence(QStringLiteral("Ctrl+="))},
                    [this] { m_view->zoomIn(); });
    m_zoomOut = make(tr("Zoom &Out"), {QKeySequence::ZoomOut}, [this] { m_view->zoomOut(); });
    m_zoomFit = make(tr("Zoom to &Fit"), {QKeySequence(QStringLiteral("Ctrl+0"))}, [this] {
        m_view->zoomToFit();
    });
    m_zoomReset = make(tr("&Actual Size"), {QKeySequence(QStringLiteral("Ctrl+1"))}, [this] {
        m_view->resetZoom();
    });
    m_zoomSelection = make(tr("Zoom to &Selection"),
                           {QKeySequence(QStringLiteral("Ctrl+2"))},
                           [this] { m_view->zoomToSelection(); });
    QSettings settings;
    m_snap = new QAction(tr("S&nap to Grid"), this);
    m_snap->setCheckable(true);
    m_snap->setChecked(settings.value(QStringLiteral("canvas/snap"), true).toBool());
    m_view->canvasScene()->setSnapToGrid(m_snap->isChecked());
    connect(m_snap, &QAction::toggled, this, [this](bool on) {
        m_view->canvasScene()->setSnapToGrid(on);
        QSettings().setValue(QStringLiteral("canvas/snap"), on);
    });
    m_minimap = new QAction(tr("Show &Overview Map"), this);
    m_minimap->setCheckable(true);
    m_minimap->setChecked(settings.value(QStringLiteral("canvas/minimap"), true).toBool());
    m_view->minimap()->setEnabledByUser(m_minimap->isChecked());
    connect(m_minimap, &QAction::toggled, this, [this](bool on) {
        m_view->minimap()->setEnabledByUser(on);
        QSettings().setValue(QStringLiteral("canvas/minimap"), on);
    });

    connect(m_view->canvasScene(),
            &CanvasScene::selectionModelChanged,
            this,
            &EditActions::updateEnabled);
    connect(QGuiApplication::clipboard(),
            &QClipboard::dataChanged,
            this,
            &EditActions::updateEnabled);
    updateEnabled();
}

void EditActions::updateEnabled()
{
    CanvasScene *scene = m_view->canvasScene();
    const QList<int> nodes = scene->selectedNodeKeys();
    const bool copyable = !nodes.isEmpty() || !scene->selectedAnnotationKeys().isEmpty();
    m_copy->setEnabled(copyable);
    m_cut->setEnabled(copyable);
    m_duplicate->setEnabled(copyable);
    m_delete->setEnabled(copyable || !scene->selectedLinks().isEmpty());
    m_rename->setEnabled(nodes.size() == 1);
    m_group->setEnabled(!nodes.isEmpty());
    bool inGroup = !scene->selectedGroupKeys().isEmpty();
    for (const Group &g : m_document->pipeline()->data().groups())
        for (int k : nodes)
            inGroup |= g.nodes.contains(k);
    m_ungroup->setEnabled(inGroup);
    m_delete->setEnabled(m_delete->isEnabled() || !scene->selectedGroupKeys().isEmpty());
    m_paste->setEnabled(Fragment::canRead(QGuiApplication::clipboard()->mimeData()));
}

void EditActions::copySelection()
{
    CanvasScene *scene = m_view->canvasScene();
    const PipelineData fragment = Fragment::extract(m_document->pipeline()->data(),
                                                    scene->selectedNodeKeys(),
                                                    scene->selectedAnnotationKeys());
    if (fragment.nodes().isEmpty() && fragment.annotations().isEmpty())
        return;
    QGuiApplication::clipboard()->setMimeData(Fragment::toMimeData(fragment));
    Q_EMIT message(tr("Copied %1 nodes").arg(fragment.nodes().size()));
}

void EditActions::cutSelection()
{
    CanvasScene *scene = m_view->canvasScene();
    const QList<int> nodes = scene->selectedNodeKeys();
    const QList<int> notes = scene->selectedAnnotationKeys();
    if (nodes.isEmpty() && notes.isEmpty())
        return;
    copySelection();
    m_document->undoStack()->beginMacro(tr("Cut"));
    m_document->editor()->removeItems(nodes, {}, notes);
    m_document->undoStack()->endMacro();
}

QPointF EditActions::pasteOffset(const QRectF &bounds,
                                 const QPointF &firstNodePos,
                                 bool atCursor) const
{
    CanvasScene *scene = m_view->canvasScene();
    const qreal grid = CanvasScene::gridSize;
    auto snapped = [grid](QPointF p) {
        return QPointF(std::round(p.x() / grid) * grid, std::round(p.y() / grid) * grid);
    };
    if (atCursor)
        return snapped(m_view->preferredScenePos() - bounds.center());
    // Next to the originals, stepping on while that place is taken (repeated pastes cascade).
    QPointF offset(2 * grid, 2 * grid);
    const PipelineData &d = m_document->pipeline()->data();
    auto taken = [&d](QPointF p) {
        for (const Node &n : d.nodes())
            if (QLineF(n.position, p).length() < 1.0)
                return true;
        return false;
    };
    for (int i = 0; i < 100 && taken(firstNodePos + offset); ++i)
        offset += QPointF(2 * grid, 2 * grid);
    Q_UNUSED(scene);
    return offset;
}

bool EditActions::paste()
{
    QString error;
    const auto fragment = Fragment::fromMimeData(QGuiApplication::clipboard()->mimeData(), &error);
    if (!fragment) {
        Q_EMIT message(tr("Nothing to paste: %1").arg(error));
        return false;
    }
    const QRectF bounds = Fragment::bounds(*fragment);
    const QPointF first = fragment->nodes().isEmpty() ? bounds.topLeft()
                                                      : fragment->nodes().first().position;
    const bool atCursor = m_view->underMouse();
    const PipelineData prepared = Fragment::prepareForPaste(*fragment,
                                                            m_document->pipeline()->data(),
                                                            pasteOffset(bounds, first, atCursor));
    QList<int> notes;
    const QList<int> nodes = m_document->editor()
                                 ->addFragment(prepared,
                                               tr("Paste %1 nodes").arg(prepared.nodes().size()),
                                               &notes);
    m_view->canvasScene()->selectOnly(nodes, notes);
    return !nodes.isEmpty() || !notes.isEmpty();
}

void EditActions::duplicateSelection()
{
    CanvasScene *scene = m_view->canvasScene();
    const PipelineData fragment = Fragment::extract(m_document->pipeline()->data(),
                                                    scene->selectedNodeKeys(),
                                                    scene->selectedAnnotationKeys());
    if (fragment.nodes().isEmpty() && fragment.annotations().isEmpty())
        return;
    const QRectF bounds = Fragment::bounds(fragment);
    const QPointF first = fragment.nodes().isEmpty() ? bounds.topLeft()
                                                     : fragment.nodes().first().position;
    const PipelineData prepared = Fragment::prepareForPaste(fragment,
                                                            m_document->pipeline()->data(),
                                                            pasteOffset(bounds, first, false));
    QList<int> notes;
    const QList<int> nodes
        = m_document->editor()->addFragment(prepared,
                                            tr("Duplicate %1 nodes").arg(prepared.nodes().size()),
                                            &notes);
    scene->selectOnly(nodes, notes);
}

void EditActions::deleteSelection()
{
    CanvasScene *scene = m_view->canvasScene();
    const QList<int> nodes = scene->selectedNodeKeys();
    const QList<Link> links = scene->selectedLinks();
    const QList<int> notes = scene->selectedAnnotationKeys();
    QList<int> groups = scene->selectedGroupKeys();
    // Groups left without members go too (a selected group frame alone just ungroups).
    for (const Group &g : m_document->pipeline()->data().groups()) {
        bool allDeleted = !g.nodes.isEmpty();
        for (int k : g.nodes)
            allDeleted &= nodes.contains(k);
        if (allDeleted && !groups.contains(g.key))
            groups.append(g.key);
    }
    if (nodes.isEmpty() && links.isEmpty() && notes.isEmpty() && groups.isEmpty())
        return;
    m_document->undoStack()->beginMacro(tr("Delete"));
    m_document->editor()->ungroup(groups);
    m_document->editor()->removeItems(nodes, links, notes);
    m_document->undoStack()->endMacro();
}

int EditActions::groupSelection()
{
    CanvasScene *scene = m_view->canvasScene();
    const int key = m_document->editor()->groupNodes(scene->selectedNodeKeys(), tr("Group"));
    if (GroupItem *item = scene->groupItem(key)) {
        scene->clearSelection();
        item->setSelected(true);
        m_view->setFocus();
        item->startEditing();
    }
    return key;
}

void EditActions::ungroupSelection()
{
    CanvasScene *scene = m_view->canvasScene();
    QList<int> groups = scene->selectedGroupKeys();
    const QList<int> nodes = scene->selectedNodeKeys();
    for (const Group &g : m_document->pipeline()->data().groups())
        for (int k : nodes)
            if (g.nodes.contains(k) && !groups.contains(g.key))
                groups.append(g.key);
    m_document->editor()->ungroup(groups);
}

void EditActions::renameSelected()
{
    const QList<int> nodes = m_view->canvasScene()->selectedNodeKeys();
    if (nodes.size() == 1)
        m_view->startRename(nodes.first());
}

int EditActions::addNoteAt(QPointF scenePos)
{
    const QRectF rect(scenePos - QPointF(110, 40), QSizeF(220, 80));
    const int key = m_document->editor()->addAnnotation(rect, tr("Note"));
    CanvasScene *scene = m_view->canvasScene();
    scene->selectOnly({}, {key});
    if (AnnotationItem *item = scene->annotationItem(key)) {
        m_view->setFocus();
        item->startEditing(true);
    }
    return key;
}

int EditActions::addNodeFromPalette(const QString &typeName)
{
    Pipeline *p = m_document->pipeline();
    const NodeType *t = p->registry().find(typeName);
    if (!t)
        return 0;
    CanvasScene *scene = m_view->canvasScene();
    const QList<int> selected = scene->selectedNodeKeys();
    int key = 0;
    if (selected.size() == 1) {
        // KNIME-style: a new node goes to the right of the selected one, connected to it.
        const Node *from = p->data().node(selected.first());
        const NodeType *fromType = from ? p->registry().find(from->type) : nullptr;
        if (fromType) {
            for (const PortSpec &out : fromType->outputs) {
                PendingLink pending{from->key, out.name, true, out.type, std::nullopt};
                if (PipelineEditor::portFor(*t, pending).isEmpty())
                    continue;
                QPointF pos = from->position
                              + QPointF(NodeGeometry::width + 3 * CanvasScene::gridSize, 0);
                auto taken = [&p](QPointF q) {
                    for (const Node &n : p->data().nodes())
                        if (QRectF(n.position, QSizeF(NodeGeometry::width, 80))
                                .contains(q + QPointF(1, 1)))
                            return true;
                    return false;
                };
                for (int i = 0; i < 50 && taken(pos); ++i)
                    pos.ry() += 5 * CanvasScene::gridSize;
                key = m_document->editor()->addNodeAndConnect(typeName, pos, pending);
                break;
            }
        }
    }
    if (!key) {
        const NodeGeometry &g = NodeGeometry::forType(t);
        QPointF pos = scene->snapNodePosition(m_view->mapToScene(m_view->viewport()->rect().center())
                                              - QPointF(g.width / 2, g.headerHeight));
        for (int i = 0; i < 50
                        && p->data().nodes().end()
                               != std::find_if(p->data().nodes().begin(),
                                               p->data().nodes().end(),
                                               [&pos](const Node &n) { return n.position == pos; });
             ++i)
            pos += QPointF(2 * CanvasScene::gridSize, 2 * CanvasScene::gridSize);
        key = m_document->editor()->addNode(typeName, pos);
    }
    if (key) {
        scene->selectOnly({key});
        m_view->reveal(scene->nodeItem(key)->sceneBoundingRect());
    }
    return key;
}

void EditActions::fillContextMenu(QMenu *menu, QPointF scenePos, const QList<QAction *> &extra)
{
    CanvasScene *scene = m_view->canvasScene();
    const QList<int> nodes = scene->selectedNodeKeys();
    const bool anything = !scene->selectedItems().isEmpty();
    if (!nodes.isEmpty()) {
        if (nodes.size() == 1)
            menu->addAction(m_rename);
        menu->addActions(extra);
        menu->addSeparator();
        menu->addAction(m_cut);
        menu->addAction(m_copy);
        menu->addAction(m_duplicate);
        menu->addAction(m_delete);
        menu->addSeparator();
        menu->addAction(m_group);
        if (m_ungroup->isEnabled())
            menu->addAction(m_ungroup);
        menu->addAction(m_zoomSelection);
    } else if (anything) {
        if (!scene->selectedGroupKeys().isEmpty())
            menu->addAction(m_ungroup);
        menu->addAction(m_delete);
        if (!scene->selectedAnnotationKeys().isEmpty()) {
            menu->addAction(m_copy);
            menu->addAction(m_duplicate);
        }
    } else {
        menu->addAction(tr("Add Node Here…"), this, [this, scenePos] {
            m_view->showQuickAdd(scenePos);
        });
        menu->addAction(tr("Add Note Here"), this, [this, scenePos] { addNoteAt(scenePos); });
        menu->addSeparator();
        QAction *pasteHere = menu->addAction(tr("Paste"), this, [this] { paste(); });
        pasteHere->setEnabled(m_paste->isEnabled());
        menu->addAction(m_selectAll);
        menu->addSeparator();
        menu->addAction(m_zoomFit);
    }
}

} // namespace fb
