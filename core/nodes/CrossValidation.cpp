#include "CrossValidation.h"

#include "Evaluation.h"
#include "exec/NodeContext.h"

#include <ml/common/Parallel.h>

#include <QElapsedTimer>
#include <QSet>

#include <atomic>
#include <cmath>
#include <mutex>
#include <thread>

namespace fb {

struct CrossValidator::Shared
{
    std::mutex mutex; // serialises every call into the NodeContext
    QSet<QString> warned;
    int repeatedWarnings = 0;
    Lineage lineage;
    std::atomic<bool> stop{false};
    std::atomic<bool> cancelled{false};
};

namespace {

// Cancellation for a fold's fit, and its per-iteration metrics as "fold<k>/<name>" (or none).
class FoldObserver final : public ml::Observer
{
public:
    FoldObserver(NodeContext &ctx,
                 std::mutex &mutex,
                 const std::atomic<bool> &stop,
                 QString prefix,
                 bool forward)
        : m_ctx(ctx)
        , m_mutex(mutex)
        , m_stop(stop)
        , m_prefix(std::move(prefix))
        , m_forward(forward)
    {}
    bool cancelled() const override
    {
        return m_stop.load(std::memory_order_relaxed) || m_ctx.isCancelled();
    }
    void onIteration(int iteration, const std::vector<ml::MetricValue> &metrics) override
    {
        if (!m_forward)
            return;
        std::lock_guard lock(m_mutex);
        for (const ml::MetricValue &m : metrics)
            m_ctx.metric(m_prefix + QString::fromStdString(m.name), iteration, m.value);
    }
    void onLog(std::string_view message) override
    {
        if (!m_forward)
            return;
        std::lock_guard lock(m_mutex);
        m_ctx.info(m_prefix + QString::fromUtf8(message.data(), qsizetype(message.size())));
    }

private:
    NodeContext &m_ctx;
    std::mutex &m_mutex;
    const std::atomic<bool> &m_stop;
    QString m_prefix;
    bool m_forward;
};

// Budget of one thread per job while jobs run side by side; restored afterwards.
class SerialBudget
{
public:
    SerialBudget()
        : m_saved(ml::threadBudget())
    {
        ml::setThreadBudget(1);
    }
    ~SerialBudget() { ml::setThreadBudget(m_saved); }
    SerialBudget(const SerialBudget &) = delete;
    SerialBudget &operator=(const SerialBudget &) = delete;

private:
    int m_saved;
};

// What a trainer sees while it fits one fold: the fold's observer, metrics and logs prefixed
// (or dropped when quiet, except warnings, each distinct one reported once).
class FoldTrainContext final : public TrainContext
{
public:
    FoldTrainContext(NodeContext &ctx,
                     std::mutex &mutex,
                     QSet<QString> &warned,
                     int &repeated,
                     const std::atomic<bool> &stop,
                     Lineage lineage,
                     QString prefix,
                     bool forward)
        : m_ctx(ctx)
        , m_mutex(mutex)
        , m_warned(warned)
        , m_repeated(repeated)
        , m_lineage(std::move(lineage))
        , m_prefix(prefix)
        , m_forward(forward)
        , m_observer(ctx, mutex, stop, std::move(prefix), forward)
    {}
    ml::Observer &observer() override { return m_observer; }
    void log(LogLevel level, const QString &message) override
    {
        std::lock_guard lock(m_mutex);
        if (level >= LogLevel::Warning && !m_forward) {
            if (m_warned.contains(message)) {
                ++m_repeated;
                return;
            }
            m_warned.insert(message);
        } else if (!m_forward) {
            return;
        }
        m_ctx.log(level, m_prefix + message);
    }
    void metric(const QString &key, qint64 step, double value) override
    {
        if (!m_forward)
            return;
        std::lock_guard lock(m_mutex);
        m_ctx.metric(m_prefix + key, step, value);
    }
    Lineage lineage() const override { return m_lineage; }

private:
    NodeContext &m_ctx;
    std::mutex &m_mutex;
    QSet<QString> &m_warned;
    int &m_repeated;
    Lineage m_lineage;
    QString m_prefix;
    bool m_forward;
    FoldObserver m_observer;
};

} // namespace

CrossValidator::CrossValidator(NodeContext &ctx,
                               const Trainer &trainer,
                               TablePtr table,
                               std::vector<Fold> folds)
    : m_ctx(ctx)
    , m_trainer(trainer)
    , m_table(std::move(table))
    , m_folds(std::move(folds))
{}

FoldResult CrossValidator::runJob(const QJsonObject &params, int fold, Shared &shared)
{
    FoldResult result;
    try {
        const TablePtr train = m_table->takeRows(m_folds[size_t(fold)].train);
        const TablePtr test = m_table->takeRows(m_folds[size_t(fold)].test);
        FoldTrainContext tc(m_ctx,
                            shared.mutex,
                            shared.warned,
                            shared.repeatedWarnings,
                            shared.stop,
                            shared.lineage,
                            QStringLiteral("fold%1/").arg(fold + 1),
                            m_reporting == Reporting::FoldMetrics);
        QElapsedTimer timer;
        timer.start();
        const ModelPtr model = m_trainer.fit(train, params, tc);
        result.fitSeconds = double(timer.nsecsElapsed()) / 1e9;
        EvaluationOptions options;
        options.details = false;
        result.values = evaluateModel(*model, test, options)->values;
    } catch (const ml::Cancelled &) {
        throw;
    } catch (const std::exception &e) {
        result.error = QString::fromUtf8(e.what());
    }
    return result;
}

std::vector<std::vector<FoldResult>> CrossValidator::run(const QList<QJsonObject> &candidates,
                                                         const CandidateDone &done)
{
    const int k = foldCount();
    const int jobs = int(candidates.size()) * k;
    std::vector<std::vector<FoldResult>> results(size_t(candidates.size()),
                                                 std::vector<FoldResult>(size_t(k)));
    std::vector<int> remaining(size_t(candidates.size()), k);
    Shared shared;
    shared.lineage = NodeTrainContext(m_ctx).lineage();
    std::atomic<int> next{0};
    int finished = 0;
    std::exception_ptr failure;

    // Jobs in candidate order, folds within: each worker takes the next one.
    auto work = [&] {
        while (!shared.stop.load(std::memory_order_relaxed)) {
            const int j = next.fetch_add(1);
            if (j >= jobs)
                return;
            const int c = j / k;
            const int f = j % k;
            FoldResult r;
            try {
                if (m_ctx.isCancelled())
                    throw ml::Cancelled{};
                r = runJob(candidates.at(c), f, shared);
            } catch (const ml::Cancelled &) {
                shared.cancelled = true;
                shared.stop = true;
                return;
            } catch (...) { // not a fit's own error (those are in r.error): out of memory, ...
                std::lock_guard lock(shared.mutex);
                if (!failure)
                    failure = std::current_exception();
                shared.stop = true;
                return;
            }
            std::lock_guard lock(shared.mutex);
            results[size_t(c)][size_t(f)] = std::move(r);
            m_ctx.progress(double(++finished) / double(jobs));
            if (--remaining[size_t(c)] == 0 && done)
                done(c, results[size_t(c)]);
        }
    };
    const int workers = std::clamp(ml::threadBudget(), 1, std::max(jobs, 1));
    if (workers <= 1) {
        work();
    } else {
        const SerialBudget serial;
        std::vector<std::thread> threads;
        for (int w = 1; w < workers; ++w)
            threads.emplace_back(work);
        work();
        for (std::thread &t : threads)
            t.join();
    }
    if (failure)
        std::rethrow_exception(failure);
    if (shared.cancelled || m_ctx.isCancelled())
        throw ml::Cancelled{};
    if (shared.repeatedWarnings > 0)
        m_ctx.info(QStringLiteral("(%1 repeated warning(s) from other fits not shown)")
                       .arg(shared.repeatedWarnings));
    return results;
}

QPair<double, double> meanAndStd(const std::vector<FoldResult> &folds, const QString &metric)
{
    std::vector<double> values;
    for (const FoldResult &f : folds) {
        if (!f.error.isEmpty())
            continue;
        for (const auto &kv : f.values)
            if (kv.first == metric)
                values.push_back(kv.second);
    }
    if (values.empty())
        return {qQNaN(), qQNaN()};
    double mean = 0.0;
    for (double v : values)
        mean += v;
    mean /= double(values.size());
    double ss = 0.0;
    for (double v : values)
        ss += (v - mean) * (v - mean);
    return {mean, std::sqrt(ss / double(values.size()))};
}

} // namespace fb
