#pragma once

#include "LinkHash.h"
#include "PendingLink.h"
#include "pipeline/PipelineData.h"
#include "style/CanvasStyle.h"

#include <QGraphicsScene>
#include <QHash>
#include <QPointer>

#include <memory>

class QTimer;

namespace fb {

class AnnotationItem;
class GroupItem;
class BubbleItem;
class LinkDrag;
class LinkItem;
class NodeItem;
class Pipeline;
class PipelineEditor;
struct NodeType;

// The canvas: a view of the Pipeline model. It builds one item per node, link and note, and
// then follows the model's change signals incrementally (a change to one node touches one
// item, never a rebuild). It owns no pipeline state: every user gesture becomes a call to the
// PipelineEditor, which pushes an undo command, which changes the model, which updates the
// scene. Without an editor (benchmarks, previews) the scene is read-only.
class CanvasScene : public QGraphicsScene
{
    Q_OBJECT

public:
    static constexpr qreal gridSize = 20;

    CanvasScene(Pipeline *pipeline, PipelineEditor *editor, QObject *parent = nullptr);
    ~CanvasScene() override;

    Pipeline *pipeline() const { return m_pipeline; }
    PipelineEditor *editor() const { return m_editor; }

    const CanvasStyle &style() const { return m_style; }
    void setStyle(const CanvasStyle &style);

    NodeItem *nodeItem(int key) const { return m_nodes.value(key); }
    NodeItem *nodeItemById(const QString &id) const;
    LinkItem *linkItem(const Link &link) const { return m_links.value(link); }
    AnnotationItem *annotationItem(int key) const { return m_annotations.value(key); }
    GroupItem *groupItem(int key) const { return m_groups.value(key); }
    QList<NodeItem *> nodeItems() const { return m_nodes.values(); }
    QList<LinkItem *> linkItems() const { return m_links.values(); }

    // Bounding box of the pipeline's items (nodes, links, notes), for zoom-to-fit and the
    // minimap; empty when there are none.
    QRectF contentRect() const;

    // Selection, in model terms.
    QList<int> selectedNodeKeys() const;
    QList<Link> selectedLinks() const;
    QList<int> selectedAnnotationKeys() const;
    QList<int> selectedGroupKeys() const;
    void selectOnly(const QList<int> &nodeKeys, const QList<int> &annotationKeys = {});

    bool snapToGrid() const { return m_snap; }
    void setSnapToGrid(bool on) { m_snap = on; }
    QPointF snapNodePosition(QPointF pos) const;

    // For the run views.
    void clearRunStates();

    // The link whose curve is under `scenePos` and into which a node of `type` could be
    // spliced, or nullptr.
    LinkItem *insertableLinkAt(const QRectF &nodeSceneRect, const NodeType &type) const;
    // Shows which link a drop at `scenePos` would splice into (palette drags), or clears it.
    void setDropPreview(LinkItem *link);
    LinkItem *dropPreview() const { return m_dropPreview; }

    // Link dragging, for the view and for tests.
    bool isDraggingLink() const { return bool(m_linkDrag); }
    QString linkDragMessage() const; // what the bubble next to the cursor says right now
    QString lastRefusal() const { return m_lastRefusal; }
    void cancelLinkDrag();
    // A short message next to `scenePos` that disappears after a few seconds.
    void flashMessage(QPointF scenePos, const QString &text, bool error);
    QString flashedMessage() const;

    // Called by NodeItem.
    void nodeItemMoved(NodeItem *item);
    // Scale of the (first) view, for hit tolerances in screen pixels.
    qreal viewScale() const;

Q_SIGNALS:
    // Text for the status bar (refusals, hints).
    void message(const QString &text);
    // A link's loose end was dropped on empty canvas (or the user asked for quick-add with a
    // double-click: then `pending` has no node).
    void quickAddRequested(QPointF scenePos, const fb::PendingLink &pending);
    void renameRequested(int key);
    void nodeActivated(int key);
    // Model keys of the selection changed.
    void selectionModelChanged();

protected:
    void mousePressEvent(QGraphicsSceneMouseEvent *event) override;
    void mouseMoveEvent(QGraphicsSceneMouseEvent *event) override;
    void mouseReleaseEvent(QGraphicsSceneMouseEvent *event) override;
    void mouseDoubleClickEvent(QGraphicsSceneMouseEvent *event) override;
    void keyPressEvent(QKeyEvent *event) override;

private:
    friend class LinkDrag;

    void rebuild();
    void addNodeItem(const Node &node);
    void addLinkItem(const Link &link);
    void removeLinkItem(const Link &link);
    void updateLinkEnds(LinkItem *item);
    void addAnnotationItem(const Annotation &a);
    void addGroupItem(const Group &g);
    void updateGroupFrame(int key);
    void moveGroupMembers(QPointF scenePos);
    void scheduleValidation();
    void validate();
    NodeItem *nodeItemAt(QPointF scenePos) const;
    void beginItemDrag();
    void updateItemDragInsert();
    void endItemDrag();

    Pipeline *m_pipeline;
    PipelineEditor *m_editor;
    CanvasStyle m_style;
    QHash<int, NodeItem *> m_nodes;
    QHash<QString, int> m_keysById;
    QHash<Link, LinkItem *> m_links;
    QHash<int, QList<LinkItem *>> m_linksOfNode;
    QHash<int, AnnotationItem *> m_annotations;
    QHash<int, GroupItem *> m_groups;
    // A group dragged by its title bar: the group, where the drag started, its members' start.
    int m_groupDrag = 0;
    QPointF m_groupDragStart;
    QHash<int, QPointF> m_groupDragFrom;
    std::unique_ptr<LinkDrag> m_linkDrag;
    BubbleItem *m_flash = nullptr;
    QTimer *m_flashTimer = nullptr;
    QTimer *m_validateTimer = nullptr;
    QString m_lastRefusal;
    bool m_snap = true;
    bool m_rebuilding = false;

    // Item drag in progress (move of the selection).
    bool m_itemDrag = false;
    QHash<int, QPointF> m_dragNodesFrom;
    QHash<int, QRectF> m_dragNotesFrom;
    LinkItem *m_dropPreview = nullptr;
};

} // namespace fb
