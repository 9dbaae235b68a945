#include "ModelArgument.h"

#include "CliCommon.h"

#include "model/ModelFile.h"

#include <QFileInfo>
#include <QRegularExpression>

namespace fb {

ModelPtr loadModelArgument(const QString &argument, const QCommandLineParser &parser)
{
    Q_UNUSED(parser); // --store, for registry references
    const QFileInfo file(argument);
    // NAME@ALIAS or NAME/VERSION that is not an existing file: a registry reference.
    static const QRegularExpression reference(QStringLiteral("^[A-Za-z0-9_.-]+(@[A-Za-z0-9_.-]+|/[0-9]+)$"));
    if (!file.exists() && reference.match(argument).hasMatch())
        throw CliError{QStringLiteral("%1: registry references need a store with a model registry").arg(argument)};
    if (!file.exists())
        throw CliError{QStringLiteral("%1: no such model file").arg(argument)};
    QString error;
    ModelPtr model = ModelFile::load(argument, &error);
    if (!model)
        throw CliError{error};
    return model;
}

} // namespace fb
