#include "AutosaveController.h"

#include "Document.h"
#include "pipeline/Pipeline.h"
#include "util/AtomicFile.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLockFile>
#include <QStandardPaths>
#include <QTimer>
#include <QUuid>

namespace fb {

namespace {

QString metaPath(const QString &flowFile)
{
    return flowFile.chopped(5) + QStringLiteral(".json");
}

QString lockPath(const QString &flowFile)
{
    return flowFile.chopped(5) + QStringLiteral(".lock");
}

} // namespace

AutosaveController::AutosaveController(Document *document, const QString &directory, QObject *parent)
    : QObject(parent)
    , m_document(document)
    , m_directory(directory)
    , m_id(QStringLiteral("session-%1").arg(QUuid::createUuid().toString(QUuid::Id128).left(12)))
{
    QDir().mkpath(directory);
    m_lock = std::make_unique<QLockFile>(QDir(directory).filePath(m_id + QStringLiteral(".lock")));
    m_lock->setStaleLockTime(0); // only a dead owner makes a lock stale, never its age
    if (!m_lock->tryLock(0))
        m_lastError = tr("cannot lock %1").arg(m_lock->error());
    m_timer = new QTimer(this);
    m_timer->setSingleShot(true);
    m_timer->setInterval(2000);
    connect(m_timer, &QTimer::timeout, this, &AutosaveController::saveNow);
    connect(document->pipeline(), &Pipeline::changed, this, &AutosaveController::scheduleSave);
    connect(document, &Document::modifiedChanged, this, [this](bool modified) {
        if (!modified) {
            m_timer->stop();
            removeRecoveryFiles();
        } else {
            scheduleSave();
        }
    });
}

AutosaveController::~AutosaveController()
{
    removeRecoveryFiles();
    if (m_lock)
        m_lock->unlock();
}

QString AutosaveController::defaultDirectory()
{
    return QStandardPaths::writableLocation(QStandardPaths::AppDataLocation)
           + QStringLiteral("/recovery");
}

QString AutosaveController::recoveryFile() const
{
    return QDir(m_directory).filePath(m_id + QStringLiteral(".flow"));
}

void AutosaveController::setDelay(int ms)
{
    m_timer->setInterval(ms);
}

void AutosaveController::scheduleSave()
{
    // Not restarted on every change: a user editing without pause is still saved every delay.
    if (!m_timer->isActive())
        m_timer->start();
}

bool AutosaveController::saveNow()
{
    m_timer->stop();
    if (!m_document->isModified()) {
        removeRecoveryFiles();
        return true;
    }
    QString error;
    if (!writeFileAtomically(recoveryFile(), m_document->serialize(), &error)) {
        m_lastError = error;
        return false;
    }
    const QJsonObject meta{{QStringLiteral("original"), m_document->filePath()},
                           {QStringLiteral("title"), m_document->displayName()},
                           {QStringLiteral("saved"),
                            QDateTime::currentDateTimeUtc().toString(Qt::ISODate)},
                           {QStringLiteral("pid"), QCoreApplication::applicationPid()}};
    if (!writeFileAtomically(metaPath(recoveryFile()), QJsonDocument(meta).toJson(), &error)) {
        m_lastError = error;
        return false;
    }
    return true;
}

void AutosaveController::removeRecoveryFiles()
{
    QFile::remove(recoveryFile());
    QFile::remove(metaPath(recoveryFile()));
}

QList<AutosaveController::Recovery> AutosaveController::findOrphans(const QString &directory)
{
    QList<Recovery> out;
    const QDir dir(directory);
    const QFileInfoList files = dir.entryInfoList({QStringLiteral("session-*.flow")},
                                                  QDir::Files,
                                                  QDir::Time);
    for (const QFileInfo &fi : files) {
        const QString flow = fi.absoluteFilePath();
        // Held by a live window (of this or another process): not an orphan. A lock left by a
        // dead process is stale and tryLock takes it over.
        QLockFile lock(lockPath(flow));
        lock.setStaleLockTime(0);
        if (QFile::exists(lockPath(flow)) && !lock.tryLock(0))
            continue;
        lock.unlock();
        Recovery r;
        r.flowFile = flow;
        QFile meta(metaPath(flow));
        if (meta.open(QIODevice::ReadOnly)) {
            const QJsonObject o = QJsonDocument::fromJson(meta.readAll()).object();
            r.originalPath = o.value(QStringLiteral("original")).toString();
            r.title = o.value(QStringLiteral("title")).toString();
            r.savedAt = QDateTime::fromString(o.value(QStringLiteral("saved")).toString(),
                                              Qt::ISODate);
        }
        if (!r.savedAt.isValid())
            r.savedAt = fi.lastModified();
        if (r.title.isEmpty())
            r.title = QCoreApplication::translate("fb::AutosaveController", "Untitled");
        out.append(r);
    }
    return out;
}

void AutosaveController::discard(const Recovery &recovery)
{
    QFile::remove(recovery.flowFile);
    QFile::remove(metaPath(recovery.flowFile));
    QFile::remove(lockPath(recovery.flowFile));
}

} // namespace fb
