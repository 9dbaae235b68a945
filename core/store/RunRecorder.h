#pragma once

#include "SqlDialect.h"
#include "exec/RunEvent.h"

#include <QHash>
#include <QSet>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QString>

namespace fb::store {

// Writes the run-level and task-level rows of the store (runs, run_invocations,
// task_instances, params) for the writer thread, inside the writer's transaction.
//
// One run id may be shared by several processes: an Airflow DAG runs every task as its own
// `flowbench-cli run FILE --node ID --run-id RID`, and all of them must build one run record.
// Each process that starts a run is an invocation (host, pid). The rules:
//  - the run row is created by the first invocation and merged by the others (earliest
//    start, union of targets, latest pipeline and process);
//  - a task's tries continue after the tries other invocations recorded for it (an Airflow
//    retry of a failed task is try 2, not a second try 1);
//  - a task another invocation already completed successfully is not recorded again when this
//    invocation only takes its outputs from the cache (its real try stays the record);
//  - the run is running while any invocation runs; when the last one ends, the run's state
//    comes from the latest try of every task (failed if one failed, success if all succeeded);
//    a run with a single invocation keeps the state its executor reported.
class RunRecorder
{
public:
    explicit RunRecorder(const SqlDialect &dialect)
        : m_dialect(dialect)
    {}

    bool prepare(const QSqlDatabase &db, QString *error);

    // Each returns false and sets *error to the failing statement's message.
    bool ensureRun(const RunEvent &e, QString *error); // a placeholder row for unknown runs
    bool runStarted(const RunEvent &e, QString *error);
    bool runFinished(const RunEvent &e, QString *error);
    bool taskState(const RunEvent &e, QString *error);

    // The transaction was rolled back: rows it created are gone.
    void rolledBack();

private:
    struct Owner
    {
        QString host;
        qint64 pid = 0;
    };
    // What this invocation knows about one task of a shared run.
    struct Track
    {
        int base = 0;                 // tries recorded by other invocations before ours
        bool othersSucceeded = false; // their latest try succeeded
        bool ran = false;             // this invocation really ran it (not only the cache)
    };

    bool run(QSqlQuery &q, QString *error);
    Track *track(const RunEvent &e, const Owner &owner, QString *error);

    const SqlDialect m_dialect;
    QSqlDatabase m_db;
    QSqlQuery m_insertRun, m_selectRun, m_countInvocations, m_updateRun, m_ensureRun;
    QSqlQuery m_upsertInvocation, m_finishInvocation, m_finishRun, m_upsertParam;
    QSqlQuery m_declareTask, m_queueTask, m_startTask, m_endLatestTask, m_insertTask;
    QSqlQuery m_othersLatest;

    QSet<QString> m_knownRuns; // runs known to have a row
    QString m_lastRun;
    QHash<QString, Owner> m_owners;                 // run id -> invocation started here
    QHash<QString, QHash<QString, Track>> m_tracks; // run id -> node id -> track
};

// The state a run takes after one of its invocations ended as `reported` at `reportedEndMs`
// (see RunRecorder). Reads with `db`; false and *error on a database error.
bool aggregateRunState(QSqlDatabase &db,
                       const QString &runId,
                       TaskState reported,
                       qint64 reportedEndMs,
                       TaskState *state,
                       qint64 *endMs,
                       QString *error);

} // namespace fb::store
