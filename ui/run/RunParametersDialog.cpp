#include "RunParametersDialog.h"

#include "pipeline/NodeRegistry.h"
#include "pipeline/Overrides.h"
#include "pipeline/PipelineData.h"
#include "pipeline/Validation.h"

#include <QDialogButtonBox>
#include <QHeaderView>
#include <QJsonArray>
#include <QLabel>
#include <QPushButton>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace fb {

namespace {

enum Column { NameColumn, ValueColumn, SavedColumn };
constexpr int NodeRole = Qt::UserRole;
constexpr int ParamRole = Qt::UserRole + 1;

// The text a user types for a value: what ParamSpec::parse reads back ("a,b" for lists).
QString valueText(const QJsonValue &v)
{
    switch (v.type()) {
    case QJsonValue::Bool:
        return v.toBool() ? QStringLiteral("true") : QStringLiteral("false");
    case QJsonValue::Double:
        return QString::number(v.toDouble(), 'g', 12);
    case QJsonValue::String:
        return v.toString();
    case QJsonValue::Array: {
        QStringList parts;
        for (const QJsonValue &e : v.toArray())
            parts.append(e.toString());
        return parts.join(u',');
    }
    default:
        return {};
    }
}

} // namespace

RunParametersDialog::RunParametersDialog(const PipelineData &pipeline,
                                         const NodeRegistry &registry,
                                         QWidget *parent)
    : QDialog(parent)
    , m_pipeline(pipeline)
    , m_registry(registry)
{
    setWindowTitle(tr("Run with Parameters"));
    setObjectName(QStringLiteral("runParametersDialog"));
    auto *layout = new QVBoxLayout(this);
    auto *intro
        = new QLabel(tr("Edit values in the <b>This run</b> column. They apply to the next run "
                        "only and are recorded with it; the pipeline is not changed."),
                     this);
    intro->setWordWrap(true);
    layout->addWidget(intro);

    m_tree = new QTreeWidget(this);
    m_tree->setObjectName(QStringLiteral("runParameters"));
    m_tree->setColumnCount(3);
    m_tree->setHeaderLabels({tr("Parameter"), tr("This run"), tr("Pipeline")});
    m_tree->setAlternatingRowColors(true);
    m_tree->setUniformRowHeights(true);
    m_tree->setEditTriggers(QAbstractItemView::DoubleClicked | QAbstractItemView::EditKeyPressed
                            | QAbstractItemView::SelectedClicked);
    for (const Node &node : pipeline.nodes()) {
        const NodeType *type = registry.find(node.type);
        if (!type || type->params.isEmpty())
            continue;
        auto *top = new QTreeWidgetItem(m_tree, {node.id, QString(), node.type});
        QFont bold = top->font(0);
        bold.setBold(true);
        top->setFont(NameColumn, bold);
        top->setFlags(Qt::ItemIsEnabled);
        const QJsonObject params = effectiveParams(node, registry);
        for (const ParamSpec &spec : type->params) {
            const QString text = valueText(params.value(spec.name));
            auto *item = new QTreeWidgetItem(top, {spec.name, text, text});
            item->setData(NameColumn, NodeRole, node.id);
            item->setData(NameColumn, ParamRole, spec.name);
            item->setToolTip(NameColumn, spec.doc + QStringLiteral("\n") + spec.describe());
            item->setFlags(Qt::ItemIsEnabled | Qt::ItemIsSelectable | Qt::ItemIsEditable);
            item->setForeground(SavedColumn, palette().brush(QPalette::PlaceholderText));
        }
    }
    m_tree->expandAll();
    m_tree->header()->setSectionResizeMode(NameColumn, QHeaderView::ResizeToContents);
    m_tree->header()->setSectionResizeMode(ValueColumn, QHeaderView::Stretch);
    connect(m_tree, &QTreeWidget::itemChanged, this, &RunParametersDialog::itemChanged);
    // Only the value column is editable.
    connect(m_tree, &QTreeWidget::itemDoubleClicked, this, [this](QTreeWidgetItem *item, int) {
        if (item->parent())
            m_tree->editItem(item, ValueColumn);
    });
    layout->addWidget(m_tree, 1);

    m_error = new QLabel(this);
    m_error->setObjectName(QStringLiteral("runParametersError"));
    m_error->setWordWrap(true);
    m_error->setStyleSheet(QStringLiteral("color: #dc2626"));
    m_error->hide();
    layout->addWidget(m_error);

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    buttons->button(QDialogButtonBox::Ok)->setText(tr("Run"));
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    layout->addWidget(buttons);
    resize(560, 520);
}

RunParametersDialog::~RunParametersDialog() = default;

QTreeWidgetItem *RunParametersDialog::find(const QString &nodeId, const QString &param) const
{
    for (int i = 0; i < m_tree->topLevelItemCount(); ++i) {
        QTreeWidgetItem *top = m_tree->topLevelItem(i);
        if (top->text(NameColumn) != nodeId)
            continue;
        for (int j = 0; j < top->childCount(); ++j)
            if (top->child(j)->data(NameColumn, ParamRole).toString() == param)
                return top->child(j);
    }
    return nullptr;
}

bool RunParametersDialog::setValue(const QString &nodeId, const QString &param, const QString &text)
{
    QTreeWidgetItem *item = find(nodeId, param);
    if (!item)
        return false;
    item->setText(ValueColumn, text);
    return true;
}

void RunParametersDialog::itemChanged(QTreeWidgetItem *item, int column)
{
    if (column != ValueColumn || !item->parent())
        return;
    // Edited values stand out, so the user sees what this run changes.
    QFont f = item->font(NameColumn);
    f.setBold(item->text(ValueColumn) != item->text(SavedColumn));
    const QSignalBlocker block(m_tree);
    item->setFont(NameColumn, f);
    item->setFont(ValueColumn, f);
    m_error->hide();
}

QStringList RunParametersDialog::assignments() const
{
    QStringList out;
    for (int i = 0; i < m_tree->topLevelItemCount(); ++i) {
        const QTreeWidgetItem *top = m_tree->topLevelItem(i);
        for (int j = 0; j < top->childCount(); ++j) {
            const QTreeWidgetItem *item = top->child(j);
            if (item->text(ValueColumn) != item->text(SavedColumn))
                out.append(QStringLiteral("%1.%2=%3")
                               .arg(top->text(NameColumn),
                                    item->data(NameColumn, ParamRole).toString(),
                                    item->text(ValueColumn)));
        }
    }
    return out;
}

void RunParametersDialog::accept()
{
    QString error;
    const QStringList list = assignments();
    m_overrides = parseOverrides(m_pipeline, m_registry, list, &error);
    if (!error.isEmpty()) {
        // parseOverrides speaks the CLI's language; here the user edited a cell.
        m_error->setText(error.replace(QStringLiteral("--set "), QString()));
        m_error->show();
        return;
    }
    QDialog::accept();
}

} // namespace fb
