#pragma once

#include "OnnxGraphBuilder.h"

#include <ml/common/Estimator.h>

#include <QString>

#include <stdexcept>

// The estimator half of the ONNX exporter (OnnxExport.cpp builds the preprocessing half):
// one function per algorithm family, each appending nodes that compute from the feature
// matrix X [N, p] (double) what Flowbench's own predict computes, in double where ONNX's
// operators allow.
namespace fb::onnx {

struct ExportError : std::runtime_error
{
    explicit ExportError(const QString &message)
        : std::runtime_error(message.toStdString())
    {}
};

struct EstimatorHead
{
    enum class Kind { Probabilities, Value, Clusters };
    Kind kind = Kind::Value;
    // Probabilities: [N, K] class probabilities. Value: [N, 1]. Clusters: [N, K] squared
    // distances to the centres.
    QByteArray tensor;
    DataType type = DataType::Double; // tree ensembles give float
    std::int64_t width = 1;           // K
};

// Throws ExportError for an algorithm that ONNX cannot express (or a malformed model).
// `inputType`: the type of the graph's numeric inputs (tree splits compare in it).
EstimatorHead exportEstimator(GraphBuilder &g,
                              const ml::Estimator &estimator,
                              const QByteArray &X,
                              DataType inputType);

} // namespace fb::onnx
