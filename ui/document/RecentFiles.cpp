#include "RecentFiles.h"

#include <QFileInfo>
#include <QSettings>

namespace fb {

namespace {
const QString settingsKey = QStringLiteral("recentFiles");
}

RecentFiles &RecentFiles::instance()
{
    static RecentFiles recent;
    return recent;
}

QStringList RecentFiles::files() const
{
    QStringList out;
    for (const QString &f : QSettings().value(settingsKey).toStringList())
        if (QFileInfo::exists(f))
            out.append(f);
    return out;
}

void RecentFiles::store(const QStringList &files)
{
    QSettings().setValue(settingsKey, files);
    Q_EMIT changed();
}

void RecentFiles::add(const QString &path)
{
    const QString abs = QFileInfo(path).absoluteFilePath();
    QStringList list = QSettings().value(settingsKey).toStringList();
    list.removeAll(abs);
    list.prepend(abs);
    while (list.size() > maxCount)
        list.removeLast();
    store(list);
}

void RecentFiles::remove(const QString &path)
{
    QStringList list = QSettings().value(settingsKey).toStringList();
    list.removeAll(QFileInfo(path).absoluteFilePath());
    store(list);
}

void RecentFiles::clear()
{
    store({});
}

} // namespace fb
