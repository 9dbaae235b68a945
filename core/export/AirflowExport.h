#pragma once

#include "pipeline/PipelineData.h"

#include <QByteArray>
#include <QDate>
#include <QString>
#include <QStringList>

namespace fb {

// Turns a pipeline into an Apache Airflow DAG file: one BashOperator per node (task_id = node
// id) running `flowbench-cli run PIPELINE --node ID --run-id <Airflow's run_id> --store STORE`,
// one `>>` per pair of linked nodes, and the node's retries / retry delay / timeout as the
// task's retries / retry_delay / execution_timeout. Every task of a DAG run shares one
// Flowbench run (the run id) and the store's output cache, so each task computes only its own
// node and reads its inputs from the cache (see docs/airflow.md for the scale-out contract).
struct AirflowExportOptions
{
    QString pipelinePath; // the .flow file the tasks run (made absolute)
    QString dagId;        // empty = from the pipeline's name or file name
    QString schedule;     // "None" (manual), an Airflow preset (@daily) or a cron expression
    QDate startDate;      // invalid = today (UTC)
    QString store;        // store path or postgresql:// URL the tasks record into (required)
    QString cli = QStringLiteral("flowbench-cli"); // the CLI on the workers (name or path)
    int airflowVersion = 0; // 0 = an import that works on Airflow 2.4+ and 3.x; 2 or 3 = that one
    QStringList tags = {QStringLiteral("flowbench")};
};

// Checks the options; empty when valid, else a message naming the option.
QString checkAirflowOptions(const AirflowExportOptions &options);
// A DAG id from a pipeline name or file name: characters Airflow refuses become '_'.
QString defaultDagId(const PipelineData &pipeline, const QString &pipelinePath);

// The DAG file's text; empty and *error when the options are invalid.
QByteArray airflowDag(const PipelineData &pipeline,
                      const AirflowExportOptions &options,
                      QString *error);
// Writes airflowDag() to `path` atomically (temporary file + rename).
bool exportAirflow(const PipelineData &pipeline,
                   const AirflowExportOptions &options,
                   const QString &path,
                   QString *error);

} // namespace fb
