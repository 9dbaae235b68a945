#include "StoreReaders.h"

#include "StoreSchema.h"

#include <atomic>
#include <vector>

namespace fb::store {

namespace {

std::atomic<quint64> nextThreadSerial{1};

// Per-thread bookkeeping: which stores this thread has a connection to. Its destructor runs
// when the thread ends and removes those connections on their own thread.
struct ThreadReaders
{
    quint64 serial = nextThreadSerial.fetch_add(1);
    std::vector<std::weak_ptr<ReaderConnections>> stores;

    ~ThreadReaders()
    {
        for (const auto &weak : stores) {
            if (const auto store = weak.lock())
                store->release(serial);
        }
    }
};

thread_local ThreadReaders threadReaders;

} // namespace

ReaderConnections::ReaderConnections(StoreLocation location, const QString &namePrefix)
    : m_location(std::move(location))
    , m_prefix(namePrefix)
{}

QString ReaderConnections::nameFor(quint64 serial) const
{
    return m_prefix + QString::number(serial);
}

QSqlDatabase ReaderConnections::connection(QString *error)
{
    ThreadReaders &mine = threadReaders;
    const QString name = nameFor(mine.serial);
    std::lock_guard lock(m_mutex);
    if (m_closed) {
        *error = QStringLiteral("The run store %1 is closed.").arg(m_location.displayName());
        return {};
    }
    if (m_open.count(mine.serial))
        return QSqlDatabase::database(name, false);
    QSqlDatabase db = openConnection(name, m_location, error);
    if (!db.isValid())
        return {};
    m_open.insert(mine.serial);
    std::erase_if(mine.stores, [](const auto &weak) { return weak.expired(); });
    mine.stores.push_back(weak_from_this());
    return db;
}

void ReaderConnections::closeAll()
{
    std::lock_guard lock(m_mutex);
    m_closed = true;
    // Connections of other threads are removed here too: nothing uses them between reads, and
    // SQLite and libpq allow closing a connection from another thread.
    for (quint64 serial : m_open)
        closeConnection(nameFor(serial));
    m_open.clear();
}

void ReaderConnections::release(quint64 serial)
{
    std::lock_guard lock(m_mutex);
    if (m_open.erase(serial))
        closeConnection(nameFor(serial));
}

} // namespace fb::store
