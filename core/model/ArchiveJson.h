#pragma once

#include <ml/common/Archive.h>

#include <QJsonObject>

namespace fb {

// Converts core/ml's Archive to JSON and back, losslessly. Scalars are JSON numbers/strings;
// arrays are tagged objects so their type survives: {"f64": [...]}, {"i64": [...]},
// {"str": [...]}, {"matrix": [rows, cols], "f64": [...]}, {"sections": [...]}. Arrays longer
// than 64 numbers are stored as base64 of little-endian doubles ("f64_b64"), which is exact and
// about 3x smaller than decimal text.
QJsonObject archiveToJson(const ml::Archive &archive);
ml::Archive archiveFromJson(const QJsonObject &json); // throws ml::ArchiveError

} // namespace fb
