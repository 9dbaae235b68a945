#pragma once

#include <QString>

namespace fb {

// Task and run states. Names follow Apache Airflow where they mean the same thing, so a user
// of Airflow's UI reads them without a legend. Interrupted is Flowbench's own: a run found
// unfinished when the store is opened again (its process died).
enum class TaskState : quint8 {
    None,           // not scheduled (yet)
    Queued,         // waiting for a worker thread
    Running,
    Success,
    Failed,
    UpstreamFailed, // an upstream task failed; this one will not run
    UpForRetry,     // failed, another try is scheduled after the retry delay
    Skipped,
    Cancelled,
    Interrupted,
};

QString taskStateName(TaskState state); // "upstream_failed"
TaskState taskStateFromName(const QString &name, bool *ok = nullptr);
bool isFinal(TaskState state);

} // namespace fb
