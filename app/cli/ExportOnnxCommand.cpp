// flowbench-cli export-onnx: writes a model with its preprocessing as one ONNX graph.

#include "CliCommon.h"
#include "ModelArgument.h"

#include "export/OnnxExport.h"

#include <QFileInfo>

namespace fb {

int exportOnnxCommand(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.addPositionalArgument(
        QStringLiteral("MODEL"),
        QStringLiteral("Model file (.fbm) or registry reference NAME@ALIAS / NAME/VERSION."));
    parser.addOption({{QStringLiteral("o"), QStringLiteral("output")},
                      QStringLiteral("The .onnx file to write (atomically)."),
                      QStringLiteral("FILE.onnx")});
    parser.addOption(
        {QStringLiteral("double"),
         QStringLiteral("Numeric inputs and outputs as double instead of float (reproduces "
                        "Flowbench's predictions to rounding error; see docs/onnx.md).")});
    addStoreOption(parser);
    parseCommand(
        parser,
        arguments,
        QStringLiteral(
            "Exports a model and its preprocessing as one ONNX graph (opset 17, ai.onnx.ml 3)\n"
            "with one input per raw column. See docs/onnx.md for what exports and the\n"
            "input/output conventions."));
    if (parser.positionalArguments().size() != 1)
        throw CliError{QStringLiteral(
            "export-onnx: expected one MODEL\nTry 'flowbench-cli export-onnx --help'.")};
    const QString output = parser.value(QStringLiteral("output"));
    if (output.isEmpty())
        throw CliError{QStringLiteral("export-onnx: -o FILE.onnx is required")};
    const QString reference = parser.positionalArguments().first();
    const ModelPtr model = loadModelArgument(reference, parser);
    QString error;
    OnnxExportOptions options;
    options.doubleInputs = parser.isSet(QStringLiteral("double"));
    if (!exportOnnx(*model, output, options, &error))
        throw CliError{QStringLiteral("%1: %2").arg(reference, error)};
    printErr(QStringLiteral("exported %1 to %2\n")
                 .arg(model->summary(), QFileInfo(output).absoluteFilePath()));
    return ExitOk;
}

} // namespace fb
