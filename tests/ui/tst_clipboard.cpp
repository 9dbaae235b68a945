// Copy, cut, paste and duplicate: within a window, between two windows (through the real
// clipboard), from JSON text; pasted ids are made unique and links among copied nodes kept.

#include "ui/UiTestUtil.h"

#include "MainWindow.h"
#include "edit/EditActions.h"
#include "edit/Fragment.h"

#include <QAction>
#include <QClipboard>
#include <QSignalSpy>
#include <QUndoStack>

using namespace fb;

namespace {

std::unique_ptr<MainWindow> openExample()
{
    auto w = std::make_unique<MainWindow>();
    w->show();
    if (!QTest::qWaitForWindowExposed(w.get()))
        qWarning("window not exposed");
    QString error;
    if (!w->document()->load(fbtest::examplePath(), &error))
        qWarning("%s", qPrintable(error));
    return w;
}

QStringList ids(const Pipeline &p)
{
    QStringList out;
    for (const Node &n : p.data().nodes())
        out.append(n.id);
    return out;
}

bool linked(const Pipeline &p, const QString &from, const QString &to)
{
    const auto a = from.split(u'.'), b = to.split(u'.');
    return p.data().links().contains(Link{p.data().keyOf(a[0]), a[1], p.data().keyOf(b[0]), b[1]});
}

} // namespace

