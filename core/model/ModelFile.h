#pragma once

#include "Model.h"

#include <QByteArray>
#include <QString>

#include <optional>

namespace fb {

// The native model file (*.fbm): JSON with "format": "flowbench.model" and a version; it holds
// the estimator, its fitted preprocessing, input schema, classes and lineage. Written
// atomically. See docs/formats.md.
class ModelFile
{
public:
    static constexpr int currentVersion = 1;
    static constexpr const char *formatName = "flowbench.model";

    static QByteArray serialize(const Model &model);
    static ModelPtr parse(const QByteArray &bytes, const QString &fileName, QString *error);
    static ModelPtr load(const QString &path, QString *error);
    static bool save(const Model &model, const QString &path, QString *error);
};

} // namespace fb
