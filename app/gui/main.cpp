// The Flowbench GUI: parse arguments, open windows, offer to restore work lost in a crash
// (ui/startup/Startup).

#include "MainWindow.h"
#include "startup/Startup.h"
#include "style/Theme.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QSettings>

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
    const QCommandLineOption storeOption(QStringLiteral("store"),
                                         QStringLiteral("Run store and model registry: a SQLite "
                                                        "file or a postgresql:// URL (default: "
                                                        "the user's data folder)."),
                                         QStringLiteral("STORE"));
    parser.addOption(storeOption);
    parser.process(app);
    fb::Theme::apply(fb::Theme::fromString(
        parser.isSet(themeOption)
            ? parser.value(themeOption)
            : QSettings().value(QStringLiteral("appearance/theme")).toString()));

    fb::MainWindow::Options options;
    options.storePath = parser.value(storeOption);
    const auto windows = fb::Startup::openWindows(parser.positionalArguments(), options);
    fb::Startup::offerRecovery(windows.first());
    return app.exec();
}
