// The per-node log: lines of a real run, filtered by node, level and search text; a past run's
// log read back from the store; a flood of lines arrives in batches.

#include "ui/RunTestUtil.h"

#include "monitor/MonitorController.h"
#include "run/LogView.h"
#include "store/RunStore.h"

#include <QComboBox>
#include <QLineEdit>
#include <QPlainTextEdit>

using namespace fb;
using namespace fbtest;

class TestLogs : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void filtersOnARealRun()
    {
        QTemporaryDir dir;
        QVERIFY(writeClassificationCsv(dir.filePath("data.csv"), 300, 3));
        // "bad" fails (an error line); the others log info lines.
        QVERIFY(writeText(dir.filePath("p.flow"), R"({"format": "flowbench.pipeline", "version": 1,
  "nodes": [{"id": "data", "type": "csv_source", "position": [0, 0], "params": {"path": "data.csv", "target": "y"}},
            {"id": "model", "type": "logistic_regression", "position": [240, 0]},
            {"id": "bad", "type": "csv_source", "position": [0, 200], "params": {"path": "nope.csv"}}],
  "links": [{"from": "data.table", "to": "model.train"}]})"));
        auto w = window(dir.path());
        QVERIFY(w->openFile(dir.filePath("p.flow")));
        QVERIFY(w->runController()->run());
        const RunResult r = waitForRun(w->runController());
        LogView *log = w->log();
        const QString all = log->toPlainText();
        QVERIFY(all.contains(" data "));
        QVERIFY(all.contains(" model "));
        QVERIFY(all.contains(" bad "));
        QVERIFY(all.contains("finished: failed"));

        // One node: its lines (and the run's own lines), nobody else's.
        log->setNodeFilter("model");
        QCOMPARE(log->findChild<QComboBox *>("logNode")->currentText(), QStringLiteral("model"));
        QString text = log->toPlainText();
        QVERIFY(text.contains(" model "));
        QVERIFY(!text.contains(" data "));
        QVERIFY(!text.contains(" bad "));
        QVERIFY(text.contains("started"));

        // Errors only: the failure of "bad", under the node filter "All nodes".
        log->setNodeFilter({});
        log->setMinimumLevel(LogLevel::Error);
        text = log->toPlainText();
        QVERIFY(text.contains("nope.csv"));
        for (const QString &line : text.split(u'\n'))
            QVERIFY2(line.contains(" bad "), qPrintable(line));

        // Search (case-insensitive) through the user's field.
        log->setMinimumLevel(LogLevel::Debug);
        QTest::keyClicks(log->findChild<QLineEdit *>("logSearch"), "NOPE");
        text = log->toPlainText();
        QVERIFY(!text.isEmpty());
        for (const QString &line : text.split(u'\n'))
            QVERIFY2(line.contains("nope", Qt::CaseInsensitive), qPrintable(line));
        log->setSearch({});
        QCOMPARE(log->toPlainText(), all);

        // The same log read back from the store of the finished run.
        RunStore *store = w->runController()->store();
        QVERIFY(store->flush());
        const qsizetype stored = store->logs(r.runId).size();
        QVERIFY(stored > 0);
        QSignalSpy loaded(w->monitor(), &MonitorController::runLoaded);
        w->monitor()->loadStoredRun(store, r.runId);
        QVERIFY(loaded.wait(10000));
        QCOMPARE(log->entryCount(), stored);
        log->setNodeFilter("bad");
        QVERIFY(log->toPlainText().contains("nope.csv"));
    }

    void aFloodArrivesInBatches()
    {
        LogView log;
        log.resize(600, 300);
        log.show();
        QVERIFY(QTest::qWaitForWindowExposed(&log));
        for (int i = 0; i < 20000; ++i)
            log.appendLine(i % 10 == 0 ? LogLevel::Warning : LogLevel::Info,
                           QStringLiteral("n%1").arg(i % 3),
                           QStringLiteral("line %1").arg(i));
        // Nothing was laid out per line: the batch is added at once.
        QCOMPARE(log.textView()->document()->blockCount(), 1);
        QCOMPARE(log.shownCount(), 20000);
        QCOMPARE(log.textView()->document()->blockCount(), 20000);
        log.setMinimumLevel(LogLevel::Warning);
        QCOMPARE(log.shownCount(), 2000);
        log.setNodeFilter("n1");
        // Warnings of n1: i % 10 == 0 and i % 3 == 1.
        int expected = 0;
        for (int i = 0; i < 20000; ++i)
            expected += i % 10 == 0 && i % 3 == 1;
        QCOMPARE(log.shownCount(), expected);
    }
};

FB_UI_TEST_MAIN(TestLogs)
#include "tst_logs.moc"
