#pragma once

#include <QByteArray>
#include <QString>

namespace fb::jsontext {

// Appends JSON text without building QJsonDocuments: the scoring server writes every response
// with these, so numbers are formatted once, without temporary strings.

// The shortest text that reads back to the same double (std::to_chars); NaN and infinities
// become null (JSON has neither; readers treat null as missing).
void appendNumber(QByteArray &out, double value);
// A quoted, escaped JSON string.
void appendString(QByteArray &out, const QString &text);
void appendString(QByteArray &out, const QByteArray &utf8);

} // namespace fb::jsontext
