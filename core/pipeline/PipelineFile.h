#pragma once

#include "PipelineData.h"

#include <QByteArray>
#include <QString>

#include <optional>

namespace fb {

// The .flow file format: JSON, {"format": "flowbench.pipeline", "version": N, ...}.
// See docs/formats.md. Saving writes a temporary file and renames it, so a crash never leaves a
// half-written pipeline; older versions are migrated on load, newer ones refused.
class PipelineFile
{
public:
    static constexpr int currentVersion = 1;
    static constexpr const char *formatName = "flowbench.pipeline";

    static QByteArray serialize(const PipelineData &pipeline);
    // `fileName` is used in messages. On failure returns nothing and sets *error to a message
    // that names the file and the place ("file.flow:12:5: ..." or "file.flow: nodes[2].type: ...").
    static std::optional<PipelineData> parse(const QByteArray &bytes,
                                             const QString &fileName,
                                             QString *error);
    static std::optional<PipelineData> load(const QString &path, QString *error);
    static bool save(const PipelineData &pipeline, const QString &path, QString *error);
};

} // namespace fb
