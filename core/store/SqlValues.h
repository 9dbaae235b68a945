#pragma once

// Value conversions shared by the store's writers.

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QString>
#include <QStringList>
#include <QVariant>

namespace fb::store {

// QtSql binds a null QString as SQL NULL; the text columns are NOT NULL with '' for "none".
inline QString text(const QString &value)
{
    return value.isNull() ? QStringLiteral("") : value;
}

inline QString compactJson(const QJsonObject &object)
{
    return QString::fromUtf8(QJsonDocument(object).toJson(QJsonDocument::Compact));
}

inline QString compactJson(const QStringList &list)
{
    return QString::fromUtf8(
        QJsonDocument(QJsonArray::fromStringList(list)).toJson(QJsonDocument::Compact));
}

// QJsonDocument holds only arrays and objects: wrap the value in an array and strip the
// brackets to get the JSON text of a scalar.
inline QString jsonValueText(const QJsonValue &value)
{
    const QByteArray text = QJsonDocument(QJsonArray{value}).toJson(QJsonDocument::Compact);
    return QString::fromUtf8(text.mid(1, text.size() - 2));
}

inline QStringList stringListFromJson(const QString &json)
{
    QStringList out;
    for (const QJsonValue &v : QJsonDocument::fromJson(json.toUtf8()).array())
        out.append(v.toString());
    return out;
}

inline QVariant nullable(bool present, qint64 value)
{
    return present ? QVariant(value) : QVariant();
}

} // namespace fb::store
