#include "GroupItem.h"

#include "CanvasScene.h"
#include "edit/PipelineEditor.h"

#include <QCoreApplication>
#include <QGraphicsTextItem>
#include <QKeyEvent>
#include <QPainter>
#include <QStyleOptionGraphicsItem>
#include <QTextCursor>
#include <QTextDocument>

namespace fb {

// The in-place title editor: Enter or focus loss commits, Escape cancels.
class GroupTitleEditor : public QGraphicsTextItem
{
public:
    explicit GroupTitleEditor(GroupItem *group)
        : QGraphicsTextItem(group)
        , m_group(group)
    {}

protected:
    void focusOutEvent(QFocusEvent *event) override
    {
        QGraphicsTextItem::focusOutEvent(event);
        if (event->reason() != Qt::PopupFocusReason)
            m_group->finishEditing(true);
    }
    void keyPressEvent(QKeyEvent *event) override
    {
        if (event->key() == Qt::Key_Escape) {
            m_group->finishEditing(false);
            return;
        }
        if (event->key() == Qt::Key_Return || event->key() == Qt::Key_Enter) {
            m_group->finishEditing(true);
            return;
        }
        QGraphicsTextItem::keyPressEvent(event);
    }

private:
    GroupItem *m_group;
};

GroupItem::GroupItem(int key)
    : m_key(key)
{
    setFlags(ItemIsSelectable);
    setZValue(-3); // under notes, links and nodes
}

GroupItem::~GroupItem() = default;

void GroupItem::setTitle(const QString &title)
{
    m_title = title;
    update();
}

void GroupItem::setMembersRect(const QRectF &membersSceneRect)
{
    const QRectF frame = membersSceneRect.isEmpty()
                             ? QRectF()
                             : membersSceneRect.adjusted(-padding, -padding - titleHeight, padding, padding);
    if (frame == m_frame)
        return;
    prepareGeometryChange();
    m_frame = frame;
    if (m_editor)
        m_editor->setPos(m_frame.topLeft() + QPointF(10, 3));
}

QRectF GroupItem::titleBar() const
{
    return QRectF(m_frame.topLeft(), QSizeF(m_frame.width(), titleHeight));
}

QRectF GroupItem::boundingRect() const
{
    return m_frame.adjusted(-2, -2, 2, 2);
}

QPainterPath GroupItem::shape() const
{
    // Only the title bar and the rim take clicks: inside the frame the nodes and the rubber
    // band work as everywhere else.
    QPainterPath path;
    if (m_frame.isEmpty())
        return path;
    path.addRect(titleBar());
    QPainterPath rim;
    rim.addRect(m_frame.adjusted(-3, -3, 3, 3));
    QPainterPath inner;
    inner.addRect(m_frame.adjusted(5, 5, -5, -5));
    return path.united(rim.subtracted(inner));
}

void GroupItem::paint(QPainter *painter, const QStyleOptionGraphicsItem *option, QWidget *)
{
    auto *s = qobject_cast<CanvasScene *>(scene());
    if (!s || m_frame.isEmpty())
        return;
    const CanvasStyle &style = s->style();
    const bool selected = option->state & QStyle::State_Selected;
    const qreal lod = QStyleOptionGraphicsItem::levelOfDetailFromTransform(painter->worldTransform());
    QColor fill = style.accent;
    fill.setAlpha(style.dark ? 26 : 18);
    QColor edge = style.accent;
    edge.setAlpha(selected ? 255 : 90);
    painter->setRenderHint(QPainter::Antialiasing);
    painter->setBrush(fill);
    QPen pen(edge, selected ? 2.0 : 1.2);
    pen.setCosmetic(lod < 0.5);
    painter->setPen(pen);
    painter->drawRoundedRect(m_frame, 12, 12);
    if (lod >= 0.28 && !m_editor) {
        QFont f = style.idFont;
        f.setPixelSize(14);
        painter->setFont(f);
        painter->setPen(CanvasStyle::mix(style.text, style.accent, 0.35));
        painter->drawText(titleBar().adjusted(12, 0, -12, 0), Qt::AlignLeft | Qt::AlignVCenter,
                          m_title.isEmpty() ? QCoreApplication::translate("fb::GroupItem", "Group") : m_title);
    }
}

void GroupItem::startEditing()
{
    auto *s = qobject_cast<CanvasScene *>(scene());
    if (m_editor || !s || !s->editor())
        return;
    m_editor = new GroupTitleEditor(this);
    QFont f = s->style().idFont;
    f.setPixelSize(14);
    m_editor->setFont(f);
    m_editor->setDefaultTextColor(s->style().text);
    m_editor->setPlainText(m_title);
    m_editor->document()->setDocumentMargin(2);
    m_editor->setPos(m_frame.topLeft() + QPointF(10, 3));
    m_editor->setTextInteractionFlags(Qt::TextEditorInteraction);
    m_editor->setFocus(Qt::OtherFocusReason);
    QTextCursor cursor = m_editor->textCursor();
    cursor.select(QTextCursor::Document);
    m_editor->setTextCursor(cursor);
    update();
}

void GroupItem::finishEditing(bool commit)
{
    if (!m_editor)
        return;
    const QString text = m_editor->toPlainText().simplified();
    GroupTitleEditor *editor = m_editor;
    m_editor = nullptr;
    editor->setTextInteractionFlags(Qt::NoTextInteraction);
    editor->deleteLater();
    update();
    auto *s = qobject_cast<CanvasScene *>(scene());
    if (commit && s && s->editor() && text != m_title)
        s->editor()->setGroupTitle(m_key, text);
}

} // namespace fb
