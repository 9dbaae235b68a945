// Incremental re-runs: the output cache on disk and in memory, invalidation by parameter edits
// and by input file changes, its size bound, damaged entries, and the port data files.

#include "data/Datasets.h"
#include "exec/Executor.h"
#include "exec/OutputCache.h"
#include "exec/PortDataIO.h"
#include "model/MetricsData.h"
#include "model/Model.h"
#include "pipeline/NodeRegistry.h"
#include "pipeline/PipelineFile.h"

#include <QDirIterator>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

using namespace fb;

namespace {

QString sourceDir()
{
    return qEnvironmentVariable("FLOWBENCH_SOURCE_DIR", QStringLiteral(FLOWBENCH_SOURCE_DIR_FALLBACK));
}

QHash<QString, bool> cachedFlags(const RunResult &r)
{
    QHash<QString, bool> out;
    for (const TaskResult &t : r.tasks)
        out.insert(t.nodeId, t.cached);
    return out;
}

} // namespace

class TestCache : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    PipelineData m_pipeline;
    QString m_csv;

    RunResult run(const PipelineData &p, std::shared_ptr<OutputCache> cache, Executor *reuse = nullptr,
                  bool keep = false)
    {
        Executor own(NodeRegistry::builtin());
        Executor &ex = reuse ? *reuse : own;
        RunRequest req;
        req.pipeline = p;
        req.pipelinePath = m_dir.filePath(QStringLiteral("p.flow"));
        req.cache = std::move(cache);
        req.keepOutputs = keep;
        req.artifactRoot = m_dir.filePath(QStringLiteral("artifacts"));
        QString error;
        if (!ex.start(req, &error))
            qWarning("%s", qPrintable(error));
        ex.wait();
        return ex.result();
    }

