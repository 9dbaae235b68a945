// Files: save/open round trip, refusing broken or newer files with their exact error while
// keeping the current document, the unsaved-changes prompt, recent files, relative paths on
// Save As, and a pipeline made on the canvas running unchanged in flowbench-cli.

#include "ui/UiTestUtil.h"

#include "MainWindow.h"
#include "document/FileController.h"
#include "document/RecentFiles.h"
#include "palette/PaletteModel.h"
#include "palette/PaletteWidget.h"

#include <QAction>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMenu>
#include <QProcess>
#include <QUndoStack>

using namespace fb;

namespace {

// Dialog answers for a window's file controller.
struct Answers
{
    QString file;
    QMessageBox::StandardButton saveChanges = QMessageBox::Cancel;
    QStringList errors;
    int questions = 0;
};

void answer(FileController *files, Answers *a)
{
    files->chooseFile = [a](bool, const QString &) { return a->file; };
    files->askSaveChanges = [a](const QString &) {
        ++a->questions;
        return a->saveChanges;
    };
    files->showError = [a](const QString &, const QString &message) { a->errors.append(message); };
}

QByteArray readAll(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

} // namespace

class TestDocument : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void saveAndOpenRoundTrip()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("made.flow"));
        QByteArray made;
        {
            MainWindow w;
            Answers a;
            answer(w.fileController(), &a);
            PipelineEditor *e = w.document()->editor();
            const int data = e->addNode(QStringLiteral("sample_dataset"),
                                        {0, 0},
                                        QStringLiteral("data"));
            const int split = e->addNode(QStringLiteral("train_test_split"),
                                         {240, 0},
                                         QStringLiteral("split"));
            e->connectPorts(Link{data, QStringLiteral("table"), split, QStringLiteral("table")});
            e->setParam(split, QStringLiteral("test_size"), 0.3);
            e->addAnnotation(QRectF(0, 120, 200, 60), QStringLiteral("hello"));
            QVERIFY(w.isWindowModified() || w.document()->isModified());
            a.file = path;
            QVERIFY(w.fileController()->save()); // untitled: asks where
            QVERIFY(!w.document()->isModified());
            QCOMPARE(w.document()->filePath(), path);
            QVERIFY(w.windowTitle().startsWith(QStringLiteral("made.flow")));
            made = w.document()->serialize();
            QCOMPARE(readAll(path), made);
        }
        MainWindow w2;
        QVERIFY(w2.openFile(path));
        QCOMPARE(w2.document()->serialize(), made);
        QVERIFY(!w2.document()->isModified());
        QCOMPARE(RecentFiles::instance().files().first(), path);
    }

    void brokenFilesAreRefusedWithTheirReason_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<QString>("reason");
        QTest::newRow("syntax") << "trailing_comma.flow"
                                << "not valid JSON";
        QTest::newRow("newer") << "newer_version.flow"
                               << "was written by a newer Flowbench";
        QTest::newRow("not a pipeline") << "wrong_format.flow"
                                        << "not a Flowbench pipeline";
        QTest::newRow("structure") << "duplicate_id.flow"
                                   << "duplicate node id";
        QTest::newRow("missing") << "does_not_exist.flow"
                                 << "cannot open";
    }

    void brokenFilesAreRefusedWithTheirReason()
    {
        QFETCH(QString, file);
        QFETCH(QString, reason);
        MainWindow w;
        Answers a;
        answer(w.fileController(), &a);
        QVERIFY(w.openFile(fbtest::examplePath()));
        w.document()->editor()->setParam(w.document()->pipeline()->data().keyOf(
                                             QStringLiteral("train")),
                                         QStringLiteral("C"),
                                         5.0);
        const QByteArray before = w.document()->serialize();
        const int steps = w.document()->undoStack()->count();

        const QString path = fbtest::sourceDir() + QStringLiteral("/tests/data/flow/bad/") + file;
        QVERIFY(!w.openFile(path));
        QCOMPARE(a.errors.size(), 1);
        QVERIFY2(a.errors.first().contains(reason), qPrintable(a.errors.first()));
        QVERIFY(a.errors.first().contains(file)); // names the file
        QCOMPARE(w.fileController()->lastError(), a.errors.first());
        // The current document is untouched, history included, and nobody was asked to save.
        QCOMPARE(w.document()->serialize(), before);
        QCOMPARE(w.document()->undoStack()->count(), steps);
        QVERIFY(w.document()->isModified());
        QCOMPARE(w.document()->filePath(), fbtest::examplePath());
        QCOMPARE(a.questions, 0);
    }

    void unsavedChangesPrompt()
    {
        QTemporaryDir dir;
        MainWindow w;
        Answers a;
        answer(w.fileController(), &a);
        w.document()->editor()->addNode(QStringLiteral("ridge_regression"), {0, 0});
        const QByteArray work = w.document()->serialize();

        a.saveChanges = QMessageBox::Cancel;
        QVERIFY(!w.fileController()->newDocument());
        QCOMPARE(w.document()->serialize(), work);
        QVERIFY(!w.fileController()->openFile(fbtest::examplePath()));
        QCOMPARE(w.document()->serialize(), work);
        QCOMPARE(a.questions, 2);

        a.saveChanges = QMessageBox::Save;
        a.file = dir.filePath(QStringLiteral("kept.flow"));
        QVERIFY(w.fileController()->openFile(fbtest::examplePath()));
        QCOMPARE(readAll(a.file), work);
        QCOMPARE(w.document()->pipeline()->data().nodes().size(), 6);

        w.document()->editor()->addNode(QStringLiteral("ridge_regression"), {0, 0});
        a.saveChanges = QMessageBox::Discard;
        QVERIFY(w.fileController()->newDocument());
        QVERIFY(w.document()->pipeline()->data().nodes().isEmpty());
        QVERIFY(w.document()->filePath().isEmpty());
    }

    void closingAModifiedWindowAsks()
    {
        MainWindow w;
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        Answers a;
        answer(w.fileController(), &a);
        w.document()->editor()->addNode(QStringLiteral("ridge_regression"), {0, 0});
        QVERIFY(w.isWindowModified());
        a.saveChanges = QMessageBox::Cancel;
        QVERIFY(!w.close());
        QVERIFY(w.isVisible());
        a.saveChanges = QMessageBox::Discard;
        QVERIFY(w.close());
    }

    void openRecentMenu()
    {
        MainWindow w;
        Answers a;
        answer(w.fileController(), &a);
        QVERIFY(w.openFile(fbtest::examplePath()));
        w.fileController()->newDocument();
        QMenu *recent = w.fileController()->recentMenu();
        Q_EMIT recent->aboutToShow();
        QAction *entry = nullptr;
        for (QAction *act : recent->actions())
            if (act->text().contains(QStringLiteral("classification.flow")))
                entry = act;
        QVERIFY(entry);
        entry->trigger();
        QCOMPARE(w.document()->filePath(), fbtest::examplePath());
    }

    void saveAsKeepsRelativePathsWorking()
    {
        QTemporaryDir dir;
        MainWindow w;
        Answers a;
        answer(w.fileController(), &a);
        QVERIFY(w.openFile(fbtest::examplePath()));
        const Pipeline &p = *w.document()->pipeline();
        QCOMPARE(p.data()
                     .nodeById(QStringLiteral("data"))
                     ->params.value(QStringLiteral("path"))
                     .toString(),
                 QStringLiteral("../datasets/iris.csv"));
        QDir().mkpath(dir.filePath(QStringLiteral("a/b")));
        a.file = dir.filePath(QStringLiteral("a/b/copy.flow"));
        QVERIFY(w.fileController()->saveAs());
        const QString rebased = p.data()
                                    .nodeById(QStringLiteral("data"))
                                    ->params.value(QStringLiteral("path"))
                                    .toString();
        QVERIFY(QDir::isRelativePath(rebased));
        QCOMPARE(QFileInfo(QDir(dir.filePath(QStringLiteral("a/b"))).filePath(rebased))
                     .canonicalFilePath(),
                 QFileInfo(fbtest::sourceDir() + QStringLiteral("/resources/datasets/iris.csv"))
                     .canonicalFilePath());
        QVERIFY(!w.document()->isModified());
        w.document()->undoStack()->undo(); // the rebase is an ordinary, undoable step
        QCOMPARE(p.data()
                     .nodeById(QStringLiteral("data"))
                     ->params.value(QStringLiteral("path"))
                     .toString(),
                 QStringLiteral("../datasets/iris.csv"));
    }

    void aPipelineMadeOnTheCanvasRunsInTheCli()
    {
        const QString cli = qEnvironmentVariable("FLOWBENCH_CLI");
        if (cli.isEmpty() || !QFileInfo(cli).isExecutable())
            QSKIP("flowbench-cli not built (FLOWBENCH_CLI)");
        QTemporaryDir dir;
        MainWindow w;
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        Answers a;
        answer(w.fileController(), &a);
        // Build it the way a user does: drop types from the palette, wire ports with the mouse.
        CanvasView *view = w.view();
        view->resetTransform();
        view->centerOn(QPointF(500, 100));
        PaletteModel *model = w.paletteWidget()->model();
        const QList<QPair<QString, QPointF>> drops{{QStringLiteral("sample_dataset"), {100, 100}},
                                                   {QStringLiteral("train_test_split"), {360, 100}},
                                                   {QStringLiteral("logistic_regression"),
                                                    {620, 40}},
                                                   {QStringLiteral("evaluate"), {880, 140}}};
        for (const auto &[type, pos] : drops) {
            std::unique_ptr<QMimeData> mime(model->mimeData({model->indexOfType(type)}));
            QVERIFY(fbtest::dropOnCanvas(*view, mime.get(), view->mapFromScene(pos)));
        }
        CanvasScene *scene = w.scene();
        auto port = [&](const QString &id, const QString &name, bool out) {
            return view->mapFromScene(scene->nodeItemById(id)->portScenePos(name, out));
        };
        auto wire = [&](QPoint from, QPoint to) {
            QTest::mousePress(view->viewport(), Qt::LeftButton, {}, from);
            QTest::mouseMove(view->viewport(), (from + to) / 2);
            QTest::mouseMove(view->viewport(), to);
            QTest::mouseRelease(view->viewport(), Qt::LeftButton, {}, to);
        };
        wire(port(QStringLiteral("sample_dataset"), QStringLiteral("table"), true),
             port(QStringLiteral("train_test_split"), QStringLiteral("table"), false));
        wire(port(QStringLiteral("train_test_split"), QStringLiteral("train"), true),
             port(QStringLiteral("logistic_regression"), QStringLiteral("train"), false));
        wire(port(QStringLiteral("logistic_regression"), QStringLiteral("model"), true),
             port(QStringLiteral("evaluate"), QStringLiteral("model"), false));
        wire(port(QStringLiteral("train_test_split"), QStringLiteral("test"), true),
             port(QStringLiteral("evaluate"), QStringLiteral("data"), false));
        QCOMPARE(w.document()->pipeline()->data().links().size(), 4);
        a.file = dir.filePath(QStringLiteral("canvas.flow"));
        QVERIFY(w.fileController()->save());

        QProcess cliRun;
        cliRun.start(cli,
                     {QStringLiteral("run"),
                      a.file,
                      QStringLiteral("--store"),
                      dir.filePath(QStringLiteral("store.sqlite")),
                      QStringLiteral("--json"),
                      QStringLiteral("--quiet")});
        QVERIFY(cliRun.waitForFinished(120000));
        const QByteArray out = cliRun.readAllStandardOutput();
        QVERIFY2(cliRun.exitCode() == 0, cliRun.readAllStandardError().constData());
        const QJsonObject result = QJsonDocument::fromJson(out).object();
        QCOMPARE(result.value(QStringLiteral("state")).toString(), QStringLiteral("success"));
        QVERIFY(result.value(QStringLiteral("metrics"))
                    .toObject()
                    .contains(QStringLiteral("evaluate.accuracy")));
    }
};

FB_UI_TEST_MAIN(TestDocument)
#include "tst_document.moc"
