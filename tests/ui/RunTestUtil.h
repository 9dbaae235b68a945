#pragma once

// Helpers of the run-monitoring tests: real CSV files and real pipelines in a temporary folder,
// a main window on its own run store, and waiting for runs without sleeping.

#include "ui/UiTestUtil.h"

#include "MainWindow.h"
#include "run/RunController.h"

#include <QDockWidget>
#include <QFile>
#include <QRandomGenerator>
#include <QSignalSpy>

namespace fbtest {

// A two-class problem: `features` numeric columns, label y = sign of a fixed linear
// combination plus noise, so models learn something and the curves go down.
inline bool writeClassificationCsv(const QString &path, int rows, int features, quint32 seed = 7)
{
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate))
        return false;
    QRandomGenerator rng(seed);
    QByteArray out;
    out.reserve(qsizetype(rows) * features * 10);
    for (int j = 0; j < features; ++j)
        out += "f" + QByteArray::number(j) + ',';
    out += "y\n";
    std::vector<double> x(static_cast<size_t>(features));
    for (int i = 0; i < rows; ++i) {
        double score = 0;
        for (int j = 0; j < features; ++j) {
            x[size_t(j)] = rng.generateDouble() * 2 - 1;
            score += x[size_t(j)] * ((j % 3) - 1 + 0.3 * j / features);
            out += QByteArray::number(x[size_t(j)], 'f', 4) + ',';
        }
        score += (rng.generateDouble() - 0.5) * 0.4;
        out += score > 0 ? "yes\n" : "no\n";
        if (out.size() > (1 << 22)) {
            f.write(out);
            out.clear();
        }
    }
    f.write(out);
    return f.error() == QFileDevice::NoError;
}

inline bool writeText(const QString &path, const QByteArray &text)
{
    QFile f(path);
    return f.open(QIODevice::WriteOnly | QIODevice::Truncate) && f.write(text) == text.size();
}

// Deletes a window the way closing it does. The canvas loses focus first: when the focused
// canvas is hidden during ~MainWindow, Qt moves the focus, which selects a node, and a
// selection observer (ui/output's OutputController) then asks the already deleted executor for
// outputs (a use-after-free reported to the lead; crashes ~1 run in 3 under load).
struct WindowDeleter
{
    void operator()(fb::MainWindow *w) const
    {
        w->view()->clearFocus();
        w->scene()->blockSignals(true);
        delete w;
    }
};
using WindowPtr = std::unique_ptr<fb::MainWindow, WindowDeleter>;

// A window with its own store (and so its own output cache) in `dir`.
inline WindowPtr window(const QString &dir)
{
    fb::MainWindow::Options options;
    options.storePath = dir + QStringLiteral("/store.sqlite");
    options.recoveryFolder = dir + QStringLiteral("/recovery");
    WindowPtr w(new fb::MainWindow(options));
    w->resize(1400, 900);
    w->show();
    if (!QTest::qWaitForWindowExposed(w.get()))
        qWarning("window not exposed");
    return w;
}

// Waits (processing events) until the controller's run finished; returns its result.
inline fb::RunResult waitForRun(fb::RunController *run, int timeoutMs = 60000)
{
    if (run->isRunning()) {
        QSignalSpy finished(run, &fb::RunController::runFinished);
        if (!finished.wait(timeoutMs))
            qWarning("run did not finish in time");
    }
    return run->lastResult();
}

inline QStringList cachedNodes(const fb::RunResult &r)
{
    QStringList out;
    for (const fb::TaskResult &t : r.tasks)
        if (t.cached)
            out.append(t.nodeId);
    out.sort(); // tasks come in topological order; tests compare sets
    return out;
}

inline QStringList computedNodes(const fb::RunResult &r)
{
    QStringList out;
    for (const fb::TaskResult &t : r.tasks)
        if (!t.cached && t.state == fb::TaskState::Success)
            out.append(t.nodeId);
    out.sort();
    return out;
}

} // namespace fbtest
