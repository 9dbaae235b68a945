#pragma once

#include <QDialog>
#include <QHash>
#include <QJsonObject>

class QLabel;
class QTreeWidget;
class QTreeWidgetItem;

namespace fb {

class NodeRegistry;
class PipelineData;

// "Run with Parameters…": every node's parameters with their current values; the values the
// user edits become overrides for one run (like `flowbench-cli run --set NODE.PARAM=VALUE`),
// checked against the parameter schema. The document is never modified.
class RunParametersDialog : public QDialog
{
    Q_OBJECT

public:
    RunParametersDialog(const PipelineData &pipeline,
                        const NodeRegistry &registry,
                        QWidget *parent = nullptr);
    ~RunParametersDialog() override;

    // Sets the run value of one parameter, as the user would by editing its cell.
    bool setValue(const QString &nodeId, const QString &param, const QString &text);
    // Node id -> {param: value} of the edited parameters; valid after accept().
    QHash<QString, QJsonObject> overrides() const { return m_overrides; }
    // "NODE.PARAM=VALUE" for every edited parameter (also what the CLI would take).
    QStringList assignments() const;

    void accept() override;

private:
    void itemChanged(QTreeWidgetItem *item, int column);
    QTreeWidgetItem *find(const QString &nodeId, const QString &param) const;

    const PipelineData &m_pipeline;
    const NodeRegistry &m_registry;
    QTreeWidget *m_tree = nullptr;
    QLabel *m_error = nullptr;
    QHash<QString, QJsonObject> m_overrides;
};

} // namespace fb
