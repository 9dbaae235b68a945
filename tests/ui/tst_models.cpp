// The Models dock and the Model menu against a real store file: a real run of the example in
// the window, its trained model registered from the canvas (lineage and the run's metrics), a
// second version, aliases set and moved, tags and description, exports (.fbm byte for byte,
// ONNX checked by python3-onnx when installed), a real scoring server answering HTTP, delete
// with confirmation, and File › Export › Airflow DAG (compiled by python3 when installed).

#include "ui/UiTestUtil.h"

#include "MainWindow.h"
#include "document/FileController.h"
#include "models/AirflowExportDialog.h"
#include "models/ModelActions.h"
#include "models/ModelsPanel.h"
#include "models/ServingController.h"
#include "run/RunController.h"
#include "store/ModelRegistry.h"
#include "store/RunStore.h"

#include <QAction>
#include <QComboBox>
#include <QDateEdit>
#include <QDialogButtonBox>
#include <QDockWidget>
#include <QEventLoop>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QPushButton>
#include <QSignalSpy>
#include <QTextBrowser>
#include <QTimer>
#include <QTreeWidget>

using namespace fb;

namespace {

struct Reply
{
    int status = 0;
    QByteArray body;
    QNetworkReply::NetworkError error = QNetworkReply::NoError;
};

Reply http(const QUrl &url, const QByteArray &post = {}, const QByteArray &type = {})
{
    QNetworkAccessManager net;
    QNetworkRequest request(url);
    if (!type.isEmpty())
        request.setHeader(QNetworkRequest::ContentTypeHeader, type);
    QNetworkReply *r = post.isNull() ? net.get(request) : net.post(request, post);
    QEventLoop loop;
    QObject::connect(r, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    QTimer::singleShot(20000, &loop, &QEventLoop::quit);
    loop.exec();
    Reply out{r->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(),
              r->readAll(),
              r->error()};
    delete r;
    return out;
}

bool havePythonModule(const char *module)
{
    QProcess p;
    p.start(QStringLiteral("/usr/bin/python3"),
            {QStringLiteral("-c"), QStringLiteral("import %1").arg(QLatin1String(module))});
    return p.waitForFinished(30000) && p.exitStatus() == QProcess::NormalExit && p.exitCode() == 0;
}

} // namespace

class TestModels : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    std::unique_ptr<MainWindow> m_window;
    QStringList m_errors;
    QString m_ignored; // the registry always reports why, even when the test does not ask

    MainWindow &window() { return *m_window; }
    ModelsPanel *panel() { return m_window->modelsPanel(); }
    QTreeWidget *tree() { return panel()->tree(); }

    QTreeWidgetItem *row(const QString &name, int version)
    {
        panel()->select(name, version);
        return tree()->currentItem();
    }

    void runExample()
    {
        QVERIFY(window().openFile(fbtest::examplePath()));
        QSignalSpy finished(window().runController(), &RunController::runFinished);
        QVERIFY(window().runController()->run());
        QVERIFY(finished.wait(60000));
        QCOMPARE(window().runController()->lastResult().state, TaskState::Success);
    }

private Q_SLOTS:
    void initTestCase()
    {
        MainWindow::Options options;
        options.storePath = m_dir.filePath(QStringLiteral("store/runs.sqlite"));
        options.recoveryFolder = m_dir.filePath(QStringLiteral("recovery"));
        m_window = std::make_unique<MainWindow>(options);
        m_window->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
        // Every dialog answered by the test; an unexpected error fails it.
        panel()->showError = [this](const QString &t, const QString &m) {
            m_errors << t + u':' + m;
        };
        window().modelActions()->showError = panel()->showError;
    }

    void cleanupTestCase()
    {
        window().document()->undoStack()->setClean();
        m_window.reset();
    }

