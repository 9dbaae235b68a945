#pragma once

#include "StoreLocation.h"

#include <QSqlDatabase>
#include <QString>

#include <memory>
#include <mutex>
#include <set>

namespace fb::store {

// Read connections of one store, one per calling thread, because a QSqlDatabase connection may
// only be used by the thread that opened it. A thread's connection is removed when the thread
// ends (thread-local cleanup) or when the store closes, whichever comes first. Connection names
// carry a per-thread serial number rather than a QThread address, which a new thread may reuse.
class ReaderConnections : public std::enable_shared_from_this<ReaderConnections>
{
public:
    ReaderConnections(StoreLocation location, const QString &namePrefix);

    // The calling thread's connection (opened on first use); invalid and *error on failure.
    // Callers keep the returned handle and their queries local to one call, so that no copy
    // is left when the connection is removed.
    QSqlDatabase connection(QString *error);
    // Removes every connection; later calls of connection() fail. Call when no read is running.
    void closeAll();
    // Removes the connection of the thread with `serial` (the thread is ending).
    void release(quint64 serial);

private:
    QString nameFor(quint64 serial) const;

    const StoreLocation m_location;
    const QString m_prefix;
    std::mutex m_mutex;
    std::set<quint64> m_open; // serials of threads with a connection
    bool m_closed = false;
};

} // namespace fb::store
