// Writing trained models to disk.

#include "BuiltinNodes.h"

#include "exec/NodeContext.h"
#include "model/ModelFile.h"
#include "pipeline/NodeRegistry.h"

#include <QFileInfo>

namespace fb {

namespace {

void runSaveModel(NodeContext &ctx)
{
    const auto model = ctx.inputAs<Model>(QStringLiteral("model"));
    QString path = ctx.paramPath(QStringLiteral("path"));
    if (path.isEmpty())
        path = ctx.artifactDir() + QStringLiteral("/model.fbm");
    if (!ctx.paramBool(QStringLiteral("overwrite")) && QFileInfo::exists(path))
        throw NodeError(QStringLiteral("%1 exists and 'overwrite' is off").arg(path));
    QString error;
    if (!ModelFile::save(*model, path, &error))
        throw NodeError(error);
    ctx.artifact(QStringLiteral("model"), path, QStringLiteral("model"));
    ctx.info(QStringLiteral("saved %1 to %2").arg(model->summary(), path));
}

} // namespace

void registerExportNodes(NodeRegistry &registry)
{
    registry.add(NodeType{
        QStringLiteral("save_model"),
        QStringLiteral("Save Model"),
        QStringLiteral("Export"),
        QStringLiteral("Writes the model with its preprocessing to a versioned .fbm file (atomically)."),
        QStringLiteral("save"),
        {{QStringLiteral("model"), PortType::Model, QStringLiteral("model to save")}},
        {},
        {
            ParamSpec::savePath(QStringLiteral("path"), QStringLiteral("Flowbench models (*.fbm)"),
                                QStringLiteral("Where to write; empty = the run's artifact folder"),
                                QString()),
            ParamSpec::boolean(QStringLiteral("overwrite"), true,
                               QStringLiteral("Replace an existing file")),
        },
        runSaveModel,
        1,
        false, // writes a file: always runs
    });
    registerRegistryNodes(registry);
}

} // namespace fb
