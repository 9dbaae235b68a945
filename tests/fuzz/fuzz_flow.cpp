// Fuzz target: the .flow pipeline loader (core/pipeline/PipelineFile) and the validation that
// runs before anything executes.
//
// Oracles: a file that loads must validate without crashing (cycles, duplicate ids, unknown
// types and parameters are reported, not fatal), and saving is a fixed point: saving what was
// loaded and loading that again gives the same bytes when saved once more.

#include "FuzzSupport.h"

#include "pipeline/NodeRegistry.h"
#include "pipeline/PipelineFile.h"
#include "pipeline/Validation.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray bytes = fbfuzz::bytes(data, size);
    QString error;
    const auto pipeline = fb::PipelineFile::parse(bytes, QStringLiteral("fuzz.flow"), &error);
    if (!pipeline) {
        fbfuzz::check(error.startsWith(QStringLiteral("fuzz.flow")), "error does not name the file", error);
        return 0;
    }
    const fb::NodeRegistry &registry = fb::NodeRegistry::builtin();
    const QList<fb::Problem> problems = fb::validatePipeline(*pipeline, registry);
    for (const fb::Problem &p : problems)
        fbfuzz::check(!p.toString().isEmpty(), "empty problem message");
    for (const fb::Node &n : pipeline->nodes())
        (void)fb::effectiveParams(n, registry);

    const QByteArray saved = fb::PipelineFile::serialize(*pipeline);
    QString again;
    const auto reloaded = fb::PipelineFile::parse(saved, QStringLiteral("saved.flow"), &again);
    fbfuzz::check(reloaded.has_value(), "a saved pipeline does not load again", again + u'\n' + QString::fromUtf8(saved));
    fbfuzz::check(fb::PipelineFile::serialize(*reloaded) == saved, "save/load/save changes the file",
                  QString::fromUtf8(saved));
    return 0;
}
