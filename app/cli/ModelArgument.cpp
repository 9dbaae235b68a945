#include "ModelArgument.h"

#include "CliCommon.h"

#include "model/ModelFile.h"
#include "store/ModelRegistry.h"
#include "store/RunStore.h"

#include <QCommandLineParser>
#include <QFileInfo>
#include <QRegularExpression>

namespace fb {

ModelPtr loadModelArgument(const QString &argument, const QCommandLineParser &parser)
{
    const QFileInfo file(argument);
    // NAME@ALIAS, NAME/VERSION or models:/... that is not an existing file: a registry reference.
    static const QRegularExpression reference(
        QStringLiteral("^(models:/)?[A-Za-z0-9_.-]+(@[A-Za-z0-9_.-]+|/[0-9]+)$"));
    QString path = argument;
    if (!file.exists() && reference.match(argument).hasMatch()) {
        // Opening the default store would create it; a reference cannot be in a store that
        // does not exist yet.
        if (!parser.isSet(QStringLiteral("store")) && !QFileInfo::exists(RunStore::defaultPath()))
            throw CliError{QStringLiteral("%1: no such model file, and no store at %2 to look the "
                                          "registered model up in (--store)")
                               .arg(argument, RunStore::defaultPath())};
        const std::unique_ptr<RunStore> store = openStore(parser);
        QString error;
        path = resolveModelReference(argument, *store, &error);
        if (path.isEmpty())
            throw CliError{error};
    } else if (!file.exists()) {
        throw CliError{QStringLiteral("%1: no such model file").arg(argument)};
    }
    QString error;
    ModelPtr model = ModelFile::load(path, &error);
    if (!model)
        throw CliError{error};
    return model;
}

} // namespace fb
