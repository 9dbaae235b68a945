#include "FileController.h"

#include "Document.h"
#include "RecentFiles.h"
#include "edit/PipelineEditor.h"
#include "pipeline/NodeRegistry.h"
#include "pipeline/Pipeline.h"
#include "pipeline/PipelineFile.h"

#include <QAction>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QMenu>
#include <QUndoStack>

namespace fb {

namespace {
const QString flowFilter = QObject::tr("Flowbench pipelines (*.flow);;All files (*)");
}

FileController::FileController(Document *document, QWidget *window, QObject *parent)
    : QObject(parent)
    , m_document(document)
    , m_window(window)
{
    chooseFile = [this](bool save, const QString &suggested) {
        return save ? QFileDialog::getSaveFileName(m_window,
                                                   tr("Save pipeline"),
                                                   suggested,
                                                   flowFilter)
                    : QFileDialog::getOpenFileName(m_window,
                                                   tr("Open pipeline"),
                                                   suggested,
                                                   flowFilter);
    };
    askSaveChanges = [this](const QString &question) {
        return QMessageBox::question(m_window,
                                     tr("Unsaved changes"),
                                     question,
                                     QMessageBox::Save | QMessageBox::Discard | QMessageBox::Cancel,
                                     QMessageBox::Save);
    };
    showError = [this](const QString &title, const QString &message) {
        QMessageBox box(QMessageBox::Warning, title, message, QMessageBox::Ok, m_window);
        box.setTextInteractionFlags(Qt::TextSelectableByMouse);
        box.exec();
    };

    m_new = new QAction(QIcon::fromTheme(QStringLiteral("document-new")), tr("&New"), this);
    m_new->setShortcut(QKeySequence::New);
    m_new->setStatusTip(tr("Start a new, empty pipeline"));
    connect(m_new, &QAction::triggered, this, &FileController::newDocument);
    m_newWindow = new QAction(tr("New &Window"), this);
    m_newWindow->setShortcut(QKeySequence(QStringLiteral("Ctrl+Shift+N")));
    connect(m_newWindow, &QAction::triggered, this, [this] {
        Q_EMIT newWindowRequested(QString());
    });
    m_open = new QAction(QIcon::fromTheme(QStringLiteral("document-open")), tr("&Open…"), this);
    m_open->setShortcut(QKeySequence::Open);
    connect(m_open, &QAction::triggered, this, &FileController::open);
    m_save = new QAction(QIcon::fromTheme(QStringLiteral("document-save")), tr("&Save"), this);
    m_save->setShortcut(QKeySequence::Save);
    connect(m_save, &QAction::triggered, this, &FileController::save);
    m_saveAs = new QAction(QIcon::fromTheme(QStringLiteral("document-save-as")),
                           tr("Save &As…"),
                           this);
    m_saveAs->setShortcut(QKeySequence::SaveAs);
    connect(m_saveAs, &QAction::triggered, this, &FileController::saveAs);
    m_recent = new QMenu(tr("Open &Recent"), window);
    connect(m_recent, &QMenu::aboutToShow, this, &FileController::rebuildRecentMenu);
    rebuildRecentMenu();
}

void FileController::rebuildRecentMenu()
{
    m_recent->clear();
    const QStringList files = RecentFiles::instance().files();
    int n = 0;
    for (const QString &f : files) {
        ++n;
        const QString label = n < 10 ? QStringLiteral("&%1  %2").arg(n).arg(QFileInfo(f).fileName())
                                     : QFileInfo(f).fileName();
        QAction *a = m_recent->addAction(label, this, [this, f] { openFile(f); });
        a->setToolTip(f);
        a->setStatusTip(f);
    }
    if (files.isEmpty())
        m_recent->addAction(tr("No recent pipelines"))->setEnabled(false);
    m_recent->addSeparator();
    m_recent->addAction(tr("&Clear Menu"), this, [] { RecentFiles::instance().clear(); })
        ->setEnabled(!files.isEmpty());
}

bool FileController::maybeSave()
{
    if (!m_document->isModified())
        return true;
    const auto answer = askSaveChanges(
        tr("“%1” has unsaved changes. Save them before closing it?").arg(m_document->displayName()));
    if (answer == QMessageBox::Save)
        return save();
    return answer == QMessageBox::Discard;
}

bool FileController::newDocument()
{
    if (!maybeSave())
        return false;
    m_document->clear();
    return true;
}

bool FileController::open()
{
    const QString dir = m_document->filePath().isEmpty()
                            ? QString()
                            : QFileInfo(m_document->filePath()).absolutePath();
    const QString path = chooseFile(false, dir);
    return !path.isEmpty() && openFile(path);
}

bool FileController::openFile(const QString &path)
{
    const QString abs = QFileInfo(path).absoluteFilePath();
    if (abs == m_document->filePath() && !m_document->isModified())
        return true;
    // Read first: a file that cannot be opened never costs the user the current document.
    QString error;
    const auto data = PipelineFile::load(abs, &error);
    if (!data) {
        m_lastError = error;
        showError(tr("Cannot open pipeline"), error);
        if (!QFileInfo::exists(abs))
            RecentFiles::instance().remove(abs);
        return false;
    }
    if (!m_document->isPristine() && !maybeSave())
        return false;
    m_document->replace(*data, abs);
    m_lastError.clear();
    RecentFiles::instance().add(abs);
    Q_EMIT documentOpened(abs);
    Q_EMIT message(tr("Opened %1").arg(abs));
    return true;
}

bool FileController::save()
{
    if (m_document->filePath().isEmpty())
        return saveAs();
    return saveTo(m_document->filePath());
}

bool FileController::saveAs()
{
    QString suggested = m_document->filePath();
    if (suggested.isEmpty()) {
        const QString name = m_document->pipeline()->data().name;
        suggested = QDir::home().filePath((name.isEmpty() ? tr("pipeline") : name)
                                          + QStringLiteral(".flow"));
    }
    QString path = chooseFile(true, suggested);
    if (path.isEmpty())
        return false;
    if (QFileInfo(path).suffix().isEmpty())
        path += QStringLiteral(".flow");
    return saveTo(path);
}

void FileController::rebaseRelativePaths(const QString &oldDir, const QString &newDir)
{
    // Relative file parameters resolve against the pipeline's folder: saving elsewhere keeps
    // them pointing at the same files (one undoable step).
    Pipeline *p = m_document->pipeline();
    const QDir from(oldDir), to(newDir);
    bool started = false;
    for (const Node &n : p->data().nodes()) {
        const NodeType *t = p->registry().find(n.type);
        if (!t)
            continue;
        for (const ParamSpec &spec : t->params) {
            if (spec.type != ParamType::FilePath && spec.type != ParamType::SavePath)
                continue;
            const QString value = n.params.value(spec.name).toString();
            if (value.isEmpty() || QDir::isAbsolutePath(value))
                continue;
            const QString rebased = QDir::cleanPath(
                to.relativeFilePath(from.absoluteFilePath(value)));
            if (rebased == value)
                continue;
            if (!started) {
                m_document->undoStack()->beginMacro(tr("Update relative file paths"));
                started = true;
            }
            m_document->editor()->setParam(n.key, spec.name, rebased);
        }
    }
    if (started)
        m_document->undoStack()->endMacro();
}

bool FileController::saveTo(const QString &path)
{
    const QString abs = QFileInfo(path).absoluteFilePath();
    if (!m_document->filePath().isEmpty()) {
        const QString oldDir = QFileInfo(m_document->filePath()).absolutePath();
        const QString newDir = QFileInfo(abs).absolutePath();
        if (oldDir != newDir)
            rebaseRelativePaths(oldDir, newDir);
    }
    QString error;
    if (!m_document->save(abs, &error)) {
        m_lastError = error;
        showError(tr("Cannot save pipeline"), error);
        return false;
    }
    m_lastError.clear();
    RecentFiles::instance().add(abs);
    Q_EMIT message(tr("Saved %1").arg(abs));
    return true;
}

} // namespace fb
