#pragma once

#include <QByteArray>
#include <QString>

namespace fb {

// Writes `bytes` to a temporary file next to `path`, flushes it to disk and renames it over
// `path`: readers see the old file or the new one, never half of one. Creates missing parent
// folders. Returns false and sets *error (naming the file) on failure; `path` is then untouched.
bool writeFileAtomically(const QString &path, const QByteArray &bytes, QString *error);

} // namespace fb
