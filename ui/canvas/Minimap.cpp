#include "Minimap.h"

#include "CanvasScene.h"
#include "CanvasView.h"
#include "LinkItem.h"
#include "NodeGeometry.h"
#include "NodeItem.h"

#include <QMouseEvent>
#include <QPainter>
#include <QTimer>

namespace fb {

Minimap::Minimap(CanvasView *view)
    : QWidget(view)
    , m_view(view)
{
    setObjectName(QStringLiteral("minimap"));
    resize(220, 150);
    setCursor(Qt::PointingHandCursor);
    setToolTip(tr("Overview: click or drag to move the view"));
    m_timer = new QTimer(this);
    m_timer->setSingleShot(true);
    m_timer->setInterval(40);
    connect(m_timer, &QTimer::timeout, this, &Minimap::updateNow);
    hide();
}

void Minimap::setEnabledByUser(bool on)
{
    m_userEnabled = on;
    updateNow();
}

void Minimap::refresh()
{
    if (!m_timer->isActive())
        m_timer->start();
}

QRectF Minimap::worldRect() const
{
    if (m_frozenWorld.isValid())
        return m_frozenWorld;
    const QRectF content = m_view->canvasScene()->contentRect();
    const QRectF visible = m_view->mapToScene(m_view->viewport()->rect()).boundingRect();
    return content.united(visible).adjusted(-40, -40, 40, 40);
}

QTransform Minimap::worldToWidget() const
{
    const QRectF world = worldRect();
    const QRectF area = QRectF(rect()).adjusted(6, 6, -6, -6);
    const qreal s = std::min(area.width() / world.width(), area.height() / world.height());
    const QPointF offset = area.center() - QPointF(world.center().x() * s, world.center().y() * s);
    return QTransform(s, 0, 0, s, offset.x(), offset.y());
}

void Minimap::updateNow()
{
    const QRectF content = m_view->canvasScene()->contentRect();
    const QRectF visible = m_view->mapToScene(m_view->viewport()->rect()).boundingRect();
    // Only useful when the pipeline does not fit in the view.
    const bool needed = m_userEnabled && !content.isEmpty() && !visible.contains(content);
    setVisible(needed);
    if (needed) {
        raise();
        update();
    }
}

void Minimap::paintEvent(QPaintEvent *)
{
    CanvasScene *scene = m_view->canvasScene();
    const CanvasStyle &style = scene->style();
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing);
    p.setPen(QPen(style.nodeBorder, 1));
    p.setBrush(style.minimapBackground);
    p.drawRoundedRect(QRectF(rect()).adjusted(0.5, 0.5, -0.5, -0.5), 8, 8);

    const QTransform t = worldToWidget();
    p.setRenderHint(QPainter::Antialiasing, false);
    const QList<LinkItem *> links = scene->linkItems();
    if (links.size() < 3000) {
        QPen linkPen(CanvasStyle::mix(style.mutedText, style.minimapBackground, 0.4), 1);
        linkPen.setCosmetic(true);
        p.setPen(linkPen);
        QVarLengthArray<QLineF, 1024> lines;
        for (const LinkItem *l : links)
            lines.append(QLineF(t.map(l->fromPos()), t.map(l->toPos())));
        p.drawLines(lines.constData(), int(lines.size()));
    }
    p.setPen(Qt::NoPen);
    for (const NodeItem *n : scene->nodeItems()) {
        const QRectF r = t.mapRect(n->mapRectToScene(n->geometry().bodyRect()));
        QColor c = n->runState() != TaskState::None ? style.stateColor(n->runState())
                                                    : style.categoryColor(n->category());
        if (n->isSelected())
            c = style.accent;
        p.fillRect(r.adjusted(0, 0, std::max(0.0, 2 - r.width()), std::max(0.0, 2 - r.height())), c);
    }
    const QRectF visible = t.mapRect(m_view->mapToScene(m_view->viewport()->rect()).boundingRect());
    p.setRenderHint(QPainter::Antialiasing);
    QColor fill = style.minimapViewport;
    fill.setAlpha(30);
    p.setBrush(fill);
    p.setPen(QPen(style.minimapViewport, 1.5));
    p.drawRoundedRect(visible, 3, 3);
}

void Minimap::centerViewAt(QPoint widgetPos)
{
    const QPointF scenePos = worldToWidget().inverted().map(QPointF(widgetPos));
    m_view->centerOn(scenePos);
    update();
}

void Minimap::mousePressEvent(QMouseEvent *event)
{
    if (event->button() == Qt::LeftButton) {
        m_frozenWorld = worldRect();
        centerViewAt(event->position().toPoint());
    }
    event->accept();
}

void Minimap::mouseReleaseEvent(QMouseEvent *event)
{
    if (event->button() == Qt::LeftButton) {
        m_frozenWorld = QRectF();
        update();
    }
    event->accept();
}

void Minimap::mouseMoveEvent(QMouseEvent *event)
{
    if (event->buttons() & Qt::LeftButton)
        centerViewAt(event->position().toPoint());
    event->accept();
}

} // namespace fb
