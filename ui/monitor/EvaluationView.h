#pragma once

#include <QJsonObject>
#include <QWidget>

class QChartView;
class QLabel;
class QStackedWidget;

namespace fb {

class ConfusionMatrixView;
class MetricsData;

// What an evaluate node found, as pictures: ROC curves and a confusion-matrix heat map for a
// classifier; predicted-vs-actual and residual plots for a regressor. It takes the Metrics
// port's data (task + details), wherever it came from (a live run or a stored one).
class EvaluationView : public QWidget
{
    Q_OBJECT

public:
    explicit EvaluationView(QWidget *parent = nullptr);

    void setMetrics(const MetricsData *metrics); // nullptr clears
    void clear();

    QChartView *rocChart() const { return m_roc; }
    ConfusionMatrixView *confusionMatrix() const { return m_confusion; }
    QChartView *predictedChart() const { return m_predicted; }
    QChartView *residualChart() const { return m_residuals; }
    // The page shown: "classification", "regression" or "" (nothing to show).
    QString page() const;
    // The charts of the page shown, for export.
    QList<QWidget *> currentCharts() const;

private:
    void showClassification(const QJsonObject &details);
    void showRegression(const QJsonObject &details);

    QStackedWidget *m_pages = nullptr;
    QLabel *m_empty = nullptr;
    QWidget *m_classification = nullptr;
    QWidget *m_regression = nullptr;
    QChartView *m_roc = nullptr;
    ConfusionMatrixView *m_confusion = nullptr;
    QChartView *m_predicted = nullptr;
    QChartView *m_residuals = nullptr;
};

} // namespace fb
