// The Gantt view: bars per task try from a real run's live events (retries give several bars,
// cached tasks a mark), the same bars from the store's task instances of that run, hover
// read-outs and the colours of the states.

#include "ui/RunTestUtil.h"

#include "monitor/MonitorController.h"
#include "monitor/TimelineModel.h"
#include "monitor/TimelineView.h"
#include "store/RunStore.h"

#include <QHelpEvent>
#include <QScrollArea>
#include <QToolTip>

using namespace fb;
using namespace fbtest;

namespace {

// "flaky" reads a missing file and retries once without delay; "slow" trains a while.
QByteArray flow()
{
    return R"({"format": "flowbench.pipeline", "version": 1,
  "nodes": [
    {"id": "data", "type": "csv_source", "position": [0, 0], "params": {"path": "data.csv", "target": "y"}},
    {"id": "slow", "type": "mlp_classifier", "position": [240, 0], "params": {"hidden_layer_sizes": "32", "max_iter": 30, "tol": 0}},
    {"id": "flaky", "type": "csv_source", "position": [0, 200], "params": {"path": "missing.csv"}, "retries": 1},
    {"id": "after", "type": "standardize", "position": [240, 200]}
  ],
  "links": [{"from": "data.table", "to": "slow.train"}, {"from": "flaky.table", "to": "after.train"}]})";
}

QList<TimelineBar> barsOf(const TimelineModel &m, const QString &node)
{
    QList<TimelineBar> out;
    for (const TimelineBar &b : m.bars())
        if (b.nodeId == node)
            out.append(b);
    return out;
}

} // namespace

class TestTimeline : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void barsFromLiveEventsAndFromTheStore()
    {
        QTemporaryDir dir;
        QVERIFY(writeClassificationCsv(dir.filePath("data.csv"), 2000, 5));
        QVERIFY(writeText(dir.filePath("p.flow"), flow()));
        auto w = window(dir.path());
        QVERIFY(w->openFile(dir.filePath("p.flow")));
        RunController *run = w->runController();
        QVERIFY(run->run());
        const TimelineModel &live = w->monitor()->timeline();
        // Bars grow while the run goes on.
        QTRY_VERIFY_WITH_TIMEOUT(!barsOf(live, "slow").isEmpty()
                                     && barsOf(live, "slow").first().startMs > 0,
                                 30000);
        const RunResult r = waitForRun(run);
        QCOMPARE(r.state, TaskState::Failed);

        QCOMPARE(live.rows().size(), 4);
        const QList<TimelineBar> flaky = barsOf(live, "flaky");
        QCOMPARE(flaky.size(), 2); // one bar per try
        QCOMPARE(flaky[0].tryNumber, 1);
        QCOMPARE(flaky[0].state, TaskState::UpForRetry);
        QCOMPARE(flaky[1].tryNumber, 2);
        QCOMPARE(flaky[1].state, TaskState::Failed);
        QVERIFY(flaky[1].startMs >= flaky[0].endMs);
        QVERIFY(flaky[1].error.contains("missing.csv"));
        const TimelineBar slow = barsOf(live, "slow").first();
        QCOMPARE(slow.state, TaskState::Success);
        QVERIFY(slow.endMs > slow.startMs);
        QVERIFY(slow.queuedMs > 0 && slow.queuedMs <= slow.startMs);
        QCOMPARE(barsOf(live, "after").first().state, TaskState::UpstreamFailed);
        QVERIFY(live.runEnd() >= slow.endMs);

        // The store's task instances of the run give the same bars.
        QVERIFY(run->store()->flush());
        TimelineModel past;
        past.setTaskInstances(run->store()->taskInstances(r.runId), r.startMs, r.endMs);
        QCOMPARE(past.bars().size(), live.bars().size());
        for (const QString &node : live.rows()) {
            const QList<TimelineBar> a = barsOf(live, node), b = barsOf(past, node);
            QCOMPARE(b.size(), a.size());
            for (qsizetype i = 0; i < a.size(); ++i) {
                QCOMPARE(b[i].state, a[i].state);
                QCOMPARE(b[i].tryNumber, a[i].tryNumber);
            }
        }
        QCOMPARE(barsOf(past, "slow").first().startMs, slow.startMs);
        QCOMPARE(barsOf(past, "slow").first().endMs, slow.endMs);

        // The view: hovering a bar names its node, try, state and times.
        auto *scroll = qobject_cast<QScrollArea *>(w->monitor()->timelineWidget());
        auto *view = qobject_cast<TimelineView *>(scroll->widget());
        QVERIFY(view);
        w->findChild<QDockWidget *>("timelineDock")->show();
        w->findChild<QDockWidget *>("timelineDock")->raise();
        QTRY_VERIFY(view->isVisible());
        int secondTry = -1;
        for (int i = 0; i < live.bars().size(); ++i)
            if (live.bars()[i].nodeId == "flaky" && live.bars()[i].tryNumber == 2)
                secondTry = i;
        const QRectF rect = view->barRect(secondTry);
        QVERIFY(rect.width() > 0);
        QCOMPARE(view->barAt(rect.center().toPoint()), secondTry);
        const QString tip = view->barToolTip(secondTry);
        QVERIFY2(tip.contains("flaky") && tip.contains("try 2") && tip.contains("failed"),
                 qPrintable(tip));
        QString slowTip;
        for (int i = 0; i < live.bars().size(); ++i)
            if (live.bars()[i].nodeId == "slow")
                slowTip = view->barToolTip(i);
        QVERIFY2(slowTip.contains("duration") && slowTip.contains("started"), qPrintable(slowTip));
        QHelpEvent help(QEvent::ToolTip,
                        rect.center().toPoint(),
                        view->mapToGlobal(rect.center().toPoint()));
        QApplication::sendEvent(view, &help);
        QTRY_VERIFY(QToolTip::isVisible());
        QVERIFY(QToolTip::text().contains("try 2"));

        // Bars are painted in their state's colour.
        const QImage image = view->grab().toImage();
        const QColor failed = w->scene()->style().stateColor(TaskState::Failed);
        const QColor pixel = image.pixelColor((rect.center() * view->devicePixelRatio()).toPoint());
        QVERIFY2(std::abs(pixel.red() - failed.red()) + std::abs(pixel.green() - failed.green())
                         + std::abs(pixel.blue() - failed.blue())
                     < 20,
                 qPrintable(pixel.name() + " vs " + failed.name()));
    }

    void cachedTasksAreMarks()
    {
        QTemporaryDir dir;
        QVERIFY(writeClassificationCsv(dir.filePath("data.csv"), 300, 3));
        QVERIFY(writeText(dir.filePath("p.flow"), R"({"format": "flowbench.pipeline", "version": 1,
  "nodes": [{"id": "data", "type": "csv_source", "position": [0, 0], "params": {"path": "data.csv", "target": "y"}},
            {"id": "scale", "type": "standardize", "position": [240, 0]}],
  "links": [{"from": "data.table", "to": "scale.train"}]})"));
        auto w = window(dir.path());
        QVERIFY(w->openFile(dir.filePath("p.flow")));
        QVERIFY(w->runController()->run());
        waitForRun(w->runController());
        QVERIFY(w->runController()->run());
        waitForRun(w->runController());
        const TimelineModel &m = w->monitor()->timeline();
        QCOMPARE(m.bars().size(), 2);
        for (const TimelineBar &b : m.bars()) {
            QVERIFY(b.cached);
            QCOMPARE(b.state, TaskState::Success);
            QCOMPARE(b.startMs, b.endMs);
        }
    }
};

FB_UI_TEST_MAIN(TestTimeline)
#include "tst_timeline.moc"