class TestClipboard : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void copyPutsAPipelineOnTheClipboard()
    {
        auto w = openExample();
        const PipelineData &d = w->document()->pipeline()->data();
        w->scene()->selectOnly({d.keyOf(QStringLiteral("data")), d.keyOf(QStringLiteral("split"))});
        QVERIFY(w->editActions()->copyAction()->isEnabled());
        w->editActions()->copyAction()->trigger();
        const QMimeData *mime = QGuiApplication::clipboard()->mimeData();
        QVERIFY(mime->hasFormat(Fragment::mimeType));
        QVERIFY(mime->hasText());
        // The text is a pipeline any tool can read.
        QString error;
        const auto parsed = PipelineFile::parse(mime->text().toUtf8(),
                                                QStringLiteral("clip"),
                                                &error);
        QVERIFY2(parsed, qPrintable(error));
        QCOMPARE(parsed->nodes().size(), 2);
        QCOMPARE(parsed->links().size(), 1); // data -> split; split -> scale stays behind
        QVERIFY(w->editActions()->pasteAction()->isEnabled());
    }

    void pastedIdsAreUniqueAndInternalLinksKept()
    {
        auto w = openExample();
        Pipeline *p = w->document()->pipeline();
        const QByteArray original = fbtest::json(*p);
        w->scene()->selectOnly(
            {p->data().keyOf(QStringLiteral("data")), p->data().keyOf(QStringLiteral("split"))});
        w->editActions()->copySelection();
        for (int i = 0; i < 3; ++i)
            QVERIFY(w->editActions()->paste());
        const QStringList all = ids(*p);
        for (const QString &id : {QStringLiteral("data_2"),
                                  QStringLiteral("split_2"),
                                  QStringLiteral("data_3"),
                                  QStringLiteral("split_3"),
                                  QStringLiteral("data_4"),
                                  QStringLiteral("split_4")})
            QVERIFY2(all.contains(id), qPrintable(all.join(u',')));
        QCOMPARE(QSet<QString>(all.begin(), all.end()).size(), all.size());
        QVERIFY(linked(*p, QStringLiteral("data_3.table"), QStringLiteral("split_3.table")));
        QVERIFY(!linked(*p, QStringLiteral("split_3.train"), QStringLiteral("scale.train")));
        // The pasted nodes are selected, offset from the originals (not on top of them).
        QCOMPARE(w->scene()->selectedNodeKeys().size(), 2);
        QVERIFY(p->data().nodeById(QStringLiteral("data_2"))->position
                != p->data().nodeById(QStringLiteral("data"))->position);
        QVERIFY(p->data().nodeById(QStringLiteral("data_3"))->position
                != p->data().nodeById(QStringLiteral("data_2"))->position);
        // Parameters travel with the nodes.
        QCOMPARE(p->data().nodeById(QStringLiteral("split_2"))->params,
                 p->data().nodeById(QStringLiteral("split"))->params);
        for (int i = 0; i < 3; ++i)
            w->document()->undoStack()->undo();
        QCOMPARE(fbtest::json(*p), original);
    }

    void pasteIntoAnotherWindow()
    {
        auto a = openExample();
        MainWindow b;
        b.show();
        QVERIFY(QTest::qWaitForWindowExposed(&b));
        b.document()->editor()->addNode(QStringLiteral("sample_dataset"),
                                        {0, 0},
                                        QStringLiteral("train"));
        const PipelineData &d = a->document()->pipeline()->data();
        a->scene()->selectOnly({d.keyOf(QStringLiteral("train")),
                                d.keyOf(QStringLiteral("evaluate")),
                                d.keyOf(QStringLiteral("save"))});
        a->editActions()->copySelection();
        QVERIFY(b.editActions()->pasteAction()->isEnabled());
        QVERIFY(b.editActions()->paste());
        const Pipeline &p = *b.document()->pipeline();
        QCOMPARE(p.data().nodes().size(), 4);
        // 'train' was taken in this window: the pasted one is renamed, its links follow it.
        QVERIFY(p.data().nodeById(QStringLiteral("train_2")));
        QVERIFY(linked(p, QStringLiteral("train_2.model"), QStringLiteral("evaluate.model")));
        QVERIFY(linked(p, QStringLiteral("train_2.model"), QStringLiteral("save.model")));
        QCOMPARE(p.data().links().size(), 2);
        QCOMPARE(a->document()->pipeline()->data().nodes().size(), 6); // the source is untouched
    }

    void pasteJsonText()
    {
        MainWindow w;
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QFile f(fbtest::examplePath());
        QVERIFY(f.open(QIODevice::ReadOnly));
        QGuiApplication::clipboard()->setText(QString::fromUtf8(f.readAll()));
        QVERIFY(w.editActions()->pasteAction()->isEnabled());
        QVERIFY(w.editActions()->paste());
        QCOMPARE(w.document()->pipeline()->data().nodes().size(), 6);
        QCOMPARE(w.document()->pipeline()->data().links().size(), 7);

        QGuiApplication::clipboard()->setText(QStringLiteral("just some words"));
        QVERIFY(!w.editActions()->pasteAction()->isEnabled());
        QSignalSpy messages(w.editActions(), &EditActions::message);
        QVERIFY(!w.editActions()->paste());
        QCOMPARE(messages.size(), 1);
    }

    void duplicateWithCtrlD()
    {
        auto w = openExample();
        Pipeline *p = w->document()->pipeline();
        w->activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(w.get()));
        w->view()->setFocus();
        w->scene()->selectOnly({p->data().keyOf(QStringLiteral("train"))});
        QTest::keyClick(w->view()->viewport(), Qt::Key_D, Qt::ControlModifier);
        QVERIFY(p->data().nodeById(QStringLiteral("train_2")));
        QCOMPARE(w->scene()->selectedNodeKeys(),
                 QList<int>{p->data().keyOf(QStringLiteral("train_2"))});
        QCOMPARE(p->data().nodeById(QStringLiteral("train_2"))->params,
                 p->data().nodeById(QStringLiteral("train"))->params);
        QCOMPARE(w->document()->undoStack()->undoText(), QStringLiteral("Duplicate 1 nodes"));
    }

    void cutThenPasteRestoresIds()
    {
        auto w = openExample();
        Pipeline *p = w->document()->pipeline();
        w->scene()->selectOnly(
            {p->data().keyOf(QStringLiteral("evaluate")), p->data().keyOf(QStringLiteral("save"))});
        w->editActions()->cutSelection();
        QCOMPARE(p->data().nodes().size(), 4);
        QCOMPARE(w->document()->undoStack()->undoText(), QStringLiteral("Cut"));
        QVERIFY(w->editActions()->paste());
        QVERIFY(p->data().nodeById(QStringLiteral("evaluate")));
        QVERIFY(p->data().nodeById(QStringLiteral("save")));
    }
};

FB_UI_TEST_MAIN(TestClipboard)
#include "tst_clipboard.moc"
