#pragma once

#include <QWidget>

class QTimer;

namespace fb {

class CanvasView;

// An overview of the whole pipeline in a corner of the canvas: nodes as small blocks in their
// category (or run-state) colour, the visible area as a frame. Click or drag to move the view.
// It hides itself while the whole pipeline fits in the view.
class Minimap : public QWidget
{
    Q_OBJECT

public:
    explicit Minimap(CanvasView *view);

    void setEnabledByUser(bool on);
    bool isEnabledByUser() const { return m_userEnabled; }
    // Recomputes visibility and repaints (soon, coalesced).
    void refresh();

protected:
    void paintEvent(QPaintEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;
    void mouseMoveEvent(QMouseEvent *event) override;
    void mouseReleaseEvent(QMouseEvent *event) override;

private:
    QRectF worldRect() const;
    QTransform worldToWidget() const;
    void centerViewAt(QPoint widgetPos);
    void updateNow();

    CanvasView *m_view;
    QTimer *m_timer = nullptr;
    bool m_userEnabled = true;
    // While dragging, the map keeps its scale and offset: the world rectangle includes the
    // visible area, so recomputing it as the view moves would move the map under the mouse.
    QRectF m_frozenWorld;
};

} // namespace fb
