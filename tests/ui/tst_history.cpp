// Run history and comparison from a real store made by real runs: the example pipeline runs
// three times through the window's executor (train.C = 0.5, train.C = 2, and once with a data
// file that does not exist, so it fails). The Runs panel lists them as they finish, filters and
// sorts them, opening a run puts its task states on the canvas (by node id, listing the ones
// the document lacks) and its exact metric points into the charts (a run of another pipeline
// leaves the canvas alone), comparing two runs highlights exactly the changed parameter and the
// best final values with curves holding exactly the stored points, and a run recorded by the
// real CLI appears after Refresh.

#include "ui/RunTestUtil.h"

#include "document/FileController.h"
#include "history/ComparisonData.h"
#include "history/HistoryController.h"
#include "history/RunComparisonView.h"
#include "history/RunFilterProxy.h"
#include "history/RunHistoryModel.h"
#include "history/RunHistoryPanel.h"
#include "monitor/MetricHistory.h"
#include "monitor/MonitorController.h"
#include "monitor/TrainingChart.h"
#include "run/LogView.h"
#include "store/RunQueries.h"
#include "store/RunStore.h"
#include "style/CanvasStyle.h"

#include <QAction>
#include <QCheckBox>
#include <QComboBox>
#include <QDateEdit>
#include <QFileInfo>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QLineSeries>
#include <QProcess>
#include <QPushButton>
#include <QTableView>
#include <QTableWidget>
#include <QUndoStack>

#include <cmath>

using namespace fb;
using namespace fbtest;

