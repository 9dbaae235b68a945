// flowbench-cli validate: checks a pipeline file without running it.

#include "CliCommon.h"

#include "pipeline/NodeRegistry.h"
#include "pipeline/Overrides.h"
#include "pipeline/PipelineFile.h"
#include "pipeline/Validation.h"

#include <QFileInfo>
#include <QJsonArray>
#include <QJsonObject>

namespace fb {

int validateCommand(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.addPositionalArgument(QStringLiteral("FILE"), QStringLiteral("Pipeline file (.flow)."));
    parser.addOption({QStringLiteral("set"),
                      QStringLiteral("Check with this parameter override too (repeatable)."),
                      QStringLiteral("ID.PARAM=VALUE")});
    parser.addOption({QStringLiteral("json"), QStringLiteral("Print the result as JSON on stdout.")});
    parseCommand(parser, arguments,
                 QStringLiteral("Checks a pipeline: file format, node types, parameters, links, cycles.\n"
                                "Exit codes: 0 valid, 2 invalid."));
    if (parser.positionalArguments().size() != 1)
        throw CliError{QStringLiteral("validate: expected one pipeline file")};
    const QString path = parser.positionalArguments().first();
    const bool json = parser.isSet(QStringLiteral("json"));

    QString error;
    std::optional<PipelineData> pipeline = PipelineFile::load(path, &error);
    QList<Problem> problems;
    if (pipeline) {
        const NodeRegistry &registry = NodeRegistry::builtin();
        const auto overrides = parseOverrides(*pipeline, registry, parser.values(QStringLiteral("set")), &error);
        if (error.isEmpty()) {
            for (auto it = overrides.begin(); it != overrides.end(); ++it)
                for (auto p = it->begin(); p != it->end(); ++p)
                    pipeline->node(pipeline->keyOf(it.key()))->params.insert(p.key(), p.value());
            problems = validatePipeline(*pipeline, registry);
        }
    }

    if (json) {
        QJsonArray list;
        if (!error.isEmpty())
            list.append(QJsonObject{{QStringLiteral("message"), error}});
        for (const Problem &p : problems)
            list.append(QJsonObject{{QStringLiteral("node"), p.nodeId},
                                    {QStringLiteral("field"), p.field},
                                    {QStringLiteral("message"), p.message}});
        QJsonObject out{{QStringLiteral("file"), QFileInfo(path).absoluteFilePath()},
                        {QStringLiteral("valid"), error.isEmpty() && problems.isEmpty()},
                        {QStringLiteral("problems"), list}};
        if (pipeline) {
            out.insert(QStringLiteral("nodes"), int(pipeline->nodes().size()));
            out.insert(QStringLiteral("links"), int(pipeline->links().size()));
        }
        printJson(out, {QStringLiteral("file"), QStringLiteral("valid")});
        return error.isEmpty() && problems.isEmpty() ? ExitOk : ExitInvalid;
    }
    if (!error.isEmpty())
        throw CliError{error};
    if (!problems.isEmpty()) {
        QString text = QStringLiteral("%1: %2 problem(s):\n").arg(path).arg(problems.size());
        for (const Problem &p : problems)
            text += QStringLiteral("  - %1\n").arg(p.toString());
        text.chop(1);
        throw CliError{text};
    }
    printOut(QStringLiteral("%1: valid (%2 nodes, %3 links)\n")
                 .arg(path).arg(pipeline->nodes().size()).arg(pipeline->links().size()));
    return ExitOk;
}

} // namespace fb
