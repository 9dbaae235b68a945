#pragma once

#include "StoreLocation.h"
#include "exec/RunEvent.h"
#include "exec/TaskState.h"

#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

#include <memory>
#include <optional>

namespace fb {

class EventBus;
class EventQueue;

struct RunSummary
{
    QString runId;
    QString pipelineName;
    QString pipelinePath;
    QString pipelineHash;
    TaskState state = TaskState::None;
    qint64 startMs = 0;
    qint64 endMs = 0; // 0 while running
    QStringList targets;
    QJsonObject overrides;
    QString host;
    qint64 pid = 0;
    int taskCount = 0;
};

struct TaskInstanceRecord
{
    QString nodeId;
    QString type;
    int tryNumber = 0;
    TaskState state = TaskState::None;
    qint64 startMs = 0;
    qint64 endMs = 0;
    QString error;
    bool cached = false;
    QString host; // the process that wrote the try (several share a run: Airflow tasks)
    qint64 pid = 0;
};

// One process that took part in a run. A run started by one `flowbench-cli run` or GUI run
// has one; an Airflow DAG run has one per task (all started with the same --run-id).
struct RunInvocation
{
    QString host;
    qint64 pid = 0;
    QStringList targets; // the --node ids it was asked for; empty = the whole pipeline
    TaskState state = TaskState::None;
    qint64 startMs = 0;
    qint64 endMs = 0;
};

struct MetricPoint
{
    QString nodeId;
    QString key;
    qint64 step = 0;
    double value = 0.0;
    qint64 timeMs = 0;
};

struct LogRecord
{
    QString nodeId;
    int tryNumber = 0;
    qint64 timeMs = 0;
    LogLevel level = LogLevel::Info;
    QString message;
};

struct ArtifactRecord
{
    QString nodeId;
    QString name;
    QString path;
    QString kind;
    QString hash; // sha256 of the file when it was recorded
    qint64 size = 0;
    qint64 timeMs = 0;
};

struct RunFilter
{
    QString pipeline;                  // substring of the pipeline name or path; empty = all
    std::optional<TaskState> state;
    qint64 sinceMs = 0;                // runs started at or after; 0 = no bound
    qint64 untilMs = 0;                // runs started before; 0 = no bound
    int limit = 100;
};

// The run history in SQLite (WAL mode) or PostgreSQL. One writer thread per store persists
// the events of every attached executor in batched transactions, so a training loop never
// waits for the disk; reads use their own connection per calling thread. The schema is
// versioned and migrated on open; runs left unfinished by a process that died are marked
// interrupted. Several processes may write one store, and several may share one run id (see
// store/RunRecorder.h).
class RunStore
{
public:
    // Opens or creates the store at `pathOrUrl`: an SQLite file (parent folders are created)
    // or a postgresql:// URL (see StoreLocation). Returns nullptr and sets *error naming the
    // store when it cannot be opened, is not a Flowbench store, or was created by a newer
    // Flowbench.
    static std::unique_ptr<RunStore> open(const QString &pathOrUrl, QString *error);
    static std::unique_ptr<RunStore> open(const StoreLocation &location, QString *error);
    // <user data dir>/flowbench/store.sqlite (QStandardPaths::GenericDataLocation).
    static QString defaultPath();
    static constexpr int schemaVersion = 3;

    ~RunStore(); // flushes pending events and stops the writer

    // The SQLite file, or the PostgreSQL URL without its password.
    QString path() const;
    const StoreLocation &location() const;
    // Folder of the store's files (StoreLocation::dataDir): next to an SQLite file.
    QString dataDir() const;
    // Folder for run outputs: <data dir>/artifacts.
    QString artifactRoot() const;
    // Folder of the output cache shared by the store's runs: <data dir>/cache.
    QString cacheDir() const;
    // Runs marked interrupted when this store was opened.
    int interruptedOnOpen() const;

    // Persists every event published on `bus` from now on (the store subscribes a queue).
    void attach(EventBus &bus);
    void detach(EventBus &bus);
    // Persists one event (tests, benchmarks, importers).
    void post(const RunEvent &event);
    // Blocks until every event received before the call is committed; false on timeout or
    // write error (see lastError()).
    bool flush(int timeoutMs = 60000);
    QString lastError() const;

    // Reads; callable from any thread.
    QList<RunSummary> listRuns(const RunFilter &filter = {}) const;
    // Accepts a full run id or a unique prefix; sets *error when none or several match.
    std::optional<RunSummary> findRun(const QString &runIdOrPrefix, QString *error) const;
    QList<TaskInstanceRecord> taskInstances(const QString &runId) const;
    QList<RunInvocation> invocations(const QString &runId) const; // in start order
    QJsonObject params(const QString &runId) const; // {"node": {"param": value}}
    QList<MetricPoint> metrics(const QString &runId,
                               const QString &nodeId = {},
                               const QString &key = {}) const;
    QList<LogRecord> logs(const QString &runId, const QString &nodeId = {}) const;
    QList<ArtifactRecord> artifacts(const QString &runId) const;
    QByteArray pipelineJson(const QString &runId) const;

    struct Private;

private:
    explicit RunStore(std::unique_ptr<Private> d);
    std::unique_ptr<Private> d;
};

} // namespace fb
