#pragma once

#include "model/Model.h"

#include <QWidget>

class QLabel;
class QTableWidget;

namespace fb {

// What a trained model is: algorithm and task, target and classes, the raw inputs it needs, its
// fitted preprocessing, its lineage (run, data), the training metrics, and the features ranked
// by importance (|coefficients| for linear models) with bars.
class ModelSummaryView : public QWidget
{
    Q_OBJECT

public:
    explicit ModelSummaryView(QWidget *parent = nullptr);

    void setModel(ModelPtr model);
    const ModelPtr &model() const { return m_model; }

    // For tests: the table of features ranked by importance and the metrics table.
    QTableWidget *importanceTable() const { return m_importance; }
    QTableWidget *metricsTable() const { return m_metrics; }
    QString headline() const;

private:
    ModelPtr m_model;
    QLabel *m_title = nullptr;
    QLabel *m_facts = nullptr;
    QTableWidget *m_metrics = nullptr;
    QLabel *m_importanceLabel = nullptr;
    QTableWidget *m_importance = nullptr;
};

} // namespace fb
