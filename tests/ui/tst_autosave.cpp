// Autosave and crash recovery. The crash is real: a child process (this test binary started
// with --crash-child) edits a pipeline, lets the autosave write it and dies without cleaning
// up; the parent then finds the orphaned session and restores it exactly.

#include "ui/UiTestUtil.h"

#include "document/AutosaveController.h"
#include "edit/PipelineEditor.h"

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QUndoStack>

#include <cstdlib>
#include <unistd.h>

using namespace fb;

namespace {

// Runs in the child: edit, autosave through the real timer, write what the model was, crash.
int crashChild(const QString &folder)
{
    Document d(NodeRegistry::builtin());
    QString error;
    if (!d.load(fbtest::examplePath(), &error))
        return 10;
    AutosaveController autosave(&d, folder);
    autosave.setDelay(20);
    d.editor()->setParam(d.pipeline()->data().keyOf(QStringLiteral("train")),
                         QStringLiteral("C"),
                         0.125);
    d.editor()->addNode(QStringLiteral("ridge_regression"), {720, 240}, QStringLiteral("ridge"));
    QElapsedTimer timer;
    timer.start();
    while (!QFile::exists(autosave.recoveryFile()) && timer.elapsed() < 10000)
        QCoreApplication::processEvents(QEventLoop::AllEvents, 20);
    QFile expected(QDir(folder).filePath(QStringLiteral("expected.json")));
    if (!expected.open(QIODevice::WriteOnly) || expected.write(d.serialize()) < 0)
        return 11;
    expected.close();
    ::_exit(3); // no destructors, no cleanup: as if the process had crashed
}

} // namespace

class TestAutosave : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void crashedSessionIsRecoveredExactly()
    {
        QTemporaryDir folder;
        QProcess child;
        child.setProcessChannelMode(QProcess::ForwardedChannels);
        child.start(QCoreApplication::applicationFilePath(),
                    {QStringLiteral("--crash-child"), folder.path()});
        QVERIFY(child.waitForFinished(60000));
        QCOMPARE(child.exitCode(), 3);
        const QByteArray expected = [&] {
            QFile f(folder.filePath(QStringLiteral("expected.json")));
            return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
        }();
        QVERIFY(!expected.isEmpty());

        const auto orphans = AutosaveController::findOrphans(folder.path());
        QCOMPARE(orphans.size(), 1);
        const auto &r = orphans.first();
        QCOMPARE(r.originalPath, fbtest::examplePath());
        QCOMPARE(r.title, QStringLiteral("classification.flow"));
        QVERIFY(r.savedAt.isValid() && r.savedAt.secsTo(QDateTime::currentDateTimeUtc()) < 120);

        // Restoring gives the edited pipeline back, marked modified, under its original path.
        QString error;
        const auto data = PipelineFile::load(r.flowFile, &error);
        QVERIFY2(data, qPrintable(error));
        Document d(NodeRegistry::builtin());
        d.restore(*data, r.originalPath);
        QCOMPARE(d.serialize(), expected);
        QVERIFY(d.isModified());
        QCOMPARE(d.filePath(), fbtest::examplePath());
        QVERIFY(!d.undoStack()->canUndo());

        AutosaveController::discard(r);
        QVERIFY(AutosaveController::findOrphans(folder.path()).isEmpty());
    }

    void aLiveSessionIsNotAnOrphan()
    {
        QTemporaryDir folder;
        Document d(NodeRegistry::builtin());
        AutosaveController autosave(&d, folder.path());
        d.editor()->addNode(QStringLiteral("ridge_regression"), {0, 0});
        QVERIFY(autosave.saveNow());
        QVERIFY(QFile::exists(autosave.recoveryFile()));
        QVERIFY(AutosaveController::findOrphans(folder.path()).isEmpty());
    }

    void aCleanEndLeavesNothingBehind()
    {
        QTemporaryDir folder;
        {
            Document d(NodeRegistry::builtin());
            AutosaveController autosave(&d, folder.path());
            d.editor()->addNode(QStringLiteral("ridge_regression"), {0, 0});
            QVERIFY(autosave.saveNow());
        }
        QVERIFY(QDir(folder.path()).entryList(QDir::Files).isEmpty());
    }

    void autosaveFollowsEditsAndSaves()
    {
        QTemporaryDir folder, work;
        Document d(NodeRegistry::builtin());
        AutosaveController autosave(&d, folder.path());
        autosave.setDelay(10);
        QVERIFY(!QFile::exists(autosave.recoveryFile()));
        d.editor()->addNode(QStringLiteral("ridge_regression"), {0, 0});
        QTRY_VERIFY(QFile::exists(autosave.recoveryFile()));
        // Saving makes the copy unnecessary.
        QString error;
        QVERIFY(d.save(work.filePath(QStringLiteral("p.flow")), &error));
        QVERIFY(!QFile::exists(autosave.recoveryFile()));
        // So does undoing back to the saved state.
        d.editor()->addNode(QStringLiteral("evaluate"), {300, 0});
        QTRY_VERIFY(QFile::exists(autosave.recoveryFile()));
        d.undoStack()->undo();
        QVERIFY(!QFile::exists(autosave.recoveryFile()));
    }
};

int main(int argc, char **argv)
{
    const auto isolation = fbtest::isolateEnvironment();
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("flowbench-test"));
    QApplication::setOrganizationName(QStringLiteral("flowbench"));
    if (argc == 3 && qstrcmp(argv[1], "--crash-child") == 0)
        return crashChild(QString::fromLocal8Bit(argv[2]));
    TestAutosave tc;
    return QTest::qExec(&tc, argc, argv);
}

#include "tst_autosave.moc"