    void dockIsThereAndEmpty()
    {
        auto *dock = window().findChild<QDockWidget *>(QStringLiteral("modelsDock"));
        QVERIFY(dock);
        QCOMPARE(dock->widget(), static_cast<QWidget *>(panel()));
        QCOMPARE(panel()->store().sqlitePath(), m_dir.filePath(QStringLiteral("store/runs.sqlite")));
        QCOMPARE(tree()->topLevelItemCount(), 0);
        auto *empty = panel()->findChild<QLabel *>();
        QVERIFY(empty);
        // Nothing to act on yet.
        QVERIFY(!panel()->serveAction()->isEnabled());
        QVERIFY(!window().modelActions()->registerAction()->isEnabled());
    }

    void registerTheTrainedModelFromTheCanvas()
    {
        runExample();
        const QString runId = window().runController()->lastResult().runId;
        // Select the trainer on the canvas: Model › Register Trained Model… is enabled.
        window().scene()->selectOnly(
            {window().document()->pipeline()->data().keyOf(QStringLiteral("train"))});
        QString nodeId;
        QVERIFY(window().modelActions()->selectedTrainedModel(&nodeId));
        QCOMPARE(nodeId, QStringLiteral("train"));
        QVERIFY(window().modelActions()->registerAction()->isEnabled());
        QString asked;
        window().modelActions()->askText =
            [&](const QString &, const QString &label, const QString &) {
                asked = label;
                return QStringLiteral("iris");
            };
        window().modelActions()->registerAction()->trigger();
        QVERIFY(asked.contains(QStringLiteral("train")));
        QVERIFY2(m_errors.isEmpty(), qPrintable(m_errors.join(u'\n')));
        window().modelActions()->registerAction()->trigger(); // a second version
        QCOMPARE(tree()->topLevelItemCount(), 1);
        QTreeWidgetItem *model = tree()->topLevelItem(0);
        QCOMPARE(model->text(0), QStringLiteral("iris"));
        QCOMPARE(model->childCount(), 2);
        QCOMPARE(model->child(0)->text(0), QStringLiteral("Version 2")); // newest first
        QCOMPARE(model->child(0)->text(2), QStringLiteral("logistic_regression"));
        // The dock came forward with the new version selected.
        QCOMPARE(panel()->selectedVersion()->reference(), QStringLiteral("iris/2"));

        // Lineage back to the run, and the metrics of the producing run.
        const auto v = panel()->selectedVersion();
        QCOMPARE(v->runId, runId);
        QCOMPARE(v->nodeId, QStringLiteral("train"));
        QVERIFY(!v->metrics.isEmpty());
        QVERIFY(!model->child(0)->text(3).isEmpty()); // metrics column
        const QString details = panel()->details()->toPlainText();
        QVERIFY2(details.contains(runId), qPrintable(details));
        QVERIFY(details.contains(QStringLiteral("Metrics of the producing run")));
        QVERIFY(details.contains(v->metrics.begin().key()));
    }

    void aliasesAreSetAndMoved()
    {
        row(QStringLiteral("iris"), 1);
        QStringList offered;
        panel()->askItem =
            [&](const QString &, const QString &, const QStringList &items, const QString &) {
                offered = items;
                return QStringLiteral("champion");
            };
        panel()->setAliasAction()->trigger();
        QVERIFY(offered.contains(QStringLiteral("champion")));
        QCOMPARE(row(QStringLiteral("iris"), 1)->text(1), QStringLiteral("@champion"));
        ModelRegistry registry(panel()->store());
        QCOMPARE(registry.resolve(QStringLiteral("iris@champion"), &m_ignored)->version, 1);

        // Setting it on version 2 moves it.
        row(QStringLiteral("iris"), 2);
        panel()->setAliasAction()->trigger();
        QCOMPARE(row(QStringLiteral("iris"), 2)->text(1), QStringLiteral("@champion"));
        QCOMPARE(row(QStringLiteral("iris"), 1)->text(1), QString());
        QCOMPARE(registry.resolve(QStringLiteral("iris@champion"), &m_ignored)->version, 2);
        QCOMPARE(row(QStringLiteral("iris"), 0)->text(1), QStringLiteral("@champion"));

        // A bad alias is refused with the registry's reason and changes nothing.
        QVERIFY(!panel()->setAlias(QStringLiteral("latest")));
        QCOMPARE(m_errors.size(), 1);
        QVERIFY(m_errors.takeFirst().contains(QStringLiteral("reserved")));

        // Remove it again through its action.
        row(QStringLiteral("iris"), 2);
        QVERIFY(panel()->removeAliasAction()->isEnabled());
        panel()->removeAliasAction()->trigger();
        QVERIFY(!registry.resolve(QStringLiteral("iris@champion"), &m_ignored));
        QVERIFY(panel()->setAlias(QStringLiteral("champion")));
    }

