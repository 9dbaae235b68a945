#include "PaletteWidget.h"

#include "PaletteDelegate.h"
#include "PaletteModel.h"
#include "pipeline/NodeRegistry.h"
#include "style/CanvasStyle.h"

#include <QEvent>
#include <QHeaderView>
#include <QKeyEvent>
#include <QLineEdit>
#include <QRegularExpression>
#include <QSortFilterProxyModel>
#include <QTreeView>
#include <QVBoxLayout>

namespace fb {

PaletteWidget::PaletteWidget(const NodeRegistry &registry, QWidget *parent)
    : QWidget(parent)
{
    m_model = new PaletteModel(registry, this);
    m_proxy = new QSortFilterProxyModel(this);
    m_proxy->setSourceModel(m_model);
    m_proxy->setFilterRole(PaletteModel::SearchTextRole);
    m_proxy->setFilterCaseSensitivity(Qt::CaseInsensitive);
    m_proxy->setRecursiveFilteringEnabled(true);
    m_proxy->setAutoAcceptChildRows(true); // typing a category shows all of it

    m_search = new QLineEdit(this);
    m_search->setObjectName(QStringLiteral("paletteSearch"));
    m_search->setPlaceholderText(tr("Search nodes"));
    m_search->setClearButtonEnabled(true);

    m_view = new QTreeView(this);
    m_view->setObjectName(QStringLiteral("paletteView"));
    m_view->setModel(m_proxy);
    m_view->setHeaderHidden(true);
    m_view->setRootIsDecorated(false);
    m_view->setIndentation(0);
    m_view->setIconSize(QSize(26, 26));
    m_view->setItemDelegate(new PaletteDelegate(m_view));
    m_view->setMouseTracking(true); // hover highlight
    m_view->setItemsExpandable(false);
    m_view->setDragEnabled(true);
    m_view->setDragDropMode(QAbstractItemView::DragOnly);
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    m_view->setAnimated(true);
    m_view->setFrameShape(QFrame::NoFrame);
    m_view->expandAll();

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(6, 6, 6, 0);
    layout->setSpacing(6);
    layout->addWidget(m_search);
    layout->addWidget(m_view);

    connect(m_search, &QLineEdit::textChanged, this, &PaletteWidget::applyFilter);
    connect(m_search, &QLineEdit::returnPressed, this, [this] {
        const QStringList types = visibleTypes();
        if (!types.isEmpty())
            Q_EMIT typeActivated(
                m_view->currentIndex().data(PaletteModel::TypeNameRole).toString().isEmpty()
                    ? types.first()
                    : m_view->currentIndex().data(PaletteModel::TypeNameRole).toString());
    });
    connect(m_view, &QTreeView::activated, this, [this](const QModelIndex &index) {
        const QString type = index.data(PaletteModel::TypeNameRole).toString();
        if (!type.isEmpty())
            Q_EMIT typeActivated(type);
    });
}

void PaletteWidget::applyFilter(const QString &text)
{
    // Every word must appear somewhere (title, name, category or doc), in any order.
    QString pattern = QStringLiteral("^");
    for (const QString &word : text.split(u' ', Qt::SkipEmptyParts))
        pattern += QStringLiteral("(?=.*%1)").arg(QRegularExpression::escape(word));
    m_proxy->setFilterRegularExpression(
        QRegularExpression(pattern,
                           QRegularExpression::CaseInsensitiveOption
                               | QRegularExpression::DotMatchesEverythingOption));
    m_view->expandAll();
    // Keep a current entry so that Enter in the search field adds it.
    const QStringList types = visibleTypes();
    if (!types.isEmpty()) {
        const QModelIndex src = m_model->indexOfType(types.first());
        m_view->setCurrentIndex(m_proxy->mapFromSource(src));
    }
}

QStringList PaletteWidget::visibleTypes() const
{
    QStringList out;
    for (int r = 0; r < m_proxy->rowCount(); ++r) {
        const QModelIndex category = m_proxy->index(r, 0);
        for (int c = 0; c < m_proxy->rowCount(category); ++c)
            out.append(m_proxy->index(c, 0, category).data(PaletteModel::TypeNameRole).toString());
    }
    return out;
}

void PaletteWidget::changeEvent(QEvent *event)
{
    QWidget::changeEvent(event);
    if (event->type() == QEvent::PaletteChange) {
        m_model->rebuild(CanvasStyle::fromPalette(palette()));
        applyFilter(m_search->text());
    }
}

} // namespace fb
