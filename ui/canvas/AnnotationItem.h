#pragma once

#include <QGraphicsItem>

namespace fb {

class NoteTextEditor;

// A text note on the canvas (an Annotation of the model). Double-click edits the text in place;
// the corner handle resizes it. Edits are committed through the scene's editor (undoable).
class AnnotationItem : public QGraphicsItem
{
public:
    enum { Type = QGraphicsItem::UserType + 3 };

    explicit AnnotationItem(int key);
    ~AnnotationItem() override;

    int type() const override { return Type; }
    int key() const { return m_key; }
    QString text() const { return m_text; }
    // The note's rectangle in scene coordinates as it is on screen (during a drag too).
    QRectF noteRect() const { return QRectF(pos(), m_size); }
    void setFromModel(const QString &text, const QRectF &rect);

    void startEditing(bool selectAll = false);
    bool isEditing() const { return m_editor != nullptr; }
    // Ends in-place editing; `commit` pushes the new text as an undoable edit.
    void finishEditing(bool commit);

    QRectF boundingRect() const override;
    void paint(QPainter *painter, const QStyleOptionGraphicsItem *option, QWidget *widget) override;

protected:
    void mousePressEvent(QGraphicsSceneMouseEvent *event) override;
    void mouseMoveEvent(QGraphicsSceneMouseEvent *event) override;
    void mouseReleaseEvent(QGraphicsSceneMouseEvent *event) override;
    void mouseDoubleClickEvent(QGraphicsSceneMouseEvent *event) override;
    void hoverMoveEvent(QGraphicsSceneHoverEvent *event) override;
    QVariant itemChange(GraphicsItemChange change, const QVariant &value) override;

private:
    QRectF handleRect() const;

    int m_key;
    QString m_text;
    QSizeF m_size;
    bool m_resizing = false;
    QSizeF m_resizeStartSize;
    QPointF m_resizeStartPos;
    NoteTextEditor *m_editor = nullptr;
};

} // namespace fb
