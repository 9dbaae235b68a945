#pragma once

#include "exec/TaskState.h"

#include <QGraphicsItem>
#include <QHash>
#include <QSet>
#include <QStaticText>
#include <QStringList>

namespace fb {

class CanvasScene;
class NodeGeometry;
struct NodeType;
struct PortGeometry;

// How a port looks while the user drags a link.
enum class PortMark : quint8 {
    None,
    Compatible,    // a valid end for the link being dragged
    Incompatible,  // cannot take the link (dimmed)
    TargetOk,      // under the cursor and valid
    TargetRefused, // under the cursor and refused (the reason shows next to it)
};

// One node on the canvas. It mirrors a node of the Pipeline model (by key) and never owns model
// state: the scene updates it from the model's signals. Layout comes from NodeGeometry
// (shared per node type), painting from NodePainter.
//
// The run-state API (state, progress, elapsed time, status text) is for the run views: they
// call it from run events; the canvas only paints it.
class NodeItem : public QGraphicsItem
{
public:
    enum { Type = QGraphicsItem::UserType + 1 };

    NodeItem(int key, const NodeType *type, const QString &typeName);

    int type() const override { return Type; }
    int key() const { return m_key; }
    const NodeType *nodeType() const { return m_type; }
    QString typeName() const { return m_typeName; }
    const NodeGeometry &geometry() const { return *m_geometry; }

    QString nodeId() const { return m_id; }
    void setNodeId(const QString &id);
    QString elidedId() const { return m_elidedId; }
    // Laid out once (text layout costs more than drawing it).
    const QStaticText &idText() const { return m_idText; }
    const QStaticText &titleText() const { return m_titleText; }
    QString title() const;
    QString elidedTitle() const { return m_elidedTitle; }
    QString category() const;
    QString glyphResource() const { return m_glyph; }

    // Run state, for the run views.
    void setRunState(TaskState state);
    TaskState runState() const { return m_state; }
    void setProgress(double fraction); // 0..1; negative hides the bar
    double progress() const { return m_progress; }
    void setElapsedMs(qint64 ms); // negative hides it
    qint64 elapsedMs() const { return m_elapsedMs; }
    void setStatusText(const QString &text); // a line for the tooltip ("3 of 5 epochs")
    // Success served from the output cache: painted as "cached" instead of a run time.
    void setCached(bool cached);
    bool isCached() const;
    QString statusText() const { return m_statusText; }
    void clearRunState();

    // Problems that keep the pipeline from running (from validation), shown as a badge.
    void setProblems(const QStringList &problems);
    QStringList problems() const { return m_problems; }

    // Link-drag feedback and connection state, per port.
    void setPortMark(const QString &port, bool output, PortMark mark);
    PortMark portMark(const QString &port, bool output) const;
    void clearPortMarks();
    void setPortConnected(const QString &port, bool output, bool connected);
    bool isPortConnected(const QString &port, bool output) const;
    const PortGeometry *hoveredPort() const { return m_hoveredPort; }
    bool isHovered() const { return m_hovered; }

    QPointF portScenePos(const QString &port, bool output) const;
    const PortGeometry *portAtScene(QPointF scenePos, qreal tolerance) const;

    // Places the item at the model's position, exactly (no grid snap).
    void setPosFromModel(QPointF pos);

    QRectF boundingRect() const override;
    QPainterPath shape() const override;
    void paint(QPainter *painter, const QStyleOptionGraphicsItem *option, QWidget *widget) override;

protected:
    QVariant itemChange(GraphicsItemChange change, const QVariant &value) override;
    void hoverEnterEvent(QGraphicsSceneHoverEvent *event) override;
    void hoverMoveEvent(QGraphicsSceneHoverEvent *event) override;
    void hoverLeaveEvent(QGraphicsSceneHoverEvent *event) override;

private:
    CanvasScene *canvas() const;
    void updateToolTip();
    static QString portKey(const QString &port, bool output);

    int m_key = 0;
    const NodeType *m_type = nullptr;
    QString m_typeName;
    const NodeGeometry *m_geometry = nullptr;
    QString m_id;
    QString m_elidedId;
    QString m_elidedTitle;
    QStaticText m_idText;
    QStaticText m_titleText;
    QString m_glyph;
    TaskState m_state = TaskState::None;
    double m_progress = -1.0;
    qint64 m_elapsedMs = -1;
    QString m_statusText;
    QStringList m_problems;
    QHash<QString, PortMark> m_marks;
    QSet<QString> m_connected;
    const PortGeometry *m_hoveredPort = nullptr;
    bool m_hovered = false;
    bool m_positionFromModel = false;
};

} // namespace fb
