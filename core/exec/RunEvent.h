#pragma once

#include "TaskState.h"

#include <QJsonObject>
#include <QMetaType>
#include <QString>

#include <memory>

namespace fb {

enum class LogLevel : quint8 { Debug, Info, Warning, Error };
QString logLevelName(LogLevel level); // "debug", "info", "warning", "error"

// What the store records about a run when it starts.
struct RunInfo
{
    QString runId;
    QString pipelineName;
    QString pipelinePath;  // absolute, empty for unsaved pipelines
    QString pipelineHash;  // sha256 of the serialised pipeline (before overrides)
    QByteArray pipelineJson; // the serialised pipeline, so the run can be reproduced
    QJsonObject overrides;   // {"node": {"param": value}}
    QStringList targets;     // requested node ids; empty = all
    QJsonObject taskParams;  // {"node": {effective params}} for the params table
    QStringList taskTypes;   // "node=type" for every task in the run
    QString host;
    qint64 pid = 0;
};

// A value event leaving a worker thread. Flat and cheap to copy (QStrings are implicitly
// shared); which fields mean something depends on `kind`.
struct RunEvent
{
    enum class Kind : quint8 { RunStarted, RunFinished, TaskState, Progress, Metric, Log, Artifact };

    Kind kind = Kind::Log;
    QString runId;
    QString nodeId;       // empty for run-level events
    int tryNumber = 0;
    TaskState state = TaskState::None; // RunStarted/RunFinished/TaskState
    bool cached = false;  // TaskState success served from the output cache
    qint64 timeMs = 0;    // ms since the epoch
    qint64 step = 0;      // Metric
    double value = 0.0;   // Metric value, Progress fraction
    LogLevel level = LogLevel::Info;
    QString key;          // Metric key, Artifact name
    QString text;         // Log message, TaskState error, Artifact path
    QString detail;       // Artifact kind ("model", "table", ...); Artifact hash in `extra`
    QString extra;
    std::shared_ptr<const RunInfo> info; // RunStarted

    static qint64 now();
};

} // namespace fb

Q_DECLARE_METATYPE(fb::RunEvent)
