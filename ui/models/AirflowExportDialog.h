#pragma once

#include "export/AirflowExport.h"

#include <QDialog>

class QComboBox;
class QDateEdit;
class QDialogButtonBox;
class QLabel;
class QLineEdit;

namespace fb {

// File › Export › Airflow DAG…: the options of `flowbench-cli export-airflow` as a form (DAG
// id, schedule, start date, the store the tasks share, the CLI on the workers, Airflow
// version) and where to write the DAG file. Checked as you type with the exporter's own
// messages; Export stays disabled while something is wrong.
class AirflowExportDialog : public QDialog
{
    Q_OBJECT

public:
    AirflowExportDialog(const PipelineData &pipeline,
                        const QString &pipelinePath,
                        const QString &store,
                        QWidget *parent = nullptr);

    AirflowExportOptions options() const;
    QString outputPath() const;

    QLineEdit *dagIdField() const { return m_dagId; }
    QComboBox *scheduleField() const { return m_schedule; }
    QDateEdit *startDateField() const { return m_startDate; }
    QLineEdit *storeField() const { return m_store; }
    QLineEdit *cliField() const { return m_cli; }
    QComboBox *airflowField() const { return m_airflow; }
    QLineEdit *outputField() const { return m_output; }
    QDialogButtonBox *buttons() const { return m_buttons; }
    QString problem() const; // empty when the options are complete and valid

private:
    void validate();

    PipelineData m_pipeline;
    QString m_pipelinePath;
    QLineEdit *m_dagId = nullptr;
    QComboBox *m_schedule = nullptr;
    QDateEdit *m_startDate = nullptr;
    QLineEdit *m_store = nullptr;
    QLineEdit *m_cli = nullptr;
    QComboBox *m_airflow = nullptr;
    QLineEdit *m_output = nullptr;
    QLabel *m_problem = nullptr;
    QDialogButtonBox *m_buttons = nullptr;
};

} // namespace fb
