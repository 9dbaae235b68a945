#include "OutputCache.h"

#include "PortDataIO.h"

#include <QDateTime>
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRandomGenerator>

#include <algorithm>
#include <cmath>

namespace fb {

namespace {
const QString manifestName = QStringLiteral("manifest.json");
}

OutputCache::OutputCache(QString dir, qint64 maxBytes)
    : m_dir(std::move(dir))
    , m_maxBytes(maxBytes)
{}

QString OutputCache::entryDir(const QString &key) const
{
    return m_dir + u'/' + key.left(2) + u'/' + key;
}

bool OutputCache::contains(const QString &key) const
{
    return QFileInfo::exists(entryDir(key) + u'/' + manifestName);
}

std::optional<CacheEntry> OutputCache::load(const QString &key) const
{
    const QString dir = entryDir(key);
    QFile manifest(dir + u'/' + manifestName);
    if (!manifest.open(QIODevice::ReadOnly))
        return std::nullopt;
    const QJsonObject m = QJsonDocument::fromJson(manifest.readAll()).object();
    manifest.close();
    CacheEntry entry;
    for (const QJsonValue &v : m.value(QStringLiteral("metrics")).toArray()) {
        const QJsonArray pair = v.toArray();
        entry.metrics.append({pair.at(0).toString(), pair.at(1).isDouble() ? pair.at(1).toDouble() : qQNaN()});
    }
    const QJsonObject ports = m.value(QStringLiteral("outputs")).toObject();
    for (auto it = ports.begin(); it != ports.end(); ++it) {
        PortType type;
        if (!portTypeFromName(it.value().toString(), &type))
            return std::nullopt;
        QString error;
        PortDataPtr value = readPortData(type, dir + u'/' + it.key() + portDataSuffix(type), &error);
        if (!value)
            return std::nullopt; // damaged or trimmed meanwhile: recompute
        entry.outputs.insert(it.key(), value);
    }
    // Mark as recently used for trimming.
    QFile(dir + u'/' + manifestName).setFileTime(QDateTime::currentDateTimeUtc(), QFileDevice::FileModificationTime);
    return entry;
}

bool OutputCache::store(const QString &key, const CacheEntry &entry, QString *error)
{
    const QHash<QString, PortDataPtr> &outputs = entry.outputs;
    qint64 bytes = 0;
    for (const PortDataPtr &v : outputs)
        bytes += v ? portDataSize(*v) : 0;
    if (bytes > m_maxBytes / 4 || contains(key))
        return true;
    const QString final = entryDir(key);
    const QString temp = m_dir + QStringLiteral("/tmp-%1-%2")
                                     .arg(key.left(12))
                                     .arg(QRandomGenerator::global()->generate64(), 0, 16);
    if (!QDir().mkpath(temp)) {
        *error = QStringLiteral("%1: cannot create the cache folder").arg(temp);
        return false;
    }
    QJsonObject ports;
    for (auto it = outputs.begin(); it != outputs.end(); ++it) {
        if (!it.value())
            continue;
        const PortType type = it.value()->portType();
        if (!writePortData(*it.value(), temp + u'/' + it.key() + portDataSuffix(type), error)) {
            QDir(temp).removeRecursively();
            return false;
        }
        ports.insert(it.key(), portTypeName(type));
    }
    QJsonArray metrics;
    for (const auto &kv : entry.metrics)
        metrics.append(QJsonArray{kv.first, std::isfinite(kv.second) ? QJsonValue(kv.second) : QJsonValue()});
    QFile manifest(temp + u'/' + manifestName);
    if (!manifest.open(QIODevice::WriteOnly)
        || manifest.write(QJsonDocument(QJsonObject{{QStringLiteral("outputs"), ports},
                                                    {QStringLiteral("metrics"), metrics},
                                                    {QStringLiteral("bytes"), double(bytes)}})
                              .toJson(QJsonDocument::Compact))
               < 0) {
        *error = QStringLiteral("%1: cannot write the cache manifest").arg(temp);
        QDir(temp).removeRecursively();
        return false;
    }
    manifest.close();
    QDir().mkpath(QFileInfo(final).absolutePath());
    // Another process may have stored the same key meanwhile: equal content, keep theirs.
    if (!QDir().rename(temp, final))
        QDir(temp).removeRecursively();
    trim();
    return true;
}

qint64 OutputCache::totalBytes() const
{
    qint64 total = 0;
    QDirIterator it(m_dir, {manifestName}, QDir::Files, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        QFile f(it.next());
        if (f.open(QIODevice::ReadOnly))
            total += qint64(QJsonDocument::fromJson(f.readAll()).object().value(QStringLiteral("bytes")).toDouble());
    }
    return total;
}

void OutputCache::trim()
{
    QMutexLocker lock(&m_trimMutex);
    struct Entry
    {
        QString dir;
        QDateTime used;
        qint64 bytes;
    };
    std::vector<Entry> entries;
    qint64 total = 0;
    QDirIterator it(m_dir, {manifestName}, QDir::Files, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString path = it.next();
        if (path.contains(QStringLiteral("/tmp-")))
            continue;
        QFile f(path);
        if (!f.open(QIODevice::ReadOnly))
            continue;
        const qint64 bytes = qint64(QJsonDocument::fromJson(f.readAll()).object().value(QStringLiteral("bytes")).toDouble());
        entries.push_back({QFileInfo(path).absolutePath(), QFileInfo(path).lastModified(), bytes});
        total += bytes;
    }
    if (total <= m_maxBytes)
        return;
    std::sort(entries.begin(), entries.end(), [](const Entry &a, const Entry &b) { return a.used < b.used; });
    for (const Entry &e : entries) {
        if (total <= m_maxBytes)
            break;
        QDir(e.dir).removeRecursively();
        total -= e.bytes;
    }
}

void OutputCache::clear()
{
    QDir(m_dir).removeRecursively();
}

} // namespace fb
