#pragma once

#include <QGraphicsItem>

namespace fb {

// A small label that stays the same size at every zoom, next to the cursor: the reason a link
// is refused, or a hint about what a drop will do.
class BubbleItem : public QGraphicsItem
{
public:
    enum class Kind { Info, Error };
    enum { Type = QGraphicsItem::UserType + 4 };

    BubbleItem();

    int type() const override { return Type; }
    void setMessage(const QString &text, Kind kind);
    QString text() const { return m_text; }
    Kind kind() const { return m_kind; }

    QRectF boundingRect() const override;
    void paint(QPainter *painter, const QStyleOptionGraphicsItem *option, QWidget *widget) override;

private:
    QString m_text;
    Kind m_kind = Kind::Info;
    QRectF m_rect;
};

} // namespace fb