class TestHistory : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    WindowPtr m_window;
    QString m_lowC, m_highC, m_failed; // run ids

    RunHistoryPanel *panel() const { return m_window->runHistory()->panel(); }
    RunStore *store() const { return m_window->runController()->store(); }

    QString runWith(const QHash<QString, QJsonObject> &overrides)
    {
        RunController *run = m_window->runController();
        if (!run->run({}, overrides))
            return {};
        return waitForRun(run).runId;
    }

    QStringList shownRunIds() const
    {
        QStringList ids;
        for (int r = 0; r < panel()->proxy()->rowCount(); ++r)
            ids.append(panel()->proxy()->index(r, 0).data(RunHistoryModel::RunIdRole).toString());
        return ids;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_window = window(m_dir.path());
        QVERIFY(m_window->openFile(examplePath()));
        QVERIFY(m_window->runHistory());
        // Each run shows up in the panel as soon as it finished (no manual refresh).
        m_lowC = runWith({{"train", QJsonObject{{"C", 0.5}}}});
        QVERIFY(!m_lowC.isEmpty());
        QTRY_COMPARE_WITH_TIMEOUT(panel()->model()->rowCount(), 1, 20000);
        m_highC = runWith({{"train", QJsonObject{{"C", 2.0}}}});
        QVERIFY(!m_highC.isEmpty());
        QTRY_COMPARE_WITH_TIMEOUT(panel()->model()->rowCount(), 2, 20000);
        m_failed = runWith({{"data", QJsonObject{{"path", m_dir.filePath("missing.csv")}}}});
        QVERIFY(!m_failed.isEmpty());
        QTRY_COMPARE_WITH_TIMEOUT(panel()->model()->rowCount(), 3, 20000);
        QTRY_VERIFY(!panel()->isLoading());
    }

    void cleanupTestCase() { m_window.reset(); }

    void listsTheRunsOfTheStore()
    {
        const RunHistoryModel *model = panel()->model();
        QCOMPARE(model->rowCount(), 3);
        QHash<QString, const RunOverview *> byId;
        for (const RunOverview &o : model->runs())
            byId.insert(o.run.runId, &o);
        QCOMPARE(QSet<QString>(byId.keyBegin(), byId.keyEnd()),
                 (QSet<QString>{m_lowC, m_highC, m_failed}));
        QCOMPARE(byId[m_lowC]->run.state, TaskState::Success);
        QCOMPARE(byId[m_highC]->run.state, TaskState::Success);
        QCOMPARE(byId[m_failed]->run.state, TaskState::Failed);
        QCOMPARE(byId[m_lowC]->run.pipelineName, QStringLiteral("classification"));
        // Six nodes, all successful; the failed run: data failed, the rest upstream_failed.
        QCOMPARE(byId[m_lowC]->taskStates.value(TaskState::Success), 6);
        QCOMPARE(byId[m_failed]->taskStates.value(TaskState::Failed), 1);
        QCOMPARE(byId[m_failed]->taskStates.value(TaskState::UpstreamFailed), 5);
        QCOMPARE(byId[m_lowC]->run.taskCount, 6);

        // Final metrics are the stored value at the highest step of each series.
        QVERIFY(store()->flush());
        QHash<QString, MetricPoint> last;
        for (const MetricPoint &p : store()->metrics(m_lowC)) {
            const QString name = p.nodeId + '.' + p.key;
            if (!last.contains(name) || p.step >= last[name].step)
                last.insert(name, p);
        }
        QVERIFY(last.contains("evaluate.accuracy"));
        QCOMPARE(byId[m_lowC]->finalMetrics.size(), last.size());
        for (const FinalMetric &m : byId[m_lowC]->finalMetrics) {
            const MetricPoint &p = last[m.nodeId + '.' + m.key];
            QCOMPARE(m.step, p.step);
            QCOMPARE(m.value, p.value);
        }
        // A key final metric has a column, showing the stored value.
        const QStringList columns = model->metricColumns();
        const int accuracy = int(columns.indexOf("evaluate.accuracy"));
        QVERIFY2(accuracy >= 0, qPrintable(columns.join(", ")));
        int row = 0;
        while (model->runs().at(row).run.runId != m_lowC)
            ++row;
        QCOMPARE(model->index(row, RunHistoryModel::FirstMetricColumn + accuracy).data().toString(),
                 RunHistoryModel::formatMetric(last["evaluate.accuracy"].value));
        QCOMPARE(model->index(row, RunHistoryModel::TasksColumn).data().toString(),
                 QStringLiteral("6 ✓"));
        // State colours are the canvas's.
        QCOMPARE(model->index(row, RunHistoryModel::StateColumn)
                     .data(Qt::ForegroundRole)
                     .value<QColor>(),
                 CanvasStyle::fromPalette(panel()->palette()).stateColor(TaskState::Success));
    }

    void filtersAndSorts()
    {
        RunHistoryPanel *p = panel();
        QCOMPARE(p->proxy()->rowCount(), 3);
        // State.
        p->stateBox()->setCurrentIndex(p->stateBox()->findText("failed"));
        QCOMPARE(shownRunIds(), QStringList{m_failed});
        p->stateBox()->setCurrentIndex(p->stateBox()->findText("success"));
        const QStringList successful = shownRunIds();
        QCOMPARE(QSet<QString>(successful.cbegin(), successful.cend()),
                 (QSet<QString>{m_lowC, m_highC}));
        p->stateBox()->setCurrentIndex(0);
        QCOMPARE(p->proxy()->rowCount(), 3);
        // Text search: typed into the field, as a user would.
        p->searchField()->setFocus();
        QTest::keyClicks(p->searchField(), m_highC.right(9));
        QCOMPARE(shownRunIds(), QStringList{m_highC});
        p->searchField()->clear();
        QTest::keyClicks(p->searchField(), "CLASSIF"); // pipeline name, case-insensitive
        QCOMPARE(p->proxy()->rowCount(), 3);
        p->searchField()->clear();
        // Pipeline.
        const int classification = p->pipelineBox()->findData("classification");
        QVERIFY(classification > 0);
        p->pipelineBox()->setCurrentIndex(classification);
        QCOMPARE(p->proxy()->rowCount(), 3);
        p->pipelineBox()->setCurrentIndex(0);
        // Date range: from tomorrow shows nothing, up to yesterday nothing, today everything.
        const QDate today = QDate::currentDate();
        p->fromEdit()->setDate(today.addDays(1));
        QCOMPARE(p->proxy()->rowCount(), 0);
        p->fromEdit()->setDate(p->fromEdit()->minimumDate()); // "any"
        p->toEdit()->setDate(today.addDays(-1));
        QCOMPARE(p->proxy()->rowCount(), 0);
        p->toEdit()->setDate(today);
        p->fromEdit()->setDate(today);
        QCOMPARE(p->proxy()->rowCount(), 3);
        p->fromEdit()->setDate(p->fromEdit()->minimumDate());
        p->toEdit()->setDate(p->toEdit()->minimumDate());

        // Sorting by clicking headers: start time, both ways (runs were made in this order).
        QHeaderView *header = p->view()->horizontalHeader();
        auto clickHeader = [&](int column) {
            const int x = header->sectionViewportPosition(column) + header->sectionSize(column) / 2;
            QTest::mouseClick(header->viewport(),
                              Qt::LeftButton,
                              Qt::NoModifier,
                              QPoint(x, header->height() / 2));
        };
        p->view()->sortByColumn(RunHistoryModel::StartColumn, Qt::DescendingOrder);
        QCOMPARE(shownRunIds(), (QStringList{m_failed, m_highC, m_lowC}));
        clickHeader(RunHistoryModel::StartColumn);
        QCOMPARE(header->sortIndicatorSection(), int(RunHistoryModel::StartColumn));
        const QStringList ascending = shownRunIds();
        clickHeader(RunHistoryModel::StartColumn);
        const QStringList descending = shownRunIds();
        QCOMPARE(ascending, (QStringList{m_lowC, m_highC, m_failed}));
        QCOMPARE(descending, (QStringList{m_failed, m_highC, m_lowC}));
        // Metric columns sort as numbers; the failed run (no value) goes below every value.
        const int accuracy = RunHistoryModel::FirstMetricColumn
                             + int(p->model()->metricColumns().indexOf("evaluate.accuracy"));
        p->view()->sortByColumn(accuracy, Qt::DescendingOrder);
        QCOMPARE(shownRunIds().last(), m_failed);
        const double first
            = p->proxy()->index(0, accuracy).data(RunHistoryModel::SortRole).toDouble();
        const double second
            = p->proxy()->index(1, accuracy).data(RunHistoryModel::SortRole).toDouble();
        QVERIFY(first >= second);
        p->view()->sortByColumn(RunHistoryModel::StartColumn, Qt::DescendingOrder);
    }

    void openingARunShowsItOnTheCanvasChartsAndLog()
    {
        // The last run failed: the canvas shows that now.
        CanvasScene *scene = m_window->scene();
        QCOMPARE(scene->nodeItemById("data")->runState(), TaskState::Failed);
        // Rename one node: the document no longer has "save", so it is listed as missing.
        PipelineEditor *editor = m_window->document()->editor();
        QCOMPARE(editor->renameNode(m_window->document()->pipeline()->data().keyOf("save"),
                                    "export"),
                 QString());

        QSignalSpy opened(m_window->runHistory(), &HistoryController::runOpened);
        panel()->selectRuns({m_lowC});
        QVERIFY(panel()->openButton()->isEnabled());
        QTest::mouseClick(panel()->openButton(), Qt::LeftButton);
        QVERIFY(opened.wait(20000));
        QCOMPARE(opened.first().at(0).toString(), m_lowC);
        QCOMPARE(opened.first().at(1).toBool(), true);
        QCOMPARE(opened.first().at(2).toStringList(), QStringList{"save"});
        QVERIFY(panel()->infoLabel()->text().contains("save"));
        for (const char *id : {"data", "split", "scale", "train", "evaluate"})
            QCOMPARE(scene->nodeItemById(id)->runState(), TaskState::Success);
        QCOMPARE(scene->nodeItemById("export")->runState(), TaskState::None);

        // The charts hold exactly the stored points of the run; the log its stored lines.
        const QList<MetricPoint> stored = store()->metrics(m_lowC);
        QHash<QString, QVector<QPointF>> expected;
        for (const MetricPoint &pt : stored)
            expected[pt.nodeId + '/' + pt.key].append(QPointF(double(pt.step), pt.value));
        const MetricHistory &history = m_window->monitor()->history();
        QCOMPARE(history.pointCount(), qsizetype(stored.size()));
        for (auto it = expected.cbegin(); it != expected.cend(); ++it)
            QCOMPARE(history.points(it.key().section('/', 0, 0), it.key().section('/', 1)),
                     it.value());
        QVERIFY2(expected.value("train/loss").size() > 1,
                 "the example's training reports a loss curve");
        QCOMPARE(m_window->log()->entryCount(), qsizetype(store()->logs(m_lowC).size()));

        // Opening the failed run shows its states instead.
        opened.clear();
        m_window->runHistory()->openRun(m_failed);
        QVERIFY(opened.wait(20000));
        QCOMPARE(scene->nodeItemById("data")->runState(), TaskState::Failed);
        QCOMPARE(scene->nodeItemById("train")->runState(), TaskState::UpstreamFailed);
        QVERIFY(!scene->nodeItemById("data")->statusText().isEmpty()); // the error
        QVERIFY(m_window->document()->undoStack()->canUndo());
        m_window->document()->undoStack()->undo(); // the rename
    }

    void comparisonShowsTheChangedParameterAndBestMetrics()
    {
        panel()->selectRuns({m_lowC, m_highC});
        QVERIFY(panel()->compareButton()->isEnabled());
        QTest::mouseClick(panel()->compareButton(), Qt::LeftButton);
        RunComparisonView *view = m_window->runHistory()->comparison();
        QVERIFY(view);
        QSignalSpy compared(view, &RunComparisonView::compared);
        QVERIFY(compared.wait(20000));
        QCOMPARE(QSet<QString>(view->data().runIds.cbegin(), view->data().runIds.cend()),
                 (QSet<QString>{m_lowC, m_highC}));

        // Exactly the changed parameter is highlighted; every parameter can be seen.
        QCOMPARE(view->highlightedParams(), QStringList{"train.C"});
        QTableWidget *params = view->paramTable();
        const QJsonObject lowParams = store()->params(m_lowC);
        int all = 0;
        for (const QString &node : lowParams.keys())
            all += int(lowParams[node].toObject().size());
        QCOMPARE(params->rowCount(), all);
        QCOMPARE(params->item(0, 0)->text(), QStringLiteral("train.C"));
        const int lowColumn = int(view->data().runIds.indexOf(m_lowC)) + 1;
        const int highColumn = int(view->data().runIds.indexOf(m_highC)) + 1;
        QCOMPARE(params->item(0, lowColumn)->text().toDouble(), 0.5);
        QCOMPARE(params->item(0, highColumn)->text().toDouble(), 2.0);
        auto visibleRows = [params] {
            int n = 0;
            for (int r = 0; r < params->rowCount(); ++r)
                n += params->isRowHidden(r) ? 0 : 1;
            return n;
        };
        QCOMPARE(visibleRows(), all);
        view->onlyDifferencesBox()->setChecked(true);
        QCOMPARE(visibleRows(), 1);
        view->onlyDifferencesBox()->setChecked(false);
        QCOMPARE(visibleRows(), all);

        // The best final value of every metric is highlighted, by the metric's direction; a
        // metric on which the runs agree has no best.
        const QHash<QString, QStringList> best = view->bestRuns();
        QVERIFY(best.contains("train.loss")); // C changes the regularised loss
        RunQueries queries(store()->location());
        QHash<QString, QHash<QString, double>> finals; // metric -> run -> value
        for (const QString &run : {m_lowC, m_highC})
            for (const FinalMetric &m : queries.finalMetrics(run))
                finals[m.nodeId + '.' + m.key][run] = m.value;
        QCOMPARE(view->metricTable()->rowCount(), finals.size());
        for (auto it = finals.cbegin(); it != finals.cend(); ++it) {
            const double low = it.value().value(m_lowC), high = it.value().value(m_highC);
            if (low == high) {
                QVERIFY2(!best.contains(it.key()), qPrintable(it.key()));
                continue;
            }
            const bool lowWins = ComparisonData::lowerIsBetter(it.key()) ? low < high : low > high;
            QCOMPARE(best.value(it.key()), QStringList{lowWins ? m_lowC : m_highC});
        }
        // Columns are labelled by what differs in the ids, the full id in the tooltip.
        const QString label = view->metricTable()->horizontalHeaderItem(lowColumn)->text();
        QVERIFY2(m_lowC.endsWith(label.mid(1)), qPrintable(label));
        QCOMPARE(view->metricTable()->horizontalHeaderItem(lowColumn)->toolTip(), m_lowC);
        // The loss is the curve shown first.
        QCOMPARE(view->data().curveKey, QStringLiteral("train.loss"));

        // Overlaid curves: one series per run holding exactly the stored points (few enough
        // points that decimation keeps them all).
        QVERIFY(view->data().curveKeys.contains("train.loss"));
        if (view->data().curveKey != "train.loss") {
            QSignalSpy shown(view, &RunComparisonView::curvesShown);
            view->curveBox()->setCurrentText("train.loss");
            QVERIFY(shown.wait(20000));
        }
        QCOMPARE(view->chart()->node(), QStringLiteral("train.loss"));
        for (const QString &run : {m_lowC, m_highC}) {
            QList<QPointF> expected;
            for (const MetricPoint &pt : store()->metrics(run, "train", "loss"))
                expected.append(QPointF(double(pt.step), pt.value));
            QLineSeries *series = view->chart()->series(run);
            QVERIFY2(series, qPrintable(run));
            QCOMPARE(series->points(), expected);
        }
        QCOMPARE(view->chart()->seriesKeys(), view->data().runIds);
        view->close();
    }

    void refreshShowsRunsOfOtherProcesses()
    {
        // The real CLI records a run into the same store (as an Airflow task would); Refresh
        // lists it, with its --set override in its parameters.
        const QString cli = qEnvironmentVariable("FLOWBENCH_CLI");
        if (cli.isEmpty() || !QFileInfo(cli).isExecutable())
            QSKIP("FLOWBENCH_CLI is not set (run through ctest)");
        QProcess p;
        p.setProcessChannelMode(QProcess::MergedChannels);
        p.start(cli,
                {"run",
                 examplePath(),
                 "--store",
                 store()->path(),
                 "--set",
                 "train.C=7",
                 "--json",
                 "--quiet"});
        QVERIFY(p.waitForFinished(60000));
        const QByteArray out = p.readAll();
        QVERIFY2(p.exitCode() == 0, out.constData());
        const int before = panel()->model()->rowCount();
        QSignalSpy loaded(panel(), &RunHistoryPanel::loaded);
        QTest::mouseClick(panel()->findChild<QPushButton *>("refreshRuns"), Qt::LeftButton);
        QVERIFY(loaded.wait(20000));
        QCOMPARE(panel()->model()->rowCount(), before + 1);
        QString newRun;
        for (const RunOverview &o : panel()->model()->runs())
            if (!QStringList{m_lowC, m_highC, m_failed}.contains(o.run.runId))
                newRun = o.run.runId;
        QVERIFY(!newRun.isEmpty());
        QVERIFY2(out.contains(newRun.toUtf8()), out.constData());
        RunQueries queries(store()->location());
        QCOMPARE(queries.params({newRun}).value(newRun).value("train.C").toDouble(), 7.0);
        QCOMPARE(panel()->model()->find(newRun)->run.state, TaskState::Success);
    }

    void aRunOfAnotherPipelineLeavesTheCanvasAlone()
    {
        // A new, unsaved and unnamed pipeline: the runs are not of it.
        m_window->fileController()->newAction()->trigger();
        QTRY_VERIFY(m_window->document()->filePath().isEmpty());
        const int key = m_window->document()->editor()->addNode("csv_source", QPointF(0, 0), "data");
        QVERIFY(key > 0);
        QSignalSpy opened(m_window->runHistory(), &HistoryController::runOpened);
        m_window->runHistory()->openRun(m_lowC);
        QVERIFY(opened.wait(20000));
        QCOMPARE(opened.first().at(1).toBool(), false);
        QCOMPARE(m_window->scene()->nodeItemById("data")->runState(), TaskState::None);
        QVERIFY(panel()->infoLabel()->text().contains("classification"));
        // Charts and log still show the run.
        QCOMPARE(m_window->monitor()->history().pointCount(),
                 qsizetype(store()->metrics(m_lowC).size()));
        m_window->document()->undoStack()->undo();
        QVERIFY(m_window->openFile(examplePath()));
    }

    void comparisonChartDecimatesLongCurves()
    {
        // Ten runs of 10,000 steps: what the chart holds is bounded by its width, and the
        // extremes of every run survive.
        ComparisonData data;
        for (int r = 0; r < 10; ++r) {
            const QString run = QStringLiteral("run-%1").arg(r);
            data.runIds.append(run);
            QVector<QPointF> pts;
            for (int i = 0; i < 10000; ++i)
                pts.append(
                    QPointF(i, std::exp(-i / 3000.0) + r * 0.1 + (i == 5000 + r ? 5.0 : 0.0)));
            data.curves.insert(run, pts);
        }
        data.curveKeys = {"mlp.loss"};
        data.curveKey = "mlp.loss";
        RunComparisonView view;
        view.resize(1200, 700);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        view.setData(data);
        view.chart()->refresh();
        const int width = int(view.chart()->chart()->plotArea().width());
        QVERIFY(width > 100);
        for (int r = 0; r < 10; ++r) {
            QLineSeries *s = view.chart()->series(data.runIds[r]);
            QVERIFY(s);
            QVERIFY2(s->count() <= 4 * width + 4, qPrintable(QString::number(s->count())));
            double maxY = 0;
            for (const QPointF &pt : s->points())
                maxY = std::max(maxY, pt.y());
            QCOMPARE(maxY, 5.0 + r * 0.1 + std::exp(-(5000 + r) / 3000.0));
        }
    }
};

FB_UI_TEST_MAIN(TestHistory)
#include "tst_history.moc"
