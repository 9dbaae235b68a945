// Run history at scale (offscreen): a store with 100 runs × 10,000 steps of 3 training curves
// (plus final scores, parameters, task tries and logs) — 3 million metric rows. Measured:
//   open:    the Runs panel from refresh() until its model is populated (runs, task counts,
//            final metrics, read on a pool thread with its own connection) and painted once
//   compare: the comparison of 10 runs from compare() until the chart series are filled,
//            the tables built and the window painted once (grab())
// Each is repeated; the first repetition is reported separately (cold caches). The store is
// generated once and reused (--store), because writing 3 million rows takes a while.
//
// Usage: bench_ui_history [--store FILE] [--runs 100] [--steps 10000] [--repeat 5]

#include "history/RunComparisonView.h"
#include "history/RunHistoryModel.h"
#include "history/RunHistoryPanel.h"
#include "monitor/TrainingChart.h"
#include "store/RunQueries.h"
#include "store/RunStore.h"

#include <QApplication>
#include <QDateTime>
#include <QDir>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFileInfo>
#include <QLineSeries>
#include <QTimer>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>
#include <random>
#include <vector>

using namespace fb;

namespace {

const QStringList curveKeys{QStringLiteral("loss"),
                            QStringLiteral("val_loss"),
                            QStringLiteral("val_score")};

QString argValue(const QStringList &args, const QString &name, const QString &fallback)
{
    const qsizetype i = args.indexOf(name);
    return i >= 0 && i + 1 < args.size() ? args.at(i + 1) : fallback;
}

int storedRuns(const QString &path)
{
    if (!QFileInfo::exists(path))
        return 0;
    RunQueries q(StoreLocation::sqlite(path));
    return int(q.overview().size());
}

// Writes `runs` runs the way the executor's events would: run start with its parameters, five
// tasks, per-epoch curves of an MLP, final scores of an evaluate node, a few log lines.
bool generate(const QString &path, int runs, int steps)
{
    QFile::remove(path);
    QFile::remove(path + QStringLiteral("-wal"));
    QFile::remove(path + QStringLiteral("-shm"));
    QString error;
    auto store = RunStore::open(path, &error);
    if (!store) {
        std::fprintf(stderr, "%s\n", qPrintable(error));
        return false;
    }
    std::mt19937 rng(42);
    std::normal_distribution<double> noise(0.0, 0.01);
    const QStringList nodes{QStringLiteral("data"),
                            QStringLiteral("split"),
                            QStringLiteral("scale"),
                            QStringLiteral("mlp"),
                            QStringLiteral("evaluate")};
    const qint64 base = QDateTime::currentMSecsSinceEpoch() - qint64(runs) * 3'600'000;
    for (int r = 0; r < runs; ++r) {
        const QString runId = QStringLiteral("bench-%1").arg(r, 3, 10, QLatin1Char('0'));
        const double lr = 1e-3 * (1 + r % 7);
        const qint64 start = base + qint64(r) * 3'600'000;
        auto info = std::make_shared<RunInfo>();
        info->runId = runId;
        info->pipelineName = r % 4 == 0 ? QStringLiteral("regression")
                                        : QStringLiteral("classification");
        info->pipelinePath = QStringLiteral("/bench/%1.flow").arg(info->pipelineName);
        info->taskParams = QJsonObject{
            {QStringLiteral("data"),
             QJsonObject{{QStringLiteral("path"), QStringLiteral("data.csv")}}},
            {QStringLiteral("split"),
             QJsonObject{{QStringLiteral("seed"), 42}, {QStringLiteral("test_size"), 0.3}}},
            {QStringLiteral("mlp"),
             QJsonObject{{QStringLiteral("learning_rate_init"), lr},
                         {QStringLiteral("hidden_layer_sizes"), QStringLiteral("64,32")},
                         {QStringLiteral("max_iter"), steps},
                         {QStringLiteral("alpha"), 1e-4}}},
        };
        RunEvent e;
        e.runId = runId;
        e.kind = RunEvent::Kind::RunStarted;
        e.state = TaskState::Running;
        e.timeMs = start;
        e.info = info;
        store->post(e);
        e.info.reset();
        qint64 t = start;
        for (const QString &node : nodes) {
            RunEvent s = e;
            s.kind = RunEvent::Kind::TaskState;
            s.nodeId = node;
            s.tryNumber = 1;
            s.state = TaskState::Running;
            s.timeMs = t;
            store->post(s);
            if (node == QStringLiteral("mlp")) {
                RunEvent m = s;
                m.kind = RunEvent::Kind::Metric;
                for (int i = 1; i <= steps; ++i) {
                    const double decay = std::exp(-i * lr * 3.0 / steps * 100);
                    m.step = i;
                    m.timeMs = t + i;
                    for (int k = 0; k < curveKeys.size(); ++k) {
                        m.key = curveKeys[k];
                        m.value = k == 2 ? 1.0 - 0.5 * decay + noise(rng)
                                         : (0.05 + decay) * (1 + 0.1 * k) + noise(rng);
                        store->post(m);
                    }
                }
                t += steps;
            }
            if (node == QStringLiteral("evaluate")) {
                RunEvent m = s;
                m.kind = RunEvent::Kind::Metric;
                m.step = 0;
                for (const auto &[key, value] :
                     {std::pair{QStringLiteral("accuracy"), 0.8 + 0.002 * (r % 50)},
                      std::pair{QStringLiteral("f1"), 0.78 + 0.002 * (r % 40)},
                      std::pair{QStringLiteral("log_loss"), 0.5 - 0.003 * (r % 60)}}) {
                    m.key = key;
                    m.value = value;
                    store->post(m);
                }
            }
            RunEvent l = s;
            l.kind = RunEvent::Kind::Log;
            l.text = QStringLiteral("%1 finished").arg(node);
            store->post(l);
            s.state = TaskState::Success;
            s.timeMs = t + 50;
            store->post(s);
            t += 100;
        }
        e.kind = RunEvent::Kind::RunFinished;
        e.state = TaskState::Success;
        e.timeMs = t;
        store->post(e);
    }
    if (!store->flush(600000)) {
        std::fprintf(stderr, "flush failed: %s\n", qPrintable(store->lastError()));
        return false;
    }
    return true;
}

// Runs `start`, then the event loop until `sender` emits `signal` (false after `timeoutMs`).
template<typename Sender, typename Signal>
bool runUntil(Sender *sender,
              Signal signal,
              const std::function<void()> &start,
              int timeoutMs = 60000)
{
    QEventLoop loop;
    bool fired = false;
    const auto connection = QObject::connect(sender, signal, &loop, [&] {
        fired = true;
        loop.quit();
    });
    QTimer::singleShot(timeoutMs, &loop, &QEventLoop::quit);
    start();
    if (!fired)
        loop.exec();
    QObject::disconnect(connection);
    return fired;
}

double median(std::vector<double> v)
{
    std::sort(v.begin(), v.end());
    return v.empty() ? 0 : v[v.size() / 2];
}

} // namespace

