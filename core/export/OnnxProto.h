#pragma once

#include <QByteArray>

#include <cstdint>
#include <utility>
#include <vector>

// A small hand-written writer for the parts of the ONNX protobuf schema (onnx/onnx.proto,
// IR version 8) that Flowbench's exporter needs: no libprotobuf, no vendored .proto. Field
// numbers are cited from onnx.proto next to each writer in OnnxProto.cpp.
namespace fb::onnx {

// TensorProto.DataType
enum class DataType : int {
    Float = 1,
    Int32 = 6,
    Int64 = 7,
    String = 8,
    Bool = 9,
    Double = 11,
};

struct Tensor
{
    QByteArray name;
    DataType type = DataType::Float;
    std::vector<std::int64_t> dims;
    std::vector<float> floats;
    std::vector<double> doubles;
    std::vector<std::int64_t> ints; // Int64 (and Bool/Int32 values)
    std::vector<QByteArray> strings;
};

struct Attribute
{
    enum class Kind { Float, Int, String, Tensor, Floats, Ints, Strings };
    QByteArray name;
    Kind kind = Kind::Int;
    float f = 0.0f;
    std::int64_t i = 0;
    QByteArray s;
    onnx::Tensor t;
    std::vector<float> floats;
    std::vector<std::int64_t> ints;
    std::vector<QByteArray> strings;

    static Attribute makeFloat(QByteArray name, float v);
    static Attribute makeInt(QByteArray name, std::int64_t v);
    static Attribute makeString(QByteArray name, QByteArray v);
    static Attribute makeTensor(QByteArray name, onnx::Tensor v);
    static Attribute makeFloats(QByteArray name, std::vector<float> v);
    static Attribute makeInts(QByteArray name, std::vector<std::int64_t> v);
    static Attribute makeStrings(QByteArray name, std::vector<QByteArray> v);
};

struct Node
{
    QByteArray opType;
    QByteArray domain; // empty = ai.onnx
    QByteArray name;
    std::vector<QByteArray> inputs;
    std::vector<QByteArray> outputs;
    std::vector<Attribute> attributes;
};

// A tensor-typed graph input or output; a dimension < 0 is symbolic ("N", the batch).
struct ValueInfo
{
    QByteArray name;
    DataType type = DataType::Float;
    std::vector<std::int64_t> shape;
    QByteArray docString;
};

struct Graph
{
    QByteArray name;
    QByteArray docString;
    std::vector<Node> nodes;
    std::vector<Tensor> initializers;
    std::vector<ValueInfo> inputs;
    std::vector<ValueInfo> outputs;
};

struct Model
{
    std::int64_t irVersion = 8;                              // ONNX 1.12: opset 17, ai.onnx.ml 3
    std::vector<std::pair<QByteArray, std::int64_t>> opsets; // domain ("" = ai.onnx), version
    QByteArray producerName;
    QByteArray producerVersion;
    QByteArray docString;
    std::int64_t modelVersion = 1;
    std::vector<std::pair<QByteArray, QByteArray>> metadata; // metadata_props
    Graph graph;
};

// The protobuf encoding of a ModelProto.
QByteArray serialize(const Model &model);

} // namespace fb::onnx
