#include "CanvasView.h"

#include "CanvasScene.h"
#include "InlineRenameEditor.h"
#include "LinkItem.h"
#include "Minimap.h"
#include "NodeGeometry.h"
#include "NodeItem.h"
#include "edit/PipelineEditor.h"
#include "palette/NodeTypeMime.h"
#include "palette/QuickAddPopup.h"
#include "pipeline/NodeRegistry.h"
#include "pipeline/Pipeline.h"

#include <QContextMenuEvent>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QGestureEvent>
#include <QMimeData>
#include <QNativeGestureEvent>
#include <QPinchGesture>
#include <QScrollBar>
#include <QTimer>
#include <QUrl>

#include <cmath>

namespace fb {

namespace {

QString flowFileOf(const QMimeData *mime)
{
    if (!mime || !mime->hasUrls())
        return {};
    for (const QUrl &url : mime->urls())
        if (url.isLocalFile()
            && url.toLocalFile().endsWith(QLatin1String(".flow"), Qt::CaseInsensitive))
            return url.toLocalFile();
    return {};
}

} // namespace

CanvasView::CanvasView(CanvasScene *scene, QWidget *parent)
    : QGraphicsView(scene, parent)
    , m_scene(scene)
{
    setObjectName(QStringLiteral("canvasView"));
    setRenderHints(QPainter::Antialiasing | QPainter::TextAntialiasing
                   | QPainter::SmoothPixmapTransform);
    setViewportUpdateMode(QGraphicsView::SmartViewportUpdate);
    // Items paint with explicit pens and brushes and leave no state behind; bounding rects
    // include their antialiasing margin.
    setOptimizationFlags(QGraphicsView::DontSavePainterState
                         | QGraphicsView::DontAdjustForAntialiasing);
    setDragMode(QGraphicsView::RubberBandDrag);
    setRubberBandSelectionMode(Qt::IntersectsItemShape);
    setTransformationAnchor(QGraphicsView::NoAnchor);
    setResizeAnchor(QGraphicsView::AnchorViewCenter);
    setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    setVerticalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    setFrameShape(QFrame::NoFrame);
    setAcceptDrops(true);
    setFocusPolicy(Qt::StrongFocus);
    viewport()->grabGesture(Qt::PinchGesture);
    m_scene->setStyle(CanvasStyle::fromPalette(palette()));

    m_minimap = new Minimap(this);
    m_quickAdd = new QuickAddPopup(scene->pipeline()->registry(), this);
    m_rename = new InlineRenameEditor(this);
    connect(m_quickAdd, &QuickAddPopup::typeChosen, this, &CanvasView::quickAddChosen);
    connect(m_quickAdd, &QuickAddPopup::dismissed, this, [this] { setFocus(); });
    connect(scene, &CanvasScene::quickAddRequested, this, &CanvasView::showQuickAdd);
    connect(scene, &CanvasScene::renameRequested, this, &CanvasView::startRename);

    auto *sceneRectTimer = new QTimer(this);
    sceneRectTimer->setSingleShot(true);
    sceneRectTimer->setInterval(50);
    connect(sceneRectTimer, &QTimer::timeout, this, &CanvasView::updateSceneRect);
    connect(scene->pipeline(), &Pipeline::changed, sceneRectTimer, qOverload<>(&QTimer::start));
    connect(scene->pipeline(), &Pipeline::changed, m_minimap, &Minimap::refresh);
    connect(scene->pipeline(), &Pipeline::reset, this, [this] {
        updateSceneRect();
        m_minimap->refresh();
        viewport()->update();
    });
    // The empty-canvas hint comes and goes with the first node.
    connect(scene->pipeline(), &Pipeline::nodeAdded, this, [this] {
        if (m_scene->pipeline()->data().nodes().size() == 1)
            viewport()->update();
    });
    connect(scene->pipeline(), &Pipeline::nodeRemoved, this, [this] {
        if (m_scene->pipeline()->data().nodes().isEmpty())
            viewport()->update();
    });
    updateSceneRect();
}

void CanvasView::updateSceneRect()
{
    // A generous margin lets the user pan past the content (scroll bars are hidden); the rect
    // only grows, so panning never jumps when a node is deleted.
    const QRectF content = m_scene->contentRect();
    QRectF wanted = content.isEmpty() ? QRectF(-2000, -2000, 4000, 4000)
                                      : content.adjusted(-4000, -4000, 4000, 4000);
    const QRectF current = sceneRect();
    if (!current.contains(wanted))
        setSceneRect(current.isEmpty() ? wanted : current.united(wanted));
}

qreal CanvasView::zoom() const
{
    return transform().m11();
}

void CanvasView::zoomBy(qreal factor, QPoint viewportAnchor)
{
    const qreal target = std::clamp(zoom() * factor, minZoom, maxZoom);
    if (qFuzzyCompare(target, zoom()))
        return;
    const QPointF sceneAnchor = mapToScene(viewportAnchor);
    const qreal f = target / zoom();
    scale(f, f);
    // Keep the point under the anchor where it was.
    const QPoint drift = mapFromScene(sceneAnchor) - viewportAnchor;
    horizontalScrollBar()->setValue(horizontalScrollBar()->value() + drift.x());
    verticalScrollBar()->setValue(verticalScrollBar()->value() + drift.y());
    m_minimap->refresh();
    Q_EMIT zoomChanged(zoom());
}

void CanvasView::setZoom(qreal z)
{
    zoomBy(z / zoom(), viewport()->rect().center());
}

void CanvasView::zoomIn()
{
    zoomBy(1.25, viewport()->rect().center());
}

void CanvasView::zoomOut()
{
    zoomBy(0.8, viewport()->rect().center());
}

void CanvasView::resetZoom()
{
    setZoom(1.0);
}

void CanvasView::zoomToFit()
{
    const QRectF content = m_scene->contentRect();
    if (content.isEmpty()) {
        resetTransform();
        centerOn(0, 0);
        Q_EMIT zoomChanged(zoom());
        return;
    }
    updateSceneRect();
    const QRectF target = content.adjusted(-40, -40, 40, 40);
    const QRectF vp = viewport()->rect();
    // Fit, but never magnify a small pipeline beyond 100 %.
    const qreal z = std::clamp(std::min(vp.width() / target.width(), vp.height() / target.height()),
                               minZoom,
                               1.0);
    setTransform(QTransform::fromScale(z, z));
    centerOn(target.center());
    m_minimap->refresh();
    Q_EMIT zoomChanged(zoom());
}

void CanvasView::zoomToSelection()
{
    QRectF r;
    for (QGraphicsItem *item : m_scene->selectedItems())
        r |= item->sceneBoundingRect();
    if (r.isEmpty()) {
        zoomToFit();
        return;
    }
    const QRectF target = r.adjusted(-60, -60, 60, 60);
    const QRectF vp = viewport()->rect();
    const qreal z = std::clamp(std::min(vp.width() / target.width(), vp.height() / target.height()),
                               minZoom,
                               1.5);
    setTransform(QTransform::fromScale(z, z));
    centerOn(target.center());
    m_minimap->refresh();
    Q_EMIT zoomChanged(zoom());
}

QPointF CanvasView::preferredScenePos() const
{
    const QPoint cursor = viewport()->mapFromGlobal(QCursor::pos());
    if (viewport()->rect().contains(cursor) && underMouse())
        return mapToScene(cursor);
    return mapToScene(viewport()->rect().center());
}

void CanvasView::drawBackground(QPainter *painter, const QRectF &rect)
{
    const CanvasStyle &style = m_scene->style();
    painter->fillRect(rect, style.background);
    // A dot grid: minor dots every grid step when they are at least 12 px apart, major dots
    // every 5 steps. Not antialiased: squares of 1-2 device pixels are crisp and cheap.
    const qreal z = zoom();
    const qreal minor = CanvasScene::gridSize;
    const qreal major = minor * 5;
    const bool antialiasing = painter->testRenderHint(QPainter::Antialiasing);
    painter->setRenderHint(QPainter::Antialiasing, false);
    auto drawDots = [&](qreal step, const QColor &color, qreal px, qreal skipStep) {
        QPen pen(color, px);
        pen.setCosmetic(true);
        pen.setCapStyle(Qt::SquareCap);
        painter->setPen(pen);
        const qreal left = std::floor(rect.left() / step) * step;
        const qreal top = std::floor(rect.top() / step) * step;
        QVarLengthArray<QPointF, 4096> points;
        for (qreal y = top; y <= rect.bottom(); y += step) {
            for (qreal x = left; x <= rect.right(); x += step) {
                if (skipStep > 0 && std::fmod(std::abs(x), skipStep) < 0.5
                    && std::fmod(std::abs(y), skipStep) < 0.5)
                    continue;
                points.append(QPointF(x, y));
                if (points.size() == 4096) {
                    painter->drawPoints(points.constData(), int(points.size()));
                    points.clear();
                }
            }
        }
        if (!points.isEmpty())
            painter->drawPoints(points.constData(), int(points.size()));
    };
    if (minor * z >= 12)
        drawDots(minor, style.gridMinor, 1.5, major);
    if (major * z >= 12)
        drawDots(major, style.gridMajor, 2.0, 0);
    painter->setRenderHint(QPainter::Antialiasing, antialiasing);
}

void CanvasView::drawForeground(QPainter *painter, const QRectF &)
{
    // An empty canvas says how to start.
    if (!m_scene->pipeline()->data().nodes().isEmpty()
        || !m_scene->pipeline()->data().annotations().isEmpty() || !m_scene->editor())
        return;
    const CanvasStyle &style = m_scene->style();
    painter->save();
    painter->resetTransform();
    const QRect r = viewport()->rect();
    QFont title = font();
    title.setPointSizeF(title.pointSizeF() * 1.4);
    title.setWeight(QFont::DemiBold);
    painter->setFont(title);
    painter->setPen(style.mutedText);
    const QRect top(r.left(), r.center().y() - 44, r.width(), 34);
    painter->drawText(top, Qt::AlignCenter, tr("Start a pipeline"));
    QFont body = font();
    painter->setFont(body);
    painter->drawText(QRect(r.left() + 40, top.bottom() + 6, r.width() - 80, 60),
                      Qt::AlignHCenter | Qt::AlignTop | Qt::TextWordWrap,
                      tr("Drag a node type from the palette onto the canvas,\nor press Space (or "
                         "double-click) to add one by name."));
    painter->restore();
}

void CanvasView::paintEvent(QPaintEvent *event)
{
    QElapsedTimer timer;
    timer.start();
    QGraphicsView::paintEvent(event);
    m_lastPaintMs = timer.nsecsElapsed() / 1e6;
}

void CanvasView::wheelEvent(QWheelEvent *event)
{
    const QPoint pixels = event->pixelDelta();
    const QPoint angle = event->angleDelta();
    const bool ctrl = event->modifiers() & Qt::ControlModifier;
    if (!pixels.isNull() && !ctrl) {
        // Touchpad: two-finger scroll pans, pinch (or Ctrl+scroll) zooms.
        horizontalScrollBar()->setValue(horizontalScrollBar()->value() - pixels.x());
        verticalScrollBar()->setValue(verticalScrollBar()->value() - pixels.y());
    } else if (event->modifiers() & Qt::ShiftModifier) {
        const int d = angle.y() ? angle.y() : angle.x();
        horizontalScrollBar()->setValue(horizontalScrollBar()->value() - d);
    } else if (angle.y()) {
        zoomBy(std::pow(1.0015, angle.y()), event->position().toPoint());
    }
    event->accept();
}

bool CanvasView::viewportEvent(QEvent *event)
{
    if (event->type() == QEvent::NativeGesture) {
        auto *g = static_cast<QNativeGestureEvent *>(event);
        if (g->gestureType() == Qt::ZoomNativeGesture) {
            zoomBy(1.0 + g->value(), viewport()->mapFromGlobal(g->globalPosition().toPoint()));
            g->accept(); // handled: not passed on to the parent as an unused gesture
            return true;
        }
    } else if (event->type() == QEvent::Gesture) {
        auto *g = static_cast<QGestureEvent *>(event);
        if (auto *pinch = static_cast<QPinchGesture *>(g->gesture(Qt::PinchGesture))) {
            if (pinch->changeFlags() & QPinchGesture::ScaleFactorChanged)
                zoomBy(pinch->scaleFactor(),
                       viewport()->mapFromGlobal(pinch->centerPoint().toPoint()));
            g->accept(pinch);
            return true;
        }
    }
    return QGraphicsView::viewportEvent(event);
}

void CanvasView::mousePressEvent(QMouseEvent *event)
{
    if (event->button() == Qt::MiddleButton || (event->button() == Qt::LeftButton && m_spaceHeld)) {
        m_panning = true;
        m_spaceUsedForPan = m_spaceHeld;
        m_panLast = event->position().toPoint();
        viewport()->setCursor(Qt::ClosedHandCursor);
        event->accept();
        return;
    }
    QGraphicsView::mousePressEvent(event);
}

void CanvasView::mouseMoveEvent(QMouseEvent *event)
{
    if (m_panning) {
        const QPoint p = event->position().toPoint();
        const QPoint d = p - m_panLast;
        m_panLast = p;
        horizontalScrollBar()->setValue(horizontalScrollBar()->value() - d.x());
        verticalScrollBar()->setValue(verticalScrollBar()->value() - d.y());
        event->accept();
        return;
    }
    QGraphicsView::mouseMoveEvent(event);
}

void CanvasView::mouseReleaseEvent(QMouseEvent *event)
{
    if (m_panning && (event->button() == Qt::MiddleButton || event->button() == Qt::LeftButton)) {
        m_panning = false;
        viewport()->setCursor(m_spaceHeld ? Qt::OpenHandCursor : Qt::ArrowCursor);
        event->accept();
        return;
    }
    QGraphicsView::mouseReleaseEvent(event);
}

void CanvasView::keyPressEvent(QKeyEvent *event)
{
    // Space belongs to a note being edited; on the canvas it pans (held) or opens quick-add.
    const bool editingText = m_scene->focusItem() != nullptr;
    if (event->key() == Qt::Key_Space && !editingText && event->modifiers() == Qt::NoModifier) {
        if (!event->isAutoRepeat()) {
            m_spaceHeld = true;
            m_spaceUsedForPan = false;
            viewport()->setCursor(Qt::OpenHandCursor);
        }
        event->accept();
        return;
    }
    QGraphicsView::keyPressEvent(event);
}

void CanvasView::keyReleaseEvent(QKeyEvent *event)
{
    if (event->key() == Qt::Key_Space && m_spaceHeld) {
        if (event->isAutoRepeat()) {
            event->accept();
            return;
        }
        m_spaceHeld = false;
        viewport()->unsetCursor();
        if (!m_spaceUsedForPan && !m_panning && m_scene->editor())
            showQuickAdd(preferredScenePos());
        event->accept();
        return;
    }
    QGraphicsView::keyReleaseEvent(event);
}

bool CanvasView::focusNextPrevChild(bool next)
{
    // Tab walks through the nodes while the canvas has the focus (keyboard users can reach
    // every node); with an empty canvas it moves the focus on as usual.
    if (hasFocus() && !m_scene->nodeItems().isEmpty() && !m_scene->focusItem()) {
        selectNextNode(next);
        return true;
    }
    return QGraphicsView::focusNextPrevChild(next);
}

void CanvasView::selectNextNode(bool forward)
{
    const QList<Node> &nodes = m_scene->pipeline()->data().nodes();
    if (nodes.isEmpty())
        return;
    const QList<int> selected = m_scene->selectedNodeKeys();
    qsizetype index = selected.isEmpty() ? -1
                                         : m_scene->pipeline()->data().indexOf(
                                             forward ? selected.last() : selected.first());
    if (index < 0)
        index = forward ? nodes.size() - 1 : 0;
    index = (index + (forward ? 1 : nodes.size() - 1)) % nodes.size();
    const int key = nodes.at(index).key;
    m_scene->selectOnly({key});
    if (NodeItem *item = m_scene->nodeItem(key))
        reveal(item->sceneBoundingRect());
}

void CanvasView::reveal(const QRectF &sceneRect)
{
    // Scroll only when needed: a view that jumps while the user walks through visible nodes
    // loses their place.
    const QRectF visible = mapToScene(viewport()->rect()).boundingRect();
    if (!visible.contains(sceneRect))
        ensureVisible(sceneRect, 40, 40);
}

void CanvasView::focusOutEvent(QFocusEvent *event)
{
    m_spaceHeld = false;
    QGraphicsView::focusOutEvent(event);
}

QRectF CanvasView::dropNodeRect(const QString &typeName, QPointF scenePos) const
{
    const NodeGeometry &g = NodeGeometry::forType(m_scene->pipeline()->registry().find(typeName));
    const QPointF topLeft = m_scene->snapNodePosition(scenePos
                                                      - QPointF(g.width / 2, g.headerHeight / 2));
    return QRectF(topLeft, g.bodyRect().size());
}

void CanvasView::dragEnterEvent(QDragEnterEvent *event)
{
    const QString type = NodeTypeMime::decode(event->mimeData());
    if ((!type.isEmpty() && m_scene->editor()) || !flowFileOf(event->mimeData()).isEmpty()) {
        event->setDropAction(Qt::CopyAction);
        event->accept();
        return;
    }
    event->ignore();
}

void CanvasView::dragMoveEvent(QDragMoveEvent *event)
{
    const QString type = NodeTypeMime::decode(event->mimeData());
    if (!type.isEmpty() && m_scene->editor()) {
        const NodeType *t = m_scene->pipeline()->registry().find(type);
        const QRectF rect = dropNodeRect(type, mapToScene(event->position().toPoint()));
        m_scene->setDropPreview(t ? m_scene->insertableLinkAt(rect, *t) : nullptr);
        event->setDropAction(Qt::CopyAction);
        event->accept();
        return;
    }
    if (!flowFileOf(event->mimeData()).isEmpty()) {
        event->setDropAction(Qt::CopyAction);
        event->accept();
        return;
    }
    event->ignore();
}

void CanvasView::dragLeaveEvent(QDragLeaveEvent *event)
{
    m_scene->setDropPreview(nullptr);
    event->accept();
}

void CanvasView::dropEvent(QDropEvent *event)
{
    const QString type = NodeTypeMime::decode(event->mimeData());
    if (!type.isEmpty() && m_scene->editor()) {
        const QPointF scenePos = mapToScene(event->position().toPoint());
        const QRectF rect = dropNodeRect(type, scenePos);
        LinkItem *into = m_scene->dropPreview();
        m_scene->setDropPreview(nullptr);
        const int key = into
                            ? m_scene->editor()->addNodeIntoLink(type, rect.topLeft(), into->link())
                            : m_scene->editor()->addNode(type, rect.topLeft());
        event->setDropAction(Qt::CopyAction);
        event->accept();
        if (key) {
            m_scene->selectOnly({key});
            Q_EMIT nodesAdded({key});
        }
        setFocus(Qt::OtherFocusReason);
        return;
    }
    const QString file = flowFileOf(event->mimeData());
    if (!file.isEmpty()) {
        event->acceptProposedAction();
        Q_EMIT fileDropped(file);
        return;
    }
    event->ignore();
}

void CanvasView::contextMenuEvent(QContextMenuEvent *event)
{
    const QPointF scenePos = mapToScene(event->pos());
    QGraphicsItem *item = m_scene->itemAt(scenePos, transform());
    while (item && !(item->flags() & QGraphicsItem::ItemIsSelectable))
        item = item->parentItem();
    if (item && !item->isSelected()) {
        m_scene->clearSelection();
        item->setSelected(true);
    } else if (!item) {
        m_scene->clearSelection();
    }
    Q_EMIT contextMenuRequested(event->globalPos(), scenePos);
    event->accept();
}

void CanvasView::showQuickAdd(QPointF scenePos, const PendingLink &pending)
{
    if (!m_scene->editor())
        return;
    m_quickAddPos = scenePos;
    m_quickAddPending = pending;
    if (pending.node) {
        const PendingLink p = pending;
        m_quickAdd
            ->setFilter([p](const NodeType &t) { return !PipelineEditor::portFor(t, p).isEmpty(); },
                        p.fromOutput ? tr("Node types that take a %1").arg(portTypeName(p.type))
                                     : tr("Node types that give a %1").arg(portTypeName(p.type)));
    } else {
        m_quickAdd->clearFilter();
    }
    m_quickAdd->popup(viewport()->mapToGlobal(mapFromScene(scenePos)));
}

void CanvasView::quickAddChosen(const QString &typeName)
{
    PipelineEditor *editor = m_scene->editor();
    const NodeType *t = m_scene->pipeline()->registry().find(typeName);
    if (!editor || !t)
        return;
    const NodeGeometry &g = NodeGeometry::forType(t);
    int key = 0;
    if (m_quickAddPending.node) {
        // Put the new node so that the port it connects with lands where the link was dropped.
        const QString port = PipelineEditor::portFor(*t, m_quickAddPending);
        const PortGeometry *pg = g.port(port, !m_quickAddPending.fromOutput);
        const QPointF offset = pg ? pg->center : QPointF(0, g.headerHeight / 2);
        key = editor->addNodeAndConnect(typeName,
                                        m_scene->snapNodePosition(m_quickAddPos - offset),
                                        m_quickAddPending);
    } else {
        key = editor->addNode(typeName,
                              m_scene->snapNodePosition(
                                  m_quickAddPos - QPointF(g.width / 2, g.headerHeight / 2)));
    }
    m_quickAddPending = PendingLink{};
    if (key) {
        m_scene->selectOnly({key});
        Q_EMIT nodesAdded({key});
    }
    setFocus(Qt::OtherFocusReason);
}

void CanvasView::startRename(int key)
{
    if (m_scene->editor() && m_scene->nodeItem(key))
        m_rename->start(key);
}

void CanvasView::placeMinimap()
{
    const int margin = 12;
    m_minimap->move(viewport()->width() - m_minimap->width() - margin,
                    viewport()->height() - m_minimap->height() - margin);
}

void CanvasView::resizeEvent(QResizeEvent *event)
{
    QGraphicsView::resizeEvent(event);
    placeMinimap();
    m_minimap->refresh();
}

void CanvasView::scrollContentsBy(int dx, int dy)
{
    QGraphicsView::scrollContentsBy(dx, dy);
    m_minimap->refresh();
}

void CanvasView::changeEvent(QEvent *event)
{
    QGraphicsView::changeEvent(event);
    if (event->type() == QEvent::PaletteChange) {
        m_scene->setStyle(CanvasStyle::fromPalette(palette()));
        viewport()->update();
        m_minimap->update();
    }
}

} // namespace fb
