#pragma once

#include <QByteArray>
#include <QJsonValue>
#include <QStringList>

namespace fb {

// Writes JSON with a stable, human-friendly key order: keys listed in `leadingKeys` come first
// in that order, the rest alphabetically. Indented by two spaces, short arrays of numbers on
// one line, LF line endings and a final newline: files diff well and save -> load -> save is
// byte-identical.
QByteArray writeJson(const QJsonValue &value, const QStringList &leadingKeys = {});

// Formats a double as JSON: the shortest text that reads back to the same value.
QByteArray jsonNumber(double value);

} // namespace fb
