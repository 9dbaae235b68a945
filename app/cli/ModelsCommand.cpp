// flowbench-cli models: the model registry of a run store (see docs/registry.md).

#include "CliCommon.h"

#include "export/OnnxExport.h"
#include "model/ModelFile.h"
#include "store/ModelRegistry.h"
#include "store/RunStore.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonObject>
#include <QSaveFile>

namespace fb {

namespace {

const char *const modelsUsage
    = "Manages the model registry of a run store.\n\n"
      "  models list                               registered models\n"
      "  models show NAME[/VERSION|@ALIAS]         a model and its versions, or one version\n"
      "  models register MODEL.fbm --name NAME [--description D] [--tag KEY=VALUE]... "
      "[--alias A]...\n"
      "  models alias NAME VERSION ALIAS           point ALIAS at VERSION (creates or moves it)\n"
      "  models export NAME/VERSION|NAME@ALIAS -o FILE [--format fbm|onnx]\n"
      "  models delete NAME[/VERSION] --yes        delete a version or a whole model\n\n"
      "NAME alone means its newest version; NAME@latest too.\n"
      "Exit codes: 0 success, 2 invalid input or not found, 1 internal error.";

QJsonObject tagsJson(const QMap<QString, QString> &tags)
{
    QJsonObject out;
    for (auto it = tags.begin(); it != tags.end(); ++it)
        out.insert(it.key(), it.value());
    return out;
}

QJsonObject versionJson(const ModelVersion &v)
{
    return QJsonObject{{QStringLiteral("name"), v.name},
                       {QStringLiteral("version"), v.version},
                       {QStringLiteral("reference"), v.reference()},
                       {QStringLiteral("aliases"), QJsonArray::fromStringList(v.aliases)},
                       {QStringLiteral("path"), v.path},
                       {QStringLiteral("sha256"), v.sha256},
                       {QStringLiteral("size"), v.size},
                       {QStringLiteral("source"), v.source},
                       {QStringLiteral("description"), v.description},
                       {QStringLiteral("tags"), tagsJson(v.tags)},
                       {QStringLiteral("run_id"), v.runId},
                       {QStringLiteral("node_id"), v.nodeId},
                       {QStringLiteral("pipeline_hash"), v.pipelineHash},
                       {QStringLiteral("data_hash"), v.dataHash},
                       {QStringLiteral("algorithm"), v.algorithm},
                       {QStringLiteral("task"), v.task},
                       {QStringLiteral("metrics"), v.metrics},
                       {QStringLiteral("created_ms"), v.createdMs}};
}

QJsonObject modelJson(const RegisteredModel &m)
{
    QJsonObject aliases;
    for (auto it = m.aliases.begin(); it != m.aliases.end(); ++it)
        aliases.insert(it.key(), it.value());
    return QJsonObject{{QStringLiteral("name"), m.name},
                       {QStringLiteral("description"), m.description},
                       {QStringLiteral("latest_version"), m.latestVersion},
                       {QStringLiteral("version_count"), m.versionCount},
                       {QStringLiteral("aliases"), aliases},
                       {QStringLiteral("tags"), tagsJson(m.tags)},
                       {QStringLiteral("created_ms"), m.createdMs},
                       {QStringLiteral("updated_ms"), m.updatedMs}};
}

QString metricsText(const QJsonObject &metrics)
{
    QStringList parts;
    for (auto it = metrics.begin(); it != metrics.end(); ++it)
        parts.append(QStringLiteral("%1=%2").arg(it.key(),
                                                 it.value().isDouble()
                                                     ? QString::number(it.value().toDouble(), 'g', 6)
                                                     : QStringLiteral("null")));
    return parts.isEmpty() ? QStringLiteral("-") : parts.join(QStringLiteral(", "));
}

void printVersion(const ModelVersion &v)
{
    QString text = QStringLiteral("%1%2\n").arg(v.reference(),
                                                v.aliases.isEmpty()
                                                    ? QString()
                                                    : QStringLiteral("  @")
                                                          + v.aliases.join(QStringLiteral(" @")));
    const auto line = [&](const char *label, const QString &value) {
        if (!value.isEmpty())
            text += QStringLiteral("  %1 %2\n").arg(QLatin1String(label), -14).arg(value);
    };
    line("algorithm:",
         v.algorithm + (v.task.isEmpty() ? QString() : QStringLiteral(" (") + v.task + u')'));
    line("description:", v.description);
    line("file:", QDir::toNativeSeparators(v.path));
    line("sha256:", v.sha256);
    line("registered:", formatTime(v.createdMs));
    line("from:", QDir::toNativeSeparators(v.source));
    line("run:", v.runId + (v.nodeId.isEmpty() ? QString() : QStringLiteral(" node ") + v.nodeId));
    line("pipeline hash:", v.pipelineHash);
    line("data hash:", v.dataHash);
    line("metrics:", metricsText(v.metrics));
    QStringList tags;
    for (auto it = v.tags.begin(); it != v.tags.end(); ++it)
        tags.append(it.key() + u'=' + it.value());
    line("tags:", tags.join(QStringLiteral(", ")));
    printOut(text);
}

QMap<QString, QString> parseTags(const QStringList &values)
{
    QMap<QString, QString> tags;
    for (const QString &t : values) {
        const qsizetype eq = t.indexOf(u'=');
        if (eq <= 0)
            throw CliError{QStringLiteral("--tag '%1': expected KEY=VALUE").arg(t)};
        tags.insert(t.left(eq).trimmed(), t.mid(eq + 1));
    }
    return tags;
}

int parseVersion(const QString &text)
{
    bool ok = false;
    const int v = text.toInt(&ok);
    if (!ok || v <= 0)
        throw CliError{QStringLiteral("'%1' is not a version number (1, 2, ...)").arg(text)};
    return v;
}

void expectArgs(const QStringList &args, qsizetype count, const QString &usage)
{
    if (args.size() != count)
        throw CliError{QStringLiteral("usage: flowbench-cli models %1").arg(usage)};
}

} // namespace

int modelsCommand(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.addPositionalArgument(QStringLiteral("ACTION"),
                                 QStringLiteral("list, show, register, alias, export or delete."));
    parser.addOption({QStringLiteral("json"), QStringLiteral("Print JSON.")});
    parser.addOption({QStringLiteral("name"),
                      QStringLiteral("register: the model's name."),
                      QStringLiteral("NAME")});
    parser.addOption({QStringLiteral("description"),
                      QStringLiteral("register: description of the version (and of the model "
                                     "when it is new)."),
                      QStringLiteral("TEXT")});
    parser.addOption({QStringLiteral("tag"),
                      QStringLiteral("register: a version tag (repeatable)."),
                      QStringLiteral("KEY=VALUE")});
    parser.addOption({QStringLiteral("alias"),
                      QStringLiteral("register: set this alias to the new version (repeatable)."),
                      QStringLiteral("ALIAS")});
    parser.addOption({{QStringLiteral("o"), QStringLiteral("output")},
                      QStringLiteral("export: the file to write (atomically)."),
                      QStringLiteral("FILE")});
    parser.addOption({QStringLiteral("format"),
                      QStringLiteral("export: fbm (the model file, default) or onnx."),
                      QStringLiteral("fbm|onnx")});
    parser.addOption({QStringLiteral("yes"), QStringLiteral("delete: really delete.")});
    addStoreOption(parser);
    parseCommand(parser, arguments, QString::fromUtf8(modelsUsage));

    const QStringList args = parser.positionalArguments();
    const QString action = args.value(0);
    const bool json = parser.isSet(QStringLiteral("json"));
    if (action.isEmpty())
        throw CliError{QStringLiteral("models: expected an action (list, show, register, alias, "
                                      "export, delete)\nTry 'flowbench-cli models --help'.")};
    static const QStringList actions = {QStringLiteral("list"),
                                        QStringLiteral("show"),
                                        QStringLiteral("register"),
                                        QStringLiteral("alias"),
                                        QStringLiteral("export"),
                                        QStringLiteral("delete")};
    if (!actions.contains(action))
        throw CliError{QStringLiteral("models: unknown action '%1' (expected %2)")
                           .arg(action, actions.join(QStringLiteral(", ")))};

    const std::unique_ptr<RunStore> store = openStore(parser);
    ModelRegistry registry(*store);
    QString error;

    if (action == u"list") {
        expectArgs(args, 1, QStringLiteral("list"));
        const QList<RegisteredModel> models = registry.listModels(&error);
        if (!error.isEmpty())
            throw CliError{error, ExitInternal};
        if (json) {
            QJsonArray out;
            for (const RegisteredModel &m : models)
                out.append(modelJson(m));
            printJson(out);
            return ExitOk;
        }
        if (models.isEmpty()) {
            printOut(QStringLiteral("No registered models in %1.\n").arg(store->path()));
            return ExitOk;
        }
        QString text = QStringLiteral("%1 %2 %3 %4 %5\n")
                           .arg(QStringLiteral("NAME"), -24)
                           .arg(QStringLiteral("LATEST"), -7)
                           .arg(QStringLiteral("VERSIONS"), -9)
                           .arg(QStringLiteral("UPDATED"), -20)
                           .arg(QStringLiteral("ALIASES"));
        for (const RegisteredModel &m : models) {
            QStringList aliases;
            for (auto it = m.aliases.begin(); it != m.aliases.end(); ++it)
                aliases.append(QStringLiteral("%1=%2").arg(it.key()).arg(it.value()));
            text += QStringLiteral("%1 %2 %3 %4 %5\n")
                        .arg(m.name, -24)
                        .arg(m.latestVersion, -7)
                        .arg(m.versionCount, -9)
                        .arg(formatTime(m.updatedMs), -20)
                        .arg(aliases.isEmpty() ? QStringLiteral("-") : aliases.join(u' '));
        }
        printOut(text);
        return ExitOk;
    }

    if (action == u"show") {
        expectArgs(args, 2, QStringLiteral("show NAME[/VERSION|@ALIAS]"));
        const QString ref = args[1];
        if (!ref.contains(u'/') && !ref.contains(u'@')) {
            const std::optional<RegisteredModel> m = registry.model(ref, &error);
            if (!m)
                throw CliError{error};
            const QList<ModelVersion> versions = registry.versions(ref, &error);
            if (!error.isEmpty())
                throw CliError{error, ExitInternal};
            if (json) {
                QJsonObject out = modelJson(*m);
                QJsonArray list;
                for (const ModelVersion &v : versions)
                    list.append(versionJson(v));
                out.insert(QStringLiteral("versions"), list);
                printJson(out, {QStringLiteral("name")});
                return ExitOk;
            }
            printOut(QStringLiteral("%1: %2 version(s), latest %3%4\n")
                         .arg(m->name)
                         .arg(m->versionCount)
                         .arg(m->latestVersion)
                         .arg(m->description.isEmpty() ? QString()
                                                       : QStringLiteral(" - ") + m->description));
            for (const ModelVersion &v : versions)
                printVersion(v);
            return ExitOk;
        }
        const std::optional<ModelVersion> v = registry.resolve(ref, &error);
        if (!v)
            throw CliError{error};
        if (json)
            printJson(versionJson(*v), {QStringLiteral("name"), QStringLiteral("version")});
        else
            printVersion(*v);
        return ExitOk;
    }

    if (action == u"register") {
        expectArgs(args, 2, QStringLiteral("register MODEL.fbm --name NAME"));
        RegisterOptions options;
        options.name = parser.value(QStringLiteral("name"));
        if (options.name.isEmpty())
            throw CliError{QStringLiteral("models register: --name NAME is required")};
        options.description = parser.value(QStringLiteral("description"));
        options.tags = parseTags(parser.values(QStringLiteral("tag")));
        options.aliases = parser.values(QStringLiteral("alias"));
        const std::optional<ModelVersion> v = registry.registerModel(args[1], options, &error);
        if (!v)
            throw CliError{error};
        if (json)
            printJson(versionJson(*v), {QStringLiteral("name"), QStringLiteral("version")});
        else
            printOut(QStringLiteral("registered %1 as %2\n").arg(args[1], v->reference()));
        return ExitOk;
    }

    if (action == u"alias") {
        expectArgs(args, 4, QStringLiteral("alias NAME VERSION ALIAS"));
        const int version = parseVersion(args[2]);
        if (!registry.setAlias(args[1], args[3], version, &error))
            throw CliError{error};
        printOut(QStringLiteral("%1@%2 -> %1/%3\n").arg(args[1], args[3]).arg(version));
        return ExitOk;
    }

    if (action == u"export") {
        expectArgs(args,
                   2,
                   QStringLiteral("export NAME/VERSION|NAME@ALIAS -o FILE [--format fbm|onnx]"));
        const QString output = parser.value(QStringLiteral("output"));
        if (output.isEmpty())
            throw CliError{QStringLiteral("models export: -o FILE is required")};
        const QString format = parser.isSet(QStringLiteral("format"))
                                   ? parser.value(QStringLiteral("format")).toLower()
                                   : QStringLiteral("fbm");
        if (format != u"fbm" && format != u"onnx")
            throw CliError{QStringLiteral("--format '%1': expected fbm or onnx")
                               .arg(parser.value(QStringLiteral("format")))};
        const std::optional<ModelVersion> v = registry.resolve(args[1], &error);
        if (!v)
            throw CliError{error};
        // Through the shared resolver: it checks the copy against its recorded sha256.
        const QString file = resolveModelReference(v->reference(), *store, &error);
        if (file.isEmpty())
            throw CliError{error};
        if (format == u"fbm") {
            QFile in(file);
            if (!in.open(QIODevice::ReadOnly))
                throw CliError{QStringLiteral("%1: %2").arg(file, in.errorString()), ExitInternal};
            const QByteArray bytes = in.readAll();
            QSaveFile out(output);
            if (!out.open(QIODevice::WriteOnly) || out.write(bytes) != bytes.size() || !out.commit())
                throw CliError{QStringLiteral("cannot write %1: %2").arg(output, out.errorString()),
                               ExitInternal};
        } else {
            const ModelPtr model = ModelFile::load(file, &error);
            if (!model)
                throw CliError{error};
            if (!exportOnnx(*model, output, &error))
                throw CliError{QStringLiteral("%1: %2").arg(v->reference(), error)};
        }
        printErr(QStringLiteral("exported %1 to %2 (%3)\n")
                     .arg(v->reference(),
                          QDir::toNativeSeparators(QFileInfo(output).absoluteFilePath()),
                          format));
        return ExitOk;
    }

    // delete
    expectArgs(args, 2, QStringLiteral("delete NAME[/VERSION] --yes"));
    if (!parser.isSet(QStringLiteral("yes")))
        throw CliError{QStringLiteral("models delete %1: add --yes to really delete (the "
                                      "registry's copies of the files are removed too)")
                           .arg(args[1])};
    const QString ref = args[1];
    const qsizetype slash = ref.indexOf(u'/');
    if (slash >= 0) {
        const QString name = ref.left(slash);
        const int version = parseVersion(ref.mid(slash + 1));
        if (!registry.deleteVersion(name, version, &error))
            throw CliError{error};
        printOut(QStringLiteral("deleted %1/%2\n").arg(name).arg(version));
    } else {
        if (ref.contains(u'@'))
            throw CliError{
                QStringLiteral("models delete: give NAME or NAME/VERSION, not an alias")};
        if (!registry.deleteModel(ref, &error))
            throw CliError{error};
        printOut(QStringLiteral("deleted %1 and all its versions\n").arg(ref));
    }
    return ExitOk;
}

} // namespace fb
