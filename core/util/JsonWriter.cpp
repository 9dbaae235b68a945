#include "JsonWriter.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QLocale>

#include <algorithm>
#include <cmath>

namespace fb {

QByteArray jsonNumber(double value)
{
    if (!std::isfinite(value))
        return "null"; // JSON has no inf/nan; readers treat null as missing
    if (value == std::floor(value) && std::abs(value) < 1e15)
        return QByteArray::number(static_cast<qint64>(value));
    return QByteArray::number(value, 'g', QLocale::FloatingPointShortest);
}

namespace {

void writeString(QByteArray &out, const QString &s)
{
    out += '"';
    const QByteArray utf8 = s.toUtf8();
    for (const char c : utf8) {
        switch (c) {
        case '"':
            out += "\\\"";
            break;
        case '\\':
            out += "\\\\";
            break;
        case '\n':
            out += "\\n";
            break;
        case '\r':
            out += "\\r";
            break;
        case '\t':
            out += "\\t";
            break;
        case '\b':
            out += "\\b";
            break;
        case '\f':
            out += "\\f";
            break;
        default:
            if (static_cast<unsigned char>(c) < 0x20) {
                char buf[8];
                std::snprintf(buf, sizeof buf, "\\u%04x", c);
                out += buf;
            } else {
                out += c;
            }
        }
    }
    out += '"';
}

bool isFlat(const QJsonArray &a)
{
    if (a.size() > 8)
        return false;
    for (const QJsonValue &v : a)
        if (v.isArray() || v.isObject() || (v.isString() && v.toString().size() > 24))
            return false;
    return true;
}

void write(QByteArray &out, const QJsonValue &v, const QStringList &leading, int depth)
{
    const QByteArray indent(2 * (depth + 1), ' ');
    const QByteArray closing(2 * depth, ' ');
    switch (v.type()) {
    case QJsonValue::Null:
    case QJsonValue::Undefined:
        out += "null";
        break;
    case QJsonValue::Bool:
        out += v.toBool() ? "true" : "false";
        break;
    case QJsonValue::Double:
        out += jsonNumber(v.toDouble());
        break;
    case QJsonValue::String:
        writeString(out, v.toString());
        break;
    case QJsonValue::Array: {
        const QJsonArray a = v.toArray();
        if (a.isEmpty()) {
            out += "[]";
        } else if (isFlat(a)) {
            out += '[';
            for (qsizetype i = 0; i < a.size(); ++i) {
                if (i)
                    out += ", ";
                write(out, a.at(i), leading, depth + 1);
            }
            out += ']';
        } else {
            out += "[\n";
            for (qsizetype i = 0; i < a.size(); ++i) {
                out += indent;
                write(out, a.at(i), leading, depth + 1);
                out += i + 1 < a.size() ? ",\n" : "\n";
            }
            out += closing + ']';
        }
        break;
    }
    case QJsonValue::Object: {
        const QJsonObject o = v.toObject();
        if (o.isEmpty()) {
            out += "{}";
            break;
        }
        QStringList keys = o.keys(); // sorted
        std::stable_sort(keys.begin(), keys.end(), [&](const QString &a, const QString &b) {
            const qsizetype ia = leading.indexOf(a), ib = leading.indexOf(b);
            if (ia < 0 || ib < 0)
                return ia >= 0 && ib < 0;
            return ia < ib;
        });
        out += "{\n";
        for (qsizetype i = 0; i < keys.size(); ++i) {
            out += indent;
            writeString(out, keys.at(i));
            out += ": ";
            write(out, o.value(keys.at(i)), leading, depth + 1);
            out += i + 1 < keys.size() ? ",\n" : "\n";
        }
        out += closing + '}';
        break;
    }
    }
}

} // namespace

QByteArray writeJson(const QJsonValue &value, const QStringList &leadingKeys)
{
    QByteArray out;
    write(out, value, leadingKeys, 0);
    out += '\n';
    return out;
}

} // namespace fb
