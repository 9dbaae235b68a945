#pragma once

#include <QFrame>

#include <functional>

class QLabel;
class QLineEdit;
class QListWidget;

namespace fb {

class NodeRegistry;
struct NodeType;

// Find a node type by typing: a small popup with a search field and a ranked list. Opens with
// Space or a double-click on the canvas, and when a link's loose end is dropped on empty canvas
// (then it lists only the types that can take that link).
class QuickAddPopup : public QFrame
{
    Q_OBJECT

public:
    explicit QuickAddPopup(const NodeRegistry &registry, QWidget *parent = nullptr);

    // Only types for which `accept` is true are listed; `hint` says why ("takes a table").
    void setFilter(std::function<bool(const NodeType &)> accept, const QString &hint);
    void clearFilter();
    void popup(QPoint globalPos);

    QLineEdit *searchField() const { return m_search; }
    QListWidget *list() const { return m_list; }
    QStringList listedTypes() const;

Q_SIGNALS:
    void typeChosen(const QString &typeName);
    void dismissed();

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;
    void hideEvent(QHideEvent *event) override;

private:
    void refill();
    void chooseCurrent();

    const NodeRegistry &m_registry;
    QLineEdit *m_search = nullptr;
    QListWidget *m_list = nullptr;
    QLabel *m_hint = nullptr;
    std::function<bool(const NodeType &)> m_accept;
    bool m_chosen = false;
};

} // namespace fb
