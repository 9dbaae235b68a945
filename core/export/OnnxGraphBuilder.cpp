#include "OnnxGraphBuilder.h"

namespace fb::onnx {

QByteArray GraphBuilder::unique(const QByteArray &hint)
{
    const QByteArray base = hint.isEmpty() ? QByteArray("t") : hint;
    QByteArray name = base;
    for (int i = 1; m_used.contains(name); ++i)
        name = base + '_' + QByteArray::number(i);
    m_used.insert(name);
    return name;
}

void GraphBuilder::addInput(const QByteArray &name,
                            DataType type,
                            std::vector<std::int64_t> shape,
                            QByteArray doc)
{
    m_used.insert(name);
    m_graph.inputs.push_back(ValueInfo{name, type, std::move(shape), std::move(doc)});
}

void GraphBuilder::addOutput(const QByteArray &name,
                             DataType type,
                             std::vector<std::int64_t> shape,
                             QByteArray doc)
{
    m_used.insert(name);
    m_graph.outputs.push_back(ValueInfo{name, type, std::move(shape), std::move(doc)});
}

QByteArray GraphBuilder::constDoubles(const QByteArray &hint,
                                      std::vector<double> values,
                                      std::vector<std::int64_t> dims)
{
    Tensor t;
    t.name = unique(hint);
    t.type = DataType::Double;
    t.dims = std::move(dims);
    t.doubles = std::move(values);
    m_graph.initializers.push_back(std::move(t));
    return m_graph.initializers.back().name;
}

QByteArray GraphBuilder::constFloats(const QByteArray &hint,
                                     std::vector<float> values,
                                     std::vector<std::int64_t> dims)
{
    Tensor t;
    t.name = unique(hint);
    t.type = DataType::Float;
    t.dims = std::move(dims);
    t.floats = std::move(values);
    m_graph.initializers.push_back(std::move(t));
    return m_graph.initializers.back().name;
}

QByteArray GraphBuilder::constInts(const QByteArray &hint,
                                   std::vector<std::int64_t> values,
                                   std::vector<std::int64_t> dims)
{
    Tensor t;
    t.name = unique(hint);
    t.type = DataType::Int64;
    t.dims = std::move(dims);
    t.ints = std::move(values);
    m_graph.initializers.push_back(std::move(t));
    return m_graph.initializers.back().name;
}

QByteArray GraphBuilder::constStrings(const QByteArray &hint,
                                      std::vector<QByteArray> values,
                                      std::vector<std::int64_t> dims)
{
    Tensor t;
    t.name = unique(hint);
    t.type = DataType::String;
    t.dims = std::move(dims);
    t.strings = std::move(values);
    m_graph.initializers.push_back(std::move(t));
    return m_graph.initializers.back().name;
}

QByteArray GraphBuilder::scalar(const QByteArray &hint, double value)
{
    return constDoubles(hint, {value}, {});
}

QByteArray GraphBuilder::op(const QByteArray &opType,
                            std::vector<QByteArray> inputs,
                            std::vector<Attribute> attributes,
                            const QByteArray &hint,
                            const QByteArray &domain,
                            const QByteArray &output)
{
    Node n;
    n.opType = opType;
    n.domain = domain;
    n.inputs = std::move(inputs);
    n.attributes = std::move(attributes);
    const QByteArray out = output.isEmpty() ? unique(hint.isEmpty() ? opType.toLower() : hint)
                                            : output;
    m_used.insert(out);
    n.outputs.push_back(out);
    n.name = unique("node_" + out);
    m_graph.nodes.push_back(std::move(n));
    return out;
}

QByteArray GraphBuilder::cast(const QByteArray &x, DataType to, const QByteArray &output)
{
    return op("Cast", {x}, {Attribute::makeInt("to", std::int64_t(to))}, "cast", {}, output);
}

QByteArray GraphBuilder::concat(const std::vector<QByteArray> &parts, std::int64_t axis)
{
    if (parts.size() == 1)
        return parts.front();
    return op("Concat", parts, {Attribute::makeInt("axis", axis)});
}

QByteArray GraphBuilder::columns(const QByteArray &x, const std::vector<std::int64_t> &indices)
{
    const QByteArray idx = constInts("columns", indices, {std::int64_t(indices.size())});
    return op("Gather", {x, idx}, {Attribute::makeInt("axis", 1)});
}

QByteArray GraphBuilder::argMax(const QByteArray &x, const QByteArray &output)
{
    return argExtreme("ArgMax", x, output);
}

QByteArray GraphBuilder::argMin(const QByteArray &x, const QByteArray &output)
{
    return argExtreme("ArgMin", x, output);
}

QByteArray GraphBuilder::argExtreme(const QByteArray &opType,
                                    const QByteArray &x,
                                    const QByteArray &output)
{
    // The first extreme on ties (select_last_index = 0), as Eigen's maxCoeff and numpy's argmax.
    return op(opType,
              {x},
              {Attribute::makeInt("axis", 1),
               Attribute::makeInt("keepdims", 0),
               Attribute::makeInt("select_last_index", 0)},
              opType.toLower(),
              {},
              output);
}

QByteArray GraphBuilder::reduceSumLast(const QByteArray &x)
{
    // ReduceSum takes its axes as an input since opset 13.
    const QByteArray axes = constInts("axes", {-1}, {1});
    return op("ReduceSum", {x, axes}, {Attribute::makeInt("keepdims", 0)});
}

} // namespace fb::onnx
