// The output inspector on real outputs: the shipped example run on the real executor, a
// 1,000,000-row table opened and scrolled in the virtual view, column summaries computed off
// the GUI thread (and cancelled when the selection changes), model and metrics summaries.

#include "MainWindow.h"
#include "UiTestUtil.h"
#include "canvas/NodeItem.h"
#include "data/Table.h"
#include "run/RunController.h"
#include "exec/Executor.h"
#include "model/MetricsData.h"
#include "output/ColumnSummaryModel.h"
#include "output/ModelSummaryView.h"
#include "output/OutputInspector.h"
#include "output/TablePane.h"
#include "pipeline/NodeRegistry.h"
#include "pipeline/PipelineFile.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QScrollBar>
#include <QTabWidget>
#include <QTableView>
#include <QTableWidget>
#include <QTest>

#include <random>

using namespace fb;


class TestOutput : public QObject
{
    Q_OBJECT

    std::unique_ptr<Executor> m_executor;

private Q_SLOTS:
    void initTestCase()
    {
        QString error;
        const auto pipeline = PipelineFile::load(fbtest::examplePath(), &error);
        QVERIFY2(pipeline, qPrintable(error));
        m_executor = std::make_unique<Executor>(NodeRegistry::builtin());
        RunRequest request;
        request.pipeline = *pipeline;
        request.pipelinePath = fbtest::examplePath();
        request.artifactRoot = m_artifacts.path();
        request.keepOutputs = true;
        QVERIFY2(m_executor->start(request, &error), qPrintable(error));
        m_executor->wait();
        QCOMPARE(m_executor->result().state, TaskState::Success);
    }

    void hintBeforeSelectionAndBeforeRun()
    {
        OutputInspector inspector;
        QVERIFY(inspector.hint().contains(QStringLiteral("Select a node")));
        inspector.showNode(QStringLiteral("split"), {QStringLiteral("train"), QStringLiteral("test")});
        // No provider yet = nothing produced: the hint says how to get outputs.
        QVERIFY2(inspector.hint().contains(QStringLiteral("run the pipeline")), qPrintable(inspector.hint()));
    }

    void splitShowsBothTablesWithSummaries()
    {
        OutputInspector inspector;
        inspector.setProvider([this](const QString &n, const QString &p) { return m_executor->output(n, p); });
        inspector.resize(900, 500);
        inspector.show();
        inspector.showNode(QStringLiteral("split"), {QStringLiteral("train"), QStringLiteral("test")});
        QVERIFY(inspector.hint().isEmpty());
        QCOMPARE(inspector.tabs()->count(), 2);
        auto *train = qobject_cast<TablePane *>(inspector.tabs()->widget(0));
        QVERIFY(train);
        const auto table = std::dynamic_pointer_cast<const Table>(m_executor->output(QStringLiteral("split"), QStringLiteral("train")));
        QCOMPARE(train->rowsView()->model()->rowCount(), int(table->rowCount()));
        QCOMPARE(train->rowsView()->model()->columnCount(), table->columnCount());
        // The target column is marked in its header.
        const int target = table->targetColumn();
        QVERIFY(train->rowsView()->model()->headerData(target, Qt::Horizontal).toString().contains(QStringLiteral("target")));
        QTRY_VERIFY(!train->summaryPending() && train->summaryModel()->rowCount() == table->columnCount());
        // Histogram bins add up to the non-missing values of the column.
        const ColumnStats &s = train->summaryModel()->stats().at(0);
        qint64 sum = 0;
        for (qint64 c : s.histogram)
            sum += c;
        QCOMPARE(sum, s.count);
        QCOMPARE(s.count, qint64(table->rowCount()));
        // The species column is categorical with its 3 levels.
        const ColumnStats &species = train->summaryModel()->stats().at(target);
        QCOMPARE(species.kind, ColumnKind::Categorical);
        QCOMPARE(species.distinct, qint64(3));
    }

    void modelAndMetricsSummaries()
    {
        OutputInspector inspector;
        inspector.setProvider([this](const QString &n, const QString &p) { return m_executor->output(n, p); });
        inspector.showNode(QStringLiteral("train"), {QStringLiteral("model")});
        auto *view = qobject_cast<ModelSummaryView *>(inspector.tabs()->widget(0));
        QVERIFY(view);
        QVERIFY2(view->headline().contains(QStringLiteral("Logistic Regression")), qPrintable(view->headline()));
        QCOMPARE(view->importanceTable()->rowCount(), 4);
        // Ranked: the first row has the largest importance.
        const double first = view->importanceTable()->item(0, 1)->text().toDouble();
        for (int r = 1; r < 4; ++r)
            QVERIFY(view->importanceTable()->item(r, 1)->text().toDouble() <= first);

        inspector.showNode(QStringLiteral("evaluate"), {QStringLiteral("metrics")});
        auto *table = qobject_cast<QTableWidget *>(inspector.tabs()->widget(0));
        QVERIFY(table);
        const auto data = std::dynamic_pointer_cast<const MetricsData>(m_executor->output(QStringLiteral("evaluate"), QStringLiteral("metrics")));
        QCOMPARE(table->rowCount(), int(data->values.size()));
        QCOMPARE(table->item(0, 0)->text(), data->values.first().first);
    }

