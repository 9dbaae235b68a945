#pragma once

#include "model/Model.h"

#include <QString>

class QCommandLineParser;

namespace fb {

// The MODEL argument of predict, export-onnx and serve: a .fbm file, or a registry reference
// NAME@ALIAS / NAME/VERSION resolved in the store (--store). Throws CliError (exit 2) naming
// the file or reference.
ModelPtr loadModelArgument(const QString &argument, const QCommandLineParser &parser);

} // namespace fb
