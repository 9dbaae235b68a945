#include "StoreWriter.h"

#include "RunRecorder.h"
#include "SqlValues.h"
#include "StoreSchema.h"

#include <QCryptographicHash>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSqlError>
#include <QSqlQuery>
#include <QVariant>

#include <chrono>
#include <cmath>
#include <deque>
#include <optional>

#ifdef __linux__
#include <pthread.h>
#endif

namespace fb::store {

namespace {

struct FileFacts
{
    QString hash;
    qint64 size = 0;
};

// Hashes on the writer thread, before the transaction starts, so that a large model file
// delays neither the producer nor other processes waiting for the write lock.
FileFacts inspectFile(const QString &path, const QString &knownHash)
{
    FileFacts facts;
    const QFileInfo info(path);
    if (!info.isFile())
        return facts; // missing or a folder: recorded without hash and size
    facts.size = info.size();
    if (!knownHash.isEmpty()) {
        facts.hash = knownHash; // the producer hashed it already (RunEvent::extra)
        return facts;
    }
    QFile file(path);
    QCryptographicHash hash(QCryptographicHash::Sha256);
    if (file.open(QIODevice::ReadOnly) && hash.addData(&file))
        facts.hash = QString::fromLatin1(hash.result().toHex());
    return facts;
}

// Metric points are inserted a series at a time, several rows per statement: QtSql spends
// more time binding a value (~0.3 us) than SQLite spends storing a row, so the run, node and
// key of a series are bound once per group rather than once per point. Measured here: 2.1 us
// per point instead of 4.3 us. A remainder is written with the smaller statements.
constexpr int metricGroupSizes[] = {64, 16, 4, 1};

QString metricInsert(int rows, const SqlDialect &dialect)
{
    QString sql = QStringLiteral("INSERT INTO metrics(run_id, node_id, key, step, value, time_ms) "
                                 "SELECT ?, ?, ?, column1, column2, column3 FROM (VALUES ");
    const QString row = u'(' + dialect.bigintParam() + QStringLiteral(", ") + dialect.doubleParam()
                        + QStringLiteral(", ") + dialect.bigintParam() + u')';
    for (int i = 0; i < rows; ++i)
        sql += i == 0 ? row : QStringLiteral(", ") + row;
    // PostgreSQL requires an alias for a VALUES list in FROM (its columns are column1.. in
    // both backends).
    return sql + QStringLiteral(") AS v");
}

// The metric points of one chunk, grouped by series in arrival order (rowid order within a
// series keeps equal steps of a retried task in the order they came).
struct SeriesKey
{
    QString runId, nodeId, key;
    bool operator==(const SeriesKey &other) const = default;
};

size_t qHash(const SeriesKey &k, size_t seed = 0)
{
    return qHashMulti(seed, k.runId, k.nodeId, k.key);
}

class MetricGroups
{
public:
    struct Point
    {
        qint64 step;
        double value;
        qint64 timeMs;
    };
    struct Series
    {
        SeriesKey key;
        std::vector<Point> points;
    };

    Series &add(const RunEvent &e)
    {
        // Consecutive points usually belong to one series: try the last one before hashing.
        if (m_last >= m_series.size() || !matches(m_series[m_last].key, e)) {
            SeriesKey key{e.runId, e.nodeId, e.key};
            const auto found = m_index.constFind(key);
            if (found != m_index.constEnd()) {
                m_last = found.value();
            } else {
                m_last = m_series.size();
                m_index.insert(key, m_last);
                m_series.push_back({std::move(key), {}});
            }
        }
        Series &s = m_series[m_last];
        s.points.push_back({e.step, e.value, e.timeMs});
        return s;
    }
    std::vector<Series> &series() { return m_series; }
    void clear()
    {
        m_series.clear();
        m_index.clear();
        m_last = 0;
    }

private:
    static bool matches(const SeriesKey &k, const RunEvent &e)
    {
        return k.key == e.key && k.nodeId == e.nodeId && k.runId == e.runId;
    }

