#include "InlineRenameEditor.h"

#include "CanvasScene.h"
#include "CanvasView.h"
#include "NodeGeometry.h"
#include "NodeItem.h"
#include "edit/PipelineEditor.h"

#include <QKeyEvent>
#include <QLabel>

namespace fb {

InlineRenameEditor::InlineRenameEditor(CanvasView *view)
    : QLineEdit(view->viewport())
    , m_view(view)
{
    setObjectName(QStringLiteral("inlineRename"));
    hide();
    m_message = new QLabel(view->viewport());
    m_message->setObjectName(QStringLiteral("inlineRenameMessage"));
    m_message->setWordWrap(true);
    m_message->setAutoFillBackground(true);
    m_message->setMargin(4);
    m_message->hide();
    connect(this, &QLineEdit::textEdited, this, &InlineRenameEditor::check);
    connect(view, &CanvasView::zoomChanged, this, [this] {
        if (isVisible())
            cancel();
    });
}

void InlineRenameEditor::start(int key)
{
    CanvasScene *scene = m_view->canvasScene();
    NodeItem *item = scene->nodeItem(key);
    if (!item)
        return;
    m_key = key;
    const QRectF idRect = item->mapRectToScene(item->geometry().idRect().adjusted(-4, -3, 22, 3));
    QRect r = m_view->mapFromScene(idRect).boundingRect();
    r.setHeight(std::max(r.height(), 24));
    r.setWidth(std::max(r.width(), 140));
    QFont f = font();
    f.setPixelSize(std::clamp(int(13 * m_view->zoom()), 11, 28));
    setFont(f);
    setGeometry(r);
    setText(item->nodeId());
    selectAll();
    check();
    show();
    raise();
    setFocus(Qt::OtherFocusReason);
}

void InlineRenameEditor::check()
{
    PipelineEditor *editor = m_view->canvasScene()->editor();
    m_problem = editor ? editor->checkRename(m_key, text()) : QString();
    if (m_problem.isEmpty()) {
        setStyleSheet(QString());
        m_message->hide();
        return;
    }
    const QColor red = m_view->canvasScene()->style().refused;
    setStyleSheet(QStringLiteral("QLineEdit { border: 2px solid %1; }").arg(red.name()));
    m_message->setText(m_problem);
    QPalette pal = m_message->palette();
    pal.setColor(QPalette::Window, m_view->canvasScene()->style().nodeFill);
    pal.setColor(QPalette::WindowText, red);
    m_message->setPalette(pal);
    m_message->setFixedWidth(std::max(width(), 260));
    m_message->adjustSize();
    m_message->move(x(), y() + height() + 2);
    m_message->show();
    m_message->raise();
}

void InlineRenameEditor::commit()
{
    check();
    if (!m_problem.isEmpty())
        return; // stays open; the message says why
    PipelineEditor *editor = m_view->canvasScene()->editor();
    const int key = m_key;
    const QString id = text();
    m_key = 0;
    hide();
    m_message->hide();
    if (editor)
        editor->renameNode(key, id);
    m_view->setFocus(Qt::OtherFocusReason);
}

void InlineRenameEditor::cancel()
{
    m_key = 0;
    hide();
    m_message->hide();
    m_view->setFocus(Qt::OtherFocusReason);
}

void InlineRenameEditor::keyPressEvent(QKeyEvent *event)
{
    switch (event->key()) {
    case Qt::Key_Return:
    case Qt::Key_Enter:
        commit();
        return;
    case Qt::Key_Escape:
        cancel();
        return;
    default:
        QLineEdit::keyPressEvent(event);
    }
}

void InlineRenameEditor::focusOutEvent(QFocusEvent *event)
{
    QLineEdit::focusOutEvent(event);
    if (!isVisible() || !m_key)
        return;
    check();
    if (m_problem.isEmpty())
        commit();
    else
        cancel();
}

} // namespace fb
