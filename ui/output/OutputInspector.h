#pragma once

#include "pipeline/PortType.h"

#include <QStringList>
#include <QWidget>

#include <functional>

class QLabel;
class QStackedWidget;
class QTabWidget;

namespace fb {

// Shows what the selected node produced: one tab per output port — a table (rows and column
// summaries), a model (its summary) or metrics. Outputs come from a provider (the GUI's last
// run keeps them in memory); the inspector holds shared pointers only while it shows them.
class OutputInspector : public QWidget
{
    Q_OBJECT

public:
    using Provider = std::function<PortDataPtr(const QString &nodeId, const QString &port)>;

    explicit OutputInspector(QWidget *parent = nullptr);

    void setProvider(Provider provider);
    // Shows `nodeId`'s outputs on `ports` (the node type's output port names, in order). An
    // empty id shows the "select a node" hint.
    void showNode(const QString &nodeId, const QStringList &ports);
    // Re-reads the outputs of the node shown (after a run).
    void refresh();

    QString nodeId() const { return m_nodeId; }
    QTabWidget *tabs() const { return m_tabs; }
    QString hint() const;

private:
    void rebuild();

    Provider m_provider;
    QString m_nodeId;
    QStringList m_ports;
    QStackedWidget *m_stack = nullptr;
    QLabel *m_hint = nullptr;
    QTabWidget *m_tabs = nullptr;
};

} // namespace fb
