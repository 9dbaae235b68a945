// The Flowbench GUI: parse arguments, offer to restore work lost in a crash, open windows.

#include "MainWindow.h"
#include "document/AutosaveController.h"
#include "document/Document.h"
#include "pipeline/PipelineFile.h"
#include "style/Theme.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QLocale>
#include <QMessageBox>
#include <QPushButton>
#include <QSettings>

namespace {

// After a crash: offer each orphaned autosave once. Restored pipelines open as modified
// documents under their original path, so Save puts them back where they were.
void offerRecovery(fb::MainWindow *first)
{
    const auto orphans = fb::AutosaveController::findOrphans();
    fb::MainWindow *target = first;
    for (const auto &r : orphans) {
        QMessageBox box(
            QMessageBox::Question,
            QObject::tr("Restore unsaved work?"),
            QObject::tr("Flowbench did not close properly. “%1” has unsaved changes from %2.\n\n"
                        "Restore them?")
                .arg(r.title, QLocale().toString(r.savedAt.toLocalTime(), QLocale::ShortFormat)),
            QMessageBox::NoButton,
            first);
        QPushButton *restore = box.addButton(QObject::tr("Restore"), QMessageBox::AcceptRole);
        box.addButton(QObject::tr("Discard"), QMessageBox::DestructiveRole);
        box.setDefaultButton(restore);
        box.exec();
        if (box.clickedButton() == restore) {
            QString error;
            const auto data = fb::PipelineFile::load(r.flowFile, &error);
            if (data) {
                if (!target->document()->isPristine())
                    target = target->newWindow();
                target->document()->restore(*data, r.originalPath);
            } else {
                QMessageBox::warning(first, QObject::tr("Cannot restore"), error);
            }
        }
        fb::AutosaveController::discard(r);
    }
}

} // namespace

int main(int argc, char **argv)
{
    QApplication::setHighDpiScaleFactorRoundingPolicy(
        Qt::HighDpiScaleFactorRoundingPolicy::PassThrough);
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("flowbench"));
    QApplication::setApplicationDisplayName(QStringLiteral("Flowbench"));
    QApplication::setOrganizationName(QStringLiteral("flowbench"));
    QApplication::setApplicationVersion(QStringLiteral(FLOWBENCH_VERSION));
    QApplication::setWindowIcon(QIcon(QStringLiteral(":/icons/flowbench.svg")));
    QGuiApplication::setDesktopFileName(QStringLiteral("flowbench"));

    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Flowbench: design, run and track machine-learning pipelines."));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addPositionalArgument(QStringLiteral("FILE"),
                                 QStringLiteral("Pipelines (.flow) to open, one window each."),
                                 QStringLiteral("[FILE...]"));
    const QCommandLineOption themeOption(QStringLiteral("theme"),
                                         QStringLiteral(
                                             "Colours: system (default), light or dark."),
                                         QStringLiteral("THEME"));
    parser.addOption(themeOption);
    parser.process(app);
    fb::Theme::apply(fb::Theme::fromString(
        parser.isSet(themeOption)
            ? parser.value(themeOption)
            : QSettings().value(QStringLiteral("appearance/theme")).toString()));

    auto *window = new fb::MainWindow;
    window->setAttribute(Qt::WA_DeleteOnClose);
    window->show();
    const QStringList files = parser.positionalArguments();
    for (qsizetype i = 0; i < files.size(); ++i) {
        if (i == 0)
            window->openFile(files.at(i));
        else
            window->newWindow(files.at(i));
    }
    offerRecovery(window);
    return app.exec();
}
