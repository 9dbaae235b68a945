#include "ChartsPanel.h"

#include "ChartExport.h"
#include "EvaluationView.h"
#include "MetricHistory.h"
#include "TrainingChart.h"
#include "model/MetricsData.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QTabWidget>
#include <QVBoxLayout>

namespace fb {

namespace {

QWidget *page(QWidget *parent, QComboBox *box, QPushButton *exportButton, QWidget *content)
{
    auto *w = new QWidget(parent);
    auto *layout = new QVBoxLayout(w);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->setSpacing(4);
    auto *row = new QHBoxLayout;
    row->addWidget(new QLabel(QObject::tr("Node:"), w));
    row->addWidget(box);
    row->addStretch(1);
    row->addWidget(exportButton);
    layout->addLayout(row);
    layout->addWidget(content, 1);
    return w;
}

} // namespace

ChartsPanel::ChartsPanel(QWidget *parent)
    : QWidget(parent)
{
    setObjectName(QStringLiteral("chartsPanel"));
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    m_tabs = new QTabWidget(this);
    m_tabs->setDocumentMode(true);
    layout->addWidget(m_tabs);

    m_trainingNode = new QComboBox(this);
    m_trainingNode->setObjectName(QStringLiteral("trainingNode"));
    m_trainingNode->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    m_trainingNode->setMinimumContentsLength(10);
    m_chart = new TrainingChart(this);
    auto *exportTraining = new QPushButton(tr("Export…"), this);
    exportTraining->setToolTip(tr("Save the chart as PNG or SVG"));
    m_tabs->addTab(page(this, m_trainingNode, exportTraining, m_chart), tr("Training"));

    m_evaluationNode = new QComboBox(this);
    m_evaluationNode->setObjectName(QStringLiteral("evaluationNode"));
    m_evaluationNode->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    m_evaluationNode->setMinimumContentsLength(10);
    m_evaluation = new EvaluationView(this);
    auto *exportEvaluation = new QPushButton(tr("Export…"), this);
    exportEvaluation->setToolTip(tr("Save the plots as PNG or SVG"));
    m_tabs->addTab(page(this, m_evaluationNode, exportEvaluation, m_evaluation), tr("Evaluation"));

    connect(exportTraining, &QPushButton::clicked, this, &ChartsPanel::exportClicked);
    connect(exportEvaluation, &QPushButton::clicked, this, &ChartsPanel::exportClicked);
    connect(m_trainingNode, &QComboBox::activated, this, [this] { m_userChoseNode = true; });
    connect(m_trainingNode, &QComboBox::currentIndexChanged, this, [this] {
        m_chart->setNode(m_trainingNode->currentText());
    });
    connect(m_evaluationNode, &QComboBox::currentIndexChanged, this, [this] {
        auto metrics = m_evaluations.value(m_evaluationNode->currentText());
        m_evaluation->setMetrics(metrics.get());
    });
}

ChartsPanel::~ChartsPanel() = default;

void ChartsPanel::setHistory(const MetricHistory *history)
{
    m_history = history;
    m_chart->setHistory(history);
    historyChanged();
}

void ChartsPanel::historyChanged(const QString &latestNode)
{
    if (!m_history)
        return;
    const QStringList nodes = m_history->nodesWithCurves();
    for (const QString &n : nodes)
        if (m_trainingNode->findText(n) < 0)
            m_trainingNode->addItem(n);
    // Follow the node that is training, until the user picks one.
    if (!m_userChoseNode && !latestNode.isEmpty() && nodes.contains(latestNode))
        m_trainingNode->setCurrentText(latestNode);
}

void ChartsPanel::setEvaluation(const QString &nodeId, std::shared_ptr<const MetricsData> metrics)
{
    m_evaluations.insert(nodeId, metrics);
    if (m_evaluationNode->findText(nodeId) < 0)
        m_evaluationNode->addItem(nodeId);
    if (m_evaluationNode->currentText() == nodeId)
        m_evaluation->setMetrics(metrics.get());
}

void ChartsPanel::clear()
{
    m_evaluations.clear();
    // Keep the chosen node: a re-run shows the same node's new curves.
    const QString keep = m_userChoseNode ? m_trainingNode->currentText() : QString();
    {
        const QSignalBlocker block(m_trainingNode);
        m_trainingNode->clear();
        if (!keep.isEmpty())
            m_trainingNode->addItem(keep);
    }
    m_chart->setNode(keep);
    m_evaluationNode->clear();
    m_evaluation->clear();
}

void ChartsPanel::showNode(const QString &nodeId)
{
    if (m_evaluations.contains(nodeId)) {
        m_evaluationNode->setCurrentText(nodeId);
        m_tabs->setCurrentIndex(1);
        return;
    }
    if (m_trainingNode->findText(nodeId) >= 0) {
        m_userChoseNode = true;
        m_trainingNode->setCurrentText(nodeId);
        m_tabs->setCurrentIndex(0);
    }
}

bool ChartsPanel::exportCurrent(const QString &path, QString *error)
{
    QWidget *target = m_chart;
    if (m_tabs->currentIndex() == 1) {
        const QList<QWidget *> charts = m_evaluation->currentCharts();
        if (charts.isEmpty()) {
            *error = tr("no evaluation to export");
            return false;
        }
        // Both plots side by side: export their common parent.
        target = charts.first()->parentWidget();
    }
    return exportChart(target, path, error);
}

void ChartsPanel::exportClicked()
{
    QWidget *target = m_chart;
    QString name = m_trainingNode->currentText();
    if (m_tabs->currentIndex() == 1) {
        const QList<QWidget *> charts = m_evaluation->currentCharts();
        if (charts.isEmpty())
            return;
        target = charts.first()->parentWidget();
        name = m_evaluationNode->currentText();
    }
    exportChartInteractively(target, name.isEmpty() ? QStringLiteral("chart") : name);
}

} // namespace fb
