#pragma once

#include "ComparisonData.h"
#include "monitor/MetricHistory.h"
#include "store/StoreLocation.h"

#include <QFutureWatcher>
#include <QWidget>

class QCheckBox;
class QComboBox;
class QLabel;
class QTableWidget;

namespace fb {

class TrainingChart;

// Two or more runs side by side (MLflow's "compare runs"): the curves of one metric series
// overlaid, one per run (the training chart's widget: decimated to the plot's width, so ten
// runs of 10,000 steps draw at once; hover reads every run's value at a step), a parameter
// table with the differing parameters first and highlighted (all viewable), and a final-metric
// table with the best value of each row highlighted. Columns follow the curve colours.
class RunComparisonView : public QWidget
{
    Q_OBJECT

public:
    explicit RunComparisonView(QWidget *parent = nullptr);
    ~RunComparisonView() override;

    // Loads the runs' data on a pool thread (compared() follows).
    void compare(const StoreLocation &location, const QStringList &runIds);
    // Shows data read elsewhere (tests, benchmarks): no thread involved.
    void setData(ComparisonData data);
    const ComparisonData &data() const { return m_data; }
    // Shows the curves of another series ("node.key"); loads them in the background.
    void setCurveKey(const QString &nodeKey);

    TrainingChart *chart() const { return m_chart; }
    QComboBox *curveBox() const { return m_curveBox; }
    QTableWidget *paramTable() const { return m_params; }
    QTableWidget *metricTable() const { return m_metrics; }
    QCheckBox *onlyDifferencesBox() const { return m_onlyDiff; }
    // Parameter names in the rows that are highlighted as differing.
    QStringList highlightedParams() const;
    // For each final-metric row ("node.key"), the runs whose value is highlighted as best.
    QHash<QString, QStringList> bestRuns() const;

Q_SIGNALS:
    void compared();
    void curvesShown(const QString &nodeKey);

protected:
    void changeEvent(QEvent *event) override;

private:
    void fillHeader();
    void fillCurves();
    void setRunHeaders(QTableWidget *table);
    void fillParams();
    void fillMetrics();
    void applyOnlyDifferences();

    StoreLocation m_location;
    ComparisonData m_data;
    MetricHistory m_history;
    QLabel *m_title = nullptr;
    QComboBox *m_curveBox = nullptr;
    QLabel *m_noCurves = nullptr;
    TrainingChart *m_chart = nullptr;
    QTableWidget *m_params = nullptr;
    QTableWidget *m_metrics = nullptr;
    QCheckBox *m_onlyDiff = nullptr;
    QFutureWatcher<ComparisonData> *m_loader = nullptr;
    QFutureWatcher<QHash<QString, QVector<QPointF>>> *m_curveLoader = nullptr;
    QString m_pendingCurveKey;
};

} // namespace fb
