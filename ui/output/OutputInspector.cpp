#include "OutputInspector.h"

#include "ModelSummaryView.h"
#include "TablePane.h"
#include "data/Table.h"
#include "model/MetricsData.h"
#include "model/Model.h"

#include <QHeaderView>
#include <QLabel>
#include <QStackedWidget>
#include <QTabWidget>
#include <QTableWidget>
#include <QVBoxLayout>

namespace fb {

namespace {

QWidget *metricsPane(const MetricsData &m, QWidget *parent)
{
    auto *t = new QTableWidget(int(m.values.size()), 2, parent);
    t->setObjectName(QStringLiteral("metricsTable"));
    t->setHorizontalHeaderLabels({QObject::tr("Metric"), QObject::tr("Value")});
    t->verticalHeader()->hide();
    t->setEditTriggers(QAbstractItemView::NoEditTriggers);
    t->horizontalHeader()->setStretchLastSection(true);
    int r = 0;
    for (const auto &[key, value] : m.values) {
        t->setItem(r, 0, new QTableWidgetItem(key));
        auto *v = new QTableWidgetItem(QString::number(value, 'g', 6));
        v->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
        t->setItem(r, 1, v);
        ++r;
    }
    t->resizeColumnToContents(0);
    return t;
}

} // namespace

OutputInspector::OutputInspector(QWidget *parent)
    : QWidget(parent)
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    m_stack = new QStackedWidget(this);
    m_hint = new QLabel(m_stack);
    m_hint->setObjectName(QStringLiteral("outputHint"));
    m_hint->setAlignment(Qt::AlignCenter);
    m_hint->setWordWrap(true);
    m_hint->setEnabled(false); // the palette's disabled text: a hint, not content
    m_tabs = new QTabWidget(m_stack);
    m_tabs->setObjectName(QStringLiteral("outputTabs"));
    m_tabs->setDocumentMode(true);
    m_stack->addWidget(m_hint);
    m_stack->addWidget(m_tabs);
    layout->addWidget(m_stack);
    rebuild();
}

void OutputInspector::setProvider(Provider provider)
{
    m_provider = std::move(provider);
    rebuild();
}

void OutputInspector::showNode(const QString &nodeId, const QStringList &ports)
{
    m_nodeId = nodeId;
    m_ports = ports;
    rebuild();
}

void OutputInspector::refresh()
{
    rebuild();
}

QString OutputInspector::hint() const
{
    return m_stack->currentWidget() == m_hint ? m_hint->text() : QString();
}

void OutputInspector::rebuild()
{
    const QString current = m_tabs->count() > 0 ? m_tabs->tabText(m_tabs->currentIndex()) : QString();
    while (m_tabs->count() > 0) {
        QWidget *w = m_tabs->widget(0);
        m_tabs->removeTab(0);
        w->deleteLater();
    }
    if (m_nodeId.isEmpty()) {
        m_hint->setText(tr("Select a node to see what it produced."));
        m_stack->setCurrentWidget(m_hint);
        return;
    }
    if (m_ports.isEmpty()) {
        m_hint->setText(tr("%1 has no outputs.").arg(m_nodeId));
        m_stack->setCurrentWidget(m_hint);
        return;
    }
    for (const QString &port : m_ports) {
        const PortDataPtr data = m_provider ? m_provider(m_nodeId, port) : nullptr;
        if (!data)
            continue;
        QWidget *pane = nullptr;
        if (auto table = std::dynamic_pointer_cast<const Table>(data)) {
            auto *p = new TablePane(m_tabs);
            p->setTable(table);
            pane = p;
        } else if (auto model = std::dynamic_pointer_cast<const Model>(data)) {
            auto *p = new ModelSummaryView(m_tabs);
            p->setModel(model);
            pane = p;
        } else if (auto metrics = std::dynamic_pointer_cast<const MetricsData>(data)) {
            pane = metricsPane(*metrics, m_tabs);
        } else {
            auto *l = new QLabel(data->summary(), m_tabs);
            l->setAlignment(Qt::AlignCenter);
            pane = l;
        }
        pane->setObjectName(QStringLiteral("output_") + port);
        const int index = m_tabs->addTab(pane, port);
        m_tabs->setTabToolTip(index, data->summary());
        if (port == current)
            m_tabs->setCurrentIndex(index);
    }
    if (m_tabs->count() == 0) {
        m_hint->setText(tr("%1 has not produced anything yet: run the pipeline (F5) or this node.").arg(m_nodeId));
        m_stack->setCurrentWidget(m_hint);
        return;
    }
    m_stack->setCurrentWidget(m_tabs);
}

} // namespace fb
