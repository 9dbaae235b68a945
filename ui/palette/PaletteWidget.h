#pragma once

#include <QWidget>

class QLineEdit;
class QSortFilterProxyModel;
class QTreeView;

namespace fb {

class NodeRegistry;
class PaletteModel;

// The node palette: types by category with icons and one-line docs as tooltips, and a search
// field. Drag a type onto the canvas to add it where it is dropped; double-click or Enter adds
// it next to the selection (connected when it fits).
class PaletteWidget : public QWidget
{
    Q_OBJECT

public:
    explicit PaletteWidget(const NodeRegistry &registry, QWidget *parent = nullptr);

    QLineEdit *searchField() const { return m_search; }
    QTreeView *view() const { return m_view; }
    PaletteModel *model() const { return m_model; }
    QSortFilterProxyModel *proxy() const { return m_proxy; }
    // Type names visible with the current search, in display order.
    QStringList visibleTypes() const;

Q_SIGNALS:
    void typeActivated(const QString &typeName);

protected:
    void changeEvent(QEvent *event) override;

private:
    void applyFilter(const QString &text);

    PaletteModel *m_model = nullptr;
    QSortFilterProxyModel *m_proxy = nullptr;
    QLineEdit *m_search = nullptr;
    QTreeView *m_view = nullptr;
};

} // namespace fb