    std::vector<Series> m_series;
    QHash<SeriesKey, size_t> m_index;
    size_t m_last = 0;
};

} // namespace

// Prepared once per writer thread; each one is reset and re-bound per event.
struct StoreWriter::Statements
{
    Statements(const QSqlDatabase &database, const SqlDialect &dialect)
        : db(database)
        , dialect(dialect)
        , runs(dialect)
        , control(db)
        , insertLog(db)
        , insertArtifact(db)
        , insertMetrics{QSqlQuery(db), QSqlQuery(db), QSqlQuery(db), QSqlQuery(db)}
    {}

    bool prepare(QString *error)
    {
        if (!runs.prepare(db, error))
            return false;
        const std::pair<QSqlQuery *, QString> all[] = {
            {&insertMetrics[0], metricInsert(metricGroupSizes[0], dialect)},
            {&insertMetrics[1], metricInsert(metricGroupSizes[1], dialect)},
            {&insertMetrics[2], metricInsert(metricGroupSizes[2], dialect)},
            {&insertMetrics[3], metricInsert(metricGroupSizes[3], dialect)},
            {&insertLog,
             QStringLiteral("INSERT INTO logs(run_id, node_id, try_number, time_ms, level, "
                            "message) VALUES(?, ?, ?, ?, ?, ?)")},
            {&insertArtifact,
             QStringLiteral("INSERT INTO artifacts(run_id, node_id, name, path, kind, hash, "
                            "size, time_ms) VALUES(?, ?, ?, ?, ?, ?, ?, ?)")},
        };
        for (const auto &[query, sql] : all) {
            if (!query->prepare(sql)) {
                *error = QStringLiteral("Cannot prepare a run store statement (%1): %2")
                             .arg(sql.left(40), query->lastError().text());
                return false;
            }
        }
        return true;
    }

    // Transaction control is sent as plain statements: PostgreSQL cannot PREPARE them.
    bool exec(const QString &sql) { return control.exec(sql); }
    QString controlError() const { return control.lastError().text(); }

    void noteFailure(const QString &error, int events)
    {
        if (chunkError.isEmpty())
            chunkError = error;
        chunkFailures += events;
        ++sqlFailures;
    }

    // Writes the points of `series` with as few statements as the group sizes allow; failed
    // points count as failed events of the chunk.
    void writeSeries(MetricGroups::Series &series)
    {
        const auto &points = series.points;
        size_t done = 0;
        for (size_t g = 0; g < std::size(metricGroupSizes); ++g) {
            const size_t rows = size_t(metricGroupSizes[g]);
            QSqlQuery &q = insertMetrics[g];
            while (points.size() - done >= rows) {
                q.bindValue(0, series.key.runId);
                q.bindValue(1, text(series.key.nodeId));
                q.bindValue(2, text(series.key.key));
                for (size_t i = 0; i < rows; ++i) {
                    const MetricGroups::Point &p = points[done + i];
                    const int at = 3 + int(i) * 3;
                    q.bindValue(at, p.step);
                    // NaN is stored as NULL in both backends; the reader maps it back.
                    q.bindValue(at + 1, std::isnan(p.value) ? QVariant() : QVariant(p.value));
                    q.bindValue(at + 2, p.timeMs);
                }
                if (!q.exec())
                    noteFailure(q.lastError().text(), int(rows));
                done += rows;
            }
        }
        series.points.clear();
    }

