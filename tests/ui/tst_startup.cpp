// Start-up as main() does it: files from the command line open one window each (a broken one
// is reported and leaves an empty window), and work lost in a crash is offered back. The crash
// is real: a child process (this binary with --crash-child) opens a real window, edits, lets
// the autosave timer write the recovery copy and dies without any cleanup.

#include "ui/UiTestUtil.h"

#include "MainWindow.h"
#include "document/AutosaveController.h"
#include "document/FileController.h"
#include "startup/Startup.h"

#include <QAbstractButton>
#include <QDir>
#include <QFile>
#include <QMessageBox>
#include <QProcess>
#include <QTimer>
#include <QUndoStack>

#include <memory>

#include <unistd.h>

using namespace fb;

namespace {

// Runs in the child: a real window on the example, two edits, the real autosave, a crash.
int crashChild(const QString &folder, const QString &flow, const QString &expectedFile)
{
    MainWindow::Options options;
    options.recoveryFolder = folder;
    const auto windows = Startup::openWindows({flow}, options);
    MainWindow *w = windows.first();
    w->autosave()->setDelay(20);
    PipelineEditor *editor = w->document()->editor();
    editor->setParam(w->document()->pipeline()->data().keyOf(QStringLiteral("train")),
                     QStringLiteral("C"),
                     0.25);
    editor->addNode(QStringLiteral("ridge_regression"), {720, 240}, QStringLiteral("ridge"));
    QElapsedTimer timer;
    timer.start();
    while (!QFile::exists(w->autosave()->recoveryFile()) && timer.elapsed() < 20000)
        QCoreApplication::processEvents(QEventLoop::AllEvents, 20);
    QFile expected(expectedFile);
    if (!expected.open(QIODevice::WriteOnly) || expected.write(w->document()->serialize()) < 0)
        return 11;
    expected.close();
    ::_exit(3); // as if the process had been killed
}

QByteArray crashAWindow(const QString &folder, const QString &flow)
{
    const QString expected = QDir(folder).filePath(
        QStringLiteral("expected-%1.json").arg(QFileInfo(flow).baseName()));
    QProcess child;
    child.setProcessChannelMode(QProcess::ForwardedChannels);
    child.start(QCoreApplication::applicationFilePath(),
                {QStringLiteral("--crash-child"), folder, flow, expected});
    if (!child.waitForFinished(60000) || child.exitCode() != 3)
        return {};
    QFile f(expected);
    const QByteArray bytes = f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
    f.remove();
    return bytes;
}

// Answers the next modal message boxes, in turn, with the button whose text contains the
// next entry of `buttons`, and keeps their texts for the test to check.
void answerMessageBoxes(const QStringList &buttons, QStringList *texts)
{
    auto *poll = new QTimer;
    poll->setInterval(20);
    auto answered = std::make_shared<int>(0);
    QObject::connect(poll, &QTimer::timeout, poll, [poll, buttons, texts, answered] {
        auto *box = qobject_cast<QMessageBox *>(QApplication::activeModalWidget());
        if (!box || !box->isVisible())
            return;
        texts->append(box->text());
        const QString wanted = buttons.at(*answered);
        for (QAbstractButton *b : box->buttons()) {
            if (b->text().remove(u'&').contains(wanted)) {
                b->click();
                break;
            }
        }
        if (++*answered == buttons.size())
            poll->deleteLater();
    });
    poll->start();
}

void closeAll(const QList<MainWindow *> &windows)
{
    for (MainWindow *w : windows) {
        w->document()->undoStack()->setClean(); // nothing to ask about
        w->setAttribute(Qt::WA_DeleteOnClose, false);
        delete w;
    }
}

} // namespace

