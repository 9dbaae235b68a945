// Registering trained models in the run store's model registry (see docs/registry.md).

#include "BuiltinNodes.h"

#include "exec/NodeContext.h"
#include "model/ModelFile.h"
#include "pipeline/NodeRegistry.h"
#include "store/ModelRegistry.h"

namespace fb {

namespace {

// "k=v, k2=v2" -> tags; a malformed entry fails the node rather than being dropped.
QMap<QString, QString> parseTags(const QString &text)
{
    QMap<QString, QString> tags;
    for (const QString &part : text.split(u',', Qt::SkipEmptyParts)) {
        const QString entry = part.trimmed();
        if (entry.isEmpty())
            continue;
        const qsizetype eq = entry.indexOf(u'=');
        if (eq <= 0)
            throw NodeError(QStringLiteral("parameter 'tags': '%1' is not KEY=VALUE (separate "
                                           "tags with commas)")
                                .arg(entry));
        tags.insert(entry.left(eq).trimmed(), entry.mid(eq + 1).trimmed());
    }
    return tags;
}

void runRegisterModel(NodeContext &ctx)
{
    const auto model = ctx.inputAs<Model>(QStringLiteral("model"));
    RegisterOptions options;
    options.name = ctx.paramString(QStringLiteral("name")).trimmed();
    options.description = ctx.paramString(QStringLiteral("description"));
    const QString alias = ctx.paramString(QStringLiteral("alias")).trimmed();
    if (!alias.isEmpty())
        options.aliases.append(alias);
    options.tags = parseTags(ctx.paramString(QStringLiteral("tags")));
    if (const QString why = ModelRegistry::checkName(options.name); !why.isEmpty())
        throw NodeError(QStringLiteral("parameter 'name': %1").arg(why));
    if (!alias.isEmpty()) {
        if (const QString why = ModelRegistry::checkAlias(alias); !why.isEmpty())
            throw NodeError(QStringLiteral("parameter 'alias': %1").arg(why));
    }
    if (ctx.storePath().isEmpty())
        throw NodeError(QStringLiteral("this run has no run store to register the model in"));
    QString error;
    const std::optional<StoreLocation> location = StoreLocation::parse(ctx.storePath(), &error);
    if (!location)
        throw NodeError(error);

    // The registry copies from a file: the run's own copy is kept as the version's source.
    const QString file = ctx.artifactDir() + QStringLiteral("/model.fbm");
    if (!ModelFile::save(*model, file, &error))
        throw NodeError(error);
    ctx.checkCancelled();
    const std::optional<ModelVersion> version = ModelRegistry(*location).registerModel(file,
                                                                                       options,
                                                                                       &error);
    if (!version)
        throw NodeError(error);
    ctx.artifact(QStringLiteral("model"), version->path, QStringLiteral("model"));
    ctx.info(QStringLiteral("registered %1 as %2%3")
                 .arg(model->summary(),
                      version->reference(),
                      alias.isEmpty() ? QString() : QStringLiteral(" (@") + alias + u')'));
}

} // namespace

void registerRegistryNodes(NodeRegistry &registry)
{
    registry.add(NodeType{
        QStringLiteral("register_model"),
        QStringLiteral("Register Model"),
        QStringLiteral("Export"),
        QStringLiteral("Registers the model as the next version of a named model in the run "
                       "store's registry, optionally moving an alias to it."),
        QStringLiteral("register"),
        {{QStringLiteral("model"), PortType::Model, QStringLiteral("model to register")}},
        {},
        {
            ParamSpec::string(QStringLiteral("name"),
                              QString(),
                              QStringLiteral("Registered model name (letters, digits, _ - .)")),
            ParamSpec::string(QStringLiteral("description"),
                              QString(),
                              QStringLiteral("Description of the new version")),
            ParamSpec::string(QStringLiteral("alias"),
                              QString(),
                              QStringLiteral("Alias to point at the new version, e.g. champion; "
                                             "empty = none")),
            ParamSpec::string(QStringLiteral("tags"),
                              QString(),
                              QStringLiteral("Version tags: key=value, separated by commas")),
        },
        runRegisterModel,
        1,
        false, // registers a new version each run: never served from the cache
    });
}

} // namespace fb
