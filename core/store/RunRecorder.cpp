#include "RunRecorder.h"

#include "SqlValues.h"

#include <QSqlError>

#include <algorithm>

namespace fb::store {

namespace {

// Targets of a run shared by invocations: the union, where "no targets" means the whole
// pipeline and absorbs everything.
QStringList mergeTargets(const QStringList &existing, const QStringList &added)
{
    if (existing.isEmpty() || added.isEmpty())
        return {};
    QStringList merged = existing;
    for (const QString &t : added) {
        if (!merged.contains(t))
            merged.append(t);
    }
    return merged;
}

TaskState combineTaskStates(const QList<TaskState> &latest, TaskState reported)
{
    const auto any = [&](std::initializer_list<TaskState> states) {
        return std::any_of(latest.begin(), latest.end(), [&](TaskState s) {
            return std::find(states.begin(), states.end(), s) != states.end();
        });
    };
    if (any({TaskState::Failed, TaskState::UpstreamFailed}))
        return TaskState::Failed;
    if (any({TaskState::Cancelled}))
        return TaskState::Cancelled;
    if (any({TaskState::Interrupted}))
        return TaskState::Interrupted;
    const bool allDone = !latest.isEmpty()
                         && std::all_of(latest.begin(), latest.end(), [](TaskState s) {
                                return s == TaskState::Success || s == TaskState::Skipped;
                            });
    return allDone ? TaskState::Success : reported;
}

} // namespace

bool aggregateRunState(QSqlDatabase &db,
                       const QString &runId,
                       TaskState reported,
                       qint64 reportedEndMs,
                       TaskState *state,
                       qint64 *endMs,
                       QString *error)
{
    QSqlQuery q(db);
    q.setForwardOnly(true);
    q.prepare(QStringLiteral("SELECT COUNT(*), COALESCE(SUM(CASE WHEN state IN ('queued', "
                             "'running') THEN 1 ELSE 0 END), 0), COALESCE(MAX(end_ms), 0) FROM "
                             "run_invocations WHERE run_id = ?"));
    q.addBindValue(runId);
    if (!q.exec() || !q.next()) {
        *error = q.lastError().text();
        return false;
    }
    const qint64 invocations = q.value(0).toLongLong();
    const qint64 running = q.value(1).toLongLong();
    const qint64 lastEnd = q.value(2).toLongLong();
    q.finish();
    if (invocations <= 1) {
        *state = reported;
        *endMs = reportedEndMs;
        return true;
    }
    if (running > 0) {
        *state = TaskState::Running;
        *endMs = 0;
        return true;
    }
    q.prepare(QStringLiteral("SELECT t.state FROM task_instances t WHERE t.run_id = ? AND "
                             "t.try_number = (SELECT MAX(u.try_number) FROM task_instances u "
                             "WHERE u.run_id = t.run_id AND u.node_id = t.node_id)"));
    q.addBindValue(runId);
    if (!q.exec()) {
        *error = q.lastError().text();
        return false;
    }
    QList<TaskState> latest;
    while (q.next())
        latest.append(taskStateFromName(q.value(0).toString()));
    *state = combineTaskStates(latest, reported);
    *endMs = std::max(lastEnd, reportedEndMs);
    return true;
}

bool RunRecorder::prepare(const QSqlDatabase &db, QString *error)
{
    m_db = db;
    // The node type of a task is declared at RunStarted (try 1); later tries copy it.
    const QString typeOfNode = QStringLiteral(
        "COALESCE((SELECT node_type FROM task_instances WHERE run_id = ? AND node_id = ? "
        "AND node_type <> '' LIMIT 1), '')");
    const QString runColumns = QStringLiteral(
        "run_id, pipeline_name, pipeline_path, pipeline_hash, pipeline_json, overrides, targets, "
        "state, start_ms, end_ms, host, pid, flowbench_version");
    const std::pair<QSqlQuery *, QString> all[] = {
        {&m_insertRun,
         QStringLiteral("INSERT INTO runs(") + runColumns
             + QStringLiteral(") VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?) ON CONFLICT(run_id) "
                              "DO NOTHING")},
        {&m_selectRun,
         QStringLiteral("SELECT targets, start_ms FROM runs WHERE run_id = ?")
             + m_dialect.forUpdate()},
        {&m_countInvocations,
         QStringLiteral("SELECT COUNT(*) FROM run_invocations WHERE run_id = ?")},
        {&m_updateRun,
         QStringLiteral("UPDATE runs SET pipeline_name = ?, pipeline_path = ?, pipeline_hash = ?, "
                        "pipeline_json = ?, overrides = ?, targets = ?, state = ?, start_ms = ?, "
                        "end_ms = 0, host = ?, pid = ?, flowbench_version = ? WHERE run_id = ?")},
        {&m_ensureRun,
         QStringLiteral("INSERT INTO runs(run_id, state, start_ms, flowbench_version) VALUES(?, "
                        "'running', ?, '" FLOWBENCH_VERSION "') ON CONFLICT(run_id) DO NOTHING")},
        {&m_upsertInvocation,
         QStringLiteral("INSERT INTO run_invocations(run_id, host, pid, targets, state, start_ms, "
                        "end_ms) VALUES(?, ?, ?, ?, ?, ?, 0) ON CONFLICT(run_id, host, pid) DO "
                        "UPDATE SET targets = excluded.targets, state = excluded.state, "
                        "start_ms = excluded.start_ms, end_ms = 0")},
        {&m_finishInvocation,
         QStringLiteral("UPDATE run_invocations SET state = ?, end_ms = ? WHERE run_id = ? AND "
                        "host = ? AND pid = ?")},
        {&m_finishRun, QStringLiteral("UPDATE runs SET state = ?, end_ms = ? WHERE run_id = ?")},
        {&m_upsertParam,
         QStringLiteral("INSERT INTO params(run_id, node_id, key, value) VALUES(?, ?, ?, ?) ON "
                        "CONFLICT(run_id, node_id, key) DO UPDATE SET value = excluded.value")},
        {&m_declareTask,
         QStringLiteral("INSERT INTO task_instances(run_id, node_id, try_number, node_type, state, "
                        "host, pid) VALUES(?, ?, 1, ?, 'none', ?, ?) ON CONFLICT(run_id, node_id, "
                        "try_number) DO UPDATE SET node_type = excluded.node_type")},
        {&m_queueTask,
         QStringLiteral("INSERT INTO task_instances(run_id, node_id, try_number, node_type, state, "
                        "host, pid) VALUES(?, ?, ?, ")
             + typeOfNode
             + QStringLiteral(", 'queued', ?, ?) ON CONFLICT(run_id, node_id, try_number) DO "
                              "UPDATE SET state = 'queued', host = excluded.host, pid = "
                              "excluded.pid")},
        {&m_startTask,
         QStringLiteral("INSERT INTO task_instances(run_id, node_id, try_number, node_type, state, "
                        "start_ms, host, pid) VALUES(?, ?, ?, ")
             + typeOfNode
             + QStringLiteral(", 'running', ?, ?, ?) ON CONFLICT(run_id, node_id, try_number) DO "
                              "UPDATE SET state = 'running', start_ms = excluded.start_ms, "
                              "end_ms = 0, error = '', cached = 0, host = excluded.host, "
                              "pid = excluded.pid")},
        {&m_endLatestTask,
         QStringLiteral("UPDATE task_instances SET state = ?, end_ms = COALESCE(")
             + m_dialect.bigintParam()
             + QStringLiteral(", end_ms), error = COALESCE(NULLIF(?, ''), error), cached = ? "
                              "WHERE run_id = ? AND node_id = ? AND try_number = (SELECT "
                              "MAX(try_number) FROM task_instances WHERE run_id = ? AND "
                              "node_id = ?)")},
        {&m_insertTask,
         QStringLiteral("INSERT INTO task_instances(run_id, node_id, try_number, node_type, state, "
                        "end_ms, error, cached, host, pid) VALUES(?, ?, ?, ")
             + typeOfNode + QStringLiteral(", ?, COALESCE(") + m_dialect.bigintParam()
             + QStringLiteral(", 0), ?, ?, ?, ?)")},
        {&m_othersLatest,
         QStringLiteral("SELECT try_number, state FROM task_instances WHERE run_id = ? AND "
                        "node_id = ? AND state <> 'none' AND NOT (host = ? AND pid = ?) ORDER BY "
                        "try_number DESC LIMIT 1")},
    };
    for (const auto &[query, sql] : all) {
        *query = QSqlQuery(db);
        if (!query->prepare(sql)) {
            *error = QStringLiteral("Cannot prepare a run store statement (%1): %2")
                         .arg(sql.left(40), query->lastError().text());
            return false;
        }
    }
    return true;
}

bool RunRecorder::run(QSqlQuery &q, QString *error)
{
    if (q.exec())
        return true;
    *error = q.lastError().text();
    return false;
}

void RunRecorder::rolledBack()
{
    m_knownRuns.clear();
    m_lastRun.clear();
    // Owners and tracks stay: they describe this process and the other invocations' rows,
    // which a rollback of ours does not change.
}

bool RunRecorder::ensureRun(const RunEvent &e, QString *error)
{
    if (e.runId == m_lastRun || m_knownRuns.contains(e.runId)) {
        m_lastRun = e.runId; // most events belong to the run of the previous one
        return true;
    }
    m_ensureRun.bindValue(0, e.runId);
    m_ensureRun.bindValue(1, e.timeMs);
    if (!run(m_ensureRun, error))
        return false;
    m_knownRuns.insert(e.runId);
    m_lastRun = e.runId;
    return true;
}

bool RunRecorder::runStarted(const RunEvent &e, QString *error)
{
    const RunInfo info = e.info ? *e.info : RunInfo{};
    const QString state = taskStateName(e.state == TaskState::None ? TaskState::Running : e.state);
    QSqlQuery &insert = m_insertRun;
    insert.bindValue(0, e.runId);
    insert.bindValue(1, text(info.pipelineName));
    insert.bindValue(2, text(info.pipelinePath));
    insert.bindValue(3, text(info.pipelineHash));
    insert.bindValue(4, info.pipelineJson);
    insert.bindValue(5, compactJson(info.overrides));
    insert.bindValue(6, compactJson(info.targets));
    insert.bindValue(7, state);
    insert.bindValue(8, e.timeMs);
    insert.bindValue(9, text(info.host));
    insert.bindValue(10, info.pid);
    insert.bindValue(11, QStringLiteral(FLOWBENCH_VERSION));
    if (!run(insert, error))
        return false;
    if (insert.numRowsAffected() == 0) {
        // Another invocation (or a placeholder) created the run: merge into it.
        m_selectRun.bindValue(0, e.runId);
        if (!run(m_selectRun, error))
            return false;
        QStringList targets = info.targets;
        qint64 start = e.timeMs;
        if (m_selectRun.next()) {
            targets = stringListFromJson(m_selectRun.value(0).toString());
            start = m_selectRun.value(1).toLongLong();
        }
        m_selectRun.finish();
        m_countInvocations.bindValue(0, e.runId);
        if (!run(m_countInvocations, error))
            return false;
        const bool shared = m_countInvocations.next()
                            && m_countInvocations.value(0).toLongLong() > 0;
        m_countInvocations.finish();
        if (shared) {
            targets = mergeTargets(targets, info.targets);
            start = start > 0 ? std::min(start, e.timeMs) : e.timeMs;
        } else {
            targets = info.targets; // a placeholder row: this is the real start
            start = e.timeMs;
        }
        QSqlQuery &update = m_updateRun;
        update.bindValue(0, text(info.pipelineName));
        update.bindValue(1, text(info.pipelinePath));
        update.bindValue(2, text(info.pipelineHash));
        update.bindValue(3, info.pipelineJson);
        update.bindValue(4, compactJson(info.overrides));
        update.bindValue(5, compactJson(targets));
        update.bindValue(6, state);
        update.bindValue(7, start);
        update.bindValue(8, text(info.host));
        update.bindValue(9, info.pid);
        update.bindValue(10, QStringLiteral(FLOWBENCH_VERSION));
        update.bindValue(11, e.runId);
        if (!run(update, error))
            return false;
    }
    m_knownRuns.insert(e.runId);

    const Owner owner{text(info.host), info.pid};
    m_owners.insert(e.runId, owner);
    m_tracks.remove(e.runId); // a new invocation looks at the other invocations' rows afresh
    QSqlQuery &invocation = m_upsertInvocation;
    invocation.bindValue(0, e.runId);
    invocation.bindValue(1, owner.host);
    invocation.bindValue(2, owner.pid);
    invocation.bindValue(3, compactJson(info.targets));
    invocation.bindValue(4, state);
    invocation.bindValue(5, e.timeMs);
    if (!run(invocation, error))
        return false;

    for (auto node = info.taskParams.begin(); node != info.taskParams.end(); ++node) {
        const QJsonObject params = node.value().toObject();
        for (auto p = params.begin(); p != params.end(); ++p) {
            m_upsertParam.bindValue(0, e.runId);
            m_upsertParam.bindValue(1, node.key());
            m_upsertParam.bindValue(2, p.key());
            m_upsertParam.bindValue(3, jsonValueText(p.value()));
            if (!run(m_upsertParam, error))
                return false;
        }
    }
    // One row per task from the start, so a run shows all its tasks (and its task count)
    // before they are scheduled, and an interrupted run shows what never ran.
    for (const QString &entry : info.taskTypes) {
        const qsizetype eq = entry.indexOf(u'=');
        m_declareTask.bindValue(0, e.runId);
        m_declareTask.bindValue(1, eq < 0 ? entry : entry.left(eq));
        m_declareTask.bindValue(2, eq < 0 ? text({}) : entry.mid(eq + 1));
        m_declareTask.bindValue(3, owner.host);
        m_declareTask.bindValue(4, owner.pid);
        if (!run(m_declareTask, error))
            return false;
    }
    return true;
}

bool RunRecorder::runFinished(const RunEvent &e, QString *error)
{
    if (!ensureRun(e, error))
        return false;
    // Locks the run row (PostgreSQL), so two invocations ending together see each other.
    m_selectRun.bindValue(0, e.runId);
    if (!run(m_selectRun, error))
        return false;
    m_selectRun.finish();
    const auto owner = m_owners.constFind(e.runId);
    if (owner != m_owners.cend()) {
        m_finishInvocation.bindValue(0, taskStateName(e.state));
        m_finishInvocation.bindValue(1, e.timeMs);
        m_finishInvocation.bindValue(2, e.runId);
        m_finishInvocation.bindValue(3, owner->host);
        m_finishInvocation.bindValue(4, owner->pid);
        if (!run(m_finishInvocation, error))
            return false;
    }
    TaskState state = e.state;
    qint64 endMs = e.timeMs;
    if (!aggregateRunState(m_db, e.runId, e.state, e.timeMs, &state, &endMs, error))
        return false;
    m_finishRun.bindValue(0, taskStateName(state));
    m_finishRun.bindValue(1, endMs);
    m_finishRun.bindValue(2, e.runId);
    return run(m_finishRun, error);
}

RunRecorder::Track *RunRecorder::track(const RunEvent &e, const Owner &owner, QString *error)
{
    QHash<QString, Track> &tasks = m_tracks[e.runId];
    auto found = tasks.find(e.nodeId);
    if (found != tasks.end())
        return &found.value();
    Track t;
    m_othersLatest.bindValue(0, e.runId);
    m_othersLatest.bindValue(1, text(e.nodeId));
    m_othersLatest.bindValue(2, owner.host);
    m_othersLatest.bindValue(3, owner.pid);
    if (!run(m_othersLatest, error))
        return nullptr;
    if (m_othersLatest.next()) {
        t.base = m_othersLatest.value(0).toInt();
        t.othersSucceeded = m_othersLatest.value(1).toString() == taskStateName(TaskState::Success);
    }
    m_othersLatest.finish();
    return &tasks.insert(e.nodeId, t).value();
}

bool RunRecorder::taskState(const RunEvent &e, QString *error)
{
    if (!ensureRun(e, error))
        return false;
    // Runs started elsewhere (importers, tests posting bare events) have no invocation here:
    // their tries are taken as they come.
    const auto ownerIt = m_owners.constFind(e.runId);
    const Owner owner = ownerIt != m_owners.cend() ? *ownerIt : Owner{text({}), 0};
    Track local;
    Track *t = &local;
    if (ownerIt != m_owners.cend()) {
        t = track(e, owner, error);
        if (!t)
            return false;
    }

    // Each try has its own row. The executor sends queued with the number of tries done so
    // far (the row is the next try), running with the try it starts, and every other state
    // for the latest try of the node.
    if (e.state == TaskState::Queued) {
        if (t->othersSucceeded && !t->ran)
            return true; // maybe only a cache hit: decided by the next state
        QSqlQuery &q = m_queueTask;
        q.bindValue(0, e.runId);
        q.bindValue(1, text(e.nodeId));
        q.bindValue(2, t->base + e.tryNumber + 1);
        q.bindValue(3, e.runId);
        q.bindValue(4, text(e.nodeId));
        q.bindValue(5, owner.host);
        q.bindValue(6, owner.pid);
        return run(q, error);
    }
    if (e.state == TaskState::Running) {
        t->ran = true;
        QSqlQuery &q = m_startTask;
        q.bindValue(0, e.runId);
        q.bindValue(1, text(e.nodeId));
        q.bindValue(2, t->base + std::max(e.tryNumber, 1));
        q.bindValue(3, e.runId);
        q.bindValue(4, text(e.nodeId));
        q.bindValue(5, e.timeMs);
        q.bindValue(6, owner.host);
        q.bindValue(7, owner.pid);
        return run(q, error);
    }
    // A task another invocation completed, served here from the cache (or cancelled before
    // it ran): the other invocation's try stays the record.
    if (t->othersSucceeded && !t->ran)
        return true;
    const bool ends = isFinal(e.state) || e.state == TaskState::UpForRetry;
    QSqlQuery &q = m_endLatestTask;
    q.bindValue(0, taskStateName(e.state));
    q.bindValue(1, nullable(ends, e.timeMs));
    q.bindValue(2, text(e.text));
    q.bindValue(3, e.cached ? 1 : 0);
    q.bindValue(4, e.runId);
    q.bindValue(5, text(e.nodeId));
    q.bindValue(6, e.runId);
    q.bindValue(7, text(e.nodeId));
    if (!run(q, error))
        return false;
    if (q.numRowsAffected() > 0)
        return true;
    QSqlQuery &insert = m_insertTask; // a state for a task never declared nor queued
    insert.bindValue(0, e.runId);
    insert.bindValue(1, text(e.nodeId));
    insert.bindValue(2, t->base + std::max(e.tryNumber, 1));
    insert.bindValue(3, e.runId);
    insert.bindValue(4, text(e.nodeId));
    insert.bindValue(5, taskStateName(e.state));
    insert.bindValue(6, nullable(ends, e.timeMs));
    insert.bindValue(7, text(e.text));
    insert.bindValue(8, e.cached ? 1 : 0);
    insert.bindValue(9, owner.host);
    insert.bindValue(10, owner.pid);
    return run(insert, error);
}

} // namespace fb::store