int main(int argc, char **argv)
{
    qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    const QStringList args = app.arguments();
    const QString path = QFileInfo(argValue(args,
                                            QStringLiteral("--store"),
                                            QDir::temp().filePath(QStringLiteral(
                                                "flowbench-bench-history/store.sqlite"))))
                             .absoluteFilePath();
    const int runs = argValue(args, QStringLiteral("--runs"), QStringLiteral("100")).toInt();
    const int steps = argValue(args, QStringLiteral("--steps"), QStringLiteral("10000")).toInt();
    const int repeat
        = std::max(1, argValue(args, QStringLiteral("--repeat"), QStringLiteral("5")).toInt());
    QDir().mkpath(QFileInfo(path).absolutePath());

    if (storedRuns(path) != runs) {
        std::printf("generating %d runs x %d steps x %d curves in %s ...\n",
                    runs,
                    steps,
                    int(curveKeys.size()),
                    qPrintable(path));
        QElapsedTimer gen;
        gen.start();
        if (!generate(path, runs, steps))
            return 1;
        std::printf("  generated in %.1f s, %.0f MB\n",
                    gen.elapsed() / 1000.0,
                    QFileInfo(path).size() / 1e6);
    }
    QString error;
    auto store = RunStore::open(path, &error);
    if (!store) {
        std::fprintf(stderr, "%s\n", qPrintable(error));
        return 1;
    }

    // Open the history.
    RunHistoryPanel panel;
    panel.resize(1200, 400);
    panel.show();
    std::vector<double> openMs;
    for (int i = 0; i < repeat; ++i) {
        QElapsedTimer t;
        t.start();
        const bool loaded = runUntil(&panel, &RunHistoryPanel::loaded, [&] {
            if (i == 0)
                panel.setStore(store.get());
            else
                panel.refresh();
        });
        if (!loaded) {
            std::fprintf(stderr, "history did not load\n");
            return 1;
        }
        panel.grab();
        openMs.push_back(t.nsecsElapsed() / 1e6);
    }
    const int listed = panel.model()->rowCount();
    std::printf("open history: %d runs listed, %lld metric columns\n",
                listed,
                static_cast<long long>(panel.model()->metricColumns().size()));
    std::printf("  first %.1f ms, median %.1f ms, max %.1f ms (%d repetitions)\n",
                openMs.front(),
                median(openMs),
                *std::max_element(openMs.begin(), openMs.end()),
                repeat);

    // Compare ten runs.
    QStringList ids;
    for (int r = 0; r < 10 && r < listed; ++r)
        ids.append(panel.model()->runs().at(r * std::max(1, listed / 10)).run.runId);
    RunComparisonView view;
    view.resize(1280, 760);
    view.show();
    std::vector<double> compareMs, loadMs;
    qsizetype shownPoints = 0, storedPoints = 0;
    for (int i = 0; i < repeat; ++i) {
        QElapsedTimer t;
        t.start();
        if (!runUntil(&view, &RunComparisonView::compared, [&] {
                view.compare(store->location(), ids);
            })) {
            std::fprintf(stderr, "comparison did not load\n");
            return 1;
        }
        loadMs.push_back(t.nsecsElapsed() / 1e6);
        view.chart()->refresh();
        view.grab();
        compareMs.push_back(t.nsecsElapsed() / 1e6);
        shownPoints = storedPoints = 0;
        for (const QString &id : ids) {
            if (QLineSeries *s = view.chart()->series(id))
                shownPoints += s->count();
            storedPoints += view.data().curves.value(id).size();
        }
    }
    std::printf(
        "compare %lld runs: %lld points of %s read, %lld drawn (decimated to the plot width)\n",
        static_cast<long long>(ids.size()),
        static_cast<long long>(storedPoints),
        qPrintable(view.data().curveKey),
        static_cast<long long>(shownPoints));
    std::printf("  data ready: first %.1f ms, median %.1f ms\n", loadMs.front(), median(loadMs));
    std::printf("  series filled + painted: first %.1f ms, median %.1f ms, max %.1f ms\n",
                compareMs.front(),
                median(compareMs),
                *std::max_element(compareMs.begin(), compareMs.end()));
    const bool ok = median(openMs) < 1000 && median(compareMs) < 1000;
    std::printf("%s (target: both under 1000 ms)\n", ok ? "PASS" : "FAIL");
    return ok ? 0 : 2;
}
