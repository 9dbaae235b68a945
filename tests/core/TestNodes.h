#pragma once

// Small node types for executor and pipeline tests: numbers travel as 1x1 tables so the real
// Table/port machinery is exercised.

#include "data/Table.h"
#include "exec/NodeContext.h"
#include "pipeline/NodeRegistry.h"

#include <QThread>

#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>

namespace fbtest {

inline fb::TablePtr number(double v)
{
    Eigen::MatrixXd m(1, 1);
    m(0, 0) = v;
    return fb::Table::fromMatrix({QStringLiteral("v")}, m);
}

inline double valueOf(const fb::PortDataPtr &p)
{
    auto t = std::dynamic_pointer_cast<const fb::Table>(p);
    return t ? t->numericData()(0, 0) : qQNaN();
}

// Shared state the test nodes report to; reset by each test.
struct Probe
{
    std::mutex mutex;
    QStringList started;
    std::atomic<int> flakyCalls{0};
    std::atomic<int> rendezvous{0};
    void reset()
    {
        std::lock_guard lock(mutex);
        started.clear();
        flakyCalls = 0;
        rendezvous = 0;
    }
};

inline Probe &probe()
{
    static Probe p;
    return p;
}

inline void markStarted(fb::NodeContext &ctx)
{
    std::lock_guard lock(probe().mutex);
    probe().started.append(ctx.nodeId());
}

inline fb::NodeRegistry testRegistry()
{
    using namespace fb;
    NodeRegistry r;
    const PortSpec out{QStringLiteral("out"), PortType::Table, QStringLiteral("value")};
    r.add(NodeType{QStringLiteral("const"), QStringLiteral("Const"), QStringLiteral("Test"),
                   QStringLiteral("outputs a number"), {}, {}, {out},
                   {ParamSpec::real(QStringLiteral("value"), 1.0, -1e9, 1e9, QStringLiteral("the number"))},
                   [](NodeContext &ctx) {
                       markStarted(ctx);
                       ctx.setOutput(QStringLiteral("out"), number(ctx.paramDouble(QStringLiteral("value"))));
                   }});
    r.add(NodeType{QStringLiteral("add"), QStringLiteral("Add"), QStringLiteral("Test"),
                   QStringLiteral("a + b"), {},
                   {{QStringLiteral("a"), PortType::Table, {}}, {QStringLiteral("b"), PortType::Table, {}, true}},
                   {out}, {},
                   [](NodeContext &ctx) {
                       markStarted(ctx);
                       double v = valueOf(ctx.input(QStringLiteral("a")));
                       if (auto b = ctx.input(QStringLiteral("b")))
                           v += valueOf(b);
                       ctx.setOutput(QStringLiteral("out"), number(v));
                   }});
    r.add(NodeType{QStringLiteral("fail"), QStringLiteral("Fail"), QStringLiteral("Test"),
                   QStringLiteral("always fails"), {},
                   {{QStringLiteral("a"), PortType::Table, {}, true}}, {out}, {},
                   [](NodeContext &ctx) {
                       markStarted(ctx);
                       throw NodeError(QStringLiteral("deliberate failure"));
                   }});
    r.add(NodeType{QStringLiteral("throw_std"), QStringLiteral("Throw"), QStringLiteral("Test"),
                   QStringLiteral("throws std::runtime_error"), {}, {}, {out}, {},
                   [](NodeContext &) { throw std::runtime_error("plain std exception"); }});
    r.add(NodeType{QStringLiteral("no_output"), QStringLiteral("NoOutput"), QStringLiteral("Test"),
                   QStringLiteral("forgets its output"), {}, {}, {out}, {}, [](NodeContext &) {}});
    // Loops for `ms` milliseconds, checking for cancellation every millisecond.
    r.add(NodeType{QStringLiteral("sleep"), QStringLiteral("Sleep"), QStringLiteral("Test"),
                   QStringLiteral("busy for a while"), {},
                   {{QStringLiteral("a"), PortType::Table, {}, true}}, {out},
                   {ParamSpec::integer(QStringLiteral("ms"), 100, 0, 1000000, QStringLiteral("duration"))},
                   [](NodeContext &ctx) {
                       markStarted(ctx);
                       const auto end = std::chrono::steady_clock::now()
                                        + std::chrono::milliseconds(ctx.paramInt(QStringLiteral("ms")));
                       int step = 0;
                       while (std::chrono::steady_clock::now() < end) {
                           ctx.checkCancelled();
                           ctx.metric(QStringLiteral("tick"), step++, 1.0);
                           std::this_thread::sleep_for(std::chrono::milliseconds(1));
                       }
                       ctx.setOutput(QStringLiteral("out"), number(1));
                   }});
    // Fails until it has been called `failures` times in total.
    r.add(NodeType{QStringLiteral("flaky"), QStringLiteral("Flaky"), QStringLiteral("Test"),
                   QStringLiteral("fails the first tries"), {}, {}, {out},
                   {ParamSpec::integer(QStringLiteral("failures"), 1, 0, 100, QStringLiteral("tries that fail"))},
                   [](NodeContext &ctx) {
                       const int call = ++probe().flakyCalls;
                       if (call <= ctx.paramInt(QStringLiteral("failures")))
                           throw NodeError(QStringLiteral("flaky failure %1").arg(call));
                       ctx.setOutput(QStringLiteral("out"), number(call));
                   }});
    // Waits until `count` rendezvous nodes run at the same time; fails after 10 s. Proves that
    // independent branches run in parallel without timing assumptions.
    r.add(NodeType{QStringLiteral("rendezvous"), QStringLiteral("Rendezvous"), QStringLiteral("Test"),
                   QStringLiteral("meets its siblings"), {}, {}, {out},
                   {ParamSpec::integer(QStringLiteral("count"), 2, 1, 64, QStringLiteral("siblings"))},
                   [](NodeContext &ctx) {
                       ++probe().rendezvous;
                       const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
                       while (probe().rendezvous < ctx.paramInt(QStringLiteral("count"))) {
                           if (std::chrono::steady_clock::now() > deadline)
                               throw NodeError(QStringLiteral("siblings never ran concurrently"));
                           ctx.checkCancelled();
                           std::this_thread::sleep_for(std::chrono::milliseconds(1));
                       }
                       ctx.setOutput(QStringLiteral("out"), number(1));
                   }});
    return r;
}

} // namespace fbtest