    QSqlDatabase db;
    const SqlDialect dialect;
    RunRecorder runs;
    MetricGroups metrics;
    QSqlQuery control;
    QSqlQuery insertLog, insertArtifact;
    QSqlQuery insertMetrics[std::size(metricGroupSizes)]; // one per entry of metricGroupSizes
    // First statement error of the chunk being written, how many events it affected, and how
    // many statements failed (after which PostgreSQL has aborted the transaction).
    QString chunkError;
    int chunkFailures = 0;
    int sqlFailures = 0;
};

StoreWriter::StoreWriter(StoreLocation location, const QString &connectionName)
    : m_location(std::move(location))
    , m_path(m_location.displayName())
    , m_connectionName(connectionName)
{
    m_queues.push_back(m_posted);
}

StoreWriter::~StoreWriter()
{
    stop();
}

bool StoreWriter::start(QString *error)
{
    auto started = std::make_shared<std::promise<QString>>();
    std::future<QString> opened = started->get_future();
    m_thread = std::thread([this, started] { run(started); });
    const QString failure = opened.get();
    if (failure.isEmpty())
        return true;
    m_thread.join();
    *error = failure;
    return false;
}

void StoreWriter::stop()
{
    if (!m_thread.joinable())
        return;
    {
        std::lock_guard lock(m_mutex);
        m_stop = true;
    }
    m_wake.notify_all();
    m_thread.join();
}

void StoreWriter::addQueue(const std::shared_ptr<EventQueue> &queue)
{
    std::lock_guard lock(m_mutex);
    m_queues.push_back(queue);
}

void StoreWriter::post(const RunEvent &event)
{
    m_posted->push(event);
    if (m_posted->size() >= batchSize) {
        {
            std::lock_guard lock(m_mutex);
            m_urgent = true;
        }
        m_wake.notify_one();
    }
}

bool StoreWriter::flush(int timeoutMs)
{
    std::unique_lock lock(m_mutex);
    if (m_stop || !m_thread.joinable())
        return false;
    const quint64 ticket = ++m_requested;
    const quint64 errorsBefore = m_errorCount;
    m_wake.notify_one();
    const bool served = m_done.wait_for(lock, std::chrono::milliseconds(timeoutMs), [&] {
        return m_completed >= ticket;
    });
    return served && m_errorCount == errorsBefore;
}

QString StoreWriter::lastError() const
{
    std::lock_guard lock(m_mutex);
    return m_lastError;
}

void StoreWriter::recordError(const QString &error)
{
    std::lock_guard lock(m_mutex);
    m_lastError = error;
    ++m_errorCount;
}

void StoreWriter::run(const std::shared_ptr<std::promise<QString>> &started)
{
#ifdef __linux__
    pthread_setname_np(pthread_self(), "fb-store-write");
#endif
    {
        QString error;
        QSqlDatabase db = openConnection(m_connectionName, m_location, &error);
        std::optional<Statements> st;
        if (db.isValid()) {
            st.emplace(db, SqlDialect(m_location.backend()));
            st->prepare(&error);
        }
        started->set_value(error);
        if (error.isEmpty())
            loop(*st);
    }
    // Every QSqlQuery and QSqlDatabase of this connection is gone now.
    closeConnection(m_connectionName);
}

void StoreWriter::waitForWork(bool wait, quint64 *ticket, bool *stopping)
{
    std::unique_lock lock(m_mutex);
    if (wait) {
        m_wake.wait_for(lock, std::chrono::milliseconds(batchIntervalMs), [this] {
            return m_stop || m_urgent || m_requested > m_completed;
        });
    }
    m_urgent = false;
    *ticket = m_requested;
    *stopping = m_stop;
}

std::vector<RunEvent> StoreWriter::collect()
{
    std::vector<std::shared_ptr<EventQueue>> queues;
    {
        std::lock_guard lock(m_mutex);
        queues = m_queues;
    }
    std::vector<RunEvent> events;
    std::vector<std::shared_ptr<EventQueue>> finished;
    for (const auto &queue : queues) {
        // Closed before the drain means nothing can follow: the queue is done.
        const bool closed = queue->isClosed() && queue != m_posted;
        std::vector<RunEvent> part = queue->drain();
        if (events.empty())
            events.swap(part);
        else
            events.insert(events.end(),
                          std::make_move_iterator(part.begin()),
                          std::make_move_iterator(part.end()));
        if (closed)
            finished.push_back(queue);
    }
    if (!finished.empty()) {
        std::lock_guard lock(m_mutex);
        for (const auto &queue : finished)
            std::erase(m_queues, queue);
    }
    return events;
}

void StoreWriter::loop(Statements &st)
{
    // The queues are drained before every transaction, so when the writer falls behind the
    // backlog waits here, in a deque only the writer touches (it grows without moving what it
    // holds), and not in a producer's queue, whose reallocation under its lock would stall
    // the producers.
    std::deque<RunEvent> pending;
    std::vector<RunEvent> chunk; // the transaction being written (kept for a retry)
    quint64 collected = 0;       // events taken from the queues so far
    quint64 handled = 0;         // of those, written (or dropped after an error)
    std::deque<std::pair<quint64, quint64>> tickets; // flush ticket -> `collected` it waits for
    // A transaction that failed (e.g. the lock stayed busy past the busy timeout) is retried;
    // after maxAttempts its events are dropped, so a broken disk cannot grow memory forever.
    constexpr int maxAttempts = 3;
    int attempts = 0;
    bool wait = true;
    for (;;) {
        quint64 ticket = 0;
        bool stopping = false;
        waitForWork(wait, &ticket, &stopping);
        std::vector<RunEvent> fresh = collect();
        const size_t drained = fresh.size();
        collected += drained;
        pending.insert(pending.end(),
                       std::make_move_iterator(fresh.begin()),
                       std::make_move_iterator(fresh.end()));
        if (ticket > 0 && (tickets.empty() || tickets.back().first < ticket))
            tickets.emplace_back(ticket, collected);

        if (chunk.empty()) {
            const size_t n = std::min(maxTransactionEvents, pending.size());
            chunk.assign(std::make_move_iterator(pending.begin()),
                         std::make_move_iterator(pending.begin() + qsizetype(n)));
            pending.erase(pending.begin(), pending.begin() + qsizetype(n));
        }
        if (!chunk.empty()) {
            if (writeChunk(st, chunk.data(), chunk.data() + chunk.size())) {
                handled += chunk.size();
                chunk.clear();
                attempts = 0;
            } else if (++attempts >= maxAttempts) {
                recordError(QStringLiteral("Run store %1: dropped %2 events after %3 failed "
                                           "attempts to write them (last error: %4)")
                                .arg(m_path)
                                .arg(chunk.size())
                                .arg(maxAttempts)
                                .arg(lastError()));
                handled += chunk.size();
                chunk.clear();
                attempts = 0;
            }
        }

        quint64 served = 0;
        while (!tickets.empty() && tickets.front().second <= handled) {
            served = tickets.front().first;
            tickets.pop_front();
        }
        if (served > 0) {
            {
                std::lock_guard lock(m_mutex);
                m_completed = std::max(m_completed, served);
            }
            m_done.notify_all();
        }
        const bool idle = chunk.empty() && pending.empty();
        if (stopping && idle)
            return;
        // Under load, go straight on with the next batch instead of sleeping.
        wait = idle && drained < batchSize;
    }
}

bool StoreWriter::writeChunk(Statements &st, const RunEvent *begin, const RunEvent *end)
{
    std::vector<FileFacts> files;
    for (const RunEvent *e = begin; e != end; ++e) {
        if (e->kind == RunEvent::Kind::Artifact)
            files.push_back(inspectFile(e->text, e->extra));
    }

    if (!st.exec(st.dialect.beginWrite())) {
        recordError(QStringLiteral("Run store %1: cannot start a transaction: %2")
                        .arg(m_path, st.controlError()));
        return false;
    }
    st.chunkError.clear();
    st.chunkFailures = 0;
    st.sqlFailures = 0;
    size_t file = 0;
    for (const RunEvent *e = begin; e != end; ++e) {
        const bool isArtifact = e->kind == RunEvent::Kind::Artifact;
        const FileFacts facts = isArtifact ? files[file++] : FileFacts{};
        writeEvent(st, *e, facts.hash, facts.size);
    }
    for (MetricGroups::Series &series : st.metrics.series())
        st.writeSeries(series);
    st.metrics.clear();
    if (st.sqlFailures > 0 && st.dialect.abortsTransactionOnError()) {
        // PostgreSQL ignores everything after the first failing statement and turns COMMIT
        // into a rollback. Write the events one transaction each instead, so that only the
        // failing ones are lost (as with SQLite); this path is rare and may be slow.
        st.exec(QStringLiteral("ROLLBACK"));
        st.runs.rolledBack();
        if (end - begin == 1) {
            recordError(QStringLiteral("Run store %1: an event could not be written: %2")
                            .arg(m_path, st.chunkError));
            return true;
        }
        for (const RunEvent *e = begin; e != end; ++e) {
            if (!writeChunk(st, e, e + 1))
                return false;
        }
        return true;
    }
    if (!st.exec(QStringLiteral("COMMIT"))) {
        const QString why = st.controlError();
        st.exec(QStringLiteral("ROLLBACK"));
        st.runs.rolledBack(); // rows created in this transaction are gone again
        recordError(QStringLiteral("Run store %1: cannot commit %2 events: %3")
                        .arg(m_path)
                        .arg(end - begin)
                        .arg(why));
        return false;
    }
    if (st.chunkFailures > 0) {
        recordError(QStringLiteral("Run store %1: %2 events could not be written; first error: %3")
                        .arg(m_path)
                        .arg(st.chunkFailures)
                        .arg(st.chunkError));
    }
    return true;
}

void StoreWriter::writeEvent(Statements &st, const RunEvent &e, const QString &hash, qint64 size)
{
    if (e.runId.isEmpty()) {
        // Refused before any SQL, so the transaction goes on.
        if (st.chunkError.isEmpty())
            st.chunkError = QStringLiteral("an event without a run id");
        ++st.chunkFailures;
        return;
    }
    QString error;
    bool ok = true;
    switch (e.kind) {
    case RunEvent::Kind::RunStarted:
        ok = st.runs.runStarted(e, &error);
        break;
    case RunEvent::Kind::RunFinished:
        ok = st.runs.runFinished(e, &error);
        break;
    case RunEvent::Kind::TaskState:
        ok = st.runs.taskState(e, &error);
        break;
    case RunEvent::Kind::Progress:
        // Not persisted: progress is a live UI hint; the task states and metrics are the record.
        break;
    case RunEvent::Kind::Metric: {
        if (!(ok = st.runs.ensureRun(e, &error)))
            break;
        MetricGroups::Series &series = st.metrics.add(e);
        if (series.points.size() == size_t(metricGroupSizes[0]))
            st.writeSeries(series); // a full group is written at once: memory stays small
        break;
    }
    case RunEvent::Kind::Log: {
        if (!(ok = st.runs.ensureRun(e, &error)))
            break;
        QSqlQuery &q = st.insertLog;
        q.bindValue(0, e.runId);
        q.bindValue(1, text(e.nodeId));
        q.bindValue(2, e.tryNumber);
        q.bindValue(3, e.timeMs);
        q.bindValue(4, logLevelName(e.level));
        q.bindValue(5, text(e.text));
        if (!(ok = q.exec()))
            error = q.lastError().text();
        break;
    }
    case RunEvent::Kind::Artifact: {
        if (!(ok = st.runs.ensureRun(e, &error)))
            break;
        QSqlQuery &q = st.insertArtifact;
        q.bindValue(0, e.runId);
        q.bindValue(1, text(e.nodeId));
        q.bindValue(2, text(e.key));
        q.bindValue(3, text(e.text));
        q.bindValue(4, text(e.detail));
        q.bindValue(5, text(hash));
        q.bindValue(6, size);
        q.bindValue(7, e.timeMs);
        if (!(ok = q.exec()))
            error = q.lastError().text();
        break;
    }
    }
    if (!ok)
        st.noteFailure(error, 1);
}

} // namespace fb::store
