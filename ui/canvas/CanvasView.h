#pragma once

#include "PendingLink.h"

#include <QGraphicsView>

namespace fb {

class CanvasScene;
class InlineRenameEditor;
class Minimap;
class QuickAddPopup;

// The canvas widget: zoom (wheel, pinch, keyboard), pan (middle button, Space+drag, touchpad
// scroll), a dot grid, drops from the palette (splicing into a link when dropped on one),
// the quick-add popup, in-place renaming and an overview map for large pipelines.
class CanvasView : public QGraphicsView
{
    Q_OBJECT

public:
    static constexpr qreal minZoom = 0.05;
    static constexpr qreal maxZoom = 4.0;

    explicit CanvasView(CanvasScene *scene, QWidget *parent = nullptr);

    CanvasScene *canvasScene() const { return m_scene; }
    Minimap *minimap() const { return m_minimap; }
    QuickAddPopup *quickAddPopup() const { return m_quickAdd; }
    InlineRenameEditor *renameEditor() const { return m_rename; }

    qreal zoom() const;
    void setZoom(qreal zoom); // around the viewport centre
    void zoomBy(qreal factor, QPoint viewportAnchor);
    void zoomIn();
    void zoomOut();
    void resetZoom();
    void zoomToFit();
    void zoomToSelection();

    // Where a paste or a new node should go: the cursor when it is over the canvas, else the
    // centre of the visible area.
    QPointF preferredScenePos() const;
    // Opens the quick-add popup at `scenePos`; with a pending link it lists only the types that
    // can take it and connects the new node.
    void showQuickAdd(QPointF scenePos, const PendingLink &pending = {});
    void startRename(int key);
    // Keyboard navigation: selects the next (or previous) node in pipeline order.
    void selectNextNode(bool forward);
    // Scrolls just enough to show `sceneRect`, and not at all when it is already visible.
    void reveal(const QRectF &sceneRect);

    bool isPanning() const { return m_panning; }
    // For tests and benchmarks: the time the last paint of the viewport took, in ms.
    double lastPaintMs() const { return m_lastPaintMs; }

Q_SIGNALS:
    void zoomChanged(qreal zoom);
    void fileDropped(const QString &path);
    void contextMenuRequested(QPoint globalPos, QPointF scenePos);
    void nodesAdded(const QList<int> &keys);

protected:
    void drawBackground(QPainter *painter, const QRectF &rect) override;
    void drawForeground(QPainter *painter, const QRectF &rect) override;
    void paintEvent(QPaintEvent *event) override;
    void wheelEvent(QWheelEvent *event) override;
    bool viewportEvent(QEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;
    void mouseMoveEvent(QMouseEvent *event) override;
    void mouseReleaseEvent(QMouseEvent *event) override;
    void keyPressEvent(QKeyEvent *event) override;
    void keyReleaseEvent(QKeyEvent *event) override;
    void dragEnterEvent(QDragEnterEvent *event) override;
    void dragMoveEvent(QDragMoveEvent *event) override;
    void dragLeaveEvent(QDragLeaveEvent *event) override;
    void dropEvent(QDropEvent *event) override;
    void contextMenuEvent(QContextMenuEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;
    void scrollContentsBy(int dx, int dy) override;
    void changeEvent(QEvent *event) override;
    void focusOutEvent(QFocusEvent *event) override;
    bool focusNextPrevChild(bool next) override;

private:
    void updateSceneRect();
    void placeMinimap();
    QRectF dropNodeRect(const QString &typeName, QPointF scenePos) const;
    void quickAddChosen(const QString &typeName);

    CanvasScene *m_scene;
    Minimap *m_minimap = nullptr;
    QuickAddPopup *m_quickAdd = nullptr;
    InlineRenameEditor *m_rename = nullptr;
    QPointF m_quickAddPos;
    PendingLink m_quickAddPending;
    bool m_spaceHeld = false;
    bool m_spaceUsedForPan = false;
    bool m_panning = false;
    QPoint m_panLast;
    double m_lastPaintMs = 0;
};

} // namespace fb
