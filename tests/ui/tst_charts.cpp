// Live training charts and evaluation plots: the chart receives exactly the metric points a
// real run produced (compared with the run store), decimation keeps 100,000 points drawable
// without losing extremes, hover reads exact values, PNG/SVG export, and ROC/confusion matrix
// and predicted-vs-actual/residual plots from real evaluate nodes.

#include "ui/RunTestUtil.h"

#include "exec/Executor.h"
#include "model/MetricsData.h"
#include "monitor/ChartsPanel.h"
#include "monitor/ConfusionMatrixView.h"
#include "monitor/CurveDecimator.h"
#include "monitor/Decimation.h"
#include "monitor/EvaluationView.h"
#include "monitor/MetricHistory.h"
#include "monitor/MonitorController.h"
#include "monitor/TrainingChart.h"
#include "store/RunStore.h"

#include <QChartView>
#include <QComboBox>
#include <QImageReader>
#include <QLineSeries>
#include <QMouseEvent>
#include <QRandomGenerator>
#include <QScatterSeries>
#include <QValueAxis>

#include <cmath>

using namespace fb;
using namespace fbtest;

namespace {

QByteArray mlpFlow(const QString &dataPath)
{
    return QStringLiteral(R"({"format": "flowbench.pipeline", "version": 1,
  "nodes": [
    {"id": "data", "type": "csv_source", "position": [0, 0], "params": {"path": "%1", "target": "species"}},
    {"id": "split", "type": "train_test_split", "position": [240, 0], "params": {"seed": 3, "test_size": 0.3, "stratify": true}},
    {"id": "scale", "type": "standardize", "position": [480, 0]},
    {"id": "mlp", "type": "mlp_classifier", "position": [720, 0],
     "params": {"hidden_layer_sizes": "16", "max_iter": 60, "early_stopping": true, "n_iter_no_change": 1000, "seed": 1}},
    {"id": "evaluate", "type": "evaluate", "position": [960, 0]}
  ],
  "links": [
    {"from": "data.table", "to": "split.table"},
    {"from": "split.train", "to": "scale.train"},
    {"from": "split.test", "to": "scale.test"},
    {"from": "scale.train", "to": "mlp.train"},
    {"from": "mlp.model", "to": "evaluate.model"},
    {"from": "scale.test", "to": "evaluate.data"}
  ]})")
        .arg(dataPath)
        .toUtf8();
}

QVector<QPointF> noisyCurve(int n)
{
    QVector<QPointF> pts;
    pts.reserve(n);
    for (int i = 0; i < n; ++i)
        pts.append(
            QPointF(i,
                    std::exp(-i / 20000.0) + 0.05 * std::sin(i * 0.37) + (i == 54321 ? 3.0 : 0.0)));
    return pts;
}

// Lowest and highest y of every bucket of a grid, as {bucket: (min, max)}: what a min/max plot
// shows of a curve, whatever points stand for it.
QMap<qint64, QPair<double, double>> envelope(const QList<QPointF> &pts, double x0, double width)
{
    QMap<qint64, QPair<double, double>> out;
    for (const QPointF &p : pts) {
        const qint64 b = qint64(std::floor((p.x() - x0) / width));
        auto it = out.find(b);
        if (it == out.end())
            out.insert(b, {p.y(), p.y()});
        else
            *it = {std::min(it->first, p.y()), std::max(it->second, p.y())};
    }
    return out;
}

// Shows `node` of `history` in a chart on screen, drawn; false when no window appeared.
bool showNode(TrainingChart &chart, const MetricHistory &history, const QString &node)
{
    chart.resize(900, 500);
    chart.show();
    if (!QTest::qWaitForWindowExposed(&chart))
        return false;
    chart.setHistory(&history);
    chart.setNode(node);
    chart.refresh();
    return true;
}

} // namespace

