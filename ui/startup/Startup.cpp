#include "Startup.h"

#include "document/AutosaveController.h"
#include "document/Document.h"
#include "pipeline/PipelineFile.h"

#include <QLocale>
#include <QMessageBox>
#include <QPushButton>

namespace fb {

namespace {

Startup::Answer askWithMessageBox(QWidget *parent, const QString &question)
{
    QMessageBox box(QMessageBox::Question,
                    QObject::tr("Restore unsaved work?"),
                    question,
                    QMessageBox::NoButton,
                    parent);
    box.setObjectName(QStringLiteral("recoveryOffer"));
    QPushButton *restore = box.addButton(QObject::tr("Restore"), QMessageBox::AcceptRole);
    box.addButton(QObject::tr("Discard"), QMessageBox::DestructiveRole);
    box.setDefaultButton(restore);
    box.exec();
    return box.clickedButton() == restore ? Startup::Answer::Restore : Startup::Answer::Discard;
}

} // namespace

QList<MainWindow *> Startup::openWindows(const QStringList &files,
                                         const MainWindow::Options &options)
{
    auto *first = new MainWindow(options);
    first->setAttribute(Qt::WA_DeleteOnClose);
    first->show();
    QList<MainWindow *> windows{first};
    for (qsizetype i = 0; i < files.size(); ++i) {
        if (i == 0)
            first->openFile(files.at(i));
        else
            windows.append(first->newWindow(files.at(i)));
    }
    return windows;
}

QList<MainWindow *> Startup::offerRecovery(MainWindow *first,
                                           const QString &recoveryFolder,
                                           const AskFunction &ask)
{
    const QString folder = recoveryFolder.isEmpty() ? AutosaveController::defaultDirectory()
                                                    : recoveryFolder;
    QList<MainWindow *> restored;
    MainWindow *target = first;
    for (const auto &r : AutosaveController::findOrphans(folder)) {
        const QString question
            = QObject::tr("Flowbench did not close properly. “%1” has unsaved changes from %2."
                          "\n\nRestore them?")
                  .arg(r.title, QLocale().toString(r.savedAt.toLocalTime(), QLocale::ShortFormat));
        const Answer answer = ask ? ask(first, question) : askWithMessageBox(first, question);
        if (answer == Answer::Restore) {
            QString error;
            if (const auto data = PipelineFile::load(r.flowFile, &error)) {
                if (!target->document()->isPristine())
                    target = target->newWindow();
                target->document()->restore(*data, r.originalPath);
                restored.append(target);
            } else {
                QMessageBox::warning(first, QObject::tr("Cannot restore"), error);
            }
        }
        AutosaveController::discard(r);
    }
    return restored;
}

} // namespace fb
