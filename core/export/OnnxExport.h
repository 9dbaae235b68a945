#pragma once

#include "model/Model.h"

#include <QByteArray>
#include <QString>

namespace fb {

struct OnnxExportOptions
{
    // Numeric inputs (and probabilities/values) as float, the ONNX convention (skl2onnx's);
    // true makes them double, which reproduces Flowbench's predictions to rounding error even
    // where float inputs can change them (neighbours at nearly equal distance, values at a
    // tree threshold). The graph computes in double either way.
    bool doubleInputs = false;
};

// Exports a model and its fitted preprocessing as one ONNX graph (opset 17 + ai.onnx.ml 3) that
// predicts from the raw columns. Inputs: one float tensor "input" [N, p] with the columns in
// the model's input order when every input is numeric; otherwise one tensor per raw column,
// named after it, [N, 1], float for numeric and string for categorical columns (an empty
// string is a missing value). Outputs: classifiers "label" [N] (int64 when every class label is
// an integer, else string) and "probabilities" [N, K]; regressors "variable" [N, 1]; k-means
// "label" [N] and "scores" [N, K] (distances to the centres). docs/onnx.md lists the models and
// steps that export. Written atomically; false and *error (naming the step or algorithm that
// cannot be expressed) otherwise.
bool exportOnnx(const Model &model, const QString &path, QString *error);
bool exportOnnx(const Model &model,
                const QString &path,
                const OnnxExportOptions &options,
                QString *error);

// The serialised ModelProto; empty and *error when the model cannot be exported.
QByteArray onnxModelBytes(const Model &model, const OnnxExportOptions &options, QString *error);

} // namespace fb
