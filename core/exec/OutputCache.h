#pragma once

#include "pipeline/PortType.h"

#include <QHash>
#include <QList>
#include <QPair>
#include <QMutex>
#include <QString>

#include <optional>

namespace fb {

// Node outputs on disk, keyed by a hash of (node type and code version, parameters, input keys,
// input files' size and modification time, Flowbench version): re-running after an edit
// recomputes only what changed, also after a restart, and per-node runs in separate processes
// (Airflow tasks) pick up their upstream outputs. Bounded in size (least recently used entries
// go first). Safe to delete at any time: a missing or damaged entry is a miss. Shared by
// several processes: entries are written to a temporary folder and renamed into place.
// What a cache entry holds: the node's outputs and the final value of each metric it reported.
struct CacheEntry
{
    QHash<QString, PortDataPtr> outputs;
    QList<QPair<QString, double>> metrics;
};

class OutputCache
{
public:
    explicit OutputCache(QString dir, qint64 maxBytes = 4ll * 1024 * 1024 * 1024);

    const QString &dir() const { return m_dir; }
    qint64 maxBytes() const { return m_maxBytes; }

    // The entry stored under `key`, or nothing (also when an entry is damaged).
    std::optional<CacheEntry> load(const QString &key) const;
    // Stores an entry; entries larger than a quarter of the bound are not kept. Then trims.
    bool store(const QString &key, const CacheEntry &entry, QString *error);
    bool contains(const QString &key) const;
    // Removes least recently used entries until the total is within the bound.
    void trim();
    qint64 totalBytes() const;
    void clear();

private:
    QString entryDir(const QString &key) const;

    QString m_dir;
    qint64 m_maxBytes;
    mutable QMutex m_trimMutex;
};

} // namespace fb
