#pragma once

#include <QDateTime>
#include <QList>
#include <QObject>
#include <QString>

#include <memory>

class QLockFile;
class QTimer;

namespace fb {

class Document;

// Keeps a recovery copy of a modified document, so that a crash loses at most a few seconds
// of work. Each window has a session in the recovery folder: <id>.flow (the pipeline), <id>.json
// (what it was: original path, time) and <id>.lock (held while the window is open). A session
// whose lock nobody holds any more belongs to a process that died: findOrphans() lists those,
// and the application offers to restore them at start-up. Saving, or undoing back to the saved
// state, removes the copy; closing the window normally removes the whole session.
class AutosaveController : public QObject
{
    Q_OBJECT

public:
    struct Recovery
    {
        QString flowFile;     // the autosaved pipeline
        QString originalPath; // the file it was opened from; empty for an untitled pipeline
        QString title;
        QDateTime savedAt;
    };

    explicit AutosaveController(Document *document,
                                const QString &directory = defaultDirectory(),
                                QObject *parent = nullptr);
    ~AutosaveController() override; // a clean end: the session is removed

    // <AppDataLocation>/recovery
    static QString defaultDirectory();
    // Sessions left behind by processes that ended without cleaning up (crashed).
    static QList<Recovery> findOrphans(const QString &directory = defaultDirectory());
    // Deletes an orphan's files (after restoring or discarding it).
    static void discard(const Recovery &recovery);

    // Delay between a change and the autosave that follows it (default 2 s).
    void setDelay(int ms);
    // Writes the recovery copy now when modified (removes it when not); false on write error.
    bool saveNow();
    QString recoveryFile() const;
    QString lastError() const { return m_lastError; }

private:
    void scheduleSave();
    void removeRecoveryFiles();

    Document *m_document;
    QString m_directory;
    QString m_id;
    std::unique_ptr<QLockFile> m_lock;
    QTimer *m_timer = nullptr;
    QString m_lastError;
};

} // namespace fb
