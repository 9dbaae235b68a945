#include "ArchiveJson.h"

#include <QJsonArray>
#include <QtEndian>

#include <cmath>
#include <cstring>
#include <limits>

namespace fb {

namespace {

constexpr size_t inlineLimit = 64;

QJsonObject encodeDoubles(const std::vector<double> &v)
{
    if (v.size() <= inlineLimit) {
        QJsonArray a;
        for (double d : v)
            a.append(d);
        return {{QStringLiteral("f64"), a}};
    }
    QByteArray bytes(qsizetype(v.size() * sizeof(double)), Qt::Uninitialized);
    for (size_t i = 0; i < v.size(); ++i)
        qToLittleEndian(v[i], bytes.data() + i * sizeof(double));
    return {{QStringLiteral("f64_b64"), QString::fromLatin1(bytes.toBase64())}};
}

std::vector<double> decodeDoubles(const QJsonObject &o, const std::string &key)
{
    std::vector<double> out;
    if (o.contains(QStringLiteral("f64_b64"))) {
        const QByteArray bytes = QByteArray::fromBase64(o.value(QStringLiteral("f64_b64")).toString().toLatin1());
        if (bytes.size() % qsizetype(sizeof(double)) != 0)
            throw ml::ArchiveError("model file: field '" + key + "' has a truncated array");
        out.resize(size_t(bytes.size()) / sizeof(double));
        for (size_t i = 0; i < out.size(); ++i)
            out[i] = qFromLittleEndian<double>(bytes.constData() + i * sizeof(double));
        return out;
    }
    for (const QJsonValue &v : o.value(QStringLiteral("f64")).toArray()) {
        if (v.isNull())
            out.push_back(std::nan("")); // JSON has no NaN; the writer uses null
        else if (!v.isDouble())
            throw ml::ArchiveError("model file: field '" + key + "' must hold numbers");
        else
            out.push_back(v.toDouble());
    }
    return out;
}

QJsonValue encode(const ml::Archive::Value &value)
{
    return std::visit(
        [](const auto &v) -> QJsonValue {
            using T = std::decay_t<decltype(v)>;
            if constexpr (std::is_same_v<T, std::int64_t>) {
                return QJsonValue(double(v));
            } else if constexpr (std::is_same_v<T, double>) {
                if (std::isfinite(v))
                    return QJsonValue(v);
                // JSON has no NaN or infinity: a tagged string keeps them.
                return QJsonObject{{QStringLiteral("double"),
                                    std::isnan(v) ? QStringLiteral("nan")
                                                  : v > 0 ? QStringLiteral("inf") : QStringLiteral("-inf")}};
            } else if constexpr (std::is_same_v<T, std::string>) {
                return QJsonValue(QString::fromStdString(v));
            } else if constexpr (std::is_same_v<T, std::vector<double>>) {
                return encodeDoubles(v);
            } else if constexpr (std::is_same_v<T, std::vector<std::int64_t>>) {
                QJsonArray a;
                for (std::int64_t i : v)
                    a.append(double(i));
                return QJsonObject{{QStringLiteral("i64"), a}};
            } else if constexpr (std::is_same_v<T, std::vector<std::string>>) {
                QJsonArray a;
                for (const std::string &s : v)
                    a.append(QString::fromStdString(s));
                return QJsonObject{{QStringLiteral("str"), a}};
            } else if constexpr (std::is_same_v<T, ml::Archive::Matrix>) {
                QJsonObject o = encodeDoubles(v.data);
                o.insert(QStringLiteral("matrix"), QJsonArray{double(v.rows), double(v.cols)});
                return o;
            } else {
                QJsonArray a;
                for (const ml::Archive &sub : v)
                    a.append(archiveToJson(sub));
                return QJsonObject{{QStringLiteral("sections"), a}};
            }
        },
        value);
}

} // namespace

QJsonObject archiveToJson(const ml::Archive &archive)
{
    QJsonObject o;
    for (const auto &[key, value] : archive.values())
        o.insert(QString::fromStdString(key), encode(value));
    return o;
}

ml::Archive archiveFromJson(const QJsonObject &json)
{
    ml::Archive a;
    for (auto it = json.begin(); it != json.end(); ++it) {
        const std::string key = it.key().toStdString();
        const QJsonValue v = it.value();
        if (v.isDouble()) {
            const double d = v.toDouble();
            if (d == std::floor(d) && std::abs(d) < 9.0e15)
                a.setInt(key, std::int64_t(d));
            else
                a.setDouble(key, d);
        } else if (v.isString()) {
            a.setString(key, v.toString().toStdString());
        } else if (v.isObject()) {
            const QJsonObject o = v.toObject();
            if (o.contains(QStringLiteral("matrix"))) {
                const QJsonArray dims = o.value(QStringLiteral("matrix")).toArray();
                ml::Archive::Matrix m;
                m.rows = std::int64_t(dims.at(0).toDouble(-1));
                m.cols = std::int64_t(dims.at(1).toDouble(-1));
                m.data = decodeDoubles(o, key);
                if (m.rows < 0 || m.cols < 0 || size_t(m.rows * m.cols) != m.data.size())
                    throw ml::ArchiveError("model file: matrix '" + key + "' has inconsistent dimensions");
                a.set(key, std::move(m));
            } else if (o.contains(QStringLiteral("double"))) {
                const QString t = o.value(QStringLiteral("double")).toString();
                a.setDouble(key, t == u"inf"    ? std::numeric_limits<double>::infinity()
                                 : t == u"-inf" ? -std::numeric_limits<double>::infinity()
                                                : std::numeric_limits<double>::quiet_NaN());
            } else if (o.contains(QStringLiteral("f64")) || o.contains(QStringLiteral("f64_b64"))) {
                a.set(key, decodeDoubles(o, key));
            } else if (o.contains(QStringLiteral("i64"))) {
                std::vector<std::int64_t> ints;
                for (const QJsonValue &e : o.value(QStringLiteral("i64")).toArray()) {
                    // Converting a double outside int64's range is UB (found by fuzz/model).
                    const double d = e.toDouble();
                    if (!(d >= -0x1p63 && d < 0x1p63) || d != std::floor(d))
                        throw ml::ArchiveError("model file: field '" + key + "' must hold integers");
                    ints.push_back(std::int64_t(d));
                }
                a.set(key, std::move(ints));
            } else if (o.contains(QStringLiteral("str"))) {
                std::vector<std::string> strs;
                for (const QJsonValue &e : o.value(QStringLiteral("str")).toArray())
                    strs.push_back(e.toString().toStdString());
                a.set(key, std::move(strs));
            } else if (o.contains(QStringLiteral("sections"))) {
                std::vector<ml::Archive> subs;
                for (const QJsonValue &e : o.value(QStringLiteral("sections")).toArray())
                    subs.push_back(archiveFromJson(e.toObject()));
                a.setArchives(key, std::move(subs));
            } else {
                throw ml::ArchiveError("model file: field '" + key + "' has an unknown encoding");
            }
        } else {
            throw ml::ArchiveError("model file: field '" + key + "' has an unsupported value");
        }
    }
    return a;
}

} // namespace fb