    void tagsAndDescription()
    {
        row(QStringLiteral("iris"), 2);
        panel()->askText = [](const QString &, const QString &, const QString &) {
            return QStringLiteral("stage=prod\nowner = ml-team");
        };
        panel()->editTagsAction()->trigger();
        ModelRegistry registry(panel()->store());
        auto v = registry.version(QStringLiteral("iris"), 2, &m_ignored);
        QCOMPARE(v->tags.value(QStringLiteral("stage")), QStringLiteral("prod"));
        QCOMPARE(v->tags.value(QStringLiteral("owner")), QStringLiteral("ml-team"));
        // The complete set: a tag left out is removed.
        QVERIFY(panel()->editTags(QStringLiteral("stage=staging")));
        v = registry.version(QStringLiteral("iris"), 2, &m_ignored);
        QCOMPARE(v->tags.size(), 1);
        QCOMPARE(v->tags.value(QStringLiteral("stage")), QStringLiteral("staging"));
        QVERIFY(panel()->details()->toPlainText().contains(QStringLiteral("stage=staging")));
        QVERIFY(!panel()->editTags(QStringLiteral("no equals sign")));
        QCOMPARE(m_errors.size(), 1);
        m_errors.clear();

        row(QStringLiteral("iris"), 0);
        panel()->askText = [](const QString &, const QString &, const QString &) {
            return QStringLiteral("Iris species from petal and sepal sizes");
        };
        panel()->editDescriptionAction()->trigger();
        QCOMPARE(registry.model(QStringLiteral("iris"), &m_ignored)->description,
                 QStringLiteral("Iris species from petal and sepal sizes"));
        QVERIFY(panel()->details()->toPlainText().contains(QStringLiteral("petal and sepal")));
    }

    void exportsAsModelFileAndOnnx()
    {
        row(QStringLiteral("iris"), 2);
        const QString fbm = m_dir.filePath(QStringLiteral("out/iris.fbm"));
        QDir().mkpath(m_dir.filePath(QStringLiteral("out")));
        panel()->chooseSaveFile = [&](const QString &, const QString &suggested, const QString &) {
            return suggested.endsWith(QLatin1String(".onnx"))
                       ? m_dir.filePath(QStringLiteral("out/iris")) // suffix added
                       : fbm;
        };
        QSignalSpy done(panel(), &ModelsPanel::exportFinished);
        panel()->exportAction()->trigger();
        QVERIFY(done.wait(30000));
        QVERIFY2(done.first().at(1).toBool(), qPrintable(done.first().at(2).toString()));
        QFile a(fbm), b(panel()->selectedVersion()->path);
        QVERIFY(a.open(QIODevice::ReadOnly) && b.open(QIODevice::ReadOnly));
        QCOMPARE(a.readAll(), b.readAll());

        panel()->exportOnnxAction()->trigger();
        QVERIFY(done.wait(30000));
        const QString onnx = m_dir.filePath(QStringLiteral("out/iris.onnx"));
        QCOMPARE(done.last().at(0).toString(), onnx);
        QVERIFY2(done.last().at(1).toBool(), qPrintable(done.last().at(2).toString()));
        QVERIFY(QFileInfo(onnx).size() > 100);
        if (havePythonModule("onnx")) {
            QProcess check;
            check.start(QStringLiteral("/usr/bin/python3"),
                        {QStringLiteral("-c"),
                         QStringLiteral(
                             "import onnx,sys; onnx.checker.check_model(onnx.load(sys.argv[1]))"),
                         onnx});
            QVERIFY(check.waitForFinished(60000));
            QVERIFY2(check.exitCode() == 0, check.readAllStandardError().constData());
        } else {
            qInfo("python3-onnx not installed: the ONNX checker step is skipped");
        }

        // Model › Export ONNX… with the trainer selected on the canvas exports that model.
        window().scene()->selectOnly(
            {window().document()->pipeline()->data().keyOf(QStringLiteral("train"))});
        const QString fromCanvas = m_dir.filePath(QStringLiteral("out/train.onnx"));
        window().modelActions()->chooseSaveFile =
            [&](const QString &, const QString &suggested, const QString &) {
                return QFileInfo(suggested).fileName() == QLatin1String("train.onnx") ? fromCanvas
                                                                                      : QString();
            };
        QSignalSpy canvasDone(window().modelActions(), &ModelActions::onnxExported);
        window().modelActions()->exportOnnxAction()->trigger();
        QVERIFY(canvasDone.wait(30000));
        QVERIFY2(canvasDone.first().at(1).toBool(), qPrintable(canvasDone.first().at(2).toString()));
        QVERIFY(QFileInfo(fromCanvas).size() > 100);
    }

