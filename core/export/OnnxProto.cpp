#include "OnnxProto.h"

#include <cstring>

namespace fb::onnx {

namespace {

// Protocol buffers wire format (https://protobuf.dev/programming-guides/encoding/): each
// field is a varint key (field_number << 3 | wire_type) followed by its value.
enum WireType { Varint = 0, Fixed64 = 1, LengthDelimited = 2, Fixed32 = 5 };

class Writer
{
public:
    QByteArray bytes;

    void varint(std::uint64_t v)
    {
        while (v >= 0x80) {
            bytes.append(char((v & 0x7f) | 0x80));
            v >>= 7;
        }
        bytes.append(char(v));
    }
    void key(int field, WireType type) { varint((std::uint64_t(field) << 3) | type); }
    // int64/int32/enum fields: two's complement as a 64-bit varint (negative numbers take 10 bytes).
    void integer(int field, std::int64_t v)
    {
        key(field, Varint);
        varint(std::uint64_t(v));
    }
    void string(int field, const QByteArray &s)
    {
        key(field, LengthDelimited);
        varint(std::uint64_t(s.size()));
        bytes.append(s);
    }
    void message(int field, const Writer &w) { string(field, w.bytes); }
    void float32(int field, float f)
    {
        key(field, Fixed32);
        char b[4];
        std::memcpy(b, &f, 4); // little-endian hosts only (x86-64, arm64)
        bytes.append(b, 4);
    }
    // proto3 packs repeated scalars: one length-delimited field holding the values.
    void packedFloats(int field, const std::vector<float> &v)
    {
        if (v.empty())
            return;
        key(field, LengthDelimited);
        varint(std::uint64_t(v.size() * 4));
        bytes.append(reinterpret_cast<const char *>(v.data()), qsizetype(v.size() * 4));
    }
    void packedDoubles(int field, const std::vector<double> &v)
    {
        if (v.empty())
            return;
        key(field, LengthDelimited);
        varint(std::uint64_t(v.size() * 8));
        bytes.append(reinterpret_cast<const char *>(v.data()), qsizetype(v.size() * 8));
    }
    void packedInts(int field, const std::vector<std::int64_t> &v)
    {
        if (v.empty())
            return;
        Writer inner;
        for (std::int64_t x : v)
            inner.varint(std::uint64_t(x));
        string(field, inner.bytes);
    }
};

Writer tensor(const Tensor &t)
{
    // TensorProto: dims = 1, data_type = 2, float_data = 4, int32_data = 5, string_data = 6,
    // int64_data = 7, name = 8, double_data = 10.
    Writer w;
    w.packedInts(1, t.dims);
    w.integer(2, std::int64_t(t.type));
    switch (t.type) {
    case DataType::Float:
        w.packedFloats(4, t.floats);
        break;
    case DataType::Double:
        w.packedDoubles(10, t.doubles);
        break;
    case DataType::Int64:
        w.packedInts(7, t.ints);
        break;
    case DataType::Int32:
    case DataType::Bool: // int32_data holds int32 and bool values
        w.packedInts(5, t.ints);
        break;
    case DataType::String:
        for (const QByteArray &s : t.strings)
            w.string(6, s);
        break;
    }
    if (!t.name.isEmpty())
        w.string(8, t.name);
    return w;
}

Writer attribute(const Attribute &a)
{
    // AttributeProto: name = 1, f = 2, i = 3, s = 4, t = 5, floats = 7, ints = 8, strings = 9,
    // type = 20 (AttributeType: FLOAT = 1, INT = 2, STRING = 3, TENSOR = 4, FLOATS = 6,
    // INTS = 7, STRINGS = 8).
    Writer w;
    w.string(1, a.name);
    switch (a.kind) {
    case Attribute::Kind::Float:
        w.float32(2, a.f);
        w.integer(20, 1);
        break;
    case Attribute::Kind::Int:
        w.integer(3, a.i);
        w.integer(20, 2);
        break;
    case Attribute::Kind::String:
        w.string(4, a.s);
        w.integer(20, 3);
        break;
    case Attribute::Kind::Tensor:
        w.message(5, tensor(a.t));
        w.integer(20, 4);
        break;
    case Attribute::Kind::Floats:
        w.packedFloats(7, a.floats);
        w.integer(20, 6);
        break;
    case Attribute::Kind::Ints:
        w.packedInts(8, a.ints);
        w.integer(20, 7);
        break;
    case Attribute::Kind::Strings:
        for (const QByteArray &s : a.strings)
            w.string(9, s);
        w.integer(20, 8);
        break;
    }
    return w;
}

Writer node(const Node &n)
{
    // NodeProto: input = 1, output = 2, name = 3, op_type = 4, attribute = 5, domain = 7.
    Writer w;
    for (const QByteArray &in : n.inputs)
        w.string(1, in);
    for (const QByteArray &out : n.outputs)
        w.string(2, out);
    if (!n.name.isEmpty())
        w.string(3, n.name);
    w.string(4, n.opType);
    for (const Attribute &a : n.attributes)
        w.message(5, attribute(a));
    if (!n.domain.isEmpty())
        w.string(7, n.domain);
    return w;
}

Writer valueInfo(const ValueInfo &v)
{
    // ValueInfoProto: name = 1, type = 2, doc_string = 3. TypeProto: tensor_type = 1.
    // TypeProto.Tensor: elem_type = 1, shape = 2. TensorShapeProto: dim = 1.
    // Dimension: dim_value = 1, dim_param = 2.
    Writer shape;
    for (std::int64_t d : v.shape) {
        Writer dim;
        if (d >= 0)
            dim.integer(1, d);
        else
            dim.string(2, "N");
        shape.message(1, dim);
    }
    Writer tensorType;
    tensorType.integer(1, std::int64_t(v.type));
    tensorType.message(2, shape);
    Writer type;
    type.message(1, tensorType);
    Writer w;
    w.string(1, v.name);
    w.message(2, type);
    if (!v.docString.isEmpty())
        w.string(3, v.docString);
    return w;
}

Writer graph(const Graph &g)
{
    // GraphProto: node = 1, name = 2, initializer = 5, doc_string = 10, input = 11, output = 12.
    Writer w;
    for (const Node &n : g.nodes)
        w.message(1, node(n));
    w.string(2, g.name);
    for (const Tensor &t : g.initializers)
        w.message(5, tensor(t));
    if (!g.docString.isEmpty())
        w.string(10, g.docString);
    for (const ValueInfo &v : g.inputs)
        w.message(11, valueInfo(v));
    for (const ValueInfo &v : g.outputs)
        w.message(12, valueInfo(v));
    return w;
}

} // namespace

Attribute Attribute::makeFloat(QByteArray name, float v)
{
    Attribute a;
    a.name = std::move(name);
    a.kind = Kind::Float;
    a.f = v;
    return a;
}

Attribute Attribute::makeInt(QByteArray name, std::int64_t v)
{
    Attribute a;
    a.name = std::move(name);
    a.kind = Kind::Int;
    a.i = v;
    return a;
}

Attribute Attribute::makeString(QByteArray name, QByteArray v)
{
    Attribute a;
    a.name = std::move(name);
    a.kind = Kind::String;
    a.s = std::move(v);
    return a;
}

Attribute Attribute::makeTensor(QByteArray name, onnx::Tensor v)
{
    Attribute a;
    a.name = std::move(name);
    a.kind = Kind::Tensor;
    a.t = std::move(v);
    return a;
}

Attribute Attribute::makeFloats(QByteArray name, std::vector<float> v)
{
    Attribute a;
    a.name = std::move(name);
    a.kind = Kind::Floats;
    a.floats = std::move(v);
    return a;
}

Attribute Attribute::makeInts(QByteArray name, std::vector<std::int64_t> v)
{
    Attribute a;
    a.name = std::move(name);
    a.kind = Kind::Ints;
    a.ints = std::move(v);
    return a;
}

Attribute Attribute::makeStrings(QByteArray name, std::vector<QByteArray> v)
{
    Attribute a;
    a.name = std::move(name);
    a.kind = Kind::Strings;
    a.strings = std::move(v);
    return a;
}

QByteArray serialize(const Model &model)
{
    // ModelProto: ir_version = 1, producer_name = 2, producer_version = 3, model_version = 5,
    // doc_string = 6, graph = 7, opset_import = 8, metadata_props = 14.
    // OperatorSetIdProto: domain = 1, version = 2. StringStringEntryProto: key = 1, value = 2.
    Writer w;
    w.integer(1, model.irVersion);
    w.string(2, model.producerName);
    w.string(3, model.producerVersion);
    w.integer(5, model.modelVersion);
    if (!model.docString.isEmpty())
        w.string(6, model.docString);
    w.message(7, graph(model.graph));
    for (const auto &[domain, version] : model.opsets) {
        Writer opset;
        opset.string(1, domain);
        opset.integer(2, version);
        w.message(8, opset);
    }
    for (const auto &[key, value] : model.metadata) {
        Writer entry;
        entry.string(1, key);
        entry.string(2, value);
        w.message(14, entry);
    }
    return w.bytes;
}

} // namespace fb::onnx
