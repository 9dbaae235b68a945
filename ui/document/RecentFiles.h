#pragma once

#include <QObject>
#include <QStringList>

namespace fb {

// The most recently opened or saved pipelines (QSettings "recentFiles"), shared by every
// window of the application.
class RecentFiles : public QObject
{
    Q_OBJECT

public:
    static constexpr int maxCount = 10;
    static RecentFiles &instance();

    QStringList files() const; // existing files, most recent first
    void add(const QString &path);
    void remove(const QString &path);
    void clear();

Q_SIGNALS:
    void changed();

private:
    RecentFiles() = default;
    void store(const QStringList &files);
};

} // namespace fb
