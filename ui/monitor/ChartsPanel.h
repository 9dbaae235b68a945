#pragma once

#include <QHash>
#include <QWidget>

#include <memory>

class QComboBox;
class QPushButton;
class QTabWidget;

namespace fb {

class EvaluationView;
class MetricHistory;
class MetricsData;
class TrainingChart;

// The "Charts" dock: live training curves of a node (Training tab) and the evaluation plots of
// an evaluate node (Evaluation tab), each with a node chooser and PNG/SVG export. Until the
// user picks a node, the chart follows the node that reported metrics last.
class ChartsPanel : public QWidget
{
    Q_OBJECT

public:
    explicit ChartsPanel(QWidget *parent = nullptr);
    ~ChartsPanel() override;

    void setHistory(const MetricHistory *history);
    // Call after the history changed: new nodes enter the chooser.
    void historyChanged(const QString &latestNode = {});
    void setEvaluation(const QString &nodeId, std::shared_ptr<const MetricsData> metrics);
    void clear();

    // Shows a node's curves (if it has any) or its evaluation, as choosing it would.
    void showNode(const QString &nodeId);

    TrainingChart *trainingChart() const { return m_chart; }
    EvaluationView *evaluationView() const { return m_evaluation; }
    QComboBox *trainingNodeBox() const { return m_trainingNode; }
    QComboBox *evaluationNodeBox() const { return m_evaluationNode; }
    QTabWidget *tabs() const { return m_tabs; }
    // Exports the chart of the current tab (the ROC chart or predicted-vs-actual chart for
    // the evaluation tab) to PNG or SVG, by the file's suffix.
    bool exportCurrent(const QString &path, QString *error);

private:
    void exportClicked();

    const MetricHistory *m_history = nullptr;
    QTabWidget *m_tabs = nullptr;
    QComboBox *m_trainingNode = nullptr;
    QComboBox *m_evaluationNode = nullptr;
    TrainingChart *m_chart = nullptr;
    EvaluationView *m_evaluation = nullptr;
    QHash<QString, std::shared_ptr<const MetricsData>> m_evaluations;
    bool m_userChoseNode = false;
};

} // namespace fb
