#include "ModelSummaryView.h"

#include "ValueBarDelegate.h"
#include "pipeline/NodeRegistry.h"

#include <QDateTime>
#include <QHeaderView>
#include <QJsonDocument>
#include <QLabel>
#include <QTableWidget>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>
#include <numeric>

namespace fb {

namespace {

constexpr int fractionRole = Qt::UserRole + 1;

QTableWidget *makeTable(const QStringList &headers, QWidget *parent)
{
    auto *t = new QTableWidget(0, int(headers.size()), parent);
    t->setHorizontalHeaderLabels(headers);
    t->verticalHeader()->hide();
    t->setEditTriggers(QAbstractItemView::NoEditTriggers);
    t->setSelectionBehavior(QAbstractItemView::SelectRows);
    t->horizontalHeader()->setStretchLastSection(true);
    t->verticalHeader()->setDefaultSectionSize(t->fontMetrics().height() + 8);
    return t;
}

QString algorithmTitle(const QString &algorithm)
{
    const NodeType *type = NodeRegistry::builtin().find(algorithm);
    return type ? type->title : algorithm;
}

} // namespace

ModelSummaryView::ModelSummaryView(QWidget *parent)
    : QWidget(parent)
{
    auto *layout = new QVBoxLayout(this);
    m_title = new QLabel(this);
    m_title->setObjectName(QStringLiteral("modelTitle"));
    QFont f = m_title->font();
    f.setPointSizeF(f.pointSizeF() * 1.2);
    f.setBold(true);
    m_title->setFont(f);
    m_facts = new QLabel(this);
    m_facts->setWordWrap(true);
    m_facts->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_metrics = makeTable({tr("Training metric"), tr("Value")}, this);
    m_metrics->setObjectName(QStringLiteral("modelMetrics"));
    m_importanceLabel = new QLabel(this);
    m_importance = makeTable({tr("Feature"), tr("Importance")}, this);
    m_importance->setObjectName(QStringLiteral("featureImportance"));
    m_importance->setItemDelegateForColumn(1, new ValueBarDelegate(fractionRole, m_importance));
    layout->addWidget(m_title);
    layout->addWidget(m_facts);
    layout->addWidget(m_metrics, 1);
    layout->addWidget(m_importanceLabel);
    layout->addWidget(m_importance, 2);
}

QString ModelSummaryView::headline() const
{
    return m_title->text();
}

void ModelSummaryView::setModel(ModelPtr model)
{
    m_model = std::move(model);
    m_metrics->setRowCount(0);
    m_importance->setRowCount(0);
    if (!m_model) {
        m_title->clear();
        m_facts->clear();
        return;
    }
    const Model &m = *m_model;
    m_title->setText(tr("%1 · %2").arg(algorithmTitle(m.algorithm), taskKindName(m.task())));

    QStringList steps;
    for (const auto &t : m.preprocessing)
        steps.append(t->describe());
    QStringList inputs;
    for (const InputColumn &c : m.inputs)
        inputs.append(c.name);
    const auto row = [](const QString &key, const QString &value) {
        return QStringLiteral("<tr><td style='padding-right:12px'><b>%1</b></td><td>%2</td></tr>")
            .arg(key, value.toHtmlEscaped());
    };
    QString html = QStringLiteral("<table>");
    if (!m.target.isEmpty())
        html += row(tr("Target"), m.target);
    if (!m.classes.isEmpty())
        html += row(tr("Classes"), m.classes.join(QStringLiteral(", ")));
    html += row(tr("Inputs"), tr("%n column(s): ", nullptr, int(inputs.size())) + inputs.join(QStringLiteral(", ")));
    html += row(tr("Preprocessing"), steps.isEmpty() ? tr("none") : steps.join(QStringLiteral(" → ")));
    if (!m.params.isEmpty())
        html += row(tr("Parameters"), QString::fromUtf8(QJsonDocument(m.params).toJson(QJsonDocument::Compact)));
    if (!m.lineage.runId.isEmpty())
        html += row(tr("Run"), tr("%1, node %2").arg(m.lineage.runId, m.lineage.nodeId));
    if (!m.lineage.dataOrigin.isEmpty())
        html += row(tr("Data"), m.lineage.dataOrigin);
    if (m.lineage.createdMs > 0)
        html += row(tr("Trained"), QDateTime::fromMSecsSinceEpoch(m.lineage.createdMs).toString(Qt::ISODate));
    m_facts->setText(html + QStringLiteral("</table>"));

    for (auto it = m.trainingMetrics.begin(); it != m.trainingMetrics.end(); ++it) {
        const int r = m_metrics->rowCount();
        m_metrics->insertRow(r);
        m_metrics->setItem(r, 0, new QTableWidgetItem(it.key()));
        auto *value = new QTableWidgetItem(it.value().isDouble() ? QString::number(it.value().toDouble(), 'g', 6)
                                                                 : it.value().toVariant().toString());
        value->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
        m_metrics->setItem(r, 1, value);
    }
    m_metrics->setVisible(m_metrics->rowCount() > 0);

    const Eigen::VectorXd importance = m.estimator ? m.estimator->featureImportance() : Eigen::VectorXd();
    const bool have = importance.size() == m.features.size() && importance.size() > 0;
    m_importanceLabel->setText(have ? tr("Features by importance") : tr("This model does not rank its features."));
    m_importance->setVisible(have);
    if (!have)
        return;
    std::vector<int> order(size_t(importance.size()));
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return importance[a] > importance[b]; });
    const double top = std::max(importance.maxCoeff(), 1e-300);
    m_importance->setRowCount(int(order.size()));
    for (int r = 0; r < int(order.size()); ++r) {
        const int j = order[size_t(r)];
        m_importance->setItem(r, 0, new QTableWidgetItem(m.features.at(j)));
        auto *value = new QTableWidgetItem(QString::number(importance[j], 'g', 4));
        value->setData(fractionRole, std::isfinite(importance[j]) ? importance[j] / top : 0.0);
        value->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
        m_importance->setItem(r, 1, value);
    }
}

} // namespace fb