    void servesARegisteredVersion()
    {
        row(QStringLiteral("iris"), 2);
        QCOMPARE(panel()->serveAction()->text().remove(u'&'), QStringLiteral("Serve"));
        QSignalSpy changed(panel(), &ModelsPanel::servingChanged);
        panel()->serveAction()->trigger();
        QVERIFY(changed.wait(30000));
        const QUrl url = changed.first().at(1).toUrl();
        QVERIFY(url.isValid());
        QCOMPARE(url.host(), QStringLiteral("127.0.0.1"));
        QCOMPARE(panel()->serveAction()->text().remove(u'&'), QStringLiteral("Stop Server"));
        // The URL is shown in the dock and in the status bar.
        QVERIFY(panel()->details()->toPlainText().contains(url.toString()));
        auto *status = window().findChild<QLabel *>(QStringLiteral("servingLabel"));
        QVERIFY(status && status->isVisible());
        QVERIFY(status->text().contains(url.toString()));
        QVERIFY(status->text().contains(QStringLiteral("iris/2")));

        // A real HTTP client: ping, then MLflow's dataframe_split.
        QCOMPARE(http(url.resolved(QUrl(QStringLiteral("/ping")))).status, 200);
        const QByteArray body = R"({"dataframe_split": {"columns": ["sepal_length", "sepal_width",
            "petal_length", "petal_width"], "data": [[5.1, 3.5, 1.4, 0.2], [6.7, 3.0, 5.2, 2.3]]}})";
        const Reply r = http(url.resolved(QUrl(QStringLiteral("/invocations"))),
                             body,
                             "application/json");
        QVERIFY2(r.status == 200, r.body.constData());
        QVERIFY2(r.body.contains("predictions"), r.body.constData());
        QVERIFY2(r.body.contains("setosa") && r.body.contains("virginica"), r.body.constData());

        // Stop: the port is closed.
        panel()->serveAction()->trigger();
        QVERIFY(!panel()->serving()->isServing(QStringLiteral("iris/2")));
        QVERIFY(!status->isVisible());
        QVERIFY(http(url.resolved(QUrl(QStringLiteral("/ping")))).error != QNetworkReply::NoError);
    }

    void deleteAsksFirst()
    {
        row(QStringLiteral("iris"), 1);
        QString question;
        bool answer = false;
        panel()->confirm = [&](const QString &, const QString &q) {
            question = q;
            return answer;
        };
        panel()->deleteAction()->trigger();
        QVERIFY(question.contains(QStringLiteral("version 1")));
        ModelRegistry registry(panel()->store());
        QVERIFY(registry.version(QStringLiteral("iris"), 1, &m_ignored)); // cancelled: still there
        answer = true;
        row(QStringLiteral("iris"), 1);
        const QString file = panel()->selectedVersion()->path;
        panel()->deleteAction()->trigger();
        QVERIFY(!registry.version(QStringLiteral("iris"), 1, &m_ignored));
        QVERIFY(!QFile::exists(file));
        QCOMPARE(tree()->topLevelItem(0)->childCount(), 1);

        // The whole model, while one of its versions is being served: the server stops too.
        row(QStringLiteral("iris"), 2);
        QSignalSpy changed(panel(), &ModelsPanel::servingChanged);
        panel()->toggleServing();
        QVERIFY(changed.wait(30000));
        row(QStringLiteral("iris"), 0);
        panel()->deleteAction()->trigger();
        QVERIFY(question.contains(QStringLiteral("all 1 version")));
        QVERIFY(panel()->serving()->references().isEmpty());
        QCOMPARE(tree()->topLevelItemCount(), 0);
        QVERIFY(registry.listModels(&m_ignored).isEmpty());
    }

    void exportsAnAirflowDag()
    {
        // The example is saved (the DAG's tasks run the file on disk): no save needed.
        QVERIFY(!window().document()->isModified());
        const QString dag = m_dir.filePath(QStringLiteral("out/iris_dag.py"));
        QString problemWithBadId, storeShown, dagIdShown;
        bool okWithBadId = true;
        window().modelActions()->runAirflowDialog = [&](AirflowExportDialog &d) {
            storeShown = d.storeField()->text();
            dagIdShown = d.dagIdField()->text();
            d.dagIdField()->setText(QStringLiteral("bad id!"));
            problemWithBadId = d.findChild<QLabel *>(QStringLiteral("problem"))->text();
            okWithBadId = d.buttons()->button(QDialogButtonBox::Ok)->isEnabled();
            d.dagIdField()->setText(QStringLiteral("iris_nightly"));
            d.scheduleField()->setCurrentText(QStringLiteral("@daily"));
            d.startDateField()->setDate(QDate(2026, 1, 1));
            d.outputField()->setText(dag);
            return d.buttons()->button(QDialogButtonBox::Ok)->isEnabled();
        };
        QSignalSpy exported(window().modelActions(), &ModelActions::airflowExported);
        window().modelActions()->exportAirflowAction()->trigger();
        QVERIFY2(problemWithBadId.contains(QStringLiteral("letters, digits")),
                 qPrintable(problemWithBadId));
        QVERIFY(!okWithBadId);
        QCOMPARE(storeShown, panel()->store().spec()); // the window's own store by default
        QVERIFY(!dagIdShown.isEmpty());
        QCOMPARE(exported.size(), 1);
        QFile f(dag);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QByteArray text = f.readAll();
        QVERIFY(text.contains("iris_nightly"));
        QVERIFY(text.contains("@daily"));
        QVERIFY(text.contains("2026, 1, 1"));
        for (const char *task : {"data", "split", "scale", "train", "evaluate", "save"})
            QVERIFY2(text.contains(QByteArray(QByteArray("task_id=\"") + task + '"'))
                         || text.contains(QByteArray(QByteArray("task_id='") + task + '\'')),
                     task);
        QVERIFY(text.contains(panel()->store().spec().toUtf8()));
        QProcess compile;
        compile.start(QStringLiteral("/usr/bin/python3"),
                      {QStringLiteral("-m"), QStringLiteral("py_compile"), dag});
        if (compile.waitForStarted(10000)) {
            QVERIFY(compile.waitForFinished(60000));
            QVERIFY2(compile.exitCode() == 0, compile.readAllStandardError().constData());
        } else {
            qInfo("/usr/bin/python3 not found: py_compile step skipped");
        }
    }
};

FB_UI_TEST_MAIN(TestModels)
#include "tst_models.moc"