    void millionRowsOpenAndScrollAtOnce()
    {
        const Eigen::Index rows = 1'000'000;
        Eigen::MatrixXd m(rows, 20);
        std::mt19937_64 rng(7);
        std::normal_distribution<double> normal;
        for (Eigen::Index j = 0; j < m.cols(); ++j)
            for (Eigen::Index i = 0; i < rows; ++i)
                m(i, j) = normal(rng);
        QStringList names;
        for (int j = 0; j < 20; ++j)
            names.append(QStringLiteral("f%1").arg(j));
        const double last = m(rows - 1, 3);
        const TablePtr table = Table::fromMatrix(names, std::move(m));

        TablePane pane;
        pane.resize(1000, 600);
        pane.show();
        QVERIFY(QTest::qWaitForWindowExposed(&pane));
        QElapsedTimer timer;
        timer.start();
        pane.setTable(table);
        QApplication::processEvents();
        const qint64 openMs = timer.elapsed();
        timer.restart();
        pane.rowsView()->scrollToBottom();
        pane.rowsView()->verticalScrollBar()->setValue(pane.rowsView()->verticalScrollBar()->maximum() / 2);
        pane.rowsView()->scrollToBottom();
        pane.rowsView()->viewport()->repaint();
        const qint64 scrollMs = timer.elapsed();
        qInfo("1,000,000 x 20: open %lld ms, scroll + repaint %lld ms", openMs, scrollMs);
        // Generous bounds for a loaded 2-core CI machine; the view is virtual, so the real
        // figures are a few milliseconds.
        QVERIFY2(openMs < 1000, qPrintable(QString::number(openMs)));
        QVERIFY2(scrollMs < 500, qPrintable(QString::number(scrollMs)));
        const QModelIndex lastCell = pane.rowsView()->model()->index(int(rows) - 1, 3);
        QCOMPARE(lastCell.data().toString(), QString::number(last, 'g', 10));
        QVERIFY(pane.rowsView()->visualRect(lastCell).isValid());

        // Replacing the table while its summary is computed cancels it; the new one wins.
        const TablePtr small = Table::fromMatrix({QStringLiteral("x")}, Eigen::MatrixXd::Constant(3, 1, 2.0));
        pane.setTable(small);
        QTRY_VERIFY_WITH_TIMEOUT(!pane.summaryPending() && pane.summaryModel()->rowCount() == 1, 20000);
        QCOMPARE(pane.summaryModel()->stats().at(0).mean, 2.0);
    }

    // In the window: select a node after a run, the Output dock shows what it produced.
    void outputDockFollowsSelection()
    {
        MainWindow w;
        w.resize(1400, 900);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QVERIFY(w.openFile(fbtest::examplePath()));
        auto *inspector = w.findChild<OutputInspector *>(QStringLiteral("outputInspector"));
        QVERIFY(inspector);
        w.runController()->runAllAction()->trigger();
        QTRY_VERIFY_WITH_TIMEOUT(!w.runController()->isRunning() && w.runController()->runAllAction()->isEnabled(), 60000);
        w.scene()->clearSelection();
        w.scene()->nodeItemById(QStringLiteral("split"))->setSelected(true);
        QCOMPARE(inspector->nodeId(), QStringLiteral("split"));
        QCOMPARE(inspector->tabs()->count(), 2);
        QCOMPARE(inspector->tabs()->tabText(1), QStringLiteral("test"));
        w.scene()->clearSelection();
        w.scene()->nodeItemById(QStringLiteral("train"))->setSelected(true);
        QCOMPARE(inspector->nodeId(), QStringLiteral("train"));
        QVERIFY(qobject_cast<ModelSummaryView *>(inspector->tabs()->widget(0)));
    }

    void cleanupTestCase() { m_executor.reset(); }

private:
    QTemporaryDir m_artifacts;
};

FB_UI_TEST_MAIN(TestOutput)
#include "tst_output.moc"
