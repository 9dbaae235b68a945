#pragma once

#include "StoreLocation.h"
#include "exec/EventQueue.h"

#include <QString>

#include <condition_variable>
#include <future>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace fb::store {

// The run store's single writer: a thread with its own database connection that drains the event
// queues and writes each batch in one transaction with prepared statements. Producers only
// push to a queue (a short lock); they never wait for the disk. flush() is a ticket: every
// event pushed before the call is in a queue when the writer takes the ticket, and the ticket
// is served once everything collected up to then is committed.
class StoreWriter
{
public:
    // Writes a batch when ~batchSize events wait in post(), after a full batch, or every
    // batchIntervalMs otherwise (the bus queues cannot wake the writer).
    static constexpr int batchIntervalMs = 50;
    static constexpr size_t batchSize = 4096;
    // Caps one transaction, so the write lock is released regularly for other processes and
    // the queues are drained at least every ~50 ms even when the writer is behind.
    static constexpr size_t maxTransactionEvents = 10000;

    StoreWriter(StoreLocation location, const QString &connectionName);
    ~StoreWriter(); // stops after writing what is queued

    // Starts the thread and waits until its connection is open; false and *error otherwise.
    bool start(QString *error);
    void stop();

    void addQueue(const std::shared_ptr<EventQueue> &queue);
    void post(const RunEvent &event);
    bool flush(int timeoutMs);
    QString lastError() const;

private:
    struct Statements;

    void run(const std::shared_ptr<std::promise<QString>> &started);
    void loop(Statements &st);
    void waitForWork(bool wait, quint64 *ticket, bool *stopping);
    std::vector<RunEvent> collect();
    bool writeChunk(Statements &st, const RunEvent *begin, const RunEvent *end);
    void writeEvent(Statements &st, const RunEvent &e, const QString &hash, qint64 size);
    void recordError(const QString &error);

    const StoreLocation m_location;
    const QString m_path; // for messages
    const QString m_connectionName;
    const std::shared_ptr<EventQueue> m_posted = std::make_shared<EventQueue>();

    mutable std::mutex m_mutex;
    std::condition_variable m_wake;
    std::condition_variable m_done;
    std::vector<std::shared_ptr<EventQueue>> m_queues; // guarded by m_mutex
    quint64 m_requested = 0;                           // flush tickets handed out
    quint64 m_completed = 0;                           // flush tickets served
    quint64 m_errorCount = 0;
    bool m_urgent = false;
    bool m_stop = false;
    QString m_lastError;
    std::thread m_thread;
};

} // namespace fb::store