private Q_SLOTS:
    void initTestCase()
    {
        // The classification example, reading a private copy of iris so the test can edit it.
        m_csv = m_dir.filePath(QStringLiteral("iris.csv"));
        QVERIFY(QFile::copy(sourceDir() + QStringLiteral("/resources/datasets/iris.csv"), m_csv));
        QFile::setPermissions(m_csv, QFile::ReadOwner | QFile::WriteOwner);
        QString error;
        auto p = PipelineFile::load(sourceDir() + QStringLiteral("/resources/examples/classification.flow"), &error);
        QVERIFY2(p, qPrintable(error));
        m_pipeline = *p;
        m_pipeline.node(m_pipeline.keyOf(QStringLiteral("data")))->params.insert(QStringLiteral("path"), m_csv);
    }

    void secondRunIsServedFromCache()
    {
        auto cache = std::make_shared<OutputCache>(m_dir.filePath(QStringLiteral("c1")));
        const RunResult first = run(m_pipeline, cache);
        QCOMPARE(first.state, TaskState::Success);
        for (const TaskResult &t : first.tasks)
            QVERIFY(!t.cached);
        const RunResult second = run(m_pipeline, cache);
        QCOMPARE(second.state, TaskState::Success);
        const auto cached = cachedFlags(second);
        for (const QString &id : {QStringLiteral("data"), QStringLiteral("split"), QStringLiteral("scale"),
                                  QStringLiteral("train"), QStringLiteral("evaluate")})
            QVERIFY2(cached.value(id), qPrintable(id));
        QVERIFY(!cached.value(QStringLiteral("save"))); // side effects always run
        // Same results from the cache.
        QCOMPARE(second.task(QStringLiteral("evaluate"))->metrics, first.task(QStringLiteral("evaluate"))->metrics);
        QVERIFY(cache->totalBytes() > 0);
    }

    void editRecomputesOnlyTheNodeAndItsDescendants()
    {
        auto cache = std::make_shared<OutputCache>(m_dir.filePath(QStringLiteral("c2")));
        run(m_pipeline, cache);
        PipelineData edited = m_pipeline;
        edited.node(edited.keyOf(QStringLiteral("train")))->params.insert(QStringLiteral("C"), 0.25);
        const auto cached = cachedFlags(run(edited, cache));
        QVERIFY(cached.value(QStringLiteral("data")));
        QVERIFY(cached.value(QStringLiteral("split")));
        QVERIFY(cached.value(QStringLiteral("scale")));
        QVERIFY(!cached.value(QStringLiteral("train")));
        QVERIFY(!cached.value(QStringLiteral("evaluate")));
        // Back to the original value: everything is a hit again.
        QVERIFY(cachedFlags(run(m_pipeline, cache)).value(QStringLiteral("train")));
    }

    void editedInputFileIsNeverServedStale()
    {
        auto cache = std::make_shared<OutputCache>(m_dir.filePath(QStringLiteral("c3")));
        const RunResult before = run(m_pipeline, cache);
        // Drop the last 50 rows (all virginica): same path, new size and time.
        QFile f(m_csv);
        QVERIFY(f.open(QIODevice::ReadOnly));
        QList<QByteArray> lines = f.readAll().split('\n');
        f.close();
        while (!lines.isEmpty() && lines.last().isEmpty())
            lines.removeLast();
        lines = lines.mid(0, lines.size() - 50);
        QThread::msleep(20); // a different modification time even on coarse file systems
        QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
        f.write(lines.join('\n') + '\n');
        f.close();
        const RunResult after = run(m_pipeline, cache);
        QCOMPARE(after.state, TaskState::Success);
        for (const TaskResult &t : after.tasks)
            QVERIFY2(!t.cached, qPrintable(t.nodeId));
        Q_UNUSED(before);
        // The model now knows two classes only.
        Executor ex(NodeRegistry::builtin());
        run(m_pipeline, cache, &ex, true);
        auto model = std::dynamic_pointer_cast<const Model>(ex.output(QStringLiteral("train"), QStringLiteral("model")));
        QVERIFY(model);
        QCOMPARE(model->classes.size(), 2);
        // Restore for the other tests.
        QVERIFY(QFile::remove(m_csv));
        QVERIFY(QFile::copy(sourceDir() + QStringLiteral("/resources/datasets/iris.csv"), m_csv));
        QFile::setPermissions(m_csv, QFile::ReadOwner | QFile::WriteOwner);
    }

    void previousRunIsReusedInMemory()
    {
        Executor ex(NodeRegistry::builtin());
        run(m_pipeline, nullptr, &ex, true);
        const auto first = ex.output(QStringLiteral("train"), QStringLiteral("model"));
        const auto cached = cachedFlags(run(m_pipeline, nullptr, &ex, true));
        QVERIFY(cached.value(QStringLiteral("train")));
        // Not a copy: the very same object.
        QVERIFY(ex.output(QStringLiteral("train"), QStringLiteral("model")) == first);
    }

    void damagedEntriesAreMisses()
    {
        auto cache = std::make_shared<OutputCache>(m_dir.filePath(QStringLiteral("c4")));
        run(m_pipeline, cache);
        // Truncate every cached table file.
        QDirIterator it(cache->dir(), {QStringLiteral("*.fbt")}, QDir::Files, QDirIterator::Subdirectories);
        int damaged = 0;
        while (it.hasNext()) {
            QFile f(it.next());
            QVERIFY(f.open(QIODevice::ReadWrite));
            f.resize(f.size() / 2);
            ++damaged;
        }
        QVERIFY(damaged > 0);
        const RunResult r = run(m_pipeline, cache);
        QCOMPARE(r.state, TaskState::Success);
        QVERIFY(!cachedFlags(r).value(QStringLiteral("data")));
        // Deleting the whole cache is safe too.
        cache->clear();
        QCOMPARE(run(m_pipeline, cache).state, TaskState::Success);
    }

    void sizeIsBounded()
    {
        auto cache = std::make_shared<OutputCache>(m_dir.filePath(QStringLiteral("c5")), 40 * 1024);
        for (int seed = 0; seed < 6; ++seed) {
            PipelineData p = m_pipeline;
            p.node(p.keyOf(QStringLiteral("split")))->params.insert(QStringLiteral("seed"), seed);
            run(p, cache);
            QVERIFY2(cache->totalBytes() <= 40 * 1024, qPrintable(QString::number(cache->totalBytes())));
        }
    }

    void portDataRoundTrip()
    {
        // A view of a table with categorical columns and fitted preprocessing.
        const TablePtr iris = loadSampleDataset(QStringLiteral("iris"));
        std::vector<Eigen::Index> rows;
        for (Eigen::Index i = 40; i < 120; ++i)
            rows.push_back(i);
        const TablePtr view = iris->takeRows(rows)->withRoles({{QStringLiteral("petal_width"), ColumnRole::Ignored}});
        const QString path = m_dir.filePath(QStringLiteral("t.fbt"));
        QString error;
        QVERIFY2(writePortData(*view, path, &error), qPrintable(error));
        auto back = std::dynamic_pointer_cast<const Table>(readPortData(PortType::Table, path, &error));
        QVERIFY2(back, qPrintable(error));
        QCOMPARE(back->columnNames(), view->columnNames());
        QCOMPARE(back->rowCount(), view->rowCount());
        QCOMPARE(back->column(3).role, ColumnRole::Ignored);
        for (Eigen::Index r = 0; r < view->rowCount(); ++r)
            for (int c = 0; c < view->columnCount(); ++c)
                QCOMPARE(back->displayValue(r, c), view->displayValue(r, c));
        QCOMPARE(back->origin(), view->origin());
        // Foreign and truncated files are refused by name.
        QFile f(path);
        QVERIFY(f.open(QIODevice::ReadWrite));
        f.resize(f.size() - 3);
        f.close();
        QVERIFY(!readPortData(PortType::Table, path, &error));
        QVERIFY2(error.contains(path) && error.contains(QStringLiteral("not a valid Flowbench table file")), qPrintable(error));

        MetricsData m;
        m.task = QStringLiteral("classification");
        m.values = {{QStringLiteral("z"), 1.5}, {QStringLiteral("a"), qQNaN()}};
        m.details.insert(QStringLiteral("classes"), QJsonArray{QStringLiteral("x")});
        const QString mp = m_dir.filePath(QStringLiteral("m.json"));
        QVERIFY(writePortData(m, mp, &error));
        auto mb = std::dynamic_pointer_cast<const MetricsData>(readPortData(PortType::Metrics, mp, &error));
        QVERIFY(mb);
        QCOMPARE(mb->values.first(), (QPair<QString, double>{QStringLiteral("z"), 1.5}));
        QVERIFY(std::isnan(mb->values.at(1).second));
        QCOMPARE(mb->details, m.details);
    }
};

QTEST_GUILESS_MAIN(TestCache)
#include "tst_cache.moc"
