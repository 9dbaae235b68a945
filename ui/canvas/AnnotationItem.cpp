#include "AnnotationItem.h"

#include "CanvasScene.h"
#include "edit/PipelineEditor.h"

#include <QGraphicsSceneMouseEvent>
#include <QGraphicsTextItem>
#include <QKeyEvent>
#include <QPainter>
#include <QStyleOptionGraphicsItem>
#include <QTextCursor>
#include <QTextDocument>

namespace fb {

namespace {
constexpr qreal padding = 10;
constexpr qreal handleSize = 14;
constexpr QSizeF minimumSize(80, 40);
} // namespace

// The in-place text editor of a note: commits on focus loss or Ctrl+Enter, Escape cancels.
class NoteTextEditor : public QGraphicsTextItem
{
public:
    NoteTextEditor(AnnotationItem *note)
        : QGraphicsTextItem(note)
        , m_note(note)
    {}

protected:
    void focusOutEvent(QFocusEvent *event) override
    {
        QGraphicsTextItem::focusOutEvent(event);
        if (event->reason() != Qt::PopupFocusReason) // the context menu of the text keeps editing
            m_note->finishEditing(true);
    }
    void keyPressEvent(QKeyEvent *event) override
    {
        if (event->key() == Qt::Key_Escape) {
            m_note->finishEditing(false);
            return;
        }
        if ((event->key() == Qt::Key_Return || event->key() == Qt::Key_Enter)
            && (event->modifiers() & Qt::ControlModifier)) {
            m_note->finishEditing(true);
            return;
        }
        QGraphicsTextItem::keyPressEvent(event);
    }

private:
    AnnotationItem *m_note;
};

AnnotationItem::AnnotationItem(int key)
    : m_key(key)
{
    setFlags(ItemIsSelectable | ItemIsMovable | ItemSendsGeometryChanges);
    setAcceptHoverEvents(true);
    setZValue(-2); // under links and nodes
}

AnnotationItem::~AnnotationItem() = default;

void AnnotationItem::setFromModel(const QString &text, const QRectF &rect)
{
    prepareGeometryChange();
    m_text = text;
    m_size = rect.size().expandedTo(minimumSize);
    setPos(rect.topLeft());
    update();
}

QRectF AnnotationItem::handleRect() const
{
    return QRectF(m_size.width() - handleSize, m_size.height() - handleSize, handleSize, handleSize);
}

QRectF AnnotationItem::boundingRect() const
{
    return QRectF(QPointF(0, 0), m_size).adjusted(-2, -2, 2, 3);
}

void AnnotationItem::paint(QPainter *painter, const QStyleOptionGraphicsItem *option, QWidget *)
{
    auto *s = qobject_cast<CanvasScene *>(scene());
    if (!s)
        return;
    const CanvasStyle &style = s->style();
    const QRectF r(QPointF(0, 0), m_size);
    const bool selected = option->state & QStyle::State_Selected;
    painter->setRenderHint(QPainter::Antialiasing);
    painter->setPen(selected ? QPen(style.accent, 2.0) : QPen(style.annotationBorder, 1.0));
    painter->setBrush(style.annotationFill);
    painter->drawRoundedRect(r, 6, 6);
    const qreal lod = QStyleOptionGraphicsItem::levelOfDetailFromTransform(
        painter->worldTransform());
    if (!m_editor && lod >= 0.28) {
        painter->setPen(style.annotationText);
        painter->setFont(style.noteFont);
        painter->drawText(r.adjusted(padding, padding, -padding, -padding),
                          Qt::TextWordWrap | Qt::AlignLeft | Qt::AlignTop,
                          m_text);
    }
    if (selected || isUnderMouse()) {
        painter->setPen(QPen(style.annotationText, 1.2));
        const QRectF h = handleRect();
        for (int i = 1; i <= 2; ++i)
            painter->drawLine(QPointF(h.right() - 4 * i - 1, h.bottom() - 3),
                              QPointF(h.right() - 3, h.bottom() - 4 * i - 1));
    }
}

void AnnotationItem::startEditing(bool selectAll)
{
    if (m_editor)
        return;
    auto *s = qobject_cast<CanvasScene *>(scene());
    m_editor = new NoteTextEditor(this);
    m_editor->setDefaultTextColor(s ? s->style().annotationText : Qt::black);
    if (s)
        m_editor->setFont(s->style().noteFont);
    m_editor->setPlainText(m_text);
    m_editor->document()->setDocumentMargin(0);
    m_editor->setTextWidth(m_size.width() - 2 * padding);
    m_editor->setPos(padding, padding - 1);
    m_editor->setTextInteractionFlags(Qt::TextEditorInteraction);
    m_editor->setFocus(Qt::MouseFocusReason);
    QTextCursor cursor = m_editor->textCursor();
    if (selectAll)
        cursor.select(QTextCursor::Document);
    else
        cursor.movePosition(QTextCursor::End);
    m_editor->setTextCursor(cursor);
    update();
}

void AnnotationItem::finishEditing(bool commit)
{
    if (!m_editor)
        return;
    const QString text = m_editor->toPlainText();
    NoteTextEditor *editor = m_editor;
    m_editor = nullptr;
    editor->setTextInteractionFlags(Qt::NoTextInteraction);
    editor->deleteLater(); // we may be inside its own event handler
    update();
    auto *s = qobject_cast<CanvasScene *>(scene());
    if (commit && s && s->editor() && text != m_text)
        s->editor()->editAnnotation(m_key, text, noteRect());
}

void AnnotationItem::hoverMoveEvent(QGraphicsSceneHoverEvent *event)
{
    setCursor(handleRect().contains(event->pos()) ? Qt::SizeFDiagCursor : Qt::ArrowCursor);
    QGraphicsItem::hoverMoveEvent(event);
}

void AnnotationItem::mousePressEvent(QGraphicsSceneMouseEvent *event)
{
    if (event->button() == Qt::LeftButton && handleRect().contains(event->pos())) {
        m_resizing = true;
        m_resizeStartSize = m_size;
        m_resizeStartPos = event->scenePos();
        event->accept();
        return;
    }
    QGraphicsItem::mousePressEvent(event);
}

void AnnotationItem::mouseMoveEvent(QGraphicsSceneMouseEvent *event)
{
    if (m_resizing) {
        prepareGeometryChange();
        m_size = (m_resizeStartSize
                  + QSizeF(event->scenePos().x() - m_resizeStartPos.x(),
                           event->scenePos().y() - m_resizeStartPos.y()))
                     .expandedTo(minimumSize);
        if (m_editor)
            m_editor->setTextWidth(m_size.width() - 2 * padding);
        update();
        return;
    }
    QGraphicsItem::mouseMoveEvent(event);
}

void AnnotationItem::mouseReleaseEvent(QGraphicsSceneMouseEvent *event)
{
    if (m_resizing) {
        m_resizing = false;
        auto *s = qobject_cast<CanvasScene *>(scene());
        if (s && s->editor())
            s->editor()->editAnnotation(m_key, m_text, noteRect());
        return;
    }
    QGraphicsItem::mouseReleaseEvent(event);
}

void AnnotationItem::mouseDoubleClickEvent(QGraphicsSceneMouseEvent *event)
{
    auto *s = qobject_cast<CanvasScene *>(scene());
    if (s && s->editor())
        startEditing();
    event->accept();
}

QVariant AnnotationItem::itemChange(GraphicsItemChange change, const QVariant &value)
{
    if (change == ItemSelectedHasChanged && !value.toBool() && m_editor)
        finishEditing(true);
    return QGraphicsItem::itemChange(change, value);
}

} // namespace fb