class TestStartup : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void commandLineFilesOpenOneWindowEach()
    {
        QTemporaryDir recovery;
        MainWindow::Options options;
        options.recoveryFolder = recovery.path();
        const QStringList files{fbtest::examplePath(),
                                fbtest::examplePath(QStringLiteral("regression.flow"))};
        const auto windows = Startup::openWindows(files, options);
        QCOMPARE(windows.size(), 2);
        for (int i = 0; i < 2; ++i) {
            QVERIFY(windows.at(i)->isVisible());
            QCOMPARE(windows.at(i)->document()->filePath(), files.at(i));
            QVERIFY(!windows.at(i)->document()->isModified());
            QVERIFY(!windows.at(i)->document()->pipeline()->data().nodes().isEmpty());
            QVERIFY(windows.at(i)->windowTitle().startsWith(QFileInfo(files.at(i)).fileName()));
        }
        closeAll(windows);

        // No file: one empty window.
        const auto empty = Startup::openWindows({}, options);
        QCOMPARE(empty.size(), 1);
        QVERIFY(empty.first()->document()->isPristine());
        closeAll(empty);
    }

    void aBrokenCommandLineFileIsReported()
    {
        QTemporaryDir recovery;
        MainWindow::Options options;
        options.recoveryFolder = recovery.path();
        const QString bad = fbtest::sourceDir()
                            + QStringLiteral("/tests/data/flow/bad/newer_version.flow");
        QStringList texts;
        answerMessageBoxes({QStringLiteral("OK")}, &texts);
        const auto windows = Startup::openWindows({bad}, options);
        QCOMPARE(windows.size(), 1);
        QCOMPARE(texts.size(), 1);
        const QString shown = texts.first();
        QVERIFY2(shown.contains(QStringLiteral("newer Flowbench")), qPrintable(shown));
        QVERIFY(shown.contains(QStringLiteral("newer_version.flow")));
        QVERIFY(windows.first()->document()->isPristine());
        closeAll(windows);
    }

    void crashedWorkIsOfferedAtTheNextStart()
    {
        QTemporaryDir recovery;
        const QByteArray classification = crashAWindow(recovery.path(), fbtest::examplePath());
        QVERIFY(!classification.isEmpty());
        const QByteArray regression = crashAWindow(recovery.path(),
                                                   fbtest::examplePath(
                                                       QStringLiteral("regression.flow")));
        QVERIFY(!regression.isEmpty());
        QCOMPARE(AutosaveController::findOrphans(recovery.path()).size(), 2);

        // The next start: the offer is a real message box naming the pipeline. Restore the
        // first one offered, discard the other.
        MainWindow::Options options;
        options.recoveryFolder = recovery.path();
        const auto windows = Startup::openWindows({}, options);
        QStringList questions;
        answerMessageBoxes({QStringLiteral("Restore"), QStringLiteral("Discard")}, &questions);
        const auto restored = Startup::offerRecovery(windows.first(), recovery.path());
        QCOMPARE(questions.size(), 2);
        const QString firstQuestion = questions.at(0), secondQuestion = questions.at(1);
        QVERIFY(firstQuestion.contains(QStringLiteral("did not close properly")));
        QCOMPARE(restored.size(), 1);
        MainWindow *w = restored.first();
        QCOMPARE(w, windows.first()); // the empty window takes it
        // Exactly what the crashed window had, modified, under its original path.
        const QByteArray got = w->document()->serialize();
        QVERIFY(got == classification || got == regression);
        const bool wasClassification = got == classification;
        QVERIFY(firstQuestion.contains(wasClassification ? QStringLiteral("classification.flow")
                                                         : QStringLiteral("regression.flow")));
        QVERIFY(secondQuestion.contains(wasClassification ? QStringLiteral("regression.flow")
                                                          : QStringLiteral("classification.flow")));
        QVERIFY(w->document()->isModified());
        QCOMPARE(w->document()->filePath(),
                 wasClassification ? fbtest::examplePath()
                                   : fbtest::examplePath(QStringLiteral("regression.flow")));
        QVERIFY(w->isWindowModified());
        // Offered once: both copies are gone, restored or discarded.
        QVERIFY(AutosaveController::findOrphans(recovery.path()).isEmpty());
        closeAll(windows);
    }
};

int main(int argc, char **argv)
{
    const auto isolation = fbtest::isolateEnvironment();
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("flowbench-test"));
    QApplication::setOrganizationName(QStringLiteral("flowbench"));
    if (argc == 5 && qstrcmp(argv[1], "--crash-child") == 0)
        return crashChild(QString::fromLocal8Bit(argv[2]),
                          QString::fromLocal8Bit(argv[3]),
                          QString::fromLocal8Bit(argv[4]));
    TestStartup tc;
    return QTest::qExec(&tc, argc, argv);
}

#include "tst_startup.moc"
