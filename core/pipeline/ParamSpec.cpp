#include "ParamSpec.h"

#include <QJsonArray>

#include <cmath>

namespace fb {

QString paramTypeName(ParamType type)
{
    switch (type) {
    case ParamType::Int:
        return QStringLiteral("int");
    case ParamType::Double:
        return QStringLiteral("double");
    case ParamType::Bool:
        return QStringLiteral("bool");
    case ParamType::String:
        return QStringLiteral("string");
    case ParamType::Choice:
        return QStringLiteral("choice");
    case ParamType::FilePath:
        return QStringLiteral("file");
    case ParamType::SavePath:
        return QStringLiteral("output file");
    case ParamType::Column:
        return QStringLiteral("column");
    case ParamType::ColumnList:
        return QStringLiteral("column list");
    }
    return {};
}

namespace {

QString jsonTypeName(const QJsonValue &v)
{
    switch (v.type()) {
    case QJsonValue::Null:
        return QStringLiteral("null");
    case QJsonValue::Bool:
        return QStringLiteral("a boolean");
    case QJsonValue::Double:
        return QStringLiteral("a number");
    case QJsonValue::String:
        return QStringLiteral("a string");
    case QJsonValue::Array:
        return QStringLiteral("a list");
    case QJsonValue::Object:
        return QStringLiteral("an object");
    case QJsonValue::Undefined:
        break;
    }
    return QStringLiteral("nothing");
}

QString number(double v)
{
    if (std::isinf(v))
        return v > 0 ? QStringLiteral("inf") : QStringLiteral("-inf");
    return QString::number(v, 'g', 12);
}

bool isIntegral(double v)
{
    return std::isfinite(v) && v == std::floor(v) && std::abs(v) < 9.0e15;
}

} // namespace

QString ParamSpec::check(const QJsonValue &value) const
{
    switch (type) {
    case ParamType::Int:
    case ParamType::Double: {
        if (!value.isDouble())
            return QStringLiteral("expected %1, got %2")
                .arg(type == ParamType::Int ? QStringLiteral("an integer") : QStringLiteral("a number"),
                     jsonTypeName(value));
        const double v = value.toDouble();
        if (type == ParamType::Int && !isIntegral(v))
            return QStringLiteral("expected an integer, got %1").arg(number(v));
        if (!std::isfinite(v))
            return QStringLiteral("expected a finite number");
        if (v < minimum || v > maximum)
            return QStringLiteral("must be between %1 and %2, got %3")
                .arg(number(minimum), number(maximum), number(v));
        return {};
    }
    case ParamType::Bool:
        return value.isBool() ? QString()
                              : QStringLiteral("expected true or false, got %1").arg(jsonTypeName(value));
    case ParamType::Choice:
        if (!value.isString())
            return QStringLiteral("expected one of %1, got %2")
                .arg(choices.join(QStringLiteral(", ")), jsonTypeName(value));
        if (!choices.contains(value.toString()))
            return QStringLiteral("expected one of %1, got '%2'")
                .arg(choices.join(QStringLiteral(", ")), value.toString());
        return {};
    case ParamType::String:
    case ParamType::FilePath:
    case ParamType::SavePath:
    case ParamType::Column:
        return value.isString() ? QString()
                                : QStringLiteral("expected a string, got %1").arg(jsonTypeName(value));
    case ParamType::ColumnList: {
        if (!value.isArray())
            return QStringLiteral("expected a list of column names, got %1").arg(jsonTypeName(value));
        const QJsonArray a = value.toArray();
        for (const QJsonValue &e : a)
            if (!e.isString())
                return QStringLiteral("expected a list of column names, found %1 in it")
                    .arg(jsonTypeName(e));
        return {};
    }
    }
    return {};
}

QJsonValue ParamSpec::parse(const QString &text, QString *error) const
{
    QJsonValue v;
    switch (type) {
    case ParamType::Int: {
        bool ok = false;
        const qlonglong i = text.trimmed().toLongLong(&ok);
        if (!ok) {
            *error = QStringLiteral("expected an integer, got '%1'").arg(text);
            return QJsonValue(QJsonValue::Undefined);
        }
        v = QJsonValue(double(i));
        break;
    }
    case ParamType::Double: {
        bool ok = false;
        const double d = text.trimmed().toDouble(&ok);
        if (!ok) {
            *error = QStringLiteral("expected a number, got '%1'").arg(text);
            return QJsonValue(QJsonValue::Undefined);
        }
        v = QJsonValue(d);
        break;
    }
    case ParamType::Bool: {
        const QString t = text.trimmed().toLower();
        if (t == u"true" || t == u"1" || t == u"yes" || t == u"on")
            v = true;
        else if (t == u"false" || t == u"0" || t == u"no" || t == u"off")
            v = false;
        else {
            *error = QStringLiteral("expected true or false, got '%1'").arg(text);
            return QJsonValue(QJsonValue::Undefined);
        }
        break;
    }
    case ParamType::ColumnList: {
        QJsonArray a;
        if (!text.trimmed().isEmpty())
            for (const QString &part : text.split(u','))
                a.append(part.trimmed());
        v = a;
        break;
    }
    default:
        v = text;
        break;
    }
    const QString reason = check(v);
    if (!reason.isEmpty()) {
        *error = reason;
        return QJsonValue(QJsonValue::Undefined);
    }
    return v;
}

QString ParamSpec::describe() const
{
    QString s = paramTypeName(type);
    if (type == ParamType::Int || type == ParamType::Double) {
        if (std::isfinite(minimum) || std::isfinite(maximum))
            s += QStringLiteral(" in [%1, %2]").arg(number(minimum), number(maximum));
    } else if (type == ParamType::Choice) {
        s += QStringLiteral(" {%1}").arg(choices.join(u'|'));
    }
    if (required())
        s += QStringLiteral(", required");
    else if (defaultValue.isString())
        s += QStringLiteral(", default '%1'").arg(defaultValue.toString());
    else if (defaultValue.isBool())
        s += QStringLiteral(", default %1").arg(defaultValue.toBool() ? u"true" : u"false");
    else if (defaultValue.isDouble())
        s += QStringLiteral(", default %1").arg(number(defaultValue.toDouble()));
    else if (defaultValue.isArray())
        s += QStringLiteral(", default [%1]").arg(defaultValue.toVariant().toStringList().join(u','));
    return s;
}

ParamSpec ParamSpec::integer(QString name, int def, int min, int max, QString doc)
{
    ParamSpec p{std::move(name), ParamType::Int, QJsonValue(def), std::move(doc)};
    p.minimum = min;
    p.maximum = max;
    return p;
}

ParamSpec ParamSpec::real(QString name, double def, double min, double max, QString doc)
{
    ParamSpec p{std::move(name), ParamType::Double, QJsonValue(def), std::move(doc)};
    p.minimum = min;
    p.maximum = max;
    return p;
}

ParamSpec ParamSpec::boolean(QString name, bool def, QString doc)
{
    return ParamSpec{std::move(name), ParamType::Bool, QJsonValue(def), std::move(doc)};
}

ParamSpec ParamSpec::string(QString name, QString def, QString doc)
{
    return ParamSpec{std::move(name), ParamType::String, QJsonValue(def), std::move(doc)};
}

ParamSpec ParamSpec::choice(QString name, QStringList choices, QString def, QString doc)
{
    ParamSpec p{std::move(name), ParamType::Choice, QJsonValue(def), std::move(doc)};
    p.choices = std::move(choices);
    return p;
}

ParamSpec ParamSpec::filePath(QString name, QString filter, QString doc, QJsonValue def)
{
    ParamSpec p{std::move(name), ParamType::FilePath, def, std::move(doc)};
    p.fileFilter = std::move(filter);
    return p;
}

ParamSpec ParamSpec::savePath(QString name, QString filter, QString doc, QJsonValue def)
{
    ParamSpec p{std::move(name), ParamType::SavePath, def, std::move(doc)};
    p.fileFilter = std::move(filter);
    return p;
}

ParamSpec ParamSpec::column(QString name, QString doc, QJsonValue def)
{
    return ParamSpec{std::move(name), ParamType::Column, def, std::move(doc)};
}

ParamSpec ParamSpec::columnList(QString name, QString doc, QJsonValue def)
{
    return ParamSpec{std::move(name), ParamType::ColumnList, def, std::move(doc)};
}

ParamSpec &&ParamSpec::makeRequired() &&
{
    defaultValue = QJsonValue(QJsonValue::Undefined);
    return std::move(*this);
}

} // namespace fb
