#include "QuickAddPopup.h"

#include "TypeMatcher.h"
#include "pipeline/NodeRegistry.h"
#include "style/CanvasStyle.h"
#include "style/NodeIcons.h"

#include <QApplication>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPainter>
#include <QScreen>
#include <QStyledItemDelegate>
#include <QVBoxLayout>

#include <algorithm>

namespace fb {

namespace {

constexpr int TypeRole = Qt::UserRole + 1;
constexpr int CategoryRole = Qt::UserRole + 2;

// Title on the left, category muted on the right.
class QuickAddDelegate : public QStyledItemDelegate
{
public:
    using QStyledItemDelegate::QStyledItemDelegate;

    void paint(QPainter *painter,
               const QStyleOptionViewItem &option,
               const QModelIndex &index) const override
    {
        QStyledItemDelegate::paint(painter, option, index);
        const QString category = index.data(CategoryRole).toString();
        if (category.isEmpty())
            return;
        painter->save();
        const bool selected = option.state & QStyle::State_Selected;
        const QPalette &pal = option.palette;
        QColor c = selected ? pal.color(QPalette::HighlightedText) : pal.color(QPalette::Text);
        c = CanvasStyle::mix(c,
                             selected ? pal.color(QPalette::Highlight) : pal.color(QPalette::Base),
                             0.45);
        painter->setPen(c);
        QFont f = option.font;
        f.setPointSizeF(f.pointSizeF() * 0.9);
        painter->setFont(f);
        painter->drawText(option.rect.adjusted(0, 0, -10, 0),
                          Qt::AlignRight | Qt::AlignVCenter,
                          category);
        painter->restore();
    }

    QSize sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const override
    {
        QSize s = QStyledItemDelegate::sizeHint(option, index);
        s.setHeight(std::max(s.height(), 30));
        return s;
    }
};

} // namespace

QuickAddPopup::QuickAddPopup(const NodeRegistry &registry, QWidget *parent)
    : QFrame(parent, Qt::Popup)
    , m_registry(registry)
{
    setObjectName(QStringLiteral("quickAddPopup"));
    setFrameShape(QFrame::StyledPanel);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(6, 6, 6, 6);
    layout->setSpacing(4);
    m_search = new QLineEdit(this);
    m_search->setPlaceholderText(tr("Add node: type to search…"));
    m_search->setClearButtonEnabled(true);
    m_search->installEventFilter(this);
    layout->addWidget(m_search);
    m_hint = new QLabel(this);
    m_hint->setVisible(false);
    QFont small = m_hint->font();
    small.setPointSizeF(small.pointSizeF() * 0.9);
    m_hint->setFont(small);
    layout->addWidget(m_hint);
    m_list = new QListWidget(this);
    m_list->setItemDelegate(new QuickAddDelegate(m_list));
    m_list->setIconSize(QSize(22, 22));
    m_list->setUniformItemSizes(true);
    m_list->setFocusPolicy(Qt::NoFocus);
    layout->addWidget(m_list);
    resize(340, 360);

    connect(m_search, &QLineEdit::textChanged, this, &QuickAddPopup::refill);
    connect(m_list, &QListWidget::itemClicked, this, [this](QListWidgetItem *item) {
        m_list->setCurrentItem(item);
        chooseCurrent();
    });
    refill();
}

void QuickAddPopup::setFilter(std::function<bool(const NodeType &)> accept, const QString &hint)
{
    m_accept = std::move(accept);
    m_hint->setText(hint);
    m_hint->setVisible(!hint.isEmpty());
    refill();
}

void QuickAddPopup::clearFilter()
{
    setFilter({}, {});
}

void QuickAddPopup::refill()
{
    m_list->clear();
    const QString query = m_search->text().trimmed();
    struct Match
    {
        const NodeType *type;
        int score;
        int order;
    };
    QList<Match> matches;
    int order = 0;
    for (const NodeType *t : m_registry.types()) {
        ++order;
        if (m_accept && !m_accept(*t))
            continue;
        const int s = TypeMatcher::score(*t, query);
        if (s > 0)
            matches.append({t, s, order});
    }
    std::stable_sort(matches.begin(), matches.end(), [](const Match &a, const Match &b) {
        return a.score != b.score ? a.score > b.score : a.order < b.order;
    });
    const CanvasStyle style = CanvasStyle::fromPalette(palette());
    for (const Match &m : matches) {
        auto *item = new QListWidgetItem(NodeIcons::tileIcon(*m.type,
                                                             style.categoryColor(m.type->category)),
                                         m.type->title,
                                         m_list);
        item->setData(TypeRole, m.type->name);
        item->setData(CategoryRole, m.type->category);
        item->setToolTip(m.type->doc);
    }
    if (m_list->count())
        m_list->setCurrentRow(0);
}

QStringList QuickAddPopup::listedTypes() const
{
    QStringList out;
    for (int i = 0; i < m_list->count(); ++i)
        out.append(m_list->item(i)->data(TypeRole).toString());
    return out;
}

void QuickAddPopup::popup(QPoint globalPos)
{
    m_chosen = false;
    m_search->clear();
    refill();
    // Keep the popup on the screen it opens on.
    QRect r(globalPos, size());
    if (QScreen *screen = QGuiApplication::screenAt(globalPos)) {
        const QRect avail = screen->availableGeometry();
        if (r.right() > avail.right())
            r.moveRight(avail.right());
        if (r.bottom() > avail.bottom())
            r.moveBottom(avail.bottom());
        r.moveLeft(std::max(r.left(), avail.left()));
        r.moveTop(std::max(r.top(), avail.top()));
    }
    move(r.topLeft());
    show();
    raise();
    activateWindow();
    m_search->setFocus(Qt::PopupFocusReason);
}

void QuickAddPopup::chooseCurrent()
{
    QListWidgetItem *item = m_list->currentItem();
    if (!item)
        return;
    m_chosen = true;
    const QString type = item->data(TypeRole).toString();
    hide();
    Q_EMIT typeChosen(type);
}

bool QuickAddPopup::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == m_search && event->type() == QEvent::KeyPress) {
        auto *key = static_cast<QKeyEvent *>(event);
        switch (key->key()) {
        case Qt::Key_Down:
        case Qt::Key_Up:
        case Qt::Key_PageDown:
        case Qt::Key_PageUp:
            QApplication::sendEvent(m_list, event);
            return true;
        case Qt::Key_Return:
        case Qt::Key_Enter:
            chooseCurrent();
            return true;
        case Qt::Key_Escape:
            hide();
            return true;
        default:
            break;
        }
    }
    return QFrame::eventFilter(watched, event);
}

void QuickAddPopup::hideEvent(QHideEvent *event)
{
    QFrame::hideEvent(event);
    if (!m_chosen)
        Q_EMIT dismissed();
}

} // namespace fb
