// The run store's file format: refusal of newer, foreign and non-SQLite files (with messages
// naming the file, and the file left untouched), versioned migrations in one transaction, a
// fresh store from an empty file, WAL mode and integrity.

#include "RunStoreTestSupport.h"

#include "exec/EventQueue.h"
#include "store/RunStore.h"
#include "store/StoreSchema.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QTest>

using namespace fb;
using namespace fbtest;
using namespace Qt::StringLiterals;

class TestRunStoreSchema : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    int m_fileCount = 0;

    QString newStorePath() { return m_dir.filePath(u"s%1/store.sqlite"_s.arg(++m_fileCount)); }

    std::unique_ptr<RunStore> openStore(const QString &path)
    {
        QString error;
        auto store = RunStore::open(path, &error);
        if (!store)
            qWarning("open failed: %s", qPrintable(error));
        return store;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        previousHandler = qInstallMessageHandler(recordSqlWarnings);
    }

    void cleanup()
    {
        std::lock_guard lock(sqlWarningsMutex);
        const QStringList warnings = std::exchange(sqlWarnings, {});
        QVERIFY2(warnings.isEmpty(), qPrintable(warnings.join(u'\n')));
    }

    void cleanupTestCase()
    {
        QCOMPARE(storeConnectionCount(), 0);
        qInstallMessageHandler(previousHandler);
    }

    void schemaVersionMatchesMigrations()
    {
        QCOMPARE(store::latestVersion(), RunStore::schemaVersion);
        int previous = 0;
        for (const store::Migration &m : store::migrations()) {
            QCOMPARE(m.version, previous + 1); // consecutive, oldest first
            previous = m.version;
        }
    }

    void refusesStoreOfNewerFlowbench()
    {
        const QString path = newStorePath();
        QVERIFY(openStore(path));
        {
            RawDb raw(path);
            QVERIFY(raw.ok());
            QVERIFY(raw.exec(u"PRAGMA user_version = 99"_s));
        }
        const QByteArray before = [&] {
            QFile f(path);
            return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
        }();
        QString error;
        QVERIFY(!RunStore::open(path, &error));
        QVERIFY2(error.contains(QDir::toNativeSeparators(QFileInfo(path).absoluteFilePath()))
                     && error.contains(u"newer Flowbench"_s)
                     && error.contains(u"schema version 99"_s)
                     && error.contains(u"up to %1"_s.arg(RunStore::schemaVersion))
                     && error.contains(QLatin1String(FLOWBENCH_VERSION)),
                 qPrintable(error));
        QFile f(path);
        QVERIFY(f.open(QIODevice::ReadOnly));
        QCOMPARE(f.readAll(), before); // refused means untouched
    }

    void refusesForeignFiles_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::addColumn<QString>("message");
        QTest::newRow("csv") << u"csv"_s << u"not an SQLite database"_s;
        QTest::newRow("foreign sqlite")
            << u"sqlite"_s << u"another application, not a Flowbench run store"_s;
        QTest::newRow("folder") << u"folder"_s << u"is a folder"_s;
    }

    void refusesForeignFiles()
    {
        QFETCH(QString, kind);
        QFETCH(QString, message);
        const QString path = newStorePath();
        QDir().mkpath(QFileInfo(path).absolutePath());
        if (kind == u"csv"_s) {
            QFile f(path);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write("sepal_length,species\n5.1,setosa\n");
        } else if (kind == u"sqlite"_s) {
            RawDb raw(path);
            QVERIFY(raw.exec(u"CREATE TABLE contacts (name TEXT)"_s));
        } else {
            QVERIFY(QDir().mkpath(path));
        }
        const QByteArray before = [&] {
            QFile f(path);
            return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
        }();
        QString error;
        QVERIFY(!RunStore::open(path, &error));
        QVERIFY2(error.contains(message), qPrintable(error));
        QVERIFY2(error.contains(QDir::toNativeSeparators(QFileInfo(path).absoluteFilePath())),
                 qPrintable(error));
        if (kind != u"folder"_s) {
            QFile f(path);
            QVERIFY(f.open(QIODevice::ReadOnly));
            QCOMPARE(f.readAll(), before);
            QVERIFY(!QFile::exists(path + u"-wal"_s));
        }
    }

    void migratesOlderStoresInOneTransaction()
    {
        const QString path = newStorePath();
        {
            auto store = openStore(path);
            QVERIFY(store);
            store->post(runStarted(u"old"_s, u"p"_s, t0));
            QVERIFY(store->flush());
        }
        RawDb raw(path);
        QCOMPARE(raw.scalar(u"PRAGMA user_version"_s).toInt(), RunStore::schemaVersion);
        QCOMPARE(raw.scalar(u"PRAGMA application_id"_s).toInt(), store::applicationId);
        QCOMPARE(raw.scalar(u"SELECT value FROM meta WHERE key = 'created_by'"_s).toString(),
                 QStringLiteral(FLOWBENCH_VERSION));

        // A future version adds a table and a column, as the model registry will.
        std::vector<store::Migration> steps = store::migrations();
        steps.push_back(
            {RunStore::schemaVersion + 1,
             u"model registry"_s,
             {QStringLiteral("CREATE TABLE models (name TEXT, version INTEGER, run_id TEXT "
                             "REFERENCES runs(run_id))"),
              u"ALTER TABLE runs ADD COLUMN note TEXT NOT NULL DEFAULT ''"_s}});
        QSqlDatabase db = raw.db();
        store::PrepareResult result;
        QString error;
        QVERIFY2(store::prepareSchema(db, path, &result, &error, steps), qPrintable(error));
        QCOMPARE(result.fromVersion, RunStore::schemaVersion);
        QCOMPARE(result.toVersion, RunStore::schemaVersion + 1);
        QCOMPARE(raw.scalar(u"PRAGMA user_version"_s).toInt(), RunStore::schemaVersion + 1);
        QCOMPARE(raw.scalar(u"SELECT count(*) FROM models"_s).toInt(), 0);
        QCOMPARE(raw.scalar(u"SELECT note FROM runs WHERE run_id = 'old'"_s).toString(), QString());

        // A step that fails half-way leaves the store as it was.
        steps.push_back({RunStore::schemaVersion + 2,
                         u"broken"_s,
                         {u"CREATE TABLE half_done (x)"_s, u"THIS IS NOT SQL"_s}});
        QVERIFY(!store::prepareSchema(db, path, &result, &error, steps));
        QVERIFY2(error.contains(u"schema version %1"_s.arg(RunStore::schemaVersion + 2))
                     && error.contains(u"left unchanged"_s),
                 qPrintable(error));
        QCOMPARE(raw.scalar(u"PRAGMA user_version"_s).toInt(), RunStore::schemaVersion + 1);
        QCOMPARE(raw.scalar(QStringLiteral(
                                "SELECT count(*) FROM sqlite_master WHERE name = 'half_done'"))
                     .toInt(),
                 0);
        db = QSqlDatabase();

        // This Flowbench now sees a store from its future.
        QVERIFY(!RunStore::open(path, &error));
        QVERIFY(error.contains(u"newer Flowbench"_s));
    }

    void createsFreshStoreFromEmptyFile()
    {
        const QString path = newStorePath();
        QDir().mkpath(QFileInfo(path).absolutePath());
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly)); // e.g. made by mktemp
        f.close();
        auto store = openStore(path);
        QVERIFY(store);
        QCOMPARE(store->listRuns().size(), 0);
    }

    void storeIsWalAndIntact()
    {
        const QString path = newStorePath();
        auto store = openStore(path);
        QVERIFY(store);
        store->post(runStarted(u"r"_s, u"p"_s, t0, {u"n=t"_s}));
        for (int step = 0; step < 5000; ++step)
            store->post(metric(u"r"_s, u"n"_s, u"loss"_s, step, step));
        QVERIFY(store->flush());
        RawDb raw(path);
        QCOMPARE(raw.scalar(u"PRAGMA journal_mode"_s).toString(), u"wal"_s);
        QCOMPARE(raw.scalar(u"PRAGMA integrity_check"_s).toString(), u"ok"_s);
        QSqlQuery fk(raw.db());
        QVERIFY(fk.exec(u"PRAGMA foreign_key_check"_s));
        QVERIFY(!fk.next());
        QVERIFY(raw.scalar(QStringLiteral(
                               "EXPLAIN QUERY PLAN SELECT step FROM metrics WHERE run_id = 'r' "
                               "AND node_id = 'n' AND key = 'loss' ORDER BY step"))
                    .isValid());
        QSqlQuery plan(raw.db());
        QVERIFY(plan.exec(
            QStringLiteral("EXPLAIN QUERY PLAN SELECT node_id, key, step, value, time_ms FROM "
                           "metrics WHERE run_id = 'r' AND node_id = 'n' AND key = 'loss' "
                           "ORDER BY node_id, key, step, rowid")));
        QString planText;
        while (plan.next())
            planText += plan.value(3).toString() + u'\n';
        QVERIFY2(planText.contains(u"metrics_by_series"_s), qPrintable(planText));
    }
};

QTEST_GUILESS_MAIN(TestRunStoreSchema)
#include "tst_runstoreschema.moc"
