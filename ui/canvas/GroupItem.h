#pragma once

#include <QGraphicsItem>

namespace fb {

class GroupTitleEditor;

// A named frame around a group of nodes (a Group of the model). It follows its members: the
// scene recomputes the frame whenever one of them moves. Dragging the title bar moves the
// whole group; double-clicking it renames the group in place.
class GroupItem : public QGraphicsItem
{
public:
    enum { Type = QGraphicsItem::UserType + 5 };
    static constexpr qreal padding = 18;
    static constexpr qreal titleHeight = 28;

    explicit GroupItem(int key);
    ~GroupItem() override;

    int type() const override { return Type; }
    int key() const { return m_key; }
    QString title() const { return m_title; }
    void setTitle(const QString &title);
    // The frame in scene coordinates, from the members' bounding box.
    void setMembersRect(const QRectF &membersSceneRect);
    QRectF frame() const { return m_frame; }
    // The title bar in scene coordinates: where a drag moves the group.
    QRectF titleBar() const;

    void startEditing();
    bool isEditing() const { return m_editor != nullptr; }
    void finishEditing(bool commit);

    QRectF boundingRect() const override;
    QPainterPath shape() const override;
    void paint(QPainter *painter, const QStyleOptionGraphicsItem *option, QWidget *widget) override;

private:
    int m_key;
    QString m_title;
    QRectF m_frame;
    GroupTitleEditor *m_editor = nullptr;
};

} // namespace fb
