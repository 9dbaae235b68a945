#pragma once

#include "OnnxProto.h"

#include <QByteArray>
#include <QSet>

#include <cstdint>
#include <vector>

namespace fb::onnx {

// Builds an ONNX graph node by node: unique tensor names, constants as initializers, and a
// one-line call per operator. Every tensor the exporter passes around is named by the
// QByteArray these functions return.
class GraphBuilder
{
public:
    static constexpr std::int64_t kBatch = -1; // the symbolic batch dimension "N"

    // Reserves `name` (graph inputs and outputs keep the names users see).
    void reserve(const QByteArray &name) { m_used.insert(name); }
    bool isUsed(const QByteArray &name) const { return m_used.contains(name); }
    QByteArray unique(const QByteArray &hint);

    void addInput(const QByteArray &name,
                  DataType type,
                  std::vector<std::int64_t> shape,
                  QByteArray doc = {});
    void addOutput(const QByteArray &name,
                   DataType type,
                   std::vector<std::int64_t> shape,
                   QByteArray doc = {});

    QByteArray constDoubles(const QByteArray &hint,
                            std::vector<double> values,
                            std::vector<std::int64_t> dims);
    QByteArray constFloats(const QByteArray &hint,
                           std::vector<float> values,
                           std::vector<std::int64_t> dims);
    QByteArray constInts(const QByteArray &hint,
                         std::vector<std::int64_t> values,
                         std::vector<std::int64_t> dims);
    QByteArray constStrings(const QByteArray &hint,
                            std::vector<QByteArray> values,
                            std::vector<std::int64_t> dims);
    QByteArray scalar(const QByteArray &hint, double value); // double, shape []

    // One node with one output, named after `hint` (or exactly `output` when given).
    QByteArray op(const QByteArray &opType,
                  std::vector<QByteArray> inputs,
                  std::vector<Attribute> attributes = {},
                  const QByteArray &hint = {},
                  const QByteArray &domain = {},
                  const QByteArray &output = {});

    // Common operators (ai.onnx opset 17).
    QByteArray cast(const QByteArray &x, DataType to, const QByteArray &output = {});
    QByteArray add(const QByteArray &a, const QByteArray &b) { return op("Add", {a, b}); }
    QByteArray sub(const QByteArray &a, const QByteArray &b) { return op("Sub", {a, b}); }
    QByteArray mul(const QByteArray &a, const QByteArray &b) { return op("Mul", {a, b}); }
    QByteArray div(const QByteArray &a, const QByteArray &b) { return op("Div", {a, b}); }
    QByteArray matMul(const QByteArray &a, const QByteArray &b) { return op("MatMul", {a, b}); }
    QByteArray concat(const std::vector<QByteArray> &parts, std::int64_t axis);
    // Columns `indices` of a [N, k] tensor (Gather on axis 1).
    QByteArray columns(const QByteArray &x, const std::vector<std::int64_t> &indices);
    QByteArray argMax(const QByteArray &x, const QByteArray &output = {});
    QByteArray argMin(const QByteArray &x, const QByteArray &output = {});
    // Sum over the last axis of a [N, K, p] tensor -> [N, K].
    QByteArray reduceSumLast(const QByteArray &x);

    Graph &graph() { return m_graph; }

private:
    QByteArray argExtreme(const QByteArray &opType, const QByteArray &x, const QByteArray &output);

    Graph m_graph;
    QSet<QByteArray> m_used;
};

} // namespace fb::onnx