class TestCharts : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void decimationKeepsShapeAndExtremes()
    {
        const QVector<QPointF> pts = noisyCurve(100000);
        const QList<QPointF> d = decimateMinMax(pts, 0, 99999, 800);
        QVERIFY(d.size() <= 4 * 800 + 2);
        QVERIFY(d.size() >= 800);
        QCOMPARE(d.first(), pts.first());
        QCOMPARE(d.last(), pts.last());
        // The spike and the global minimum survive.
        double maxY = -1e9, minY = 1e9;
        for (const QPointF &p : pts) {
            maxY = std::max(maxY, p.y());
            minY = std::min(minY, p.y());
        }
        double dMax = -1e9, dMin = 1e9;
        for (qsizetype i = 0; i < d.size(); ++i) {
            dMax = std::max(dMax, d[i].y());
            dMin = std::min(dMin, d[i].y());
            if (i > 0)
                QVERIFY(d[i].x() >= d[i - 1].x()); // still a function of x
        }
        QCOMPARE(dMax, maxY);
        QCOMPARE(dMin, minY);
        // Few points: unchanged.
        const QVector<QPointF> few = noisyCurve(100);
        QCOMPARE(decimateMinMax(few, 0, 99, 800), QList<QPointF>(few.cbegin(), few.cend()));
        QCOMPARE(nearestByX(few, 41.4), 41);
        QCOMPARE(nearestByX(few, 1e9), 99);
        QCOMPARE(nearestByX({}, 3), -1);
    }

    // The live decimator, fed in random batches, always equals the full recomputation over the
    // same grid (same points, so the same min/max envelope), through many doublings.
    void incrementalDecimationMatchesFullRecomputation_data()
    {
        QTest::addColumn<int>("capacity");
        QTest::addColumn<quint32>("seed");
        QTest::addColumn<double>("xScale");
        QTest::newRow("8 buckets") << 8 << 1u << 1.0;
        QTest::newRow("64 buckets") << 64 << 2u << 1.0;
        QTest::newRow("512 buckets") << 512 << 3u << 1.0;
        QTest::newRow("quarter steps") << 100 << 4u << 0.25;
        QTest::newRow("big steps") << 32 << 5u << 1000.0;
    }
    void incrementalDecimationMatchesFullRecomputation()
    {
        QFETCH(int, capacity);
        QFETCH(quint32, seed);
        QFETCH(double, xScale);
        QRandomGenerator rng(seed);
        CurveDecimator decimator(capacity);
        QVector<QPointF> pts;
        double x = 17 * xScale, y = 1.0;
        int checks = 0, doublings = 0;
        double lastWidth = 0;
        while (pts.size() < 60000) {
            const int batch = 1 + int(rng.bounded(rng.bounded(2) ? 5 : 3000));
            for (int i = 0; i < batch; ++i) {
                x += xScale * double(1 + rng.bounded(3)); // gaps, as with sparse validation
                y += rng.generateDouble() - 0.5;
                const double spike = rng.bounded(500) == 0 ? 50 * (rng.generateDouble() - 0.5) : 0;
                pts.append(QPointF(x, y + spike));
                if (rng.bounded(40) == 0) // repeated values: ties keep the first, as the scan does
                    pts.append(QPointF(x += xScale, y));
            }
            decimator.update(pts);
            QCOMPARE(decimator.consumed(), pts.size());
            const QList<QPointF> got = decimator.points(pts);
            QVERIFY(got.size() <= 4 * capacity);
            if (!decimator.decimating()) {
                QCOMPARE(got, pts);
                continue;
            }
            const double gridMin = decimator.gridMin(), gridMax = decimator.gridMax();
            const double width = (gridMax - gridMin) / capacity;
            doublings += lastWidth > 0 && width > lastWidth;
            lastWidth = width;
            QVERIFY(gridMin <= pts.first().x() && pts.last().x() < gridMax);
            // At least half the grid is in use: the resolution never drops below capacity / 2.
            QVERIFY(pts.last().x() - gridMin >= (gridMax - gridMin) / 2);
            const QList<QPointF> full = decimateMinMax(pts, gridMin, gridMax, capacity);
            QCOMPARE(got, full);
            QCOMPARE(envelope(got, gridMin, width),
                     envelope(QList<QPointF>(pts.cbegin(), pts.cend()), gridMin, width));
            ++checks;
        }
        QVERIFY(checks > 3);
        QVERIFY(doublings >= 3);
        // Running ranges equal a full scan.
        double yMin = 1e300, yMax = -1e300;
        for (const QPointF &p : pts) {
            yMin = std::min(yMin, p.y());
            yMax = std::max(yMax, p.y());
        }
        QCOMPARE(decimator.yMin(), yMin);
        QCOMPARE(decimator.yMax(), yMax);
        QCOMPARE(decimator.xMin(), pts.first().x());
        QCOMPARE(decimator.xMax(), pts.last().x());
        // A replaced (shorter) curve starts over.
        const QVector<QPointF> few = noisyCurve(10);
        decimator.update(few);
        QCOMPARE(decimator.points(few), few);
        QVERIFY(!decimator.decimating());
    }

    // A redraw hands QtCharts a bounded number of points, only for curves that grew, and the
    // y axis sits on tight round bounds.
    void refreshIsIncrementalAndTight()
    {
        MetricHistory history;
        for (int i = 0; i < 200000; ++i) {
            history.add("train", "loss", i, 0.30 + 0.04 * (0.5 + 0.5 * std::sin(i * 0.001)));
            if (i % 10 == 0)
                history.add("train", "val_loss", i, 0.31 + 0.02 * std::cos(i * 0.0007));
        }
        TrainingChart chart;
        QVERIFY(showNode(chart, history, "train"));
        QVERIFY(chart.series("loss")->count() <= 2048);
        QVERIFY(chart.series("val_loss")->count() <= 2048);
        QVERIFY(chart.series("loss")->count() > 500);
        // Loss between 0.30 and 0.34: round bounds just around it, not 0–1.
        QVERIFY2(chart.axisY()->min() <= 0.29 && chart.axisY()->min() >= 0.275,
                 qPrintable(QString::number(chart.axisY()->min())));
        QVERIFY2(chart.axisY()->max() >= 0.34 && chart.axisY()->max() <= 0.365,
                 qPrintable(QString::number(chart.axisY()->max())));
        const double tick = (chart.axisY()->max() - chart.axisY()->min())
                            / (chart.axisY()->tickCount() - 1);
        QVERIFY(std::abs(tick - 0.01) < 1e-9 || std::abs(tick - 0.005) < 1e-9);

        QSignalSpy lossReplaced(chart.series("loss"), &QXYSeries::pointsReplaced);
        QSignalSpy valReplaced(chart.series("val_loss"), &QXYSeries::pointsReplaced);
        history.add("train", "loss", 200000, 2.5); // a spike in the newest point
        chart.refresh();
        QCOMPARE(lossReplaced.size(), 1);
        QCOMPARE(valReplaced.size(), 0); // unchanged: not handed over again
        double shownMax = 0;
        for (const QPointF &p : chart.series("loss")->points())
            shownMax = std::max(shownMax, p.y());
        QCOMPARE(shownMax, 2.5);
        QVERIFY(chart.axisY()->max() >= 2.5 && chart.axisY()->max() <= 3.0);
        QCOMPARE(chart.axisX()->max(), 200000.0);
        // x ticks on round multiples from 0, whatever the span (not 5 ticks at 50,000/4 steps).
        QCOMPARE(chart.axisX()->tickType(), QValueAxis::TicksDynamic);
        QCOMPARE(chart.axisX()->tickAnchor(), 0.0);
        QCOMPARE(chart.axisX()->tickInterval(), 50000.0);
        history.clear();
        for (int i = 1; i <= 26; ++i)
            history.add("train", "loss", i, 1.0 / i); // a short run: steps 1 to 26
        chart.refresh();
        QCOMPARE(chart.axisX()->min(), 1.0);
        QCOMPARE(chart.axisX()->max(), 26.0);
        QCOMPARE(chart.axisX()->tickInterval(), 5.0); // labels 5, 10, 15, 20, 25

        // Cleared and refilled with other keys (the comparison view does this for other runs):
        // the chart shows the new curves, not empty old ones.
        history.clear();
        for (int i = 0; i < 50; ++i) {
            history.add("train", "run-b", i, i);
            history.add("train", "run-c", i, -i);
        }
        chart.refresh();
        QCOMPARE(chart.seriesKeys(), (QStringList{"run-b", "run-c"}));
        QCOMPARE(chart.series("run-c")->count(), 50);
        QCOMPARE(chart.axisY()->min() <= -49, true);
    }

    void hundredThousandPointsStayDrawable()
    {
        MetricHistory history;
        const QVector<QPointF> pts = noisyCurve(100000);
        for (const QPointF &p : pts) {
            history.add("train", "loss", p.x(), p.y());
            history.add("train", "val_loss", p.x(), p.y() * 1.1);
        }
        TrainingChart chart;
        QVERIFY(showNode(chart, history, "train"));
        QCOMPARE(chart.seriesKeys(), (QStringList{"loss", "val_loss"}));
        // What the series hold is bounded by the plot width, not by the number of points.
        const int width = int(chart.chart()->plotArea().width());
        QVERIFY(width > 100);
        QVERIFY(chart.series("loss")->count() <= 4 * width + 2);
        QVERIFY(chart.series("loss")->count() > width / 2);
        // Autoscaled axes cover the data, spike included.
        QCOMPARE(chart.axisX()->min(), 0.0);
        QCOMPARE(chart.axisX()->max(), 99999.0);
        QVERIFY(chart.axisY()->max() >= 3.0 * 1.1);
        // No redraw without news; one redraw for a new batch. (The first redraw may change the
        // axis labels' width and so the plot's: one more redraw settles it.)
        chart.refresh();
        const int redraws = chart.redraws();
        chart.refresh();
        QCOMPARE(chart.redraws(), redraws);
        chart.refresh();
        QCOMPARE(chart.redraws(), redraws);
        history.add("train", "loss", 100000, 0.5);
        chart.refresh();
        QCOMPARE(chart.redraws(), redraws + 1);
        QCOMPARE(chart.axisX()->max(), 100000.0);
    }

    // A real MLP run: the chart's curves hold exactly the points the run recorded.
    void seriesReceiveTheMetricPointsOfARun()
    {
        QTemporaryDir dir;
        QVERIFY(writeText(dir.filePath("p.flow"),
                          mlpFlow(sourceDir() + "/resources/datasets/iris.csv")));
        auto w = window(dir.path());
        QVERIFY(w->openFile(dir.filePath("p.flow")));
        RunController *run = w->runController();
        ChartsPanel *panel = w->monitor()->chartsPanel();
        QVERIFY(run->run());
        // The chart follows the training node as soon as its curves start.
        QTRY_COMPARE_WITH_TIMEOUT(panel->trainingChart()->node(), QStringLiteral("mlp"), 30000);
        const RunResult r = waitForRun(run);
        QCOMPARE(r.state, TaskState::Success);
        panel->trainingChart()->refresh();

        QVERIFY(run->store()->flush());
        const QList<MetricPoint> stored = run->store()->metrics(r.runId, "mlp");
        QVERIFY(stored.size() >= 3 * 60); // loss, val_loss, val_score per epoch
        QHash<QString, QVector<QPointF>> expected;
        for (const MetricPoint &p : stored)
            expected[p.key].append(QPointF(double(p.step), p.value));
        const MetricHistory &history = w->monitor()->history();
        QCOMPARE(history.keys("mlp").size(), expected.size());
        for (auto it = expected.cbegin(); it != expected.cend(); ++it) {
            QCOMPARE(history.points("mlp", it.key()), it.value());
            // Below the decimation threshold the series is the data itself; a key reported
            // once (a final score) is no curve.
            QLineSeries *s = panel->trainingChart()->series(it.key());
            if (it.value().size() == 1) {
                QVERIFY2(!s, qPrintable(it.key()));
                continue;
            }
            QVERIFY2(s, qPrintable(it.key()));
            QCOMPARE(s->points(), QList<QPointF>(it.value().cbegin(), it.value().cend()));
        }
        QCOMPARE(panel->trainingChart()->seriesKeys(),
                 (QStringList{"loss", "val_loss", "val_score"}));

        // Hover: the read-out names the step and every series' value there.
        QChart *chart = panel->trainingChart()->chart();
        w->findChild<QDockWidget *>("chartsDock")->show();
        panel->tabs()->setCurrentIndex(0);
        const QPointF at = chart->mapToPosition(
            QPointF(30, chart->mapToValue(chart->plotArea().center()).y()));
        const QPoint viewPos = panel->trainingChart()->mapFromScene(chart->mapToScene(at));
        QWidget *viewport = panel->trainingChart()->viewport();
        QMouseEvent move(QEvent::MouseMove,
                         QPointF(viewPos),
                         viewport->mapToGlobal(QPointF(viewPos)),
                         Qt::NoButton,
                         Qt::NoButton,
                         Qt::NoModifier);
        QApplication::sendEvent(viewport, &move);
        QTRY_VERIFY2(panel->trainingChart()->readout().startsWith("step "),
                     qPrintable(QStringLiteral("chart %1x%2, pointer at %3,%4")
                                    .arg(panel->trainingChart()->width())
                                    .arg(panel->trainingChart()->height())
                                    .arg(viewPos.x())
                                    .arg(viewPos.y())));
        // The read-out holds the exact recorded values at the step nearest to the pointer.
        const QString readout = panel->trainingChart()->readout();
        const int step = readout.section(u'\n', 0, 0).section(u' ', 1).toInt();
        QVERIFY2(std::abs(step - 30) <= 2, qPrintable(readout));
        const double lossThere = expected["loss"].at(step - 1).y();
        QCOMPARE(expected["loss"].at(step - 1).x(), double(step));
        QVERIFY2(readout.contains(QStringLiteral("loss  %1").arg(lossThere, 0, 'g', 6)),
                 qPrintable(readout));
        QVERIFY(readout.contains("val_score"));

        // Export: PNG and SVG files that other programs read.
        QString error;
        QVERIFY2(panel->exportCurrent(dir.filePath("curve.png"), &error), qPrintable(error));
        QImage png(dir.filePath("curve.png"));
        QCOMPARE(png.size(), panel->trainingChart()->size() * panel->devicePixelRatio());
        QVERIFY2(panel->exportCurrent(dir.filePath("curve.svg"), &error), qPrintable(error));
        QFile svg(dir.filePath("curve.svg"));
        QVERIFY(svg.open(QIODevice::ReadOnly));
        const QByteArray svgText = svg.readAll();
        QVERIFY(svgText.contains("<svg"));
        QVERIFY(svgText.contains("<path") || svgText.contains("<polyline"));
        QVERIFY(svgText.contains("val_score")); // the legend, as text

        // The same widgets show a past run read from the store.
        QSignalSpy loaded(w->monitor(), &MonitorController::runLoaded);
        QVERIFY(run->run()); // a second run (all cached: final metrics only)
        waitForRun(run);
        QVERIFY(w->monitor()->history().nodesWithCurves().isEmpty());
        w->monitor()->loadStoredRun(run->store(), r.runId);
        QVERIFY(loaded.wait(10000));
        QCOMPARE(loaded.first().first().toString(), r.runId);
        QCOMPARE(w->monitor()->history().points("mlp", "loss"), expected["loss"]);
    }

    void classifierEvaluationPlots()
    {
        QTemporaryDir dir;
        auto w = window(dir.path());
        QVERIFY(w->openFile(examplePath("classification.flow")));
        QVERIFY(w->runController()->run());
        QCOMPARE(waitForRun(w->runController()).state, TaskState::Success);
        EvaluationView *view = w->monitor()->chartsPanel()->evaluationView();
        QCOMPARE(view->page(), QStringLiteral("classification"));
        auto metrics = std::dynamic_pointer_cast<const MetricsData>(
            w->runController()->executor()->output("evaluate", "metrics"));
        QVERIFY(metrics);
        // One ROC curve per class (iris: 3, one-vs-rest) plus the chance line.
        QCOMPARE(view->rocChart()->chart()->series().size(), 4);
        auto *setosa = qobject_cast<QLineSeries *>(view->rocChart()->chart()->series().first());
        QVERIFY(setosa->count() >= 2);
        QCOMPARE(setosa->at(0), QPointF(0, 0));
        QCOMPARE(setosa->at(setosa->count() - 1), QPointF(1, 1));
        // The heat map holds the evaluate node's confusion matrix: 45 test rows of iris.
        ConfusionMatrixView *cm = view->confusionMatrix();
        QCOMPARE(cm->classes(), (QStringList{"setosa", "versicolor", "virginica"}));
        double total = 0;
        for (const auto &row : cm->matrix())
            for (double v : row)
                total += v;
        QCOMPARE(total, 45.0);
        QCOMPARE(cm->matrix().at(0).at(0),
                 metrics->details["confusion_matrix"].toArray().at(0).toArray().at(0).toDouble());
        cm->resize(400, 320);
        QCOMPARE(cm->cellAt(QPoint(-5, -5)), QPoint(-1, -1));
        // Selecting the evaluate node on the canvas shows its plots.
        w->scene()->selectOnly({w->document()->pipeline()->data().keyOf("evaluate")});
        QCOMPARE(w->monitor()->chartsPanel()->tabs()->currentIndex(), 1);
        QString error;
        QVERIFY(w->monitor()->chartsPanel()->exportCurrent(dir.filePath("evaluation.svg"), &error));
        QVERIFY(QFileInfo(dir.filePath("evaluation.svg")).size() > 1000);
    }

    void regressorEvaluationPlots()
    {
        QTemporaryDir dir;
        auto w = window(dir.path());
        QVERIFY(w->openFile(examplePath("regression.flow")));
        QVERIFY(w->runController()->run());
        QCOMPARE(waitForRun(w->runController()).state, TaskState::Success);
        EvaluationView *view = w->monitor()->chartsPanel()->evaluationView();
        QCOMPARE(view->page(), QStringLiteral("regression"));
        auto *scatter = qobject_cast<QScatterSeries *>(
            view->predictedChart()->chart()->series().first());
        QVERIFY(scatter);
        // diabetes: 442 rows, a quarter held out, every pair plotted.
        QCOMPARE(scatter->count(), 111);
        auto *residuals = qobject_cast<QScatterSeries *>(
            view->residualChart()->chart()->series().first());
        QCOMPARE(residuals->count(), scatter->count());
        // residual = actual − predicted, plotted against the prediction.
        const QPointF p = scatter->at(0);
        QCOMPARE(residuals->at(0), QPointF(p.y(), p.x() - p.y()));
    }
};

FB_UI_TEST_MAIN(TestCharts)
#include "tst_charts.moc"
