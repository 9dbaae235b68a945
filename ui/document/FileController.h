#pragma once

#include <QMessageBox>
#include <QObject>

#include <functional>

class QAction;
class QMenu;
class QWidget;

namespace fb {

class Document;

// File > New, Open, Open Recent, Save, Save As, with the unsaved-changes prompt. A file that
// cannot be opened (broken, from a newer Flowbench) is refused with PipelineFile's exact
// message and the current document stays as it is.
//
// Dialogs go through replaceable functions so tests can answer them without a modal loop.
class FileController : public QObject
{
    Q_OBJECT

public:
    FileController(Document *document, QWidget *window, QObject *parent = nullptr);

    QAction *newAction() const { return m_new; }
    QAction *newWindowAction() const { return m_newWindow; }
    QAction *openAction() const { return m_open; }
    QAction *saveAction() const { return m_save; }
    QAction *saveAsAction() const { return m_saveAs; }
    QMenu *recentMenu() const { return m_recent; }

    bool newDocument();
    bool open();
    bool openFile(const QString &path);
    bool save();
    bool saveAs();
    bool saveTo(const QString &path);
    // Asks what to do with unsaved changes; false when the user cancels (or saving failed).
    bool maybeSave();
    QString lastError() const { return m_lastError; }

    // Dialog hooks (defaults show real dialogs).
    std::function<QString(bool save, const QString &suggested)> chooseFile;
    std::function<QMessageBox::StandardButton(const QString &question)> askSaveChanges;
    std::function<void(const QString &title, const QString &message)> showError;

Q_SIGNALS:
    // A file should open in another window (the current document has work in it).
    void newWindowRequested(const QString &path);
    void documentOpened(const QString &path);
    void message(const QString &text);

private:
    void rebuildRecentMenu();
    void rebaseRelativePaths(const QString &oldDir, const QString &newDir);

    Document *m_document;
    QWidget *m_window;
    QAction *m_new = nullptr;
    QAction *m_newWindow = nullptr;
    QAction *m_open = nullptr;
    QAction *m_save = nullptr;
    QAction *m_saveAs = nullptr;
    QMenu *m_recent = nullptr;
    QString m_lastError;
};

} // namespace fb
